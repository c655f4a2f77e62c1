// The indexed lookup used by the converter must answer exactly like xend's
// linear `sxp.child` (model.ts `child`), for small lists (scanned) and large
// ones (indexed), with duplicates, `(k)`, lists as heads and atoms in between.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstChild } from '../../src/sxp/key-index.js';
import { child, parseSxp, toPlain, type SxpList, type SxpNode } from '../../src/sxp/index.js';

const P = { line: 1, column: 1, offset: 0 };
const KEYS = ['name', 'uuid', 'memory', 'device', 'image', 'k', ''];
const atom = (value: string): SxpNode => ({ kind: 'atom', value, pos: P });
const list = (items: SxpNode[]): SxpList => ({ kind: 'list', items, pos: P });

const arbItem: fc.Arbitrary<SxpNode> = fc.oneof(
  fc.constantFrom(...KEYS).map(atom),
  fc.tuple(fc.constantFrom(...KEYS), fc.array(fc.constantFrom('1', 'x', ''), { maxLength: 2 })).map(([k, vs]) => list([atom(k), ...vs.map(atom)])),
  fc.constant(list([])),
  fc.constant(list([list([atom('name')]), atom('v')])),
);
const arbList = fc.array(arbItem, { maxLength: 40 }).map((items) => list([atom('domain'), ...items]));

describe('firstChild (indexed sxp.child)', () => {
  it('returns the same node as the linear child() for every key, on lists of any length', () => {
    fc.assert(
      fc.property(arbList, (l) => {
        for (const key of [...KEYS, 'absent', 'domain']) expect(firstChild(l, key)).toBe(child(l, key));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the first of duplicate keys in a long list (xend: first occurrence wins)', () => {
    const filler = Array.from({ length: 20 }, (_, i) => `(k${i} ${i})`).join(' ');
    const dom = parseSxp(`(domain ${filler} (name first) (name second) (memory) (memory 512))`).forms[0] as SxpList;
    expect(dom.items.length).toBeGreaterThan(20);
    expect(toPlain(firstChild(dom, 'name')!)).toEqual(['name', 'first']);
    expect(toPlain(firstChild(dom, 'memory')!)).toEqual(['memory']);
    expect(firstChild(dom, 'k19')?.pos.column).toBe(child(dom, 'k19')?.pos.column);
  });

  it('leaves the list itself unchanged (no visible index: parse --json output stays the same)', () => {
    const text = `(domain ${Array.from({ length: 30 }, (_, i) => `(k${i} v)`).join(' ')})`;
    const dom = parseSxp(text).forms[0] as SxpList;
    const before = JSON.stringify(dom);
    expect(firstChild(dom, 'k7')).toBeDefined();
    expect(JSON.stringify(dom)).toBe(before);
    expect(Object.keys(dom)).toEqual(['kind', 'items', 'pos']);
    expect(dom).toStrictEqual(parseSxp(text).forms[0]);
    expect(structuredClone(dom)).toStrictEqual(dom);
  });
});
