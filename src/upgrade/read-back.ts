/**
 * What verification compares, read from domain XML: the pinned model fields
 * (the converter's reader) plus "facts" — the settings beyond them that a guest
 * would miss if libvirt dropped or changed them: direct-kernel boot, boot order,
 * lifecycle actions, features, clock, disk drivers and buses, NIC models and
 * scripts, VNC/SPICE port, listen address and password, consoles, video model,
 * input devices.
 *
 * Normalisation, as measured on real libxl (Xen 4.17, libvirt 9): libvirt only
 * *adds* to what we define — a xenbus controller, a memballoon, PV mouse and
 * keyboard inputs, on HVM ps2 inputs, an IDE controller, drive addresses,
 * `<pae/>`, a cirrus or xen video, and vram/heads/primary on our video. So a
 * fact we wrote must come back equal; a fact only libvirt has is no loss.
 * Disks are identified by target; NICs by position (libvirt keeps their order and
 * invents the MAC of a NIC written without one).
 * A port under autoport='yes' is not a fact: libvirt stores -1 there.
 */
import { domainXmlParser, readDomainXml } from '../convert/read-domain-xml.js';
import type { PinnedFields } from './ports.js';

type Obj = Record<string, unknown>;

// Device lists (and boot entries) are lists even with one element; nothing below them.
const parser = domainXmlParser((_name, jpath) => /^domain\.devices\.[^.]+$/.test(jpath) || jpath === 'domain.os.boot');

/** Facts whose value is a secret: compared, never printed. */
export const SECRET_FACT = /passwd$/;

export function readVerifiable(xml: string): PinnedFields {
  return { ...readDomainXml(xml), facts: factsOf(xml) };
}

const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : v === undefined ? [] : [v as Obj]);
const text = (v: unknown): string | undefined => (v === undefined ? undefined : typeof v === 'object' ? String((v as Obj)['#text'] ?? '') : String(v));
const attr = (v: unknown, name: string): string | undefined => (v && typeof v === 'object' ? ((v as Obj)[`@${name}`] as string | undefined) : undefined);

export function factsOf(xml: string): Record<string, string> {
  const dom = (parser.parse(xml) as Obj).domain as Obj | undefined;
  const facts: Record<string, string> = {};
  if (!dom) return facts;
  const put = (key: string, value: string | undefined) => {
    if (value !== undefined) facts[key] = value;
  };
  const os = (dom.os ?? {}) as Obj;
  for (const k of ['kernel', 'initrd', 'cmdline']) put(`os ${k}`, text(os[k]));
  const boot = list(os.boot).map((b) => attr(b, 'dev'));
  if (boot.length > 0) put('boot order', boot.join(','));
  for (const k of ['on_poweroff', 'on_reboot', 'on_crash']) put(k, text(dom[k]));
  for (const f of Object.keys((dom.features ?? {}) as Obj)) put(`feature ${f}`, 'on');
  for (const k of ['offset', 'adjustment', 'basis']) put(`clock ${k}`, attr(dom.clock, k));
  const dev = (dom.devices ?? {}) as Obj;
  for (const d of list(dev.disk)) {
    const t = attr(d.target, 'dev');
    put(`disk ${t} bus`, attr(d.target, 'bus'));
    put(`disk ${t} driver`, attr(d.driver, 'name'));
    put(`disk ${t} format`, attr(d.driver, 'type'));
  }
  // NICs by position, as the pinned comparison does: libvirt keeps interface order, and gives a
  // NIC we wrote without a MAC one of its own, so a MAC cannot identify it in the read-back.
  list(dev.interface).forEach((n, i) => {
    put(`nic ${i} type`, attr(n, 'type'));
    put(`nic ${i} model`, attr(n.model, 'type'));
    put(`nic ${i} script`, attr(n.script, 'path'));
  });
  const byType = new Map<string, number>();
  for (const g of list(dev.graphics)) {
    const type = attr(g, 'type') ?? '?';
    const n = byType.get(type) ?? 0;
    byType.set(type, n + 1);
    const id = `graphics ${type}${n ? ` #${n + 1}` : ''}`;
    const auto = attr(g, 'autoport');
    put(`${id} autoport`, auto);
    if (auto !== 'yes') put(`${id} port`, attr(g, 'port'));
    put(`${id} listen`, attr(g, 'listen'));
    put(`${id} keymap`, attr(g, 'keymap'));
    put(`${id} passwd`, attr(g, 'passwd'));
  }
  list(dev.serial).forEach((s, i) => put(`serial ${i} type`, attr(s, 'type')));
  list(dev.console).forEach((c, i) => put(`console ${i} target`, attr(c.target, 'type')));
  list(dev.video).forEach((v, i) => {
    put(`video ${i} model`, attr(v.model, 'type'));
    put(`video ${i} vram`, attr(v.model, 'vram'));
  });
  for (const inp of list(dev.input)) put(`input ${attr(inp, 'type')} ${attr(inp, 'bus') ?? ''}`.trim(), 'present');
  list(dev.sound).forEach((s, i) => put(`sound ${i} model`, attr(s, 'model')));
  list(dev.hostdev).forEach((h, i) => {
    const a = ((h.source ?? {}) as Obj).address;
    put(`hostdev ${i} address`, ['domain', 'bus', 'slot', 'function'].map((k) => attr(a, k)).join(':'));
  });
  return facts;
}
