/**
 * DomainModel → libvirt domain XML for the libxl driver (libvirt ≥ 6, Xen ≥ 4.13).
 * Elements follow libvirt's own formatting order so that `virsh dumpxml` after
 * a define reads like our output. Devices libvirt adds by itself (memballoon,
 * xenbus controller, default mouse/keyboard, video) are left to it.
 */
import type { CharDevModel, DiskModel, DomainModel, GraphicsModel, NicModel, PciHostdevModel } from './model.js';
import { XmlElement, type XmlAttrs } from './xml-writer.js';

function leaf(parent: XmlElement, name: string, attrs: XmlAttrs = {}, text?: string): XmlElement {
  const el = parent.ele(name, attrs);
  if (text !== undefined) el.txt(text);
  return el;
}

const hex = (n: number, width: number) => `0x${n.toString(16).padStart(width, '0')}`;

export function modelToXml(m: DomainModel): string {
  const dom = new XmlElement('domain', { type: 'xen' });
  leaf(dom, 'name', {}, m.name);
  if (m.uuid) leaf(dom, 'uuid', {}, m.uuid);
  if (m.description) leaf(dom, 'description', {}, m.description);
  leaf(dom, 'memory', { unit: 'KiB' }, String(m.maxMemoryKiB));
  leaf(dom, 'currentMemory', { unit: 'KiB' }, String(m.memoryKiB));
  const vcpuAttrs: XmlAttrs = { placement: 'static' };
  if (m.cpuset) vcpuAttrs.cpuset = m.cpuset;
  if (m.currentVcpus !== undefined) vcpuAttrs.current = m.currentVcpus;
  leaf(dom, 'vcpu', vcpuAttrs, String(m.vcpus));
  if (m.vcpuPins.length || m.schedWeight !== undefined) {
    const tune = dom.ele('cputune');
    if (m.schedWeight !== undefined) leaf(tune, 'shares', {}, String(m.schedWeight));
    for (const p of m.vcpuPins) leaf(tune, 'vcpupin', { vcpu: p.vcpu, cpuset: p.cpuset });
  }
  if (m.os.bootloader !== undefined) leaf(dom, 'bootloader', {}, m.os.bootloader);
  if (m.os.bootloaderArgs) leaf(dom, 'bootloader_args', {}, m.os.bootloaderArgs);
  writeOs(dom, m);
  writeFeatures(dom, m);
  writeClock(dom, m);
  leaf(dom, 'on_poweroff', {}, m.onPoweroff);
  leaf(dom, 'on_reboot', {}, m.onReboot);
  leaf(dom, 'on_crash', {}, m.onCrash);
  writeDevices(dom.ele('devices'), m);
  return dom.toString();
}

function writeOs(dom: XmlElement, m: DomainModel): void {
  const os = dom.ele('os');
  leaf(os, 'type', { arch: 'x86_64', machine: m.osType === 'hvm' ? 'xenfv' : 'xenpv' }, m.osType === 'hvm' ? 'hvm' : 'linux');
  // No <loader>: libvirt's libxl driver reads only its type (pflash = OVMF) and libxl always boots
  // the hvmloader of its own firmware dir, so xend's path (/usr/lib/xen/boot/hvmloader, absent on
  // Debian's /usr/lib/xen-4.17/boot) would be dead text. docs/libxl-readback.md has the proof.
  if (m.os.kernel) leaf(os, 'kernel', {}, m.os.kernel);
  if (m.os.initrd) leaf(os, 'initrd', {}, m.os.initrd);
  if (m.os.cmdline) leaf(os, 'cmdline', {}, m.os.cmdline);
  for (const b of m.os.bootOrder) leaf(os, 'boot', { dev: b });
}

function writeFeatures(dom: XmlElement, m: DomainModel): void {
  const f = m.features;
  if (!(f.acpi || f.apic || f.pae || f.hap !== undefined || f.viridian)) return;
  const el = dom.ele('features');
  if (f.acpi) leaf(el, 'acpi');
  if (f.apic) leaf(el, 'apic');
  if (f.pae) leaf(el, 'pae');
  if (f.hap !== undefined) leaf(el, 'hap', { state: f.hap ? 'on' : 'off' });
  if (f.viridian) leaf(el, 'viridian');
}

function writeClock(dom: XmlElement, m: DomainModel): void {
  const c = m.clock;
  const attrs: XmlAttrs = m.osType === 'hvm' ? { offset: 'variable', adjustment: c.adjustment ?? 0, basis: c.basis } : { offset: c.basis, adjustment: 'reset' };
  const clock = leaf(dom, 'clock', attrs);
  if (c.hpet !== undefined) leaf(clock, 'timer', { name: 'hpet', present: c.hpet ? 'yes' : 'no' });
  if (c.tscMode) leaf(clock, 'timer', { name: 'tsc', present: 'yes', mode: c.tscMode });
}

