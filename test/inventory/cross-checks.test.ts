import { describe, expect, it } from 'vitest';
import { addCrossChecks, BROKEN_COPY, MAX_NAMED_OTHERS } from '../../src/inventory/cross-checks.js';
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

describe('entries xend skipped (broken copies)', () => {
  it('do not make the healthy namesake a duplicate: they keep their own error, the healthy one gets a warning', () => {
    const good = entry('web', 'u1', [disk('/dev/vg0/web', 'w')], ['00:16:3e:00:00:01']);
    const cut = entry('web', 'u2', [disk('/dev/vg0/web', 'w')], ['00:16:3e:00:00:01']);
    cut.problems.push({ code: 'INV_TRUNCATED', severity: 'error', message: 'config.sxp ends inside an open list' });
    const stale = { ...entry('web', 'u1'), path: '/d/u3/config.sxp', directoryUuid: 'u3' };
    stale.problems.push({ code: 'INV_UUID_MISMATCH', severity: 'error', message: 'uuid u1 inside, directory u3' });
    addCrossChecks([good, cut, stale]);
    expect(good.status).toBe('warning');
    expect(good.problems.map((p) => [p.code, p.severity])).toEqual([[BROKEN_COPY, 'warning']]);
    expect(good.problems[0].message).toBe('a broken copy in /d/u2, /d/u3 carries the same name; xend never loaded it and the upgrade leaves it alone; this entry is the one upgraded');
    expect(cut.problems.map((p) => p.code)).toEqual(['INV_TRUNCATED']);
    expect(stale.problems.map((p) => p.code)).toEqual(['INV_UUID_MISMATCH']);
    expect([cut.status, stale.status]).toEqual(['error', 'error']);
  });

  it('two healthy entries with one name are still an error', () => {
    const [a, b] = [entry('dup', 'u1'), entry('dup', 'u2')];
    addCrossChecks([a, b]);
    expect([a.status, b.status]).toEqual(['error', 'error']);
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
