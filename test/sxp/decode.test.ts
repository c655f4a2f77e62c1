// Escapes in quoted strings and the decoding of bytes into text.
import { describe, expect, it } from 'vitest';
import { parseSxp } from '../../src/sxp/index.js';
import { plain } from './helpers.js';

const one = (text: string | Uint8Array) => (plain(text)[0] as string[])[1];

describe('escapes in quoted strings', () => {
  it.each([
    ['\\a', '\x07'],
    ['\\b', '\b'],
    ['\\t', '\t'],
    ['\\n', '\n'],
    ['\\v', '\v'],
    ['\\f', '\f'],
    ['\\r', '\r'],
    ['\\\\', '\\'],
    ["\\'", "'"],
    ['\\"', '"'],
  ])('decodes %s', (escape, expected) => {
    expect(one(`(k 'x${escape}y')`)).toBe(`x${expected}y`);
    expect(one(`(k "x${escape}y")`)).toBe(`x${expected}y`);
  });

  it('decodes \\xHH as true hex, upper and lower case (xend read \\x4a as @)', () => {
    expect(one("(k '\\x41B')")).toBe('AB');
    expect(one("(k '\\x4a\\x4A')")).toBe('JJ');
    expect(one("(k '\\x7e\\x09')")).toBe('~\t');
  });

  it('decodes octal with 1 to 3 digits, stopping at the first non-octal character', () => {
    expect(one("(k '\\101')")).toBe('A');
    expect(one("(k '\\1011')")).toBe('A1');
    expect(one("(k '\\7x')")).toBe('\x07x');
    expect(one("(k '\\08')")).toBe('\x008');
    expect(one("(k '\\377')")).toBe('ÿ');
  });

  it('treats escaped bytes as UTF-8 when they form UTF-8 (what xend wrote for non-ASCII)', () => {
    expect(one("(description 'caf\\xc3\\xa9')")).toBe('café');
    expect(one("(d '\\xe2\\x80\\x94')")).toBe('—');
    expect(one("(d '\\303\\251')")).toBe('é');
  });

  it('falls back to latin-1 for escaped bytes that are not UTF-8', () => {
    expect(one("(d 'caf\\xe9')")).toBe('café');
    expect(one("(d '\\xff\\xfe')")).toBe('ÿþ');
  });

  it('mixes literal text and escaped UTF-8 bytes', () => {
    expect(one("(d 'é\\xc3\\xa9')")).toBe('éé');
    // Invalid as a whole: the literal stays as written, the stray byte becomes latin-1.
    expect(one("(d 'é\\xe9')")).toBe('éé');
  });

  it('leaves backslashes in unquoted atoms alone', () => {
    expect(one('(k a\\x41)')).toBe('a\\x41');
  });
});

describe('input bytes', () => {
  const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

  it('reads UTF-8 input as UTF-8', () => {
    expect(one(bytes('(d ', [0x27, 0xc3, 0xa9, 0x27], ')'))).toBe('é');
  });
  it('reads non-UTF-8 input as latin-1, still decoding each value that is UTF-8 on its own', () => {
    const input = bytes('(d ', [0x27, 0xe9, 0x27], ' ', [0x27, 0xc3, 0xa9, 0x27], ' a', [0xe9], ')');
    expect(plain(input)).toEqual([['d', 'é', 'é', 'aé']]);
  });
  it('ignores a UTF-8 byte-order mark, in bytes and in text alike', () => {
    expect(plain(Buffer.from('\ufeff(a b)', 'utf8'))).toEqual([['a', 'b']]);
    expect(plain('\ufeff(a b)')).toEqual([['a', 'b']]);
  });
  it('accepts Uint8Array views that do not start at offset 0', () => {
    const buf = Buffer.from('xx(a b)yy');
    expect(plain(new Uint8Array(buf.buffer, buf.byteOffset + 2, 5))).toEqual([['a', 'b']]);
  });
  it('counts positions in bytes for non-UTF-8 input', () => {
    const input = bytes('(a', [0xe9, 0xe9], ' b)');
    const list = parseSxp(input).forms[0];
    if (list.kind !== 'list') throw new Error('expected a list');
    expect(list.items[1].pos).toEqual({ line: 1, column: 6, offset: 5 });
  });
});
