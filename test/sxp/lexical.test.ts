// One test per lexical rule of xend's reader (xend-sxp-format.md §1.2 and §1.4,
// Xen 4.4 tools/python/xen/xend/sxp.py).
import { describe, expect, it } from 'vitest';
import { parseSxp } from '../../src/sxp/index.js';
import { plain } from './helpers.js';

describe('atoms and lists', () => {
  it('reads atoms as strings, never numbers', () => {
    expect(plain('(a 12 -3 0x1f 1.5)')).toEqual([['a', '12', '-3', '0x1f', '1.5']]);
  });
  it('reads empty and nested lists', () => {
    expect(plain('()')).toEqual([[]]);
    expect(plain('(a ())')).toEqual([['a', []]]);
    expect(plain('(a (b) c)')).toEqual([['a', ['b'], 'c']]);
  });
  it('accepts every whitespace xend accepts: space, TAB, LF, VT, FF, CR (CRLF files)', () => {
    expect(plain('(a\tb\nc\vd\fe\r\nf)')).toEqual([['a', 'b', 'c', 'd', 'e', 'f']]);
  });
  it('keeps quotes and backslashes inside unquoted atoms literally', () => {
    expect(plain("(a abc'def')")).toEqual([['a', "abc'def'"]]);
    expect(plain('(a a\\nb c"d)')).toEqual([['a', 'a\\nb', 'c"d']]);
  });
  it('keeps non-ASCII and control characters inside an atom verbatim', () => {
    expect(plain('(a bé\x01c)')).toEqual([['a', 'bé\x01c']]);
  });
  it('reads several top-level forms, including bare atoms', () => {
    expect(plain('(a b)(c d) e')).toEqual([['a', 'b'], ['c', 'd'], 'e']);
  });
  it('accepts both heads xend and xm used', () => {
    expect(plain('(domain (name a))')[0]).toEqual(['domain', ['name', 'a']]);
    expect(plain('(vm (name a))')[0]).toEqual(['vm', ['name', 'a']]);
  });
});

describe('separators {}<>[]; end an atom and start the next one', () => {
  it('matches xend on the documented example', () => {
    expect(plain('(a [b] {c} <d> e;f)')).toEqual([['a', '[b', ']', '{c', '}', '<d', '>', 'e', ';f']]);
  });
  it('makes a run of separators one atom per separator', () => {
    expect(plain('(]] [[b)')).toEqual([[']', ']', '[', '[b']]);
  });
  it('does not treat ! as a separator (it was one before Xen 4.0 only)', () => {
    expect(plain('(mode w!)')).toEqual([['mode', 'w!']]);
  });
  it('ends an atom at a parenthesis', () => {
    expect(plain('(a(b)c)')).toEqual([['a', ['b'], 'c']]);
  });
});

describe('quoted strings', () => {
  it('accepts single and double quotes', () => {
    expect(plain(`(a 'b c' "d e")`)).toEqual([['a', 'b c', 'd e']]);
  });
  it('spans lines', () => {
    expect(plain("(args 'root=/dev/xvda1\n  console=hvc0')")).toEqual([['args', 'root=/dev/xvda1\n  console=hvc0']]);
  });
  it('keeps the other quote character and # literally', () => {
    expect(plain(`(a "it's" 'say "hi"' '# not a comment')`)).toEqual([['a', "it's", 'say "hi"', '# not a comment']]);
  });
  it('needs no whitespace between adjacent tokens', () => {
    expect(plain("(a 'abc'def)")).toEqual([['a', 'abc', 'def']]);
    expect(plain("(a 'it''s')")).toEqual([['a', 'it', 's']]);
  });
});

describe('comments', () => {
  it('run from # to end of line, at top level and in lists', () => {
    expect(plain('# saved by xend\n(a # first\n b)\n# end')).toEqual([['a', 'b']]);
  });
  it('start in the middle of an unquoted atom', () => {
    expect(plain('(a b#comment\n c)')).toEqual([['a', 'b', 'c']]);
  });
  it('swallow closing parentheses on the same line', () => {
    expect(plain('(a (b c) # ))\n)')).toEqual([['a', ['b', 'c']]]);
  });
  it('end at LF only, not at CR', () => {
    expect(plain('(a #x\rb\nc)')).toEqual([['a', 'c']]);
  });
});

describe('empty values: (k), (k ) and (k \'\') all mean empty', () => {
  it('reads the pre-4.1 forms as a key without value and the 4.1+ form as an empty string', () => {
    expect(plain("(x (kernel) (bootloader_args ) (features '') (b \"\"))")).toEqual([['x', ['kernel'], ['bootloader_args'], ['features', ''], ['b', '']]]);
  });
});

describe('Ctrl-D (EOT)', () => {
  it('ends the text at top level; the rest is ignored', () => {
    expect(plain('(a b)\x04 ) junk (')).toEqual([['a', 'b']]);
  });
  it('is part of an atom when it does not start a token', () => {
    expect(plain('(a b\x04c)')).toEqual([['a', 'b\x04c']]);
  });
});

describe('positions', () => {
  it('records line, column (1-based) and offset (0-based) of every atom and list', () => {
    const doc = parseSxp('(domain\n    (name  web)\n\t(memory 512))');
    const dom = doc.forms[0];
    expect(dom.pos).toEqual({ line: 1, column: 1, offset: 0 });
    if (dom.kind !== 'list') throw new Error('expected a list');
    const [head, name, memory] = dom.items;
    expect(head.pos).toEqual({ line: 1, column: 2, offset: 1 });
    expect(name.pos).toEqual({ line: 2, column: 5, offset: 12 });
    if (name.kind !== 'list' || memory.kind !== 'list') throw new Error('expected lists');
    expect(name.items[1].pos).toEqual({ line: 2, column: 12, offset: 19 });
    expect(memory.pos).toEqual({ line: 3, column: 2, offset: 25 });
    expect(memory.items[1].pos).toEqual({ line: 3, column: 10, offset: 33 });
  });
  it('gives a quoted string the position of its opening quote', () => {
    const f = parseSxp("(a\n  'x\ny' z)").forms[0];
    if (f.kind !== 'list') throw new Error('expected a list');
    expect(f.items[1].pos).toEqual({ line: 2, column: 3, offset: 5 });
    expect(f.items[2].pos).toEqual({ line: 3, column: 4, offset: 11 });
  });
  it('stores the file name on the document when given', () => {
    expect(parseSxp('(a)', { file: 'x/config.sxp' }).file).toBe('x/config.sxp');
    expect(parseSxp('(a)').file).toBeUndefined();
  });
});
