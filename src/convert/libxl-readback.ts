/**
 * What real libxl gives back: the domain XML we defined compared with
 * `virsh dumpxml --inactive --security-info` of it, and every difference
 * classified as a libxl/libvirt default, a normalisation (same meaning, other
 * spelling), or a loss. Measured on Xen 4.17 + libvirt 9's libxl driver
 * (test/xen/convert-define.xen.test.ts); each rule is documented in
 * docs/libxl-readback.md. A difference no rule explains is `class: undefined`:
 * callers (the rig suite, upgrade's verify) treat it as a failure.
 * Pure: no I/O.
 */
import { XMLParser } from 'fast-xml-parser';

export type ReadbackClass = 'libxl-default' | 'normalisation' | 'loss';

export interface ReadbackDifference {
  /** `devices/disk[hda]/address`, `devices/graphics[vnc]@port`, `name#text`. */
  path: string;
  change: 'added' | 'removed' | 'changed';
  written?: string;
  readBack?: string;
  class?: ReadbackClass;
  /** Id of the rule that classified it (docs/libxl-readback.md). */
  rule?: string;
}

export interface ReadbackComparison {
  differences: ReadbackDifference[];
  losses: ReadbackDifference[];
  unclassified: ReadbackDifference[];
  /** No loss and nothing unclassified. */
  ok: boolean;
}

export interface ReadbackOptions {
  /** The read-back was taken with `--security-info` (default): a missing VNC/SPICE password is then a loss. */
  securityInfo?: boolean;
}

interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

export interface ReadbackRule {
  id: string;
  class: ReadbackClass;
  why: string;
  matches(d: ReadbackDifference, opts: Required<ReadbackOptions>): boolean;
}

const added = (re: RegExp) => (d: ReadbackDifference) => d.change === 'added' && re.test(d.path);

