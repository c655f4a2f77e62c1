/**
 * The device lists of an xm/xl config (`vif`, `pci`, `vfb`, `vtpm`, `vscsi`,
 * `ioports`, `irqs`) → the `(device (…))` blocks xm create built from them.
 */
import type { SourcePosition } from '../errors.js';
import type { SxpList, SxpNode } from '../sxp/model.js';
import { keyValues, list, pair } from './xmcfg-sxp.js';

/** `mac=…,bridge=…,script=…,model=…,vifname=…,rate=…,ip=…,type=…`; xl's `type=vif` means a PV-only NIC. */
export function vifDevice(spec: string, pos: SourcePosition): SxpList {
  const kv = keyValues(spec);
  const items: SxpList[] = [];
  for (const [k, v] of kv) {
    if (k === 'type') {
      if (v === 'vif' || v === 'netfront') items.push(pair('type', 'netfront', pos));
      continue;
    }
    items.push(pair(k, v, pos));
  }
  return list('vif', items, pos);
}

const BDF = /^(?:([0-9a-f]{1,4}):)?([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-7])(?:@([0-9a-f]{1,2}))?$/i;

/**
 * `[DDDD:]BB:SS.F[@VSLOT][,opt=val…]` → `(pci (dev (domain …) (bus …) (slot …) (func …) (vslot …) (opts …)))`.
 * Returns undefined when the address does not parse (the caller reports it).
 */
export function pciDevice(spec: string, pos: SourcePosition, globalOpts: [string, string][]): SxpList | undefined {
  const [addr, ...rest] = spec.split(',');
  const m = BDF.exec(addr.trim());
  if (!m) return undefined;
  const items: SxpNode[] = [pair('domain', `0x${m[1] ?? '0'}`, pos), pair('bus', `0x${m[2]}`, pos), pair('slot', `0x${m[3]}`, pos), pair('func', `0x${m[4]}`, pos)];
  if (m[5]) items.push(pair('vslot', `0x${m[5]}`, pos));
  const opts = new Map(globalOpts);
  for (const [k, v] of keyValues(rest.join(','))) opts.set(k, v);
  for (const [k, v] of opts) items.push(list('opts', [pair(k, v, pos)], pos));
  return list('pci', [list('dev', items, pos)], pos);
}

/** `type=vnc,vncdisplay=1,…` or xl's `vnc=1,…`: the keys are xend's vfb keys. */
export function vfbDevice(spec: string, pos: SourcePosition): SxpList {
  return list('vfb', [...keyValues(spec)].map(([k, v]) => pair(k, v, pos)), pos);
}

/** Device classes carried only so the shared reader can warn about them (VTPM_DROPPED, VSCSI_DROPPED, …). */
export function plainDevice(cls: string, spec: string, pos: SourcePosition): SxpList {
  return list(cls, [...keyValues(spec)].map(([k, v]) => pair(k, v, pos)), pos);
}

/** `ioports = ['2f8-2ff']` → `(ioports (from 0x2f8) (to 0x2ff))`; `irqs = [3]` → `(irq (irq 3))`. */
export function ioportsDevice(spec: string, pos: SourcePosition): SxpList {
  const [from, to] = spec.split('-');
  return list('ioports', [pair('from', from, pos), pair('to', to ?? from, pos)], pos);
}

export function irqDevice(irq: string, pos: SourcePosition): SxpList {
  return list('irq', [pair('irq', irq, pos)], pos);
}
