import { describe, expect, it } from 'vitest';
import { addCrossChecks, MAX_NAMED_OTHERS } from '../../src/inventory/cross-checks.js';
import { endsInsideOpenForm } from '../../src/inventory/truncation.js';
import type { InventoryDisk, InventoryEntry } from '../../src/inventory/types.js';

function entry(name: string, uuid: string, disks: InventoryDisk[] = [], macs: string[] = []): InventoryEntry {
  return { path: `/d/${uuid}/config.sxp`, directoryUuid: uuid, name, uuid, disks, macs, state: 'halted', status: 'ok', problems: [] };
}
const disk = (source: string, mode: InventoryDisk['mode'], target = 'xvdb'): InventoryDisk => ({ target, device: 'disk', source, mode });

describe('cross-entry checks', () => {
  it('flags a disk that is writable in one domain and read-only in another, on both', () => {
    const a = entry('a', 'u1', [disk('/dev/vg0/x', 'w')]);
    const b = entry('b', 'u2', [disk('/dev/vg0/../vg0/x', 'r', 'xvdc')]);
    addCrossChecks([a, b]);
    expect([a.status, b.status]).toEqual(['warning', 'warning']);
    expect(b.problems[0].message).toContain('a (u1) as xvdb (writable)');
  });

  it('leaves disks shared read-only (ISO images) alone', () => {
    const a = entry('a', 'u1', [disk('/srv/iso/debian.iso', 'r')]);
    const b = entry('b', 'u2', [disk('/srv/iso/debian.iso', 'r')]);
    addCrossChecks([a, b]);
    expect([a.problems, b.problems]).toEqual([[], []]);
  });

  it('reports a duplicate MAC as a warning and names as errors, once per key', () => {
    const a = entry('same', 'u1', [], ['00:16:3e:00:00:01', '00:16:3e:00:00:01']);
    const b = entry('same', 'u2', [], ['00:16:3e:00:00:01']);
    const c = entry('other', 'u3', [], ['00:16:3e:00:00:02']);
    addCrossChecks([a, b, c]);
    expect(a.problems.map((p) => [p.code, p.severity])).toEqual([
      ['INV_DUPLICATE_NAME', 'error'],
      ['INV_DUPLICATE_MAC', 'warning'],
    ]);
    expect(c.status).toBe('ok');
  });
});

describe('cross-entry checks on a fleet of clones', () => {
  it('names at most MAX_NAMED_OTHERS others per message and counts the rest, for names, MACs and disks', () => {
    const clones = Array.from({ length: 12 }, (_, i) => entry('golden', `u${i}`, [disk('/dev/vg0/golden', 'w')], ['00:16:3e:00:00:01']));
    addCrossChecks(clones);
    expect(MAX_NAMED_OTHERS).toBe(5);
    for (const [i, e] of clones.entries()) {
      expect(e.problems.map((p) => p.code)).toEqual(['INV_DUPLICATE_NAME', 'INV_DUPLICATE_MAC', 'INV_SHARED_DISK']);
      for (const p of e.problems) {
        expect(p.message).toContain(' and 6 more');
        // Never the entry itself; the first five others, in store order.
        expect(p.message).not.toContain(`(u${i})`);
        const named = [...p.message.matchAll(/\(u(\d+)\)/g)].map((m) => Number(m[1]));
        expect(named).toEqual([0, 1, 2, 3, 4, 5].filter((n) => n !== i).slice(0, 5));
      }
    }
  });

  it('names every other entry when there are few', () => {
    const [a, b, c] = ['u1', 'u2', 'u3'].map((u) => entry('dup', u));
    addCrossChecks([a, b, c]);
    expect(a.problems[0].message).toContain('is also used by dup (u2), dup (u3);');
  });
});

describe('truncation detector', () => {
  it.each([
    ['(domain (name a)', true],
    ["(domain (name 'web", true],
    ['(domain (name a))', false],
    ['(domain (name a)) # trailing (comment', false],
    ['(domain (args "x)"))', false],
    ['(domain (args "a\\"b"', true],
  ])('%s → %s', (text, truncated) => {
    expect(endsInsideOpenForm(text)).toBe(truncated);
  });
});
