/**
 * Just enough XML output for libvirt domain documents: elements with
 * attributes and either text or child elements, pretty-printed the way
 * `virsh dumpxml` prints (two-space indent, text inline, empty elements
 * self-closed).
 *
 * Why not a DOM builder (this file replaced xmlbuilder2): it cost ~120 µs of the ~240 µs
 * a conversion took and ~70 ms of load time, which alone broke the start-up and
 * batch targets of bench/startup.js and bench/batch.js. It also escaped too
 * little for our inputs: text that merely looks like an entity ("R&D;",
 * "a&amp;b") was written raw, giving libvirt an undefined entity or a changed
 * value, and newlines/tabs in attribute values were written raw, which every
 * XML parser turns into spaces. Here every `&` is escaped and whitespace in
 * attribute values is kept as character references (test/convert/xml-writer.test.ts).
 */

/** Attribute values; undefined leaves the attribute out. Insertion order is output order. */
export type XmlAttrs = Record<string, string | number | undefined>;

// Characters XML 1.0 cannot carry at all (xend configs re-saved by xend can hold stray control bytes).
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The first character XML 1.0 cannot carry in `s`, if any (the converter warns: CONTROL_CHARACTER). */
export function firstNonXmlChar(s: string): string | undefined {
  NOT_XML_CHAR.lastIndex = 0;
  const m = NOT_XML_CHAR.exec(s);
  NOT_XML_CHAR.lastIndex = 0;
  return m?.[0];
}

/** Replace what XML cannot represent with U+FFFD so the document stays well-formed. */
export function xmlSafe(s: string): string {
  return s.replace(NOT_XML_CHAR, '\ufffd');
}

// One cheap test first: nearly every value (names, paths, numbers) needs no escaping at all.
// eslint-disable-next-line no-control-regex
const NEEDS_WORK_TEXT = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;
// eslint-disable-next-line no-control-regex
const NEEDS_WORK_ATTR = /[&<>"\t\n\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

const TEXT_REFS: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
// Attribute-value normalisation turns raw tab/newline/CR into spaces; references survive it.
const ATTR_REFS: Record<string, string> = { ...TEXT_REFS, '"': '&quot;', '\t': '&#9;', '\n': '&#10;' };

/** Character data: `&`, `<`, `>` escaped, CR kept as a reference (parsers fold raw CR into LF). */
export function escapeText(s: string): string {
  if (!NEEDS_WORK_TEXT.test(s)) return s;
  return xmlSafe(s).replace(/[&<>\r]/g, (c) => TEXT_REFS[c]);
}

/** A double-quoted attribute value. */
export function escapeAttr(s: string): string {
  if (!NEEDS_WORK_ATTR.test(s)) return s;
  return xmlSafe(s).replace(/[&<>"\t\n\r]/g, (c) => ATTR_REFS[c]);
}

export class XmlElement {
  private readonly children: XmlElement[] = [];
  private text: string | undefined;

  constructor(
    readonly name: string,
    private readonly attrs: XmlAttrs = {},
  ) {}

  /** Append a child element and return it. */
  ele(name: string, attrs?: XmlAttrs): XmlElement {
    if (this.text !== undefined) throw new Error(`<${this.name}> already holds text; libvirt's domain XML has no mixed content`);
    const child = new XmlElement(name, attrs);
    this.children.push(child);
    return child;
  }

  /** Set the element's text (an empty string still prints as `<name/>`). */
  txt(text: string): this {
    if (this.children.length) throw new Error(`<${this.name}> already holds elements; libvirt's domain XML has no mixed content`);
    this.text = (this.text ?? '') + text;
    return this;
  }

  /** The document: this element as root, no XML declaration (libvirt needs none), newline-terminated. */
  toString(): string {
    const lines: string[] = [];
    this.writeTo(lines, '');
    return lines.join('\n') + '\n';
  }

  private writeTo(lines: string[], indent: string): void {
    let open = `${indent}<${this.name}`;
    for (const key in this.attrs) {
      const v = this.attrs[key];
      if (v !== undefined) open += ` ${key}="${escapeAttr(String(v))}"`;
    }
    if (this.children.length) {
      lines.push(open + '>');
      const inner = indent + '  ';
      for (const c of this.children) c.writeTo(lines, inner);
      lines.push(`${indent}</${this.name}>`);
    } else if (this.text) {
      lines.push(`${open}>${escapeText(this.text)}</${this.name}>`);
    } else {
      lines.push(open + '/>');
    }
  }
}
