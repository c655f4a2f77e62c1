/**
 * Domain XML → the pinned model fields (name, uuid, type, memory, vCPUs,
 * disks, NICs): what verification compares between the XML we define and the
 * definition libvirt stored. Deliberately narrow — it reads only what the
 * comparison needs, in libvirt's own units, for any driver (xen, qemu, test).
 */
import { XMLParser } from 'fast-xml-parser';
import { Xend2LibxlError } from '../errors.js';
import type { PinnedDisk, PinnedFields, ReadDomainXml } from './ports.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => name === 'disk' || name === 'interface',
});

type Node = Record<string, unknown>;

const UNIT_KIB: Record<string, number> = { b: 1 / 1024, bytes: 1 / 1024, k: 1, kib: 1, kb: 1000 / 1024, m: 1024, mib: 1024, mb: 1e6 / 1024, g: 1 << 20, gib: 1 << 20, gb: 1e9 / 1024, t: 1 << 30, tib: 1 << 30 };

function text(n: unknown): string | undefined {
  if (n === undefined || n === null) return undefined;
  if (typeof n === 'string') return n.trim();
  if (typeof n === 'object' && '#text' in (n as Node)) return String((n as Node)['#text']).trim();
  return undefined;
}

function kib(n: unknown): number | undefined {
  const v = text(n);
  if (v === undefined) return undefined;
  const unit = (typeof n === 'object' && n ? String((n as Node)['@unit'] ?? 'KiB') : 'KiB').toLowerCase();
  const f = UNIT_KIB[unit];
  if (f === undefined) throw new Xend2LibxlError('DOMAIN_XML_UNIT', `unknown memory unit ${unit}`);
  return Math.round(Number(v) * f);
}

export const readDomainXmlFields: ReadDomainXml = (xml) => {
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    throw new Xend2LibxlError('DOMAIN_XML_INVALID', `domain XML cannot be parsed: ${(e as Error).message}`, { cause: e });
  }
  const d = doc.domain as Node | undefined;
  if (!d) throw new Xend2LibxlError('DOMAIN_XML_INVALID', 'not a libvirt domain XML (no <domain> element)');
  const os = (d.os ?? {}) as Node;
  const type = text(os.type);
  const max = kib(d.memory) ?? 0;
  const devices = (d.devices ?? {}) as Node;
  const disks = ((devices.disk as Node[] | undefined) ?? []).map((k): PinnedDisk => {
    const src = (k.source ?? {}) as Node;
    const source = (src['@file'] ?? src['@dev'] ?? src['@volume'] ?? src['@name']) as string | undefined;
    return {
      target: String(((k.target ?? {}) as Node)['@dev'] ?? ''),
      device: (k['@device'] as PinnedDisk['device'] | undefined) ?? 'disk',
      source,
      sourceType: ((k['@type'] as string | undefined) ?? 'file') ,
      readonly: k.readonly !== undefined,
      shareable: k.shareable !== undefined,
    };
  });
  const nics = ((devices.interface as Node[] | undefined) ?? []).map((i): PinnedFields['nics'][number] => {
    const mac = ((i.mac ?? {}) as Node)['@address'] as string | undefined;
    const bridge = ((i.source ?? {}) as Node)['@bridge'] as string | undefined;
    return { ...(mac ? { mac } : {}), ...(bridge !== undefined ? { bridge } : {}) };
  });
  return {
    name: text(d.name) ?? '',
    uuid: text(d.uuid)?.toLowerCase(),
    osType: type === 'hvm' ? 'hvm' : 'pv',
    maxMemoryKiB: max,
    memoryKiB: kib(d.currentMemory) ?? max,
    vcpus: Number(text(d.vcpu) ?? '1'),
    disks,
    nics,
  };
};
