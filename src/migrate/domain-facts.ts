/**
 * The facts of a domain's live XML that decide whether and how it can migrate:
 * memory (progress estimates, timeouts), UUID (never touch a namesake), the bridges,
 * networks and file paths the destination must provide, host devices (libxl refuses
 * them), and the CPU definition (only comparable when there is one).
 */
import { XMLParser } from 'fast-xml-parser';

export interface DomainFacts {
  name: string;
  uuid?: string;
  hypervisorType?: string;
  memoryBytes?: number;
  bridges: string[];
  networks: string[];
  /** Disk sources plus kernel/initrd: all must exist on the destination (shared storage). */
  paths: string[];
  hostDevices: number;
  /** The <cpu> element when it names a model (TCG and PV guests usually have none). */
  cpuXml?: string;
}

const UNIT: Record<string, number> = { b: 1, bytes: 1, k: 1024, kib: 1024, kb: 1000, m: 1024 ** 2, mib: 1024 ** 2, mb: 1e6, g: 1024 ** 3, gib: 1024 ** 3, gb: 1e9 };
const arr = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const text = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : typeof v === 'object' ? String((v as Record<string, unknown>)['#text'] ?? '') : String(v));

export function domainFacts(xml: string): DomainFacts {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (n) => ['interface', 'disk', 'hostdev'].includes(n) });
  const d = (parser.parse(xml) as { domain?: Record<string, any> }).domain;
  if (!d) throw new Error('not a libvirt domain XML (no <domain> root)');
  const mem = d.memory;
  const memVal = Number(text(mem));
  const unit = (typeof mem === 'object' ? String(mem['@unit'] ?? 'KiB') : 'KiB').toLowerCase();
  const devices = d.devices ?? {};
  const bridges = new Set<string>();
  const networks = new Set<string>();
  for (const i of arr<any>(devices.interface)) {
    if (i['@type'] === 'bridge' && i.source?.['@bridge']) bridges.add(String(i.source['@bridge']));
    if (i['@type'] === 'network' && i.source?.['@network']) networks.add(String(i.source['@network']));
  }
  const paths = new Set<string>();
  for (const disk of arr<any>(devices.disk)) {
    const src = disk.source?.['@file'] ?? disk.source?.['@dev'];
    if (src) paths.add(String(src));
  }
  for (const k of ['kernel', 'initrd']) {
    const v = text(d.os?.[k]);
    if (v) paths.add(v);
  }
  const cpu = d.cpu;
  const cpuModel = cpu ? text(cpu.model) : undefined;
  const cpuXml = cpuModel ? /<cpu[\s>][\s\S]*?<\/cpu>/.exec(xml)?.[0] : undefined;
  return {
    name: String(text(d.name) ?? ''),
    uuid: text(d.uuid),
    hypervisorType: d['@type'] ? String(d['@type']) : undefined,
    memoryBytes: Number.isFinite(memVal) ? memVal * (UNIT[unit] ?? 1024) : undefined,
    bridges: [...bridges],
    networks: [...networks],
    paths: [...paths],
    hostDevices: arr(devices.hostdev).length,
    cpuXml,
  };
}
