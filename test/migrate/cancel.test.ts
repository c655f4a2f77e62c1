/**
 * cancelMigration against the scripted QEMU fake: destroy-destination's shortest safe
 * sequence (one state read by UUID, then the destroy) and the copies it must never
 * destroy (a running destination copy, a namesake with another UUID); and a driver
 * without AbortJob (libxl) gets NO call at all — its real behaviour is proven on the Xen
 * rig in test/xen/migrate-cancel.xen.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LIBXL_CANNOT_ABORT, cancelMigration } from '../../src/migrate/cancel.js';
import { capsOf } from '../../src/migrate/driver.js';
import { fakeRunner, fakeWorld } from './fake-libvirt.js';

const SRC = 'qemu+tcp://old/system';
const DST = 'qemu+tcp://new/system';
const caps = capsOf('qemu');
const OTHER_UUID = '11111111-2222-3333-4444-555555555555';

function world() {
  const w = fakeWorld('qemu', SRC, DST, ['mig-c']);
  w.migrationMs = Infinity;
  const runner = fakeRunner(w);
  const uuid = w.hosts[SRC].get('mig-c')!.uuid;
  return { w, runner, uuid };
}

/** Start `virsh migrate` on the fake and wait until the incoming copy exists on the destination. */
async function migrating(w: ReturnType<typeof world>['w'], runner: ReturnType<typeof world>['runner']) {
  let exited = false;
  const ended = runner.start({ uri: SRC, args: ['migrate', '--live', '--p2p', '--', 'mig-c', DST] }).result.then((r) => ((exited = true), r));
  while (!w.hosts[DST].has('mig-c')) await new Promise((r) => setTimeout(r, 5));
  return { ended, finished: () => exited };
}

describe('cancelMigration: destroy-destination', () => {
  it('reads the incoming copy once, by UUID, and destroys it without a poll tick in between', async () => {
    const { w, runner, uuid } = world();
    const m = await migrating(w, runner);
    const before = w.calls.length;
    const out = await cancelMigration({ runner, caps, sourceUri: SRC, destUri: DST, domain: 'mig-c', uuid, ...m }, 'destroy-destination');
    expect(out.used).toBe('destroy-destination');
    const destCalls = w.calls.slice(before).filter((c) => c[0] === DST);
    expect(destCalls).toEqual([
      [DST, 'domstate', '--reason', '--', uuid],
      [DST, 'destroy', '--', uuid],
    ]);
    expect((await m.ended).exitCode).toBe(1);
    expect(w.hosts[DST].has('mig-c')).toBe(false);
  });

  it('never destroys a namesake with another UUID on the destination', async () => {
    const { w, runner, uuid } = world();
    w.hosts[DST].set('mig-c', { state: 'paused', reason: 'user', persistent: true, uuid: OTHER_UUID, memoryMiB: 64 });
    let exited = false;
    setTimeout(() => (exited = true), 300);
    const out = await cancelMigration({ runner, caps, sourceUri: SRC, destUri: DST, domain: 'mig-c', uuid, finished: () => exited }, 'destroy-destination');
    expect(out.used).toBe('none');
    expect(w.calls.some((c) => c[1] === 'destroy')).toBe(false);
    expect(w.hosts[DST].get('mig-c')).toMatchObject({ state: 'paused', uuid: OTHER_UUID });
  });

  it('never destroys a destination copy that already runs (the migration completed)', async () => {
    const { w, runner, uuid } = world();
    w.hosts[DST].set('mig-c', { ...w.hosts[SRC].get('mig-c')!, state: 'running', reason: 'migrated' });
    const notes: string[] = [];
    const out = await cancelMigration({ runner, caps, sourceUri: SRC, destUri: DST, domain: 'mig-c', uuid, finished: () => false, note: (n) => notes.push(n) }, 'destroy-destination');
    expect(out.used).toBe('none');
    expect(notes).toContain('the destination copy is already running (migration completed); not destroying it');
    expect(w.calls.some((c) => c[1] === 'destroy')).toBe(false);
  });

  it('keeps looking while the incoming copy does not exist yet and stops when virsh migrate ends', async () => {
    const { w, runner, uuid } = world();
    let exited = false;
    const ended = new Promise<void>((r) => setTimeout(() => ((exited = true), r()), 200));
    const out = await cancelMigration({ runner, caps, sourceUri: SRC, destUri: DST, domain: 'mig-c', uuid, finished: () => exited, ended }, 'destroy-destination');
    expect(out.used).toBe('none');
    const looks = w.calls.filter((c) => c[0] === DST && c[1] === 'domstate').length;
    expect(looks).toBeGreaterThanOrEqual(2);
    expect(w.calls.some((c) => c[1] === 'destroy')).toBe(false);
  });
});

describe('cancelMigration: a driver that cannot abort (libxl)', () => {
  it.each(['auto', 'abort-job', 'destroy-destination'] as const)('%s issues nothing and says it waits', async (strategy) => {
    const { w, runner, uuid } = world();
    const m = await migrating(w, runner);
    const before = w.calls.length;
    const notes: string[] = [];
    const out = await cancelMigration({ runner, caps: capsOf('libxl'), sourceUri: SRC, destUri: DST, domain: 'mig-c', uuid, ...m, note: (n) => notes.push(n) }, strategy);
    expect(out).toMatchObject({ used: 'wait', abortUnsupported: true });
    expect(notes).toEqual([LIBXL_CANNOT_ABORT]);
    expect(LIBXL_CANNOT_ABORT).toBe('libxl cannot abort a running migration; waiting for it to end');
    expect(w.calls.slice(before)).toEqual([]);
  });
});
