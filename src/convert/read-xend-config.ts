/**
 * A parsed xend config (`config.sxp`, `xm list -l` output, `xm create` SXP) →
 * the neutral DomainModel. Legacy keys, `image` and `device` win; XenAPI keys
 * are fallbacks (xend-sxp-format §3.1).
 */
import { firstChild } from '../sxp/key-index.js';
import { isAtom, isList, nameOf, type SxpDocument, type SxpList } from '../sxp/model.js';
import type { DomainModel } from './model.js';
import type { ReadContext } from './read-context.js';
import { readAutostart, readIdentity, readLifecycle, readMemory, readVcpus } from './read-basics.js';
import { readDevices } from './read-devices.js';
import { readLegacyGraphics, readSpice } from './read-graphics.js';
import { quote } from './quote.js';
import { firstNonXmlChar } from './xml-writer.js';
import { locateImage, readClock, readEmulator, readFeatures, readOs, readSerials, readSounds, readUsbInputs, warnParallel, type ImageInfo } from './read-image.js';
import { atomVal, intVal, parseXendBool, parseXendNumber, strVal } from './sxp-values.js';
import { DROPPED_IMAGE_KEYS, IGNORED_IMAGE_KEYS, IGNORED_TOP_KEYS, READ_IMAGE_KEYS, READ_TOP_KEYS } from './xend-vocabulary.js';

/** The `(domain …)` / `(vm …)` form: xend read only the first top-level form. */
export function domainForm(ctx: ReadContext, doc: SxpDocument): SxpList {
  const forms = doc.forms;
  if (forms.length === 0) ctx.fail('CONFIG_EMPTY', 'the file holds no configuration', undefined, 'Is this a truncated config.sxp? xend would have skipped it too.');
  const first = forms[0];
  const head = isList(first) && isAtom(first.items[0]) ? first.items[0].value : undefined;
  if (!isList(first) || (head !== 'domain' && head !== 'vm')) {
    ctx.fail('CONFIG_NOT_A_DOMAIN', `expected a (domain …) form, found ${head ? `(${head} …)` : isAtom(first) ? `'${first.value}'` : 'an empty list'}`, first, 'Pass a config.sxp from /var/lib/xend/domains/<uuid>/ or `xm list -l` output.');
  }
  if (strVal(first, 'domid') === '0' || strVal(first, 'name') === 'Domain-0') {
    ctx.fail('CONFIG_IS_DOM0', 'this is the configuration of dom0 (Domain-0), which is not a guest', first, 'Plain `xm list -l` prints every domain, dom0 first: use `xm list -l NAME` or /var/lib/xend/domains/<uuid>/config.sxp.');
  }
  if (forms.length > 1) {
    ctx.warn('EXTRA_TOP_LEVEL_FORMS', `${forms.length - 1} more top-level form(s) after the domain are ignored, as xend ignored them (\`xm list -l\` without a name prints every domain: convert one per file)`, forms[1]);
  }
  return first;
}

export function readXendDomain(ctx: ReadContext, doc: SxpDocument): DomainModel {
  const dom = domainForm(ctx, doc);
  warnControlCharacters(ctx, dom, 'domain');
  warnTopLevel(ctx, dom);
  const img = locateImage(ctx, dom);
  warnImageKeys(ctx, img);
  const identity = readIdentity(ctx, dom);
  const mem = readMemory(ctx, dom);
  const cpu = readVcpus(ctx, dom, img.image);
  const devices = readDevices(ctx, dom, img.osType, img.image);
  if (devices.graphics.length === 0 && img.image) {
    const legacy = readLegacyGraphics(ctx, img.image);
    if (legacy) devices.graphics.push(legacy);
  }
  const spice = readSpice(ctx, img.get, (k) => img.list(k), img.osType === 'hvm');
  if (spice) {
    // Seen on the Xen rig: with SPICE, libvirt's libxl driver starts qemu with `-vnc none` (one display per HVM guest).
    for (const g of devices.graphics) {
      ctx.warn('GRAPHICS_EXTRA_DROPPED', `the ${g.type.toUpperCase()} display is dropped: libvirt's libxl driver gives an HVM guest with SPICE no other display`, g.pos ? { pos: g.pos } : undefined);
    }
    devices.graphics = [spice];
  }
  const os = readOs(ctx, dom, img);
  const features = readFeatures(ctx, img);
  warnParallel(ctx, img);
  const domid = atomVal(dom, 'domid');
  const autostart = readAutostart(ctx, dom);
  const clock = readClock(ctx, dom, img);
  const lifecycle = readLifecycle(ctx, dom);
  // Fields are written out rather than spread from the readers' results: spreading
  // five objects into one literal was the slowest line of the whole read path.
  const model: DomainModel = {
    name: identity.name,
    uuid: identity.uuid,
    osType: img.osType,
    memoryKiB: mem.memoryKiB,
    maxMemoryKiB: mem.maxMemoryKiB,
    vcpus: cpu.vcpus,
    autostart,
    disks: devices.disks,
    nics: devices.nics,
    hostdevs: devices.hostdevs,
    graphics: devices.graphics,
    vcpuPins: cpu.vcpuPins,
    os,
    features,
    clock,
    onPoweroff: lifecycle.onPoweroff,
    onReboot: lifecycle.onReboot,
    onCrash: lifecycle.onCrash,
    serials: readSerials(ctx, img),
    sounds: readSounds(ctx, img),
    inputs: readUsbInputs(ctx, img),
    pos: dom.pos,
  };
  if (identity.description !== undefined) model.description = identity.description;
  if (cpu.currentVcpus !== undefined) model.currentVcpus = cpu.currentVcpus;
  if (cpu.cpuset !== undefined) model.cpuset = cpu.cpuset;
  if (cpu.schedWeight !== undefined) model.schedWeight = cpu.schedWeight;
  if (cpu.schedCap !== undefined) model.schedCap = cpu.schedCap;
  const emulator = readEmulator(ctx, img);
  if (emulator) model.emulator = emulator;
  if (img.osType === 'hvm' && parseXendBool(img.get('stdvga') ?? '0')) model.stdVga = true;
  if (domid) model.domid = parseXendNumber(domid.value);
  return model;
}

