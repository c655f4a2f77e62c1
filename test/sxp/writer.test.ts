// The writer reproduces xend's config.sxp layout and round-trips through the reader.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSxp, showAtom, toPlain, writeSxp, type PlainSxp, type SxpNode } from '../../src/sxp/index.js';

const pos = { line: 1, column: 1, offset: 0 };
function node(p: PlainSxp): SxpNode {
  return typeof p === 'string' ? { kind: 'atom', value: p, pos } : { kind: 'list', items: p.map(node), pos };
}

describe('atoms as sxp.show prints them', () => {
  it('prints atom-safe values bare', () => {
    for (const v of ['512', '-1', '1.5', 'phy:/dev/sda1', 'xvda:disk', '00:16:3e:1d:06:15', '/usr/lib/xen/bin/qemu-dm', '~user', '@', 'a_b-c.d']) {
      expect(showAtom(v)).toBe(v);
    }
  });
  it('quotes everything else the way Python 2 repr does', () => {
    expect(showAtom('w!')).toBe("'w!'");
    expect(showAtom('ro root=/dev/xvda1')).toBe("'ro root=/dev/xvda1'");
    expect(showAtom("it's")).toBe(`"it's"`);
    expect(showAtom(`it's "x"`)).toBe(`'it\\'s "x"'`);
    expect(showAtom('a\\b')).toBe("'a\\\\b'");
    expect(showAtom('t\tn\nr\r\x07\x7f')).toBe("'t\\tn\\nr\\r\\x07\\x7f'");
    expect(showAtom('@x')).toBe("'@x'");
    expect(showAtom('#')).toBe("'#'");
  });
  it('writes non-ASCII as lowercase \\xHH escapes of its UTF-8 bytes', () => {
    expect(showAtom('café')).toBe("'caf\\xc3\\xa9'");
  });
  it("prints the empty string as '' (Xen 4.1+) or as nothing (Xen 3.x-4.0)", () => {
    expect(writeSxp([node(['kernel', ''])])).toBe("(kernel '')\n");
    expect(writeSxp([node(['kernel', ''])], { emptyString: 'bare' })).toBe('(kernel )\n');
  });
});

describe("layout as xend's PrettyPrint (width 78)", () => {
  it('keeps a list that fits on one line', () => {
    expect(writeSxp(parseSxp('(device (vbd (dev xvda) (mode w)))'))).toBe('(device (vbd (dev xvda) (mode w)))\n');
  });
  it('breaks a list that does not fit: one item per line, 4 deeper, ) under (', () => {
    const text = '(domain (name web01) (memory 1024) (image (linux (kernel /boot/vmlinuz-2.6-xen) (args \'root=/dev/xvda1 rw q\'))))';
    expect(writeSxp(parseSxp(text))).toBe(
      [
        '(domain',
        '    (name web01)',
        '    (memory 1024)',
        '    (image',
        "        (linux (kernel /boot/vmlinuz-2.6-xen) (args 'root=/dev/xvda1 rw q'))",
        '    )',
        ')',
        '',
      ].join('\n'),
    );
  });
  it('puts the first pair of a broken list of pairs after the doubled parenthesis', () => {
    const text = '(domain (platform ((acpi 1) (apic 1) (device_model /usr/lib/xen/bin/qemu-dm) (boot c) (loader /usr/lib/xen/boot/hvmloader))))';
    expect(writeSxp(parseSxp(text))).toBe(
      [
        '(domain',
        '    (platform',
        '        ((acpi 1)',
        '            (apic 1)',
        '            (device_model /usr/lib/xen/bin/qemu-dm)',
        '            (boot c)',
        '            (loader /usr/lib/xen/boot/hvmloader)',
        '        )',
        '    )',
        ')',
        '',
      ].join('\n'),
    );
  });
  it('measures fit against the remaining width, exactly at the limit', () => {
    const fits = `(k ${'x'.repeat(78 - 4)})`;
    expect(fits.length).toBe(78);
    expect(writeSxp([node(['k', 'x'.repeat(74)])])).toBe(fits + '\n');
    expect(writeSxp([node(['k', 'x'.repeat(75)])])).toBe(`(k\n    ${'x'.repeat(75)}\n)\n`);
    expect(writeSxp([node(['k', 'x'.repeat(75)])], { width: 80 })).toBe(`(k ${'x'.repeat(75)})\n`);
  });
  it('writes each top-level form followed by a newline, atoms included', () => {
    expect(writeSxp(parseSxp('(a b) c ()'))).toBe('(a b)\nc\n()\n');
  });
  it('reproduces a config.sxp that xend wrote, byte for byte', () => {
    const xendWritten = [
      '(domain',
      '    (domid 5)',
      '    (uuid 4f77abd2-3019-58e8-3bab-6fbf2118f880)',
      '    (vcpus 1)',
      "    (bootloader_args '')",
      '    (image',
      '        (linux',
      '            (kernel /var/lib/xen/vmlinuz.blj7cs)',
      "            (args 'ro root=/dev/VolGroup00/LogVol00 rhgb quiet')",
      '            (vncunused 1)',
      '        )',
      '    )',
      '    (device (vif (backend 0) (bridge xenbr0) (mac 00:16:3e:1d:06:15)))',
      ')',
      '',
    ].join('\n');
    expect(writeSxp(parseSxp(xendWritten))).toBe(xendWritten);
  });
});

// Values the reader can produce: any Unicode text without lone surrogates.
const value = fc.oneof(
  fc.constantFrom('', 'domain', '512', "it's", 'a"b', '\\', '#', '(', ')', '[x', ';', 'w!', 'caf\u00e9', '\u2014', '\x04', '\x00', '\t\n\r'),
  fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => s.isWellFormed()),
  fc.string({ maxLength: 12 }),
);
const plainTree = fc.letrec<{ tree: PlainSxp }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, value, fc.array(tie('tree'), { maxLength: 6 })),
})).tree;

describe('round trip', () => {
  it('parse → write → parse gives the same plain model (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(plainTree, { minLength: 1, maxLength: 4 }), fc.integer({ min: 20, max: 120 }), (forms, width) => {
        const written = writeSxp(forms.map(node), { width });
        const once = parseSxp(written).forms.map(toPlain);
        expect(once).toEqual(forms);
        // And writing what was read is stable.
        expect(writeSxp(parseSxp(written), { width })).toBe(written);
      }),
      { numRuns: 400 },
    );
  });
  it('also round-trips through bytes (what is on disk)', () => {
    fc.assert(
      fc.property(fc.array(plainTree, { minLength: 1, maxLength: 3 }), (forms) => {
        const bytes = Buffer.from(writeSxp(forms.map(node)), 'utf8');
        expect(parseSxp(bytes).forms.map(toPlain)).toEqual(forms);
      }),
      { numRuns: 200 },
    );
  });
});
