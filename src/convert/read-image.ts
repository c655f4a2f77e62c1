/**
 * `(image (linux …))` / `(image (hvm …))` plus the XenAPI fallbacks
 * (`PV_*`, `HVM_boot_params`, `platform`): boot method, features, clock,
 * device model and the emulated devices configured there.
 */
import { firstChild } from '../sxp/key-index.js';
import { isAtom, isList, nameOf, type SxpList } from '../sxp/model.js';
import { CharDevError, parseCharDev } from './chardev.js';
import type { BootDevice, CharDevModel, ClockModel, FeaturesModel, InputModel, OsModel, OsType } from './model.js';
import type { ReadContext } from './read-context.js';
import { atomVal, dictVal, firstListItem, parseXendBool, parseXendNumber, strVal } from './sxp-values.js';

export interface ImageInfo {
  osType: OsType;
  /** The `(linux …)`/`(hvm …)` list, if any. */
  image?: SxpList;
  /** image keys first, then XenAPI `platform` (xend's own precedence). */
  get(key: string): string | undefined;
  list(key: string): SxpList | undefined;
}

export function locateImage(ctx: ReadContext, dom: SxpList): ImageInfo {
  const imageBlock = firstChild(dom, 'image');
  const image = firstListItem(imageBlock);
  const head = image && isAtom(image.items[0]) ? image.items[0].value : undefined;
  const platform = dictVal(dom, 'platform');
  let osType: OsType;
  if (head === 'hvm') osType = 'hvm';
  else if (head === 'linux') osType = 'pv';
  else {
    // No image (or a rare builder): xend decided from HVM_boot_policy.
    osType = strVal(dom, 'HVM_boot_policy') ? 'hvm' : 'pv';
    if (head !== undefined) ctx.warn('UNKNOWN_KEY', `image type '${head}' is not linux or hvm; converted as ${osType.toUpperCase()}`, image);
  }
  return {
    osType,
    image,
    get: (key) => strVal(image, key) ?? strVal(platform, key),
    list: (key) => (image && firstChild(image, key)) ?? (platform && firstChild(platform, key)),
  };
}

/** Where pygrub left the kernel it extracted: /var/lib/xen (3.0), /var/run/xend/boot (3.1–4.4). */
const PYGRUB_TEMP = /^\/var\/(lib|run)\/(xen|xend)(\/boot)?\/(boot_kernel|boot_ramdisk|vmlinuz|initrd)[.\w-]*$/;
const BOOT_LETTERS: Record<string, BootDevice> = { a: 'fd', c: 'hd', d: 'cdrom', n: 'network' };

function withArgPrefixes(args: string | undefined, root: string | undefined, ip: string | undefined): string | undefined {
  // xend: "root=R ip=I ARGS", each part only when ARGS does not set it already.
  const parts: string[] = [];
  if (root && !/(^|\s)root=/.test(args ?? '')) parts.push(`root=${root}`);
  if (ip && !/(^|\s)ip=/.test(args ?? '')) parts.push(`ip=${ip}`);
  if (parts.length === 0) return args;
  return args ? `${parts.join(' ')} ${args}` : parts.join(' ');
}