/**
 * Values holding characters XML cannot carry (stray control bytes in a config xend re-saved) are
 * written with U+FFFD in their place: say so, with the position, instead of changing them silently.
 */
function warnControlCharacters(ctx: ReadContext, list: SxpList, key: string): void {
  for (let i = 1; i < list.items.length; i++) {
    const item = list.items[i];
    if (item.kind === 'list') {
      warnControlCharacters(ctx, item, nameOf(item) ?? key);
      continue;
    }
    const bad = firstNonXmlChar(item.value);
    if (bad === undefined) continue;
    const code = `U+${bad.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    ctx.warn('CONTROL_CHARACTER', `value ${quote(item.value)} of ${quote(key)} contains ${code}, which XML cannot carry: it is written as U+FFFD (the replacement character). Fix the value if it matters`, item);
  }
}

function warnTopLevel(ctx: ReadContext, dom: SxpList): void {
  for (let i = 1; i < dom.items.length; i++) {
    const node = dom.items[i];
    const key = nameOf(node);
    if (key === undefined || READ_TOP_KEYS.has(key) || IGNORED_TOP_KEYS.has(key)) continue;
    ctx.warn('UNKNOWN_KEY', `unknown key '${key}' ignored (not part of xend's vocabulary; a vendor addition?)`, node);
  }
  const pool = atomVal(dom, 'pool_name');
  if (pool && pool.value !== 'Pool-0') ctx.warn('CPUPOOL_DROPPED', `cpupool '${pool.value}' is not expressible in libvirt XML; the guest starts in Pool-0 (move it with \`xl cpupool-migrate\`)`, pool);
  const shadow = intVal(ctx, dom, 'shadow_memory');
  if (shadow) ctx.warn('SHADOW_MEMORY_AUTO', `shadow_memory ${shadow} MiB is not expressible; libxl sizes the shadow/HAP pool itself`, atomVal(dom, 'shadow_memory'));
  for (const key of ['cpuid', 'cpuid_check']) {
    const c = firstChild(dom, key);
    if (c && c.items.length > 1) ctx.warn('CPUID_DROPPED', `${key} masks are in xend's syntax and are dropped; the guest sees the host CPUID (re-create them with <cpu> features if a migration pool needs them)`, c);
  }
  for (const key of ['security', 'security_label']) {
    const c = firstChild(dom, key);
    if (c && c.items.length > 1) ctx.warn('ACM_LABEL_DROPPED', `ACM ${key} dropped: Xen removed ACM in 4.2; use FLASK/XSM <seclabel> if the guest needs mandatory access control`, c);
  }
  const backend = firstChild(dom, 'backend');
  if (backend && backend.items.length > 1) ctx.warn('DRIVER_DOMAIN_DROPPED', 'this domain served devices to others (backend); libvirt cannot declare driver domains, configure it with xl', backend);
  for (const key of ['superpages', 'memory_sharing', 'machine_address_size', 'suppress_spurious_page_faults']) {
    const a = atomVal(dom, key);
    if (a && a.value !== '0' && a.value !== 'False') ctx.warn('HVM_OPTION_DROPPED', `${key} ${a.value} has no libvirt setting and is dropped`, a);
  }
}

function warnImageKeys(ctx: ReadContext, img: ImageInfo): void {
  if (!img.image) return;
  for (let i = 1; i < img.image.items.length; i++) {
    const node = img.image.items[i];
    const key = nameOf(node);
    if (key === undefined || READ_IMAGE_KEYS.has(key) || IGNORED_IMAGE_KEYS.has(key)) continue;
    const dropped = DROPPED_IMAGE_KEYS[key];
    if (!dropped) {
      ctx.warn('UNKNOWN_KEY', `unknown image key '${key}' ignored`, node);
      continue;
    }
    const v = strVal(img.image, key) ?? '';
    if (v !== dropped.default) ctx.warn('HVM_OPTION_DROPPED', `${key} ${v} cannot be expressed in libvirt XML: ${dropped.effect}`, node);
  }
  for (const key of ['fda', 'fdb']) {
    const a = atomVal(img.image, key);
    if (a) ctx.warn('DISK_FLOPPY_DROPPED', `floppy ${key} (${a.value}) dropped: libxl has no floppy drives; attach the image as a CD-ROM or disk`, a);
  }
  if (img.get('nestedhvm') && img.get('nestedhvm') !== '0') {
    ctx.warn('HVM_OPTION_DROPPED', 'nestedhvm is not converted: add <cpu mode=\'host-passthrough\'> with the vmx/svm feature by hand if the guest runs hypervisors', atomVal(img.image, 'nestedhvm'));
  }
}
