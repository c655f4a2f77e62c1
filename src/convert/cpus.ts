/**
 * xend vCPU affinity in all its historical shapes → one cpuset or per-vCPU pins.
 *
 *   (cpus "0-3,^1")          one set for every vCPU
 *   (cpus (0 2 3))           3.1 era: flat list = one set (unless one entry per vCPU)
 *   (cpus ("0-3" "1-4"))     per vCPU strings
 *   (cpus ((0 1) (2 3)))     3.3+: per vCPU lists; `()` = no pinning for that vCPU
 */
import { isAtom, isList, type SxpNode } from '../sxp/model.js';
import type { CpuPinModel } from './model.js';

export class CpuSpecError extends Error {}

/** Evaluate xend's cpu spec (`0-3,^1,5`) left to right into a set. */
export function parseCpuSpec(spec: string): Set<number> {
  const set = new Set<number>();
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const neg = part.startsWith('^');
    const body = neg ? part.slice(1) : part;
    const m = /^(\d+)(?:-(\d+))?$/.exec(body);
    if (!m) throw new CpuSpecError(`'${part}' is not a CPU number or range`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new CpuSpecError(`range '${part}' runs backwards`);
    for (let c = lo; c <= hi; c++) {
      if (neg) set.delete(c);
      else set.add(c);
    }
  }
  return set;
}

/** Canonical libvirt cpuset text: sorted, ranges collapsed (`0-3,5`). */
export function formatCpuSet(set: Set<number>): string {
  const cpus = [...set].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j] + 1) j++;
    out.push(j > i ? `${cpus[i]}-${cpus[j]}` : `${cpus[i]}`);
    i = j + 1;
  }
  return out.join(',');
}

function setOfNode(n: SxpNode): Set<number> {
  if (isAtom(n)) return parseCpuSpec(n.value);
  const set = new Set<number>();
  for (const item of n.items) for (const c of setOfNode(item)) set.add(c);
  return set;
}

export interface Affinity {
  cpuset?: string;
  pins: CpuPinModel[];
}

/** `value` is the node after the `cpus` head. Throws {@link CpuSpecError} on malformed specs. */
export function readAffinity(value: SxpNode, vcpus: number): Affinity {
  if (isAtom(value)) {
    const set = parseCpuSpec(value.value);
    return set.size ? { cpuset: formatCpuSet(set), pins: [] } : { pins: [] };
  }
  const items = value.items;
  // A flat list with exactly one entry per vCPU is per-vCPU (xend's own rule); any other length is one shared set.
  const perVcpu = items.some(isList) || (items.length === vcpus && items.length > 1);
  if (!perVcpu) {
    const set = setOfNode(value);
    return set.size ? { cpuset: formatCpuSet(set), pins: [] } : { pins: [] };
  }
  const sets = items.slice(0, vcpus).map(setOfNode);
  const texts = sets.map(formatCpuSet);
  if (texts.length === 0 || texts.every((t) => t === '')) return { pins: [] };
  if (texts.length === vcpus && texts.every((t) => t === texts[0])) return { cpuset: texts[0], pins: [] };
  return { pins: texts.flatMap((cpuset, vcpu) => (cpuset ? [{ vcpu, cpuset }] : [])) };
}

/** Number of vCPUs online at boot from xend's `vcpu_avail` bitmask (may exceed 2^53). */
export function countAvail(mask: string, vcpus: number): { count: number; contiguous: boolean } | undefined {
  let big: bigint;
  try {
    big = BigInt(mask.trim());
  } catch {
    return undefined;
  }
  let count = 0;
  let contiguous = true;
  let seenGap = false;
  for (let i = 0; i < vcpus; i++) {
    const on = ((big >> BigInt(i)) & 1n) === 1n;
    if (on) {
      count++;
      if (seenGap) contiguous = false;
    } else seenGap = true;
  }
  return { count, contiguous };
}
