/**
 * Property: for random but valid xend configs, the XML we emit, re-read with
 * fast-xml-parser (readDomainXml), gives back the name, uuid, memory, vCPUs,
 * disks and NICs the config declared.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertSxpText } from '../../src/convert/api.js';
import { readDomainXml } from '../../src/convert/read-domain-xml.js';

type Kind = 'phy' | 'file' | 'tap:aio' | 'tap:qcow2' | 'tap2:vhd';

interface GenDisk {
  index: number;
  kind: Kind;
  path: string;
  mode: 'r' | 'w';
}

interface GenConfig {
  name: string;
  uuid: string;
  memMiB: number;
  extraMiB: number;
  vcpus: number;
  hvm: boolean;
  disks: GenDisk[];
  nics: { macTail: [number, number, number]; bridge?: string }[];
  xenapiStyle: boolean;
}

const pathSeg = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,11}$/);

const config: fc.Arbitrary<GenConfig> = fc.record({
  name: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.:+-]{0,23}$/),
  uuid: fc.uuid(),
  memMiB: fc.integer({ min: 32, max: 262144 }),
  extraMiB: fc.integer({ min: 0, max: 4096 }),
  vcpus: fc.integer({ min: 1, max: 128 }),
  hvm: fc.boolean(),
  disks: fc.uniqueArray(
    fc.record({ index: fc.integer({ min: 0, max: 25 }), kind: fc.constantFrom<Kind>('phy', 'file', 'tap:aio', 'tap:qcow2', 'tap2:vhd'), path: pathSeg, mode: fc.constantFrom<'r' | 'w'>('r', 'w') }),
    { selector: (d) => d.index, minLength: 1, maxLength: 6 },
  ),
  nics: fc.uniqueArray(
    fc.record({ macTail: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)), bridge: fc.option(fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/), { nil: undefined }) }),
    { selector: (n) => n.macTail.join(':'), maxLength: 4 },
  ),
  xenapiStyle: fc.boolean(),
});

const letter = (i: number) => String.fromCharCode(97 + i);
const mac = (t: [number, number, number]) => `00:16:3e:${t.map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

function diskSource(d: GenDisk): { uname: string; source: string; type: 'block' | 'file' } {
  switch (d.kind) {
    case 'phy':
      return { uname: `phy:/dev/vg0/${d.path}`, source: `/dev/vg0/${d.path}`, type: 'block' };
    case 'file':
      return { uname: `file:/srv/xen/${d.path}`, source: `/srv/xen/${d.path}`, type: 'file' };
    default:
      return { uname: `${d.kind}:/srv/xen/${d.path}`, source: `/srv/xen/${d.path}`, type: 'file' };
  }
}

function target(c: GenConfig, d: GenDisk): string {
  return c.hvm ? `hd${letter(d.index % 4)}` : `xvd${letter(d.index)}`;
}

function toSxp(c: GenConfig): string {
  const mem = c.xenapiStyle
    ? `(memory_dynamic_max ${c.memMiB * 1048576}) (memory_static_max ${(c.memMiB + c.extraMiB) * 1048576}) (VCPUs_max ${c.vcpus}) (name_label '${c.name}')`
    : `(memory ${c.memMiB}) (maxmem ${c.memMiB + c.extraMiB}) (vcpus ${c.vcpus}) (name '${c.name}')`;
  const image = c.hvm ? '(image (hvm (loader /usr/lib/xen/boot/hvmloader) (boot c)))' : '(image (linux (kernel /boot/vmlinuz-xen)))';
  const disks = c.disks.map((d) => `(device (vbd (uname '${diskSource(d).uname}') (dev '${target(c, d)}') (mode ${d.mode})))`);
  const nics = c.nics.map((n) => `(device (vif (mac ${mac(n.macTail)})${n.bridge ? ` (bridge ${n.bridge})` : ''}))`);
  return `(domain (uuid ${c.uuid}) ${mem}\n ${image}\n ${disks.join('\n ')}\n ${nics.join('\n ')})\n`;
}

describe('property: converted XML re-reads to the declared config', () => {
  it('keeps name, uuid, memory, vcpus, disks and NICs', () => {
    fc.assert(
      fc.property(
        config.filter((c) => !c.hvm || new Set(c.disks.map((d) => d.index % 4)).size === c.disks.length),
        (c) => {
          const r = convertSxpText(toSxp(c));
          expect(r.error?.message).toBeUndefined();
          const back = readDomainXml(r.xml ?? '');
          expect(back.name).toBe(c.name);
          expect(back.uuid).toBe(c.uuid.toLowerCase());
          expect(back.osType).toBe(c.hvm ? 'hvm' : 'pv');
          expect(back.memoryKiB).toBe(c.memMiB * 1024);
          expect(back.maxMemoryKiB).toBe((c.memMiB + c.extraMiB) * 1024);
          expect(back.vcpus).toBe(c.vcpus);
          const disks = back.disks.map((d) => ({ target: d.target, source: d.source, type: d.sourceType, readonly: d.readonly })).sort((a, b) => a.target.localeCompare(b.target));
          const want = c.disks
            .map((d) => ({ target: target(c, d), source: diskSource(d).source, type: diskSource(d).type, readonly: d.mode === 'r' }))
            .sort((a, b) => a.target.localeCompare(b.target));
          expect(disks).toEqual(want);
          expect(back.nics.map((n) => ({ mac: n.mac, bridge: n.bridge }))).toEqual(c.nics.map((n) => ({ mac: mac(n.macTail), bridge: n.bridge })));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips the model the converter built (same reader on both sides)', () => {
    fc.assert(
      fc.property(config, (c) => {
        if (c.hvm && new Set(c.disks.map((d) => d.index % 4)).size !== c.disks.length) return;
        const r = convertSxpText(toSxp(c));
        const m = r.domain;
        expect(m).toBeDefined();
        const back = readDomainXml(r.xml ?? '');
        expect(back.disks.map((d) => [d.target, d.source, d.format, d.driver])).toEqual(m?.disks.map((d) => [d.target, d.source, d.format, d.driver]));
        expect(back.nics.map((n) => [n.mac, n.bridge, n.type, n.script])).toEqual(m?.nics.map((n) => [n.mac, n.bridge, n.type, n.script]));
      }),
      { numRuns: 200 },
    );
  });
});

describe('property: any description text gives well-formed XML', () => {
  const sxpQuote = (s: string) =>
    `'${[...s]
      .map((ch) => {
        const code = ch.codePointAt(0) ?? 0;
        if (ch === '\\') return '\\\\';
        if (ch === "'") return "\\'";
        if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
        return ch;
      })
      .join('')}'`;

  it('escapes markup and replaces characters XML cannot carry', async () => {
    const { XMLParser, XMLValidator } = await import('fast-xml-parser');
    const { xmlSafe } = await import('../../src/convert/xml-writer.js');
    // htmlEntities: decode character references (&#13;) like libxml2 does.
    const p = new XMLParser({ trimValues: false, parseTagValue: false, htmlEntities: true });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 40 }), fc.string({ unit: 'binary-ascii', maxLength: 10 }), (a, b) => {
        const desc = a + b;
        const r = convertSxpText(`(domain (name d) (memory 64) (description ${sxpQuote(desc)}) (image (linux (kernel /k))))`);
        expect(r.error?.message).toBeUndefined();
        const xml = r.xml ?? '';
        expect(XMLValidator.validate(xml)).toBe(true);
        const parsed = p.parse(xml) as { domain: { description?: string } };
        // Exactly the text, CRs included (written as &#13;, which end-of-line handling leaves alone).
        expect(parsed.domain.description ?? '').toBe(xmlSafe(desc));
      }),
      { numRuns: 300 },
    );
  });
});
