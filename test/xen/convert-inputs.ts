/**
 * The converter's inputs for the real-Xen suites (convert-*.xen.test.ts): every fixtures/sxp
 * config and every balanced libvirt sexpr2xml corpus input, converted with our converter and
 * given a rig-unique identity — name `xr-conv-<label>`, uuid derived from that name — so they
 * never collide with another suite's domains on the shared hosts. Nothing else is changed here;
 * what the start suite substitutes (kernel, disks, memory) it says itself.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { convertSxpText, type ConversionResult } from '../../src/convert/api.js';
import type { DomainModel } from '../../src/convert/model.js';
import type { XenHost, XenRig } from '../xen-rig/xen-rig.js';
import { convertFixture, CORPUS_DIR, corpusInput, corpusNames, fixtureNames, UNBALANCED_INPUTS } from '../convert/emitted-xml.js';

export const PREFIX = 'xr-conv-';

export interface RigInput {
  label: string;
  origin: 'fixture' | 'corpus';
  result: ConversionResult;
}

/** Fixtures, then the balanced corpus inputs (absent corpus: `corpusNote` says so). */
export function rigInputs(): { inputs: RigInput[]; corpusNote?: string } {
  const inputs: RigInput[] = fixtureNames().map((n) => ({ label: n, origin: 'fixture' as const, result: convertFixture(n) }));
  if (!existsSync(CORPUS_DIR)) return { inputs, corpusNote: `SKIPPED corpus part: ${CORPUS_DIR} is absent (../shared/corpus not on this machine)` };
  for (const n of corpusNames()) {
    // The four unbalanced ones are refused with a positioned syntax error (conformance.test.ts), as xend did.
    if (UNBALANCED_INPUTS.includes(n)) continue;
    inputs.push({ label: n.replace(/^sexpr2xml-/, 'sx-'), origin: 'corpus', result: convertSxpText(corpusInput(n, false), { file: `${n}.sexpr` }) });
  }
  return { inputs };
}

/** A v4-shaped uuid from the name: stable across runs, unique per input. */
export function rigUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A copy of the model with the rig identity. */
export function onRig(m: DomainModel, label: string): DomainModel {
  const copy = structuredClone(m);
  copy.name = `${PREFIX}${label}`;
  copy.uuid = rigUuid(copy.name);
  return copy;
}

export function virsh(rig: XenRig, host: XenHost, args: string[], timeoutMs = 120_000) {
  return rig.runner.start({ uri: host.uri, args, timeoutMs }).result;
}

/** Destroy and undefine every `xr-conv-` domain on the host (ours only: the prefix is this suite's). */
export async function removeOurDomains(rig: XenRig, host: XenHost): Promise<string[]> {
  const list = await virsh(rig, host, ['list', '--all', '--name']);
  const ours = list.stdout.split('\n').map((s) => s.trim()).filter((s) => s.startsWith(PREFIX));
  for (const name of ours) {
    await virsh(rig, host, ['destroy', '--', name]);
    await virsh(rig, host, ['undefine', '--', name]);
  }
  return ours;
}
