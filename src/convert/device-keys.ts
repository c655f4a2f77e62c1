/**
 * The keys xend wrote inside each `(device (<class> …))` block. A key not
 * listed is reported (UNKNOWN_KEY) with its position instead of vanishing:
 * a vendor or backport key (`discard-enable`, per-device `msitranslate`)
 * may carry a setting the admin relies on.
 */
import { nameOf, type SxpList } from '../sxp/model.js';
import type { ReadContext } from './read-context.js';
import { quote } from './quote.js';

/** XenAPI bookkeeping every device class may carry: no meaning for a definition. */
const COMMON = ['uuid', 'backend', 'other_config', 'qos_algorithm_type', 'qos_algorithm_params', 'runtime_properties', 'id', 'devid'];

const KEYS: Record<string, Set<string>> = {
  // `driver` (paravirtualised/ioemu), `protocol` (x86_32-abi…), `VDI`, `type` (Disk/CD): xend/XenAPI state.
  vbd: new Set([...COMMON, 'uname', 'dev', 'mode', 'bootable', 'discard-enable', 'driver', 'protocol', 'VDI', 'type']),
  vif: new Set([...COMMON, 'mac', 'bridge', 'script', 'ip', 'rate', 'vifname', 'model', 'type', 'accel', 'policy', 'label', 'security_label', 'network', 'MTU', 'mtu']),
  vfb: new Set([...COMMON, 'type', 'vnc', 'sdl', 'vncdisplay', 'vncunused', 'vnclisten', 'vncpasswd', 'display', 'xauthority', 'keymap', 'location']),
  pci: new Set([...COMMON, 'dev']),
  // Per function: address, guest slot, options (as `(opts …)` or, from some tools, directly).
  'pci/dev': new Set([...COMMON, 'domain', 'bus', 'slot', 'func', 'vdevfn', 'vslot', 'vslt', 'requested_vdevfn', 'key', 'opts', 'msitranslate', 'power_mgmt', 'permissive']),
  vkbd: new Set(COMMON),
  console: new Set([...COMMON, 'location', 'protocol']),
};
KEYS.tap = KEYS.vbd;
KEYS.tap2 = KEYS.vbd;

/** Warn about every key of `block` (a device block or a PCI `(dev …)`) that `kind` does not know. */
export function warnUnknownDeviceKeys(ctx: ReadContext, kind: string, block: SxpList): void {
  const known = KEYS[kind];
  if (!known) return;
  for (let i = 1; i < block.items.length; i++) {
    const node = block.items[i];
    const key = nameOf(node);
    if (key === undefined || known.has(key)) continue;
    const where = kind === 'pci/dev' ? '(pci (dev …))' : `(${kind} …)`;
    ctx.warn('UNKNOWN_KEY', `unknown key ${quote(key)} in ${where} ignored: libvirt gets no such setting; check that the guest does not rely on it`, node as SxpList);
  }
}
