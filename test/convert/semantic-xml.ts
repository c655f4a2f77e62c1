/**
 * Semantic comparison of libvirt domain XML: attribute order, quoting,
 * whitespace and the order of devices do not matter; everything else does.
 * The documented deliberate deviations from libvirt's historical converter are
 * applied as explicit, named normalisation steps (see DEVIATIONS).
 */
import { XMLParser } from 'fast-xml-parser';

export interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, trimValues: true, parseAttributeValue: false, parseTagValue: false });

export function parseXml(xml: string): XNode {
  const raw = parser.parse(xml) as unknown[];
  const nodes = raw.map(convert).filter((n): n is XNode => n !== undefined);
  if (nodes.length !== 1) throw new Error(`expected one root element, found ${nodes.length}`);
  return nodes[0];
}

function convert(entry: unknown): XNode | undefined {
  const obj = entry as Record<string, unknown>;
  const name = Object.keys(obj).find((k) => k !== ':@');
  if (!name || name === '#text' || name.startsWith('?')) return undefined;
  const attrs = { ...((obj[':@'] as Record<string, string>) ?? {}) };
  const body = obj[name] as unknown[];
  const children: XNode[] = [];
  let text = '';
  for (const c of body) {
    const co = c as Record<string, unknown>;
    if ('#text' in co) text += String(co['#text']);
    else {
      const n = convert(c);
      if (n) children.push(n);
    }
  }
  return { name, attrs, children, text: text.trim() };
}

export function canonical(n: XNode, indent = ''): string {
  const attrs = Object.keys(n.attrs).sort().map((k) => ` ${k}='${n.attrs[k]}'`).join('');
  const kids = n.children.map((c) => canonical(c, indent + '  '));
  if (n.name === 'devices') kids.sort();
  const body = kids.length ? `\n${kids.join('\n')}\n${indent}` : n.text;
  return `${indent}<${n.name}${attrs}>${body}</${n.name}>`;
}

type Step = { id: string; why: string; apply: (expected: XNode, ours: XNode) => void };

export const find = (n: XNode, name: string) => n.children.find((c) => c.name === name);
export const removeWhere = (n: XNode, pred: (c: XNode) => boolean) => {
  n.children = n.children.filter((c) => !pred(c));
};
export const walk = (n: XNode, f: (n: XNode) => void) => {
  f(n);
  n.children.forEach((c) => walk(c, f));
};

