/**
 * `(device (pci (dev …) (dev …)))` → one hostdev per function. xend parsed the
 * address parts as hex with or without `0x`; the virtual slot went by `vslt`,
 * `vslot` and finally `vdevfn` (0x100 = "any free slot").
 */
import { children, type SxpList } from '../sxp/model.js';
import type { PciHostdevModel } from './model.js';
import type { ReadContext } from './read-context.js';
import { atomVal, parseXendBool, strVal } from './sxp-values.js';
import { firstChild } from '../sxp/key-index.js';
import { warnUnknownDeviceKeys } from './device-keys.js';
import { quote } from './quote.js';

const AUTO_DEVFN = 0x100;

/**
 * libxl's value for options libvirt cannot set (xl.cfg: msitranslate and power_mgmt default to 0):
 * a config asking for the same changes nothing; one asking otherwise loses the setting (warned).
 */
const PCI_OPTION_DEFAULTS: Record<string, boolean> = { msitranslate: false, power_mgmt: false };
/** Options some tools wrote straight into `(dev …)` instead of `(opts …)`. */
const DIRECT_OPTIONS = ['permissive', 'msitranslate', 'power_mgmt'];

function hex(ctx: ReadContext, dev: SxpList, keys: string[], max: number): number {
  for (const key of keys) {
    const a = atomVal(dev, key);
    if (!a) continue;
    const t = a.value.trim().replace(/^0x/i, '');
    const n = /^[0-9a-f]+$/i.test(t) ? Number.parseInt(t, 16) : Number.NaN;
    if (!Number.isFinite(n) || n > max) ctx.fail('INVALID_PCI_ADDRESS', `PCI ${key} '${a.value}' is not a hex number up to 0x${max.toString(16)}`, a);
    return n;
  }
  ctx.fail('INVALID_PCI_ADDRESS', `PCI device has no \`${keys[0]}\``, dev, 'Every (dev …) needs domain, bus, slot and func.');
}

function readFunction(ctx: ReadContext, dev: SxpList): PciHostdevModel {
  const h: PciHostdevModel = {
    domain: atomVal(dev, 'domain') ? hex(ctx, dev, ['domain'], 0xffff) : 0,
    bus: hex(ctx, dev, ['bus'], 0xff),
    // Xen 2.0 style used `dev` for the slot.
    slot: hex(ctx, dev, ['slot', 'dev'], 0x1f),
    func: hex(ctx, dev, ['func'], 0x7),
    pos: dev.pos,
  };
  const label = `${h.domain.toString(16).padStart(4, '0')}:${h.bus.toString(16).padStart(2, '0')}:${h.slot.toString(16).padStart(2, '0')}.${h.func}`;
  warnUnknownDeviceKeys(ctx, 'pci/dev', dev);
  const vdevfn = atomVal(dev, 'vdevfn') ?? atomVal(dev, 'requested_vdevfn') ?? atomVal(dev, 'vslot') ?? atomVal(dev, 'vslt');
  if (vdevfn && Number.parseInt(vdevfn.value.replace(/^0x/i, ''), 16) !== AUTO_DEVFN) {
    ctx.warn('PCI_GUEST_SLOT_DROPPED', `PCI ${label} was pinned to guest slot ${vdevfn.value}; libvirt's libxl driver places it in a free slot, so the guest may see it at a different address`, vdevfn);
  }
  const options: { name: string; value: string; at: SxpList }[] = [];
  for (const opts of children(dev, 'opts')) {
    const pair = opts.items[1];
    const name = pair?.kind === 'list' && pair.items[0]?.kind === 'atom' ? pair.items[0].value : undefined;
    const value = pair?.kind === 'list' && pair.items[1]?.kind === 'atom' ? pair.items[1].value : '';
    if (name) options.push({ name, value, at: opts });
  }
  for (const name of DIRECT_OPTIONS) {
    const a = atomVal(dev, name);
    if (a) options.push({ name, value: a.value, at: firstChild(dev, name) as SxpList });
  }
  for (const { name, value, at } of options) {
    if (name === 'permissive') h.permissive = parseXendBool(value) ?? false;
    else if (name in PCI_OPTION_DEFAULTS && parseXendBool(value) === PCI_OPTION_DEFAULTS[name]) continue;
    else ctx.warn('PCI_OPTION_DROPPED', `PCI ${label}: option ${quote(name)}=${quote(value)} has no libvirt setting and is dropped (libxl uses its default: off)`, at);
  }
  return h;
}

export function readPci(ctx: ReadContext, pci: SxpList): PciHostdevModel[] {
  const devs = children(pci, 'dev');
  if (devs.length > 0) warnUnknownDeviceKeys(ctx, 'pci', pci);
  // Xen 2.0 wrote one function per block with the address at top level.
  if (devs.length === 0 && strVal(pci, 'bus') !== undefined) return [readFunction(ctx, pci)];
  return devs.map((d) => readFunction(ctx, d));
}
