/**
 * Deliberate differences between libvirt's historical xm/xl converters and
 * ours, beyond the sexpr2xml ones (test/convert/semantic-xml.ts DEVIATIONS,
 * applied first). Each step is named and argued; keep the list short.
 */
import type { XmDialect } from '../../src/xmcfg/index.js';
import { canonical, DEVIATIONS, parseXml, type XNode } from '../convert/semantic-xml.js';

type Step = { id: string; why: string; apply: (expected: XNode, ours: XNode, dialect: XmDialect, file: string) => void };

const find = (n: XNode, name: string) => n.children.find((c) => c.name === name);
const removeWhere = (n: XNode, pred: (c: XNode) => boolean) => {
  n.children = n.children.filter((c) => !pred(c));
};
const walk = (n: XNode, f: (n: XNode) => void) => {
  f(n);
  n.children.forEach((c) => walk(c, f));
};

/**
 * sexpr2xml steps that do not apply here: libvirt's xm/xl converters state arch/machine and keep the
 * VNC password like we do, and their output is not live XML.
 */
const NOT_NEEDED = new Set(['type-arch-machine', 'vnc-password', 'live-format']);

const devicesOf = (n: XNode) => find(n, 'devices');
const osOf = (n: XNode) => find(n, 'os');

export const XM_DEVIATIONS: Step[] = [
  {
    id: 'timer-order',
    why: 'the order of <timer> elements inside <clock> means nothing to libvirt',
    apply: (e, o) => [e, o].forEach((r) => walk(r, (n) => n.name === 'clock' && n.children.sort((a, b) => canonical(a).localeCompare(canonical(b))))),
  },
  {
    id: 'empty-cdrom-type',
    why: "libvirt's xm parser called a CD-ROM drive without media type='block'; with no <source> the type describes nothing (ours says file, the type media is usually inserted as)",
    apply: (e, o) => [e, o].forEach((r) => walk(r, (n) => n.name === 'disk' && n.attrs.device === 'cdrom' && !find(n, 'source') && delete n.attrs.type)),
  },
  {
    id: 'custom-firmware-dropped',
    why: "libvirt's libxl driver always boots libxl's own hvmloader; a firmware path other than the standard one is dropped with HVM_OPTION_DROPPED instead of a <loader> libxl would ignore",
    apply: (e) => {
      const os = osOf(e);
      if (os) removeWhere(os, (c) => c.name === 'loader' && c.attrs.type === 'rom' && c.text !== '/usr/lib/xen/boot/hvmloader');
    },
  },
  {
    id: 'default-vif-script',
    why: "a NIC without bridge or script gets script vif-bridge stated explicitly: it is libxl's default (xl.conf vif.default.script), so the guest is plugged exactly as before",
    apply: (e, o) => {
      const ei = devicesOf(e)?.children.filter((c) => c.name === 'interface') ?? [];
      const oi = devicesOf(o)?.children.filter((c) => c.name === 'interface') ?? [];
      oi.forEach((n, i) => {
        if (ei[i] && !find(ei[i], 'script') && !find(n, 'source')) removeWhere(n, (c) => c.name === 'script' && c.attrs.path === 'vif-bridge');
      });
    },
  },
  {
    id: 'dev-path-is-block',
    why: "an xl target under /dev is a block device: type='block' (driver phy, or qemu with backendtype=qdisk), as libxl itself decides at start; libvirt's parser called it type='file'",
    apply: (e) =>
      walk(e, (n) => {
        const src = find(n, 'source');
        if (n.name !== 'disk' || n.attrs.type !== 'file' || !src?.attrs.file?.startsWith('/dev/')) return;
        n.attrs.type = 'block';
        src.attrs = { dev: src.attrs.file };
      }),
  },
  {
    id: 'ovs-vlan-in-bridge-name',
    why: "xl's openvswitch VLAN spelling (bridge=ovsbr0.42, ovsbr0:42:43) is kept in the bridge name with script vif-openvswitch, which parses it exactly as under xl; libvirt split it into <vlan>/<virtualport>",
    apply: (e) =>
      walk(e, (n) => {
        const vlan = find(n, 'vlan');
        const src = find(n, 'source');
        if (n.name !== 'interface' || !vlan || !src) return;
        const tags = vlan.children.map((t) => t.attrs.id);
        src.attrs.bridge += vlan.attrs.trunk === 'yes' ? `:${tags.join(':')}` : `.${tags[0]}`;
        removeWhere(n, (c) => c.name === 'vlan' || c.name === 'virtualport');
      }),
  },
  {
    id: 'rbd-target-string',
    why: "xl's rbd: target is a qemu drive string; it is passed to the qdisk backend unchanged (type='file'), where libvirt parsed it into <source protocol='rbd'> hosts",
    apply: (e) =>
      walk(e, (n) => {
        const src = find(n, 'source');
        if (n.name !== 'disk' || n.attrs.type !== 'network' || src?.attrs.protocol !== 'rbd') return;
        n.attrs.type = 'file';
        const hosts = src.children.map((h) => `${h.attrs.name}\\:${h.attrs.port}`).join('\\;');
        src.attrs = { file: `rbd:${src.attrs.name}:auth_supported=none:mon_host=${hosts}` };
        src.children = [];
      }),
  },
  {
    id: 'xl-features-not-converted',
    why: 'xl-only settings this tool does not write (each reported as XMCFG_KEY_DROPPED or its own code): channels, vNUMA, cpuid/nested-HVM <cpu>, ACPI tables, OVMF, Xen passthrough/e820_host features, qemu passthrough arguments, USB controllers and host devices, SPICE agent options, PVH',
    apply: (e) => {
      removeWhere(e, (c) => c.name === 'cpu' || c.name === 'xen:commandline');
      delete e.attrs['xmlns:xen'];
      const f = find(e, 'features');
      if (f) {
        removeWhere(f, (c) => c.name === 'xen');
        if (f.children.length === 0) removeWhere(e, (c) => c === f);
      }
      const os = osOf(e);
      if (os) {
        removeWhere(os, (c) => (c.name === 'loader' && c.attrs.type === 'pflash') || c.name === 'acpi');
        walk(os, (n) => n.name === 'type' && n.text === 'xenpvh' && ((n.text = 'linux'), (n.attrs.machine = 'xenpv')));
      }
      const devs = devicesOf(e);
      if (devs) {
        removeWhere(devs, (c) => c.name === 'channel' || (c.name === 'controller' && c.attrs.type === 'usb') || (c.name === 'hostdev' && c.attrs.type === 'usb'));
        walk(devs, (n) => n.name === 'graphics' && removeWhere(n, (c) => c.name === 'mouse' || c.name === 'clipboard'));
      }
    },
  },
];

export function compareXmXml(expectedXml: string, oursXml: string, dialect: XmDialect, file: string): { equal: boolean; expected: string; ours: string } {
  const e = parseXml(expectedXml);
  const o = parseXml(oursXml);
  for (const step of DEVIATIONS) if (!NOT_NEEDED.has(step.id)) step.apply(e, o);
  for (const step of XM_DEVIATIONS) step.apply(e, o, dialect, file);
  const ce = canonical(e);
  const co = canonical(o);
  return { equal: ce === co, expected: ce, ours: co };
}

export { find, removeWhere, walk };