/** The deliberate deviations, each with its reason. Keep this list short. */
export const DEVIATIONS: Step[] = [
  {
    id: 'live-format',
    why: "libvirt's test formatted live XML: id='N' and generated vifN.M names are runtime state, not definitions",
    apply: (e) => {
      delete e.attrs.id;
      walk(e, (n) => n.name === 'interface' && removeWhere(n, (c) => c.name === 'target' && /^vif\d+\.\d+$/.test(c.attrs.dev ?? '')));
    },
  },
  {
    id: 'post-parse-defaults',
    why: 'devices libvirt adds itself on define (memballoon, xenbus/IDE controllers, drive addresses, default mouse/keyboard, video, hostdev backend)',
    apply: (e, o) => {
      for (const root of [e, o]) {
        const devs = find(root, 'devices');
        if (!devs) continue;
        removeWhere(devs, (c) => c.name === 'memballoon' || c.name === 'video' || (c.name === 'controller' && ['xenbus', 'ide'].includes(c.attrs.type)));
        removeWhere(devs, (c) => c.name === 'input' && (c.attrs.bus === 'ps2' || c.attrs.bus === 'xen'));
        walk(devs, (n) => removeWhere(n, (c) => (c.name === 'address' && c.attrs.type === 'drive') || (n.name === 'hostdev' && c.name === 'driver')));
      }
    },
  },
  {
    id: 'type-arch-machine',
    why: "we state arch/machine on <os><type> like libvirt's xm/xl converters; the sxpr path left them to defaults",
    apply: (_e, o) => walk(o, (n) => n.name === 'type' && (delete n.attrs.arch, delete n.attrs.machine)),
  },
  {
    id: 'disk-driver-name',
    why: "modern libxl backends: 'phy' for block devices, 'qemu' for images (blktap 'tap'/'tap2' and 'file' are gone since Xen 4.13)",
    apply: (e, o) => [e, o].forEach((r) => walk(r, (n) => n.name === 'disk' && n.children.forEach((c) => c.name === 'driver' && delete c.attrs.name))),
  },
  {
    id: 'vnc-password',
    why: 'the VNC password is kept (xend enforced it); libvirt printed non-secure XML without it',
    apply: (_e, o) => walk(o, (n) => n.name === 'graphics' && delete n.attrs.passwd),
  },
  {
    id: 'pygrub-name',
    why: "pygrub is named bare so libxl finds it in its own bin dir (xend's /usr/bin/pygrub rarely exists on Xen ≥ 4.13 packaging)",
    apply: (e) => walk(e, (n) => n.name === 'bootloader' && n.text.endsWith('/pygrub') && (n.text = 'pygrub')),
  },
  {
    id: 'pygrub-stale-kernel',
    why: 'xend 3.0 stored the temporary kernel pygrub extracted (/var/lib/xen/vmlinuz.*); it is dropped so pygrub boots the default entry',
    apply: (e) => {
      if (!find(e, 'bootloader')) return;
      const os = find(e, 'os');
      if (os) removeWhere(os, (c) => (c.name === 'kernel' || c.name === 'initrd') && /^\/var\/(lib|run)\/xen\//.test(c.text));
    },
  },
  {
    id: 'vif-rate-decimal',
    why: "xend's rate multipliers are decimal (K=1000); libvirt's sxpr parser used 1024, so the same guest bandwidth is a smaller KiB/s figure",
    apply: (e) => walk(e, (n) => n.name === 'outbound' && n.attrs.average && (n.attrs.average = String(Math.round((Number(n.attrs.average) * 1000) / 1024)))),
  },
  {
    id: 'no-rom-loader',
    why: "libvirt's libxl driver ignores a <loader type='rom'> path (libxl boots its own hvmloader); xend's /usr/lib/xen/boot/hvmloader does not even exist on Debian's Xen 4.17, so it is not written",
    apply: (e) => {
      const os = find(e, 'os');
      if (os) removeWhere(os, (c) => c.name === 'loader' && (c.attrs.type ?? 'rom') === 'rom' && c.text.endsWith('/hvmloader'));
    },
  },
  {
    id: 'vnc-fixed-port',
    why: "a known VNC port is written autoport='no': real libxl turns autoport='yes' port='N' into port='-1' (the guest's port would change)",
    apply: (e) => walk(e, (n) => n.name === 'graphics' && n.attrs.port !== undefined && n.attrs.port !== '-1' && n.attrs.autoport === 'yes' && (n.attrs.autoport = 'no')),
  },
  {
    id: 'no-parallel',
    why: 'libxl has no parallel ports: dropped with PARALLEL_DROPPED instead of a device libxl would silently ignore',
    apply: (e) => {
      const devs = find(e, 'devices');
      if (devs) removeWhere(devs, (c) => c.name === 'parallel');
    },
  },
];

export function compareDomainXml(expectedXml: string, oursXml: string): { equal: boolean; expected: string; ours: string } {
  const e = parseXml(expectedXml);
  const o = parseXml(oursXml);
  for (const step of DEVIATIONS) step.apply(e, o);
  const ce = canonical(e);
  const co = canonical(o);
  return { equal: ce === co, expected: ce, ours: co };
}

/** Line diff of two canonical forms, for the test log. */
export function lineDiff(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  const bs = new Set(bl);
  const as = new Set(al);
  return [...al.filter((l) => !bs.has(l)).map((l) => `- ${l.trim()}`), ...bl.filter((l) => !as.has(l)).map((l) => `+ ${l.trim()}`)].join('\n');
}
