/**
 * An xm/xl config → the `(vm …)` SXP xm create would have built from it
 * (xen/xm/create.py `make_config`), for the shared xend reader. Keys go top
 * level or into the image as xend expected them; device lists become
 * `(device …)` blocks; what has no home is warned about here, at its line.
 */
import type { SourcePosition } from '../errors.js';
import type { SxpDocument, SxpList, SxpNode } from '../sxp/model.js';
import { scalarText, settingKeys, settingValue, type XmConfig, type XmDialect, type XmValue } from '../xmcfg/model.js';
import type { ReadContext } from './read-context.js';
import { parseDiskSpec, type XlDiskExtras } from './xmcfg-disks.js';
import { ioportsDevice, irqDevice, pciDevice, plainDevice, vfbDevice, vifDevice } from './xmcfg-devices.js';
import { atom, keyValues, list, listItems, pair, valueNode } from './xmcfg-sxp.js';
import { CONSUMED_KEYS, DROPPED_KEYS, IMAGE_KEYS, TOP_KEYS, TSC_MODES } from './xmcfg-vocabulary.js';

export interface BuiltConfig {
  doc: SxpDocument;
  hvm: boolean;
  diskExtras: XlDiskExtras[];
  /** True when the config names an upstream qemu (xl, or xm with qemu-system-*): no qemu-traditional warning is due. */
  upstreamQemu: boolean;
}

const ORIGIN: SourcePosition = { line: 1, column: 1, offset: 0 };

