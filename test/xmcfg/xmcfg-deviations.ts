/**
 * Deliberate differences between libvirt's historical xm/xl converters and
 * ours, beyond the sexpr2xml ones (test/convert/semantic-xml.ts DEVIATIONS,
 * applied first). Each step is named and argued; keep the list short.
 */
import { readFileSync } from 'node:fs';
import type { XmDialect } from '../../src/xmcfg/index.js';
import { canonical, DEVIATIONS, find, parseXml, removeWhere, walk, type XNode } from '../convert/semantic-xml.js';

type Step = { id: string; why: string; apply: (expected: XNode, ours: XNode, dialect: XmDialect, file: string) => void };

/** Order-free children: sort those of every `name` element on both sides. */
const sortChildrenOf = (name: string) => (e: XNode, o: XNode) => [e, o].forEach((r) => walk(r, (n) => n.name === name && n.children.sort((a, b) => canonical(a).localeCompare(canonical(b)))));

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
    apply: sortChildrenOf('clock'),
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

/**
 * Differences from libvirt 9 itself (`virsh domxml-from-native` on the Xen rig), applied on top of
 * the above when real libvirt is the referee (test/xen/xmcfg-referee.xen.test.ts).
 */
export const REFEREE_DEVIATIONS: Step[] = [
  {
    id: 'interface-child-order',
    why: "the order of elements inside <interface> is free in libvirt's schema (an interleave); libvirt 9 puts <ip> after <script>, we before",
    apply: sortChildrenOf('interface'),
  },
  {
    id: 'insecure-format',
    why: 'virsh domxml-from-native formats without --security-info, so libvirt prints no VNC/SPICE password; ours keeps it (xend enforced it)',
    apply: (_e, o) => walk(o, (n) => n.name === 'graphics' && delete n.attrs.passwd),
  },
  {
    id: 'random-uuid',
    why: 'a config without uuid: libvirt makes up a random one at every call; ours is derived from path and name (UUID_DERIVED) so a re-run defines the same domain',
    apply: (e, o, _d, file) => {
      if (/^\s*uuid\s*=/m.test(readFileSync(file, 'utf8'))) return;
      removeWhere(e, (c) => c.name === 'uuid');
      removeWhere(o, (c) => c.name === 'uuid');
    },
  },
  {
    id: 'cpu-weight-kept',
    why: "libvirt 9's xm parser ignores cpu_weight; ours carries it as <cputune><shares> (the libxl driver hands it to the credit scheduler), as the SXP path does",
    apply: (e, o) => {
      if (!find(e, 'cputune')) removeWhere(o, (c) => c.name === 'cputune' && c.children.every((k) => k.name === 'shares'));
    },
  },
  {
    id: 'vif-rate-binary-mega',
    why: "libvirt 9 reads 'M' in a vif rate as 1024 K (10MB/s → 10240 KiB/s); xend and xl meant 10,000,000 B/s, which ours keeps (9766 KiB/s); the vif-rate-decimal step covered K only",
    apply: (e, _o, _d, file) => {
      if (!/rate=\d+(\.\d+)?MB\/s/.test(readFileSync(file, 'utf8'))) return;
      walk(e, (n) => n.name === 'outbound' && n.attrs.average && (n.attrs.average = String(Math.round((Number(n.attrs.average) * 1000) / 1024))));
    },
  },
  {
    id: 'old-cdrom-key',
    why: "an HVM `cdrom = PATH` (xm before 3.1) was drive hdc under xm and in libvirt's own pre-2015 converter; libvirt 9 ignores the key, we keep the drive",
    apply: (_e, o, _d, file) => {
      if (!/^\s*cdrom\s*=/m.test(readFileSync(file, 'utf8'))) return;
      const devs = find(o, 'devices');
      if (devs) removeWhere(devs, (c) => c.name === 'disk' && c.attrs.device === 'cdrom' && find(c, 'target')?.attrs.dev === 'hdc');
    },
  },
  {
    id: 'old-pv-vnc-keys',
    why: "a PV guest with top-level vnc = 1 (xm 3.0.3's framebuffer, before vfb = [...]) had a VNC console, and libvirt's own pre-2015 converter kept it; libvirt 9 ignores these keys for PV, we keep the console",
    apply: (e, o, _d, file) => {
      const text = readFileSync(file, 'utf8');
      const pv = find(find(o, 'os') ?? o, 'type')?.text === 'linux';
      if (!pv || !/^\s*vnc\s*=\s*1/m.test(text) || /^\s*vfb\s*=/m.test(text) || find(find(e, 'devices') ?? e, 'graphics')) return;
      const devs = find(o, 'devices');
      if (devs) removeWhere(devs, (c) => c.name === 'graphics');
    },
  },
  {
    id: 'vnuma-memory-sum',
    why: 'vNUMA is not converted (XMCFG_KEY_DROPPED); libvirt 9 sets <memory> to the sum of the vnodes, ours keeps maxmem',
    apply: (e, o, _d, file) => {
      if (!/^\s*vnuma\s*=/m.test(readFileSync(file, 'utf8'))) return;
      for (const k of ['memory', 'currentMemory']) {
        const mine = find(o, k);
        const theirs = find(e, k);
        if (mine && theirs) theirs.text = mine.text;
      }
    },
  },
];

/** Inputs libvirt 9 refuses and we read, with why (asserted: libvirt must still refuse exactly these). */
export const REFEREE_REFUSALS: Record<string, string> = {
  'fixtures/pv-direct-kernel.cfg': "libvirt's config reader is not Python: a backslash line continuation and implicit string concatenation, which xm accepted, are syntax errors there",
  'fixtures/xl-hvm-modern.cfg': "libvirt's config reader has no `+=` (xl appends to a list with it since Xen 4.5)",
  'xm/retired/test-fullvirt-serial-dev-2-ports.cfg': "libvirt 9's xen-xm converter takes one serial port; xm passed the list to qemu, we convert every port",
  'xm/retired/test-fullvirt-serial-dev-2nd-port.cfg': "libvirt 9's xen-xm converter takes one serial port; xm passed the list to qemu, we convert every port",
};

export function compareXmXml(expectedXml: string, oursXml: string, dialect: XmDialect, file: string, extra: Step[] = []): { equal: boolean; expected: string; ours: string } {
  const e = parseXml(expectedXml);
  const o = parseXml(oursXml);
  for (const step of DEVIATIONS) if (!NOT_NEEDED.has(step.id)) step.apply(e, o);
  for (const step of [...XM_DEVIATIONS, ...extra]) step.apply(e, o, dialect, file);
  const ce = canonical(e);
  const co = canonical(o);
  return { equal: ce === co, expected: ce, ours: co };
}