export function readOs(ctx: ReadContext, dom: SxpList, img: ImageInfo): OsModel {
  const { image } = img;
  const os: OsModel = { bootOrder: [] };
  const kernelAtom = atomVal(image, 'kernel');
  let kernel = kernelAtom?.value ?? strVal(dom, 'PV_kernel');
  let ramdisk = strVal(image, 'ramdisk') ?? strVal(dom, 'PV_ramdisk');
  const rawArgs = image ? (firstChild(image, 'args') ? strVal(image, 'args') : strVal(dom, 'PV_args')) : strVal(dom, 'PV_args');
  const args = withArgPrefixes(rawArgs, strVal(image, 'root'), strVal(image, 'ip'));
  if (img.osType === 'pv') {
    const bootloader = strVal(dom, 'bootloader') ?? strVal(dom, 'PV_bootloader');
    if (bootloader) {
      const base = bootloader.split('/').pop() ?? bootloader;
      if (base === 'pygrub') {
        // libxl finds a bare name in its own bin dir; xend's absolute path rarely exists on Xen ≥ 4.13 packaging.
        os.bootloader = 'pygrub';
      } else {
        os.bootloader = bootloader;
        ctx.warn('BOOTLOADER_UNSUPPORTED', `bootloader '${bootloader}' is not pygrub; libxl runs it only if it exists on the new host and speaks pygrub's protocol`, atomVal(dom, 'bootloader') ?? atomVal(dom, 'PV_bootloader'));
      }
      const bargs = strVal(dom, 'bootloader_args') ?? strVal(dom, 'PV_bootloader_args');
      if (bargs) os.bootloaderArgs = bargs;
      if (kernel && PYGRUB_TEMP.test(kernel)) {
        ctx.warn('PYGRUB_STALE_KERNEL', `kernel ${kernel} is a temporary copy pygrub extracted under xend 3.0; it is dropped so pygrub boots the guest's default entry`, kernelAtom);
        kernel = undefined;
        if (ramdisk && PYGRUB_TEMP.test(ramdisk)) ramdisk = undefined;
      }
    }
    if (kernel) os.kernel = kernel;
    if (ramdisk) os.initrd = ramdisk;
    if (args) os.cmdline = args;
    if (!os.bootloader && !os.kernel) {
      ctx.fail('NO_BOOT_METHOD', 'PV guest has neither a kernel nor a bootloader', image ?? dom, 'Add (bootloader pygrub) or (image (linux (kernel /path/to/vmlinuz))).');
    }
    return os;
  }
  const loader = strVal(image, 'loader') ?? img.get('loader');
  if (loader) {
    os.loader = loader;
    if ((loader.split('/').pop() ?? '') !== 'hvmloader') {
      ctx.warn('HVM_OPTION_DROPPED', `firmware ${loader} is not used: libvirt's libxl driver always boots libxl's own hvmloader (SeaBIOS)`, atomVal(image, 'loader') ?? img.list('loader'));
    }
    if (kernel && kernel !== loader) {
      os.kernel = kernel;
      if (ramdisk) os.initrd = ramdisk;
      if (args) os.cmdline = args;
    }
  } else if (kernel) {
    // Old xend put hvmloader in `kernel`; anything else is a direct kernel boot.
    // xend resolved a bare `hvmloader` in its firmware dir; libvirt needs an absolute path.
    if ((kernel.split('/').pop() ?? '') === 'hvmloader') os.loader = kernel.startsWith('/') ? kernel : '/usr/lib/xen/boot/hvmloader';
    else {
      os.kernel = kernel;
      if (ramdisk) os.initrd = ramdisk;
      if (args) os.cmdline = args;
    }
  }
  {
    // Kept with a direct kernel too: the firmware still consults it (and libvirt would add hd).
    const order = img.get('boot') ?? strVal(dictVal(dom, 'HVM_boot_params'), 'order') ?? 'c';
    for (const ch of order) {
      const dev = BOOT_LETTERS[ch];
      if (dev && !os.bootOrder.includes(dev)) os.bootOrder.push(dev);
    }
    if (os.bootOrder.length === 0) os.bootOrder.push('hd');
  }
  return os;
}

export function readFeatures(ctx: ReadContext, img: ImageInfo): FeaturesModel {
  const flag = (k: string): boolean | undefined => {
    const v = img.get(k);
    if (v === undefined) return undefined;
    const b = parseXendBool(v);
    if (b === undefined) ctx.warn('INVALID_VALUE', `\`${k}\` should be 0 or 1, found '${v}'; the hypervisor default is used`, atomVal(img.image, k));
    return b;
  };
  if (img.osType !== 'hvm') return { acpi: false, apic: false, pae: false, viridian: false };
  const pae = flag('pae');
  const f: FeaturesModel = { acpi: flag('acpi') ?? false, apic: flag('apic') ?? false, pae: pae ?? false, viridian: flag('viridian') ?? false };
  // Measured on libvirt 9's libxl driver: every x86_64 HVM guest reads back with <pae/> (docs/libxl-readback.md).
  if (pae === false) ctx.warn('HVM_OPTION_DROPPED', 'pae 0 cannot be kept: libvirt turns PAE on for every x86_64 HVM guest', atomVal(img.image, 'pae') ?? img.list('pae'));
  const hap = flag('hap');
  if (hap !== undefined) f.hap = hap;
  const nested = flag('nestedhvm');
  if (nested) f.nestedHvm = true;
  return f;
}

export function readClock(ctx: ReadContext, dom: SxpList, img: ImageInfo): ClockModel {
  const local = img.get('localtime') ?? strVal(dom, 'localtime');
  const clock: ClockModel = { basis: local !== undefined && local !== '0' ? 'localtime' : 'utc' };
  if (img.osType === 'hvm') {
    const off = img.get('rtc_timeoffset');
    const n = off === undefined ? 0 : parseXendNumber(off);
    if (n === undefined) ctx.warn('INVALID_VALUE', `rtc_timeoffset '${off}' is not a number of seconds; the clock starts without offset`, atomVal(img.image, 'rtc_timeoffset'));
    clock.adjustment = n ?? 0;
    const hpet = img.get('hpet');
    if (hpet !== undefined) clock.hpet = hpet !== '0';
  }
  const tsc = img.get('tsc_mode');
  if (tsc === '1') clock.tscMode = 'emulate';
  else if (tsc === '2') clock.tscMode = 'native';
  else if (tsc === '3') clock.tscMode = 'paravirt';
  return clock;
}

