import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { convertSxpText } from '../../src/convert/api.js';
import { escapeAttr, escapeText, XmlElement, xmlSafe } from '../../src/convert/xml-writer.js';

// Decode character references (&#10;) as libxml2 — libvirt's parser — does.
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', trimValues: false, parseTagValue: false, parseAttributeValue: false, htmlEntities: true });

function hasXmllint(): boolean {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const xmllint = hasXmllint();
if (!xmllint) console.warn('xml-writer: xmllint not on PATH — the libxml2 round trips below are skipped (install libxml2-utils)');

/** What libxml2 reads back: the string value of an XPath expression (xmllint adds one newline). */
function libxml2Value(xml: string, xpath: string): string {
  return execFileSync('xmllint', ['--xpath', `string(${xpath})`, '-'], { input: xml, encoding: 'utf8' }).replace(/\n$/, '');
}

describe('XmlElement layout', () => {
  it('prints like virsh dumpxml: two-space indent, text inline, empty elements self-closed, attributes in insertion order', () => {
    const root = new XmlElement('domain', { type: 'xen' });
    root.ele('name').txt('web01');
    const os = root.ele('os');
    os.ele('type', { arch: 'x86_64', machine: 'xenpv' }).txt('linux');
    os.ele('boot', { dev: 'hd', skipped: undefined });
    root.ele('bootloader').txt('');
    expect(root.toString()).toBe(
      ['<domain type="xen">', '  <name>web01</name>', '  <os>', '    <type arch="x86_64" machine="xenpv">linux</type>', '    <boot dev="hd"/>', '  </os>', '  <bootloader/>', '</domain>', ''].join('\n'),
    );
  });

  it('refuses mixed content, which libvirt domain XML never has', () => {
    const a = new XmlElement('a');
    a.txt('x');
    expect(() => a.ele('b')).toThrow(/already holds text/);
    const b = new XmlElement('b');
    b.ele('c');
    expect(() => b.txt('x')).toThrow(/already holds elements/);
  });
});

describe('escaping', () => {
  it('escapes every ampersand, including text that looks like an entity', () => {
    expect(escapeText('R&D; a&amp;b &#13; <x>')).toBe('R&amp;D; a&amp;amp;b &amp;#13; &lt;x&gt;');
    expect(escapeAttr('R&D; "q"')).toBe('R&amp;D; &quot;q&quot;');
  });

  it('keeps tab, newline and CR in attribute values as references, CR in text too', () => {
    expect(escapeAttr('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
    expect(escapeText('a\tb\nc\rd')).toBe('a\tb\nc&#13;d');
  });

  it('replaces characters XML 1.0 cannot carry, keeps valid surrogate pairs', () => {
    expect(escapeText('a\u0001b\ud800c😀')).toBe('a\ufffdb\ufffdc😀');
    expect(xmlSafe('\ufffe')).toBe('\ufffd');
  });

  it('any text and attribute value reads back exactly (fast-xml-parser, libxml2 semantics)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), (text, value) => {
        const root = new XmlElement('domain', { type: 'xen' });
        root.ele('description', { note: value }).txt(text);
        const xml = root.toString();
        expect(XMLValidator.validate(xml)).toBe(true);
        const d = (parser.parse(xml) as { domain: { description: Record<string, string> | string } }).domain.description;
        const readText = typeof d === 'string' ? d : (d['#text'] ?? '');
        const readAttr = typeof d === 'string' ? undefined : d['@note'];
        expect(readText).toBe(xmlSafe(text));
        expect(readAttr).toBe(xmlSafe(value));
      }),
      { numRuns: 500 },
    );
  });

  it.skipIf(!xmllint)('libxml2 itself reads the values back unchanged (entity look-alikes, whitespace in attributes, CR)', () => {
    const tricky = ['R&D; dept', 'a&amp;b', 'x&#13;y', 'line1\nline2\tend', 'cr\rhere', '<script>"\'</script>'];
    const root = new XmlElement('domain', { type: 'xen' });
    tricky.forEach((t, i) => root.ele('v', { n: i, a: t }).txt(t));
    const xml = root.toString();
    execFileSync('xmllint', ['--noout', '-'], { input: xml });
    tricky.forEach((t, i) => {
      expect(libxml2Value(xml, `/domain/v[@n="${i}"]`)).toBe(t);
      expect(libxml2Value(xml, `/domain/v[@n="${i}"]/@a`)).toBe(t);
    });
  });
});

describe('through the converter', () => {
  it.skipIf(!xmllint)('a description like "R&D; a&amp;b" reaches libvirt as written', () => {
    const r = convertSxpText("(domain (name d) (memory 64) (description 'R&D; a&amp;b') (image (linux (kernel /k))))");
    expect(r.ok).toBe(true);
    expect(libxml2Value(r.xml ?? '', '/domain/description')).toBe('R&D; a&amp;b');
  });
});
