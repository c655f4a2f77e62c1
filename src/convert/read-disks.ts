/** `(device (vbd|tap|tap2 …))` → DiskModel, with every uname prefix and dev spelling xend wrote. */
import type { SxpList } from '../sxp/model.js';
import { compareDiskNames, isValidDiskTarget, parseDiskDev } from './disk-target.js';
import type { DiskModel, OsType } from './model.js';
import type { ReadContext } from './read-context.js';
import { atomVal, parseXendBool, strVal } from './sxp-values.js';
import { parseUname } from './uname.js';
import { quote } from './quote.js';

export function readDisk(ctx: ReadContext, dev: SxpList, osType: OsType): DiskModel | undefined {
  const devAtom = atomVal(dev, 'dev');
  if (!devAtom) ctx.fail('INVALID_DISK', 'disk has no `dev` (guest device name)', dev, 'Add e.g. (dev xvda) to the device block.');
  const target = parseDiskDev(devAtom.value, osType === 'pv');
  if (!isValidDiskTarget(target.name)) {
    ctx.fail(
      'INVALID_DISK',
      `disk device name ${quote(devAtom.value)} is not one xend or libxl accepts (xend itself refused it at \`xm create\`)`,
      devAtom,
      'Use xvdX (PV), hdX or sdX, optionally with a partition number, e.g. (dev xvda1).',
    );
  }
  const unameAtom = atomVal(dev, 'uname');
  const mode = strVal(dev, 'mode') ?? 'r';
  const bootable = parseXendBool(strVal(dev, 'bootable') ?? '0') ?? false;
  const device = target.cdrom ? ('cdrom' as const) : ('disk' as const);
  if (!unameAtom) {
    if (!target.cdrom) ctx.fail('INVALID_DISK', `disk ${target.name} has no \`uname\` (backing device or file)`, dev, 'Only CD-ROM drives (dev hdc:cdrom) may be empty.');
    return { target: target.name, bus: target.bus, device, bootable, pos: dev.pos, sourceType: 'file', driver: 'qemu', format: 'raw', readonly: true, shareable: false };
  }
  const parsed = parseUname(unameAtom.value);
  if (!parsed.ok) {
    if (parsed.reason === 'unsupported-format') {
      ctx.warn(
        'DISK_FORMAT_UNSUPPORTED',
        `disk ${target.name} (${unameAtom.value}) uses the blktap '${parsed.detail}' driver, which libxl cannot open; the guest loses this disk. Convert the image (qemu-img convert -O qcow2) and attach it again`,
        unameAtom,
      );
    } else if (parsed.reason === 'block-script') {
      ctx.warn(
        'DISK_BLOCK_SCRIPT',
        `disk ${target.name} (${unameAtom.value}) needs the xend hotplug script ${parsed.detail}, which libvirt's libxl driver cannot run; the guest loses this disk. Attach the device on the host and use phy:/dev/… instead`,
        unameAtom,
      );
    } else {
      ctx.fail('INVALID_DISK', parsed.detail, unameAtom);
    }
    return undefined;
  }
  // libvirt wants absolute paths; a `proto:…` source is left to the readers that build network disks (xl's rbd:).
  if ((parsed.sourceType === 'file' || parsed.sourceType === 'block') && parsed.source !== undefined && !parsed.source.startsWith('/') && !/^[a-z][a-z0-9+.-]*:/i.test(parsed.source)) {
    ctx.fail('INVALID_DISK', `disk ${target.name}: ${quote(parsed.source)} is not an absolute path, which libvirt requires`, unameAtom, 'Write the full path, e.g. file:/var/lib/xen/images/disk.img.');
  }
  if (parsed.script) {
    ctx.warn(
      'DISK_BLOCK_SCRIPT',
      `disk ${target.name} (${unameAtom.value}) used the ${parsed.script} hotplug script; it is now opened directly as ${parsed.source}, so the resource must be up (and primary) before the guest starts`,
      unameAtom,
    );
  }
  const shareable = mode.includes('!');
  if (shareable) {
    ctx.warn(
      'DISK_SHARED_WRITABLE',
      `disk ${target.name} is opened writable by several domains (mode w!); libxl has no "skip the in-use check" mode, so it is marked <shareable/> and every guest using it must run a cluster file system`,
      atomVal(dev, 'mode') ?? dev,
    );
  }
  const readonly = target.cdrom || !mode.startsWith('w');
  const discard = readDiscard(ctx, dev, target.name, readonly);
  // One literal rather than a spread of shared fields: V8 builds it in one step (the spread was the hottest line of the reader).
  return {
    target: target.name,
    bus: target.bus,
    device,
    bootable,
    pos: dev.pos,
    sourceType: parsed.sourceType,
    source: parsed.source,
    driver: parsed.driver,
    format: parsed.format,
    readonly,
    shareable,
    uname: unameAtom.value,
    discard,
  };
}

/**
 * `(discard-enable 1|0)` (written by xend builds that backported xl's disk option) →
 * `<driver discard='unmap'|'ignore'>`, which libvirt's libxl driver hands to libxl's
 * discard_enable — for writable disks only (libxl ignores it on read-only ones, and so do we).
 */
function readDiscard(ctx: ReadContext, dev: SxpList, target: string, readonly: boolean): DiskModel['discard'] {
  const a = atomVal(dev, 'discard-enable');
  if (!a) return undefined;
  const on = parseXendBool(a.value);
  if (on === undefined) {
    ctx.warn('INVALID_VALUE', `disk ${target}: discard-enable ${quote(a.value)} should be 0 or 1; libxl's default is used`, a);
    return undefined;
  }
  return readonly ? undefined : on ? 'unmap' : 'ignore';
}

/**
 * Order disks as the guest enumerates them: the bootable one first (pygrub
 * and libxl boot the first disk), then by device name. xend's file order is by
 * device class (tap before vbd), which means nothing to the guest.
 */
export function orderDisks(disks: DiskModel[], osType: OsType): DiskModel[] {
  const sorted = [...disks].sort((a, b) => compareDiskNames(a.target, b.target));
  if (osType !== 'pv') return sorted;
  const boot = sorted.findIndex((d) => d.bootable && d.device === 'disk');
  if (boot > 0) sorted.unshift(...sorted.splice(boot, 1));
  return sorted;
}
