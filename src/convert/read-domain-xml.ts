/**
 * libvirt domain XML → the pinned DomainModel fields (name, uuid, type, memory,
 * vCPUs, disks, NICs). Used to verify what libvirt stored after a define
 * (`virsh dumpxml`) against what we converted, and by the property tests.
 */
import { XMLParser } from 'fast-xml-parser';
import { Xend2LibxlError } from '../errors.js';
import type { DiskModel, DomainModel, NicModel } from './model.js';

export type DomainXmlSummary = Pick<DomainModel, 'name' | 'uuid' | 'osType' | 'memoryKiB' | 'maxMemoryKiB' | 'vcpus' | 'disks' | 'nics'>;

type Obj = Record<string, unknown>;

/**
 * How every reader of libvirt's domain XML parses it: attributes as `@name`, values as
 * strings exactly as written; only which elements are lists differs between readers.
 */
export function domainXmlParser(isArray: (name: string, jpath: string) => boolean): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: true,
    // libvirt writes tabs/newlines/CRs in values as character references (&#10;): decode them.
    htmlEntities: true,
    isArray: (name, jpath) => isArray(name, String(jpath)),
  });
}

const parser = domainXmlParser((name) => ['disk', 'interface', 'ip'].includes(name));

const UNIT_BYTES: Record<string, number> = {
  b: 1, bytes: 1, kb: 1e3, k: 1024, kib: 1024, mb: 1e6, m: 1024 ** 2, mib: 1024 ** 2, gb: 1e9, g: 1024 ** 3, gib: 1024 ** 3, tb: 1e12, t: 1024 ** 4, tib: 1024 ** 4,
};

export class DomainXmlError extends Xend2LibxlError {
  constructor(message: string) {
    super('DOMAIN_XML_INVALID', message, { hint: 'Check the XML with `virt-xml-validate FILE domain`.' });
  }
}

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return (v as Obj)['#text'] === undefined ? '' : String((v as Obj)['#text']);
  return String(v);
}

function attr(v: unknown, name: string): string | undefined {
  return v && typeof v === 'object' ? ((v as Obj)[`@${name}`] as string | undefined) : undefined;
}

function kib(el: unknown, what: string): number {
  const t = text(el);
  if (t === undefined || !/^\d+$/.test(t)) throw new DomainXmlError(`<${what}> is missing or not a number`);
  const unit = (attr(el, 'unit') ?? 'KiB').toLowerCase();
  const factor = UNIT_BYTES[unit];
  if (!factor) throw new DomainXmlError(`<${what}> has unknown unit '${unit}'`);
  return Math.floor((Number(t) * factor) / 1024);
}

function readDisk(d: Obj): DiskModel {
  const type = (attr(d, 'type') ?? 'file') as DiskModel['sourceType'];
  const src = d.source as Obj | undefined;
  const source = src ? (attr(src, 'dev') ?? attr(src, 'file') ?? attr(src, 'name') ?? attr(src, 'volume')) : undefined;
  const target = d.target as Obj | undefined;
  const bus = (attr(target, 'bus') ?? 'xen') as DiskModel['bus'];
  const driver = d.driver as Obj | undefined;
  const disk: DiskModel = {
    target: attr(target, 'dev') ?? '',
    device: (attr(d, 'device') ?? 'disk') as DiskModel['device'],
    sourceType: type,
    readonly: 'readonly' in d,
    shareable: 'shareable' in d,
    bus,
    bootable: false,
  };
  if (source !== undefined) disk.source = source;
  const dn = attr(driver, 'name');
  if (dn === 'phy' || dn === 'qemu') disk.driver = dn;
  const fmt = attr(driver, 'type');
  if (fmt) disk.format = fmt as DiskModel['format'];
  return disk;
}

function readNic(n: Obj): NicModel {
  const nic: NicModel = { type: attr(n, 'type') === 'ethernet' ? 'ethernet' : 'bridge', ips: [] };
  const mac = attr(n.mac, 'address');
  if (mac) nic.mac = mac.toLowerCase();
  const bridge = attr(n.source, 'bridge');
  if (bridge) nic.bridge = bridge;
  const script = attr(n.script, 'path');
  if (script) nic.script = script;
  const model = attr(n.model, 'type');
  if (model) nic.model = model;
  for (const ip of (n.ip as Obj[] | undefined) ?? []) {
    const a = attr(ip, 'address');
    if (a) nic.ips.push(a);
  }
  return nic;
}

export function readDomainXml(xml: string): DomainXmlSummary {
  let doc: Obj;
  try {
    doc = parser.parse(xml, true) as Obj;
  } catch (e) {
    throw new DomainXmlError(`not well-formed XML: ${(e as Error).message}`);
  }
  const dom = doc.domain as Obj | undefined;
  if (!dom) throw new DomainXmlError('no <domain> element');
  const name = text(dom.name);
  if (!name) throw new DomainXmlError('<name> is missing');
  const os = dom.os as Obj | undefined;
  const osType = text(os?.type) === 'hvm' ? 'hvm' : 'pv';
  const maxMemoryKiB = kib(dom.memory, 'memory');
  const memoryKiB = dom.currentMemory === undefined ? maxMemoryKiB : kib(dom.currentMemory, 'currentMemory');
  const vcpus = Number(text(dom.vcpu) ?? '1');
  const devices = (dom.devices as Obj | undefined) ?? {};
  const summary: DomainXmlSummary = {
    name,
    osType,
    memoryKiB,
    maxMemoryKiB,
    vcpus,
    disks: ((devices.disk as Obj[] | undefined) ?? []).map(readDisk),
    nics: ((devices.interface as Obj[] | undefined) ?? []).map(readNic),
  };
  const uuid = text(dom.uuid);
  if (uuid) summary.uuid = uuid.toLowerCase();
  return summary;
}