function writeDevices(devs: XmlElement, m: DomainModel): void {
  if (m.emulator) leaf(devs, 'emulator', {}, m.emulator);
  for (const d of m.disks) writeDisk(devs, d);
  for (const n of m.nics) writeNic(devs, n);
  for (const s of m.serials) writeCharDev(devs, 'serial', s, { port: s.port });
  if (m.osType === 'hvm' && m.serials.length) writeCharDev(devs, 'console', m.serials[0], { type: 'serial', port: m.serials[0].port });
  if (m.osType === 'pv') leaf(devs, 'console', { type: 'pty' }).ele('target', { type: 'xen', port: '0' });
  for (const i of m.inputs) leaf(devs, 'input', { type: i.type, bus: i.bus });
  for (const g of m.graphics) writeGraphics(devs, g);
  for (const s of m.sounds) leaf(devs, 'sound', { model: s });
  if (m.stdVga) leaf(devs, 'video').ele('model', { type: 'vga' });
  for (const h of m.hostdevs) writeHostdev(devs, h);
}

function writeDisk(devs: XmlElement, d: DiskModel): void {
  const el = leaf(devs, 'disk', { type: d.sourceType, device: d.device });
  const driver: XmlAttrs = {};
  if (d.driver) driver.name = d.driver;
  if (d.format) driver.type = d.format;
  if (d.discard) driver.discard = d.discard;
  leaf(el, 'driver', driver);
  if (d.source !== undefined) leaf(el, 'source', d.sourceType === 'block' ? { dev: d.source } : { file: d.source });
  leaf(el, 'target', { dev: d.target, bus: d.bus });
  if (d.readonly) leaf(el, 'readonly');
  if (d.shareable) leaf(el, 'shareable');
}

function writeNic(devs: XmlElement, n: NicModel): void {
  const el = leaf(devs, 'interface', { type: n.type });
  if (n.mac) leaf(el, 'mac', { address: n.mac });
  if (n.type === 'bridge' && n.bridge) leaf(el, 'source', { bridge: n.bridge });
  for (const ip of n.ips) {
    // xend passed `ip` to the vif script verbatim; libvirt wants the prefix apart.
    const [address, prefix] = ip.split('/');
    leaf(el, 'ip', { address, family: address.includes(':') ? 'ipv6' : 'ipv4', prefix });
  }
  if (n.rateKiBps !== undefined) el.ele('bandwidth').ele('outbound', { average: String(n.rateKiBps) });
  if (n.script) leaf(el, 'script', { path: n.script });
  if (n.vifname) leaf(el, 'target', { dev: n.vifname });
  if (n.model) leaf(el, 'model', { type: n.model });
}

function writeCharDev(devs: XmlElement, kind: 'serial' | 'console', c: CharDevModel, target: XmlAttrs): void {
  const el = leaf(devs, kind, { type: c.type });
  switch (c.type) {
    case 'dev':
    case 'file':
    case 'pipe':
      leaf(el, 'source', { path: c.path ?? '' });
      break;
    case 'tcp':
      leaf(el, 'source', { mode: c.mode ?? 'connect', host: c.host ?? '', service: c.service ?? '' });
      leaf(el, 'protocol', { type: c.protocol ?? 'raw' });
      break;
    case 'udp':
      if (c.bindHost !== undefined || c.bindService !== undefined) leaf(el, 'source', { mode: 'bind', host: c.bindHost ?? '', service: c.bindService ?? '' });
      leaf(el, 'source', { mode: 'connect', host: c.host ?? '', service: c.service ?? '' });
      break;
    case 'unix':
      leaf(el, 'source', { mode: c.mode ?? 'connect', path: c.path ?? '' });
      break;
    default:
      break;
  }
  leaf(el, 'target', target);
}

function writeGraphics(devs: XmlElement, g: GraphicsModel): void {
  if (g.type === 'sdl') {
    const attrs: XmlAttrs = { type: 'sdl' };
    if (g.display) attrs.display = g.display;
    if (g.xauthority) attrs.xauth = g.xauthority;
    leaf(devs, 'graphics', attrs);
    return;
  }
  // A known port is written autoport='no': with autoport='yes' libxl discards it (port='-1' on read-back).
  const attrs: XmlAttrs = { type: g.type, port: g.port ?? -1 };
  if (g.type === 'spice' && g.tlsPort !== undefined) attrs.tlsPort = g.tlsPort;
  attrs.autoport = g.port === undefined && g.tlsPort === undefined ? 'yes' : 'no';
  if (g.listen) attrs.listen = g.listen;
  if (g.keymap) attrs.keymap = g.keymap;
  if (g.passwd) attrs.passwd = g.passwd;
  const el = leaf(devs, 'graphics', attrs);
  leaf(el, 'listen', g.listen ? { type: 'address', address: g.listen } : { type: 'address' });
}

function writeHostdev(devs: XmlElement, h: PciHostdevModel): void {
  const el = leaf(devs, 'hostdev', { mode: 'subsystem', type: 'pci', managed: 'no' });
  const src = leaf(el, 'source', h.permissive ? { writeFiltering: 'no' } : {});
  leaf(src, 'address', { domain: hex(h.domain, 4), bus: hex(h.bus, 2), slot: hex(h.slot, 2), function: hex(h.func, 1) });
}
