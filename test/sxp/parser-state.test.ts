// The parser is one shared instance that collects items on a reused stack
// (parser.ts): documents it returned must never change when later inputs are
// parsed, succeed or fail, and every list's items must be exactly its own.
import { describe, expect, it } from 'vitest';
import { parseSxp, toPlain, type SxpList } from '../../src/sxp/index.js';
import { syntaxError } from './helpers.js';

const DOMAIN = `(domain
    (name web01)
    (memory 512)
    (image (hvm (kernel /usr/lib/xen/boot/hvmloader) (acpi 1) (apic 1) (boot cd)))
    (device (vbd (dev hda:disk) (uname phy:/dev/vg0/web01) (mode w)))
    (device (vif (mac 00:16:3e:00:00:01) (bridge xenbr0)))
    ()
    (k)
    (a b c d e)
    trailing
)`;

const EXPECTED = [
  'domain',
  ['name', 'web01'],
  ['memory', '512'],
  ['image', ['hvm', ['kernel', '/usr/lib/xen/boot/hvmloader'], ['acpi', '1'], ['apic', '1'], ['boot', 'cd']]],
  ['device', ['vbd', ['dev', 'hda:disk'], ['uname', 'phy:/dev/vg0/web01'], ['mode', 'w']]],
  ['device', ['vif', ['mac', '00:16:3e:00:00:01'], ['bridge', 'xenbr0']]],
  [],
  ['k'],
  ['a', 'b', 'c', 'd', 'e'],
  'trailing',
];

describe('parser state between inputs', () => {
  it('gives every list exactly its own items, for lists of 0, 1, 2 and more items', () => {
    expect(parseSxp(DOMAIN).forms.map(toPlain)).toEqual([EXPECTED]);
  });

  it('leaves earlier documents untouched by later parses, successful or not', () => {
    const first = parseSxp(DOMAIN);
    const snapshot = JSON.stringify(first);
    parseSxp('(domain (name other) (memory 1024) (x (y (z 1 2 3))))');
    syntaxError('(domain (name broken) (device (vbd (dev xvda)');
    syntaxError('(a))');
    parseSxp('(b) (c d) e');
    expect(JSON.stringify(first)).toBe(snapshot);
    expect(toPlain(first.forms[0])).toEqual(EXPECTED);
  });

  it('starts clean after a failed parse (nothing left over from the unfinished lists)', () => {
    syntaxError('(domain (name half) (image (linux (kernel /boot/vmlinuz)');
    const doc = parseSxp('(vm (name next))');
    expect(doc.forms.map(toPlain)).toEqual([['vm', ['name', 'next']]]);
    const form = doc.forms[0] as SxpList;
    expect(form.items).toHaveLength(2);
  });
});