export function buildVmSxp(ctx: ReadContext, cfg: XmConfig, dialect: XmDialect): BuiltConfig {
  const get = (k: string) => settingValue(cfg, k);
  const str = (k: string) => scalarText(get(k));
  const type = str('type') ?? str('builder');
  const hvm = type === 'hvm';
  if (type === 'pvh') ctx.warn('XMCFG_KEY_DROPPED', "type 'pvh' is converted as a PV guest: this tool writes PV and HVM domains only; change <os><type> to xenpvh by hand", at(get('type')));
  const top: SxpNode[] = [];
  const image: SxpNode[] = [];
  const devices: SxpList[] = [];
  const diskExtras: XlDiskExtras[] = [];

  for (const key of settingKeys(cfg)) {
    const v = get(key)!;
    if (v.kind === 'none') continue;
    if (TOP_KEYS.has(key)) top.push(pair(key, valueNode(v), v.pos));
    else if (IMAGE_KEYS.has(key)) image.push(pair(key, valueNode(v), v.pos));
    else if (key in DROPPED_KEYS) ctx.warn('XMCFG_KEY_DROPPED', `${key}: ${DROPPED_KEYS[key]}`, at(v));
    else if (!CONSUMED_KEYS.has(key)) ctx.warn('UNKNOWN_KEY', `unknown setting '${key}' ignored (neither xm nor xl knows it; a typo?)`, { pos: cfg.settings.find((s) => s.key === key)!.keyPos });
  }

  vcpuKeys(get('vcpus'), get('maxvcpus'), top);
  // xm called the bootloader's arguments `bootargs` (create.py); xl and xend's SXP say bootloader_args.
  const bootargs = get('bootargs');
  if (bootargs && !get('bootloader_args')) top.push(pair('bootloader_args', valueNode(bootargs), bootargs.pos));
  const pool = get('pool') ?? get('cpu_pool');
  if (pool) top.push(pair('pool_name', valueNode(pool), pool.pos));
  const sec = get('security') ?? get('access_control');
  if (sec) top.push(pair('security', valueNode(sec), sec.pos));
  const args = get('cmdline') ?? get('extra');
  if (args) image.push(pair('args', valueNode(args), args.pos));
  // xl's `cmdline` replaces root and extra altogether.
  if (get('cmdline')) removeKey(image, 'root');
  const tsc = get('tsc_mode');
  if (tsc) image.push(pair('tsc_mode', TSC_MODES[scalarText(tsc) ?? ''] ?? scalarText(tsc) ?? '', tsc.pos));
  const vga = get('vga');
  if (vga && scalarText(vga) === 'stdvga') image.push(pair('stdvga', '1', vga.pos));
  const dm = get('device_model_override') ?? get('device_model');
  if (dm) image.push(pair('device_model', valueNode(dm), dm.pos));
  const dmBase = (scalarText(dm) ?? '').split('/').pop() ?? '';
  const dmVersion = str('device_model_version');
  const upstreamQemu = dmVersion === 'qemu-xen' || dmBase.startsWith('qemu-system') || (dialect === 'xl' && dmVersion !== 'qemu-xen-traditional');
  if (hvm) {
    hvmFirmware(image, dialect);
    // xm's create.py and libxl both default these to on for HVM; xend's reader (absent = off) must be told.
    for (const k of ['acpi', 'apic', 'pae']) if (!get(k)) image.push(pair(k, '1', ORIGIN));
  }

  for (const d of listItems(get('disk'))) {
    const spec = scalarText(d);
    if (spec === undefined) continue;
    const parsed = parseDiskSpec(spec, d.pos);
    devices.push(parsed.vbd);
    if (parsed.extras) diskExtras.push(parsed.extras);
  }
  // Old HVM configs named the CD-ROM image in `cdrom`; xm made it drive hdc (unless a disk already was).
  const cdrom = get('cdrom');
  if (hvm && cdrom && scalarText(cdrom) && !devices.some((d) => /\(dev hdc/.test(sxpText(d)))) {
    const p = scalarText(cdrom)!;
    devices.push(parseDiskSpec(`${p.startsWith('/dev/') ? 'phy' : 'file'}:${p},hdc:cdrom,r`, cdrom.pos).vbd);
  }
  for (const v of listItems(get('vif'))) devices.push(vifDevice(scalarText(v) ?? '', v.pos));
  const pciGlobal = ['permissive', 'msitranslate', 'power_mgmt'].flatMap((k): [string, string][] => {
    const s = str(`pci_${k}`);
    return s === undefined ? [] : [[k, s]];
  });
  for (const p of listItems(get('pci'))) {
    const dev = pciDevice(scalarText(p) ?? '', p.pos, pciGlobal);
    if (!dev) ctx.fail('INVALID_PCI_ADDRESS', `PCI device '${scalarText(p)}' is not [DDDD:]BB:SS.F`, at(p), 'Write the host address as lspci -D prints it, e.g. 0000:01:00.0.');
    devices.push(dev);
  }
  for (const f of listItems(get('vfb'))) devices.push(vfbDevice(scalarText(f) ?? '', f.pos));
  for (const t of listItems(get('vtpm'))) devices.push(plainDevice('vtpm', scalarText(t) ?? '', t.pos));
  for (const s of listItems(get('vscsi'))) devices.push(plainDevice('vscsi', scalarText(s) ?? '', s.pos));
  for (const k of ['vusb', 'usbctrl', 'usbdev']) for (const u of listItems(get(k))) devices.push(plainDevice('vusb', scalarText(u) ?? '', u.pos));
  for (const io of listItems(get('ioports'))) devices.push(ioportsDevice(scalarText(io) ?? '', io.pos));
  for (const irq of listItems(get('irqs'))) devices.push(irqDevice(scalarText(irq) ?? '', irq.pos));

  const first = cfg.settings[0]?.keyPos ?? ORIGIN;
  const vm = list('vm', [...top, list('image', [list(hvm ? 'hvm' : 'linux', image, first)], first), ...devices.map((d) => list('device', [d], d.pos))], first);
  return { doc: cfg.file === undefined ? { forms: [vm] } : { file: cfg.file, forms: [vm] }, hvm, diskExtras, upstreamQemu };
}

/** `(vbd (dev hdc:cdrom) …)` as one line, to look for a device name. */
function sxpText(n: SxpNode): string {
  return n.kind === 'atom' ? n.value : `(${n.items.map(sxpText).join(' ')})`;
}

function at(v: XmValue | undefined): { pos: SourcePosition } | undefined {
  return v ? { pos: v.pos } : undefined;
}

/** xl/libvirt spelling `maxvcpus = 4, vcpus = 2` → xend's `vcpus 4, vcpu_avail 0b11`. */
function vcpuKeys(vcpus: XmValue | undefined, maxvcpus: XmValue | undefined, top: SxpNode[]): void {
  const n = Number(scalarText(vcpus));
  const max = Number(scalarText(maxvcpus));
  if (maxvcpus && Number.isInteger(max) && max > 0) {
    top.push(pair('vcpus', String(max), maxvcpus.pos));
    if (vcpus && Number.isInteger(n) && n > 0 && n < max && !top.some((t) => t.kind === 'list' && t.items[0].kind === 'atom' && t.items[0].value === 'vcpu_avail')) {
      top.push(pair('vcpu_avail', String((1n << BigInt(n)) - 1n), vcpus.pos));
    }
  } else if (vcpus) top.push(pair('vcpus', valueNode(vcpus), vcpus.pos));
}

function removeKey(items: SxpNode[], key: string): void {
  const i = items.findIndex((n) => n.kind === 'list' && n.items[0]?.kind === 'atom' && n.items[0].value === key);
  if (i >= 0) items.splice(i, 1);
}

/**
 * An HVM `kernel`: xm's create.py meant the firmware (hvmloader), xl means a
 * direct kernel boot. In `auto`, a kernel named hvmloader* is the firmware.
 */
function hvmFirmware(image: SxpNode[], dialect: XmDialect): void {
  const i = image.findIndex((n) => n.kind === 'list' && n.items[0]?.kind === 'atom' && n.items[0].value === 'kernel');
  if (i < 0) return;
  const node = image[i] as SxpList;
  const path = node.items[1]?.kind === 'atom' ? node.items[1].value : '';
  const isLoader = dialect === 'xm' || (dialect === 'auto' && (path.split('/').pop() ?? '').startsWith('hvmloader'));
  if (isLoader) image[i] = { ...node, items: [atom('loader', node.pos), ...node.items.slice(1)] };
}

export { keyValues };
