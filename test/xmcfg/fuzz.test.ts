// The reader never crashes: any text is a config or an XmcfgSyntaxError with a position; and literal data written out reads back equal.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseXmConfig, settingValue, XmcfgSyntaxError, type XmValue } from '../../src/xmcfg/index.js';

const plain = (v: XmValue | undefined): unknown => (v?.kind === 'list' ? v.items.map(plain) : v?.kind === 'none' ? null : v?.value);

/** Python source for a value: strings in either quote with escapes, ints in several bases, nested lists. */
type Data = string | number | boolean | Data[];
const data: fc.Arbitrary<Data> = fc.letrec<{ v: Data }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.string(), fc.integer({ min: 0, max: 2 ** 40 }), fc.boolean(), fc.array(tie('v'), { maxLength: 4 })),
})).v;
function source(v: Data, n: number): string {
  if (typeof v === 'string') return n % 2 ? JSON.stringify(v).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`).replace(/^"/, 'u"') : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
  if (typeof v === 'number') return n % 3 === 0 ? `0x${v.toString(16)}` : n % 3 === 1 ? `0o${v.toString(8)}` : String(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return `[\n  ${v.map((x, i) => source(x, n + i)).join(',\n  ')}${v.length ? ',' : ''} ]`;
}

describe('xm config reader under random input', () => {
  it('returns settings or throws a positioned XmcfgSyntaxError, nothing else', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab_= \n\'"[](),+-*%#.:;\\0x1eTrueNon\t'.split('')), maxLength: 80 }), (text) => {
        try {
          parseXmConfig(text, { file: 'f.cfg' });
        } catch (e) {
          expect(e).toBeInstanceOf(XmcfgSyntaxError);
          expect((e as XmcfgSyntaxError).position?.line).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('reads back any literal data written in Python syntax', () => {
    fc.assert(
      fc.property(data, fc.nat(5), (v, n) => {
        const cfg = parseXmConfig(`# generated\nkey = ${source(v, n)}\n`);
        expect(plain(settingValue(cfg, 'key'))).toEqual(v);
      }),
      { numRuns: 1000 },
    );
  });
});