/** The device model: xend always ran qemu-traditional, which modern Xen no longer ships. */
export function readEmulator(ctx: ReadContext, img: ImageInfo): string | undefined {
  const dm = img.get('device_model');
  const base = dm?.split('/').pop();
  const at = atomVal(img.image, 'device_model') ?? img.image;
  if (base === 'stubdom-dm') {
    ctx.warn('STUBDOM_DROPPED', 'the device model ran in a stub domain (stubdom-dm); libvirt runs upstream qemu in dom0 instead, which changes the guest\'s isolation', at);
  }
  if (img.osType === 'hvm') {
    ctx.warn(
      'QEMU_TRADITIONAL_REPLACED',
      'xend ran this HVM guest on qemu-xen-traditional; libxl uses upstream qemu-xen, so the emulated chipset, disk/NIC controllers and BIOS tables change (Windows may need driver and activation attention; xl\'s xend_suspend_evtchn_compat helps old PV drivers)',
      at,
    );
  }
  if (!dm || base === 'qemu-dm' || base === 'stubdom-dm') return undefined;
  return dm;
}

/** HVM `serial`: a string or a list where `none` still takes up a port. */
export function readSerials(ctx: ReadContext, img: ImageInfo): CharDevModel[] {
  if (img.osType !== 'hvm') return [];
  const node = img.list('serial')?.items[1];
  if (!node) return [];
  const specs = isAtom(node) ? [node] : node.items.filter(isAtom);
  const out: CharDevModel[] = [];
  specs.forEach((a, port) => {
    if (a.value === 'none' || a.value === '') return;
    try {
      out.push(parseCharDev(a.value, port));
    } catch (e) {
      if (e instanceof CharDevError) ctx.fail('INVALID_CHARDEV', `serial port ${port}: ${e.message}`, a);
      throw e;
    }
  });
  return out;
}

export function warnParallel(ctx: ReadContext, img: ImageInfo): void {
  const p = atomVal(img.image, 'parallel');
  if (img.osType === 'hvm' && p && p.value !== 'none') {
    ctx.warn('PARALLEL_DROPPED', `parallel port '${p.value}' dropped: libxl has no parallel ports, the guest loses LPT1`, p);
  }
}

const SOUND_MODELS = new Set(['sb16', 'es1370', 'ac97', 'ich6', 'pcspk']);

export function readSounds(ctx: ReadContext, img: ImageInfo): string[] {
  const a = atomVal(img.image, 'soundhw');
  if (img.osType !== 'hvm' || !a) return [];
  const wanted = a.value === 'all' ? ['sb16', 'es1370'] : a.value.split(',').map((s) => s.trim()).filter(Boolean);
  const out = wanted.filter((m) => {
    if (SOUND_MODELS.has(m)) return true;
    ctx.warn('SOUND_MODEL_UNKNOWN', `sound card '${m}' is not one libvirt knows; the guest loses it`, a);
    return false;
  });
  if (out.length > 1) ctx.warn('SOUND_EXTRA_IGNORED', `libxl gives a guest one sound card; only ${out[0]} will be emulated (${out.slice(1).join(', ')} ignored at start)`, a);
  return out;
}

export function readUsbInputs(ctx: ReadContext, img: ImageInfo): InputModel[] {
  if (img.osType !== 'hvm' || !img.image) return [];
  const out: InputModel[] = [];
  for (let i = 1; i < img.image.items.length; i++) {
    const item = img.image.items[i];
    if (nameOf(item) !== 'usbdevice' || !isList(item)) continue;
    const vals = isList(item.items[1]) ? item.items[1].items : item.items.slice(1);
    for (const v of vals) {
      if (!isAtom(v) || v.value === '') continue;
      if (v.value === 'tablet' || v.value === 'mouse' || v.value === 'keyboard') out.push({ type: v.value, bus: 'usb' });
      else ctx.warn('USB_DEVICE_DROPPED', `USB device '${v.value}' dropped: pass host USB devices with <hostdev type='usb'> after checking the IDs on the new host`, v);
    }
  }
  return out;
}