/** Every rule, in the order they are tried. Keep in sync with docs/libxl-readback.md. */
export const READBACK_RULES: readonly ReadbackRule[] = [
  { id: 'xenbus-controller', class: 'libxl-default', why: 'libvirt adds the xenbus controller every Xen guest has', matches: added(/^devices\/controller\[xenbus,0\]$/) },
  { id: 'ide-controller', class: 'libxl-default', why: 'HVM: libvirt adds the IDE controller its emulated disks sit on', matches: added(/^devices\/controller\[ide,\d+\]$/) },
  { id: 'drive-address', class: 'libxl-default', why: 'HVM: libvirt gives every emulated disk a drive address (controller/bus/unit from the target name)', matches: added(/^devices\/disk\[[^\]]+\]\/address$/) },
  { id: 'memballoon', class: 'libxl-default', why: "libvirt adds <memballoon model='xen'>: Xen guests always have the balloon", matches: added(/^devices\/memballoon(\[[^\]]*\])?$/) },
  { id: 'default-inputs', class: 'libxl-default', why: 'libvirt adds the implicit mouse and keyboard (PV: bus xen; HVM: bus ps2)', matches: added(/^devices\/input\[(mouse|keyboard),(xen|ps2)\]$/) },
  { id: 'default-video', class: 'libxl-default', why: 'a guest with graphics gets the default video card (HVM cirrus vram 8192, PV xen vram 4096)', matches: added(/^devices\/video(#\d+)?$/) },
  { id: 'video-model-defaults', class: 'libxl-default', why: 'libvirt fills in vram, heads and primary of a video model we named', matches: added(/^devices\/video(#\d+)?\/model@(vram|heads|primary)$/) },
  { id: 'hostdev-driver', class: 'libxl-default', why: "libvirt records the PCI backend (<driver name='xen'/>) of a hostdev", matches: added(/^devices\/hostdev\[[^\]]+\]\/driver$/) },
  { id: 'hvm-pae', class: 'libxl-default', why: 'libvirt turns PAE on for every x86_64 HVM guest (xend defaulted pae=1 too)', matches: added(/^features\/pae$/) },
  { id: 'features-element', class: 'libxl-default', why: 'the <features> element that carries a default feature (pae) when we wrote none', matches: added(/^features$/) },
  { id: 'generated-uuid', class: 'libxl-default', why: 'no uuid was written (UUID_MISSING): libvirt generated one', matches: added(/^uuid$/) },
  {
    id: 'secret-hidden',
    class: 'normalisation',
    why: 'dumpxml without --security-info hides passwd; it is still set',
    matches: (d, o) => !o.securityInfo && d.change === 'removed' && /^devices\/graphics\[[a-z]+\]@passwd$/.test(d.path),
  },
  {
    id: 'vnc-autoport-port-discarded',
    class: 'loss',
    why: "libxl discards a port given with autoport='yes' (read back as port='-1'): the guest's VNC port changes. The converter writes autoport='no' for a known port",
    matches: (d) => d.change === 'changed' && /^devices\/graphics\[(vnc|spice)\]@port$/.test(d.path) && d.readBack === '-1',
  },
];

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, trimValues: true, parseAttributeValue: false, parseTagValue: false });

function parse(xml: string): XNode {
  const nodes = (parser.parse(xml) as unknown[]).map(toNode).filter((n): n is XNode => n !== undefined);
  if (nodes.length !== 1 || nodes[0].name !== 'domain') throw new Error('not a libvirt domain document (one <domain> root expected)');
  return nodes[0];
}

function toNode(entry: unknown): XNode | undefined {
  const obj = entry as Record<string, unknown>;
  const name = Object.keys(obj).find((k) => k !== ':@');
  if (!name || name === '#text' || name.startsWith('?') || name === '#comment') return undefined;
  const node: XNode = { name, attrs: { ...((obj[':@'] as Record<string, string>) ?? {}) }, children: [], text: '' };
  for (const c of obj[name] as unknown[]) {
    const co = c as Record<string, unknown>;
    if ('#text' in co) node.text += String(co['#text']);
    else {
      const n = toNode(c);
      if (n) node.children.push(n);
    }
  }
  node.text = node.text.trim();
  return node;
}

/** What identifies an element among its siblings (a disk by its target, a NIC by its MAC…); '' = position. */
function identity(n: XNode): string {
  const child = (name: string) => n.children.find((c) => c.name === name);
  switch (n.name) {
    case 'disk':
      return child('target')?.attrs.dev ?? '';
    case 'interface':
      return child('mac')?.attrs.address ?? '';
    case 'graphics':
    case 'listen':
      return n.attrs.type ?? '';
    case 'controller':
      return `${n.attrs.type ?? ''},${n.attrs.index ?? ''}`;
    case 'input':
      return `${n.attrs.type ?? ''},${n.attrs.bus ?? ''}`;
    case 'hostdev': {
      const a = child('source')?.children.find((c) => c.name === 'address')?.attrs ?? {};
      return [a.domain, a.bus, a.slot, a.function].map((x) => Number(x ?? 0).toString(16)).join(':');
    }
    case 'serial':
    case 'console':
    case 'parallel':
      return `${child('target')?.attrs.type ?? ''}${child('target')?.attrs.port ?? ''}`;
    case 'timer':
      return n.attrs.name ?? '';
    case 'vcpupin':
      return n.attrs.vcpu ?? '';
    case 'ip':
      return n.attrs.address ?? '';
    case 'sound':
      return n.attrs.model ?? '';
    default:
      return '';
  }
}

/** Children keyed `name[identity]`, or `name#k` for the k-th (k ≥ 2) of the same key. */
function keyed(children: XNode[]): Map<string, XNode> {
  const out = new Map<string, XNode>();
  for (const c of children) {
    const id = identity(c);
    const base = id ? `${c.name}[${id}]` : c.name;
    let key = base;
    for (let k = 2; out.has(key); k++) key = `${base}#${k}`;
    out.set(key, c);
  }
  return out;
}

function show(n: XNode): string {
  const attrs = Object.entries(n.attrs).map(([k, v]) => ` ${k}='${v}'`).join('');
  return `<${n.name}${attrs}${n.text ? `>${n.text}</${n.name}>` : n.children.length ? `>…</${n.name}>` : '/>'}`;
}

function diff(path: string, w: XNode, r: XNode, out: ReadbackDifference[]): void {
  const at = (suffix: string) => `${path}${suffix}`;
  for (const k of new Set([...Object.keys(w.attrs), ...Object.keys(r.attrs)])) {
    const a = w.attrs[k];
    const b = r.attrs[k];
    if (a === b) continue;
    out.push({ path: at(`@${k}`), change: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed', written: a, readBack: b });
  }
  if (w.text !== r.text) out.push({ path: at('#text'), change: w.text === '' ? 'added' : r.text === '' ? 'removed' : 'changed', written: w.text || undefined, readBack: r.text || undefined });
  const wk = keyed(w.children);
  const rk = keyed(r.children);
  const join = (key: string) => (path ? `${path}/${key}` : key);
  for (const [key, wc] of wk) {
    const rc = rk.get(key);
    if (rc) diff(join(key), wc, rc, out);
    else out.push({ path: join(key), change: 'removed', written: show(wc) });
  }
  for (const [key, rc] of rk) if (!wk.has(key)) out.push({ path: join(key), change: 'added', readBack: show(rc) });
}

/**
 * Compare the XML we defined with libvirt's read-back of it and classify every difference.
 * @throws Error when either text is not a domain document
 */
export function compareReadback(writtenXml: string, readBackXml: string, options: ReadbackOptions = {}): ReadbackComparison {
  const opts: Required<ReadbackOptions> = { securityInfo: options.securityInfo ?? true };
  const differences: ReadbackDifference[] = [];
  diff('', parse(writtenXml), parse(readBackXml), differences);
  for (const d of differences) {
    const rule = READBACK_RULES.find((r) => r.matches(d, opts));
    if (rule) {
      d.class = rule.class;
      d.rule = rule.id;
    }
  }
  const losses = differences.filter((d) => d.class === 'loss');
  const unclassified = differences.filter((d) => d.class === undefined);
  return { differences, losses, unclassified, ok: losses.length === 0 && unclassified.length === 0 };
}

/** One line per difference, for reports and test logs. */
export function describeDifference(d: ReadbackDifference): string {
  const values = d.change === 'changed' ? `${d.written} -> ${d.readBack}` : (d.written ?? d.readBack ?? '');
  return `${d.class ?? 'UNCLASSIFIED'}${d.rule ? ` (${d.rule})` : ''}: ${d.change} ${d.path}${values ? `: ${values}` : ''}`;
}
