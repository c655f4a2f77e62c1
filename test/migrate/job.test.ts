/** MigrationJob / MigrationBatch against the scripted qemu-flavoured fake (real-daemon proofs live in rig-*.test.ts). */
import { describe, expect, it } from 'vitest';
import { MigrationBatch } from '../../src/migrate/batch.js';
import { capsOf } from '../../src/migrate/driver.js';
import type { JobEvent } from '../../src/migrate/events.js';
import { MigrationJob } from '../../src/migrate/job.js';
import { preflightDomain } from '../../src/migrate/preflight.js';
import { reconcile } from '../../src/migrate/reconcile.js';
import { fakeRunner, fakeWorld } from './fake-libvirt.js';

const SRC = 'qemu+unix:///system?socket=/h1';
const DST = 'qemu+tcp://h2/system';
const caps = capsOf('qemu');

function setup(domains = ['mig-a']) {
  const w = fakeWorld('qemu', SRC, DST, domains);
  const runner = fakeRunner(w);
  const events: JobEvent[] = [];
  return { w, runner, events, observe: (e: JobEvent) => events.push(e) };
}

describe('MigrationJob (qemu semantics)', () => {
  it('migrates, reports increasing percent and ends running+persistent on the destination only', async () => {
    const { w, runner, events, observe } = setup();
    const r = await new MigrationJob({ runner, sourceUri: SRC, destUri: DST, domain: 'mig-a', caps, pollMs: 100 }, observe).run();
    expect(r.ok).toBe(true);
    expect(r.reconcile?.end).toBe('moved');
    expect(w.hosts[SRC].has('mig-a')).toBe(false);
    expect(w.hosts[DST].get('mig-a')).toMatchObject({ state: 'running', persistent: true });
    expect(r.percentHistory.length).toBeGreaterThan(3);
    expect(r.percentHistory.at(-1)).toBe(100);
    for (let i = 1; i < r.percentHistory.length; i++) expect(r.percentHistory[i]).toBeGreaterThanOrEqual(r.percentHistory[i - 1]);
    expect(events.filter((e) => e.type === 'phase').map((e) => (e as { phase: string }).phase)).toEqual(['preparing', 'transferring', 'reconciling', 'done']);
  });

  it.each(['abort-job', 'destroy-destination', 'auto'] as const)('cancel with %s leaves the guest running on the source and nothing on the destination', async (strategy) => {
    const { w, runner, observe } = setup();
    w.migrationMs = Infinity;
    const job = new MigrationJob({ runner, sourceUri: SRC, destUri: DST, domain: 'mig-a', caps, pollMs: 100, cancelStrategy: strategy, uuid: w.hosts[SRC].get('mig-a')!.uuid }, observe);
    const done = job.run();
    setTimeout(() => job.cancel('signal'), 400);
    setTimeout(() => job.cancel('signal'), 450); // a second Ctrl-C changes nothing
    const r = await done;
    expect(r.cancelled).toBe('signal');
    expect(r.cancelUsed).toBe(strategy === 'auto' ? 'abort-job' : strategy);
    expect(r.reconcile?.end).toBe('stayed');
    expect(w.hosts[SRC].get('mig-a')).toMatchObject({ state: 'running', persistent: true });
    expect(w.hosts[DST].has('mig-a')).toBe(false);
  });

  it('a cancel before the job exists is retried until libvirt has a job to abort', async () => {
    const { w, runner } = setup();
    w.migrationMs = Infinity;
    const job = new MigrationJob({ runner, sourceUri: SRC, destUri: DST, domain: 'mig-a', caps, pollMs: 100, cancelStrategy: 'abort-job' });
    job.cancel('signal');
    const r = await job.run();
    expect(r.notStarted).toMatch(/cancelled before start/);
    expect(w.calls.some((c) => c.includes('migrate'))).toBe(false);
  });

  it('--timeout with abort aborts a migration that never converges', async () => {
    const { w, runner, events, observe } = setup();
    w.migrationMs = Infinity;
    const r = await new MigrationJob({ runner, sourceUri: SRC, destUri: DST, domain: 'mig-a', caps, pollMs: 100, timeoutSec: 1, timeoutAction: 'abort' }, observe).run();
    expect(r.cancelled).toBe('timeout');
    expect(r.reconcile?.end).toBe('stayed');
    expect(events.some((e) => e.type === 'warning' && e.code === 'MIGRATION_TIMEOUT')).toBe(true);
    expect(events.some((e) => e.type === 'warning' && e.code === 'MIGRATION_NOT_CONVERGING')).toBe(true);
  });

  it('--timeout with suspend pauses the guest so the copy finishes, and it runs on the destination', async () => {
    const { w, runner, events, observe } = setup();
    w.migrationMs = Infinity;
    const r = await new MigrationJob({ runner, sourceUri: SRC, destUri: DST, domain: 'mig-a', caps, pollMs: 100, timeoutSec: 1, timeoutAction: 'suspend' }, observe).run();
    expect(r.ok).toBe(true);
    expect(w.calls.some((c) => c[1] === 'suspend')).toBe(true);
    expect(events.some((e) => e.type === 'phase' && e.phase === 'suspended')).toBe(true);
    expect(w.hosts[DST].get('mig-a')?.state).toBe('running');
  });
});

describe('reconcile', () => {
  it('resumes a paused source and removes a leftover incoming copy', async () => {
    const { w, runner } = setup();
    Object.assign(w.hosts[SRC].get('mig-a')!, { state: 'paused', reason: 'migration' });
    w.hosts[DST].set('mig-a', { ...w.hosts[SRC].get('mig-a')!, state: 'paused', persistent: true });
    const r = await reconcile({ runner, sourceUri: SRC, destUri: DST, domain: 'mig-a', wasPersistent: true });
    expect(r.end).toBe('stayed');
    expect(r.actions).toEqual(['destroyed the incoming copy on the destination', 'removed the destination definition', 'resumed the guest on the source']);
    expect(w.hosts[DST].has('mig-a')).toBe(false);
  });
  it('never touches a guest running on both hosts', async () => {
    const { w, runner } = setup();
    w.hosts[DST].set('mig-a', { ...w.hosts[SRC].get('mig-a')! });
    const r = await reconcile({ runner, sourceUri: SRC, destUri: DST, domain: 'mig-a', wasPersistent: true });
    expect(r.end).toBe('split-brain');
    expect(r.actions).toEqual([]);
    expect(w.calls.some((c) => c[1] === 'destroy')).toBe(false);
  });
  it('finishes a migration whose source copy was left behind paused', async () => {
    const { w, runner } = setup();
    w.hosts[DST].set('mig-a', { ...w.hosts[SRC].get('mig-a')!, persistent: true });
    Object.assign(w.hosts[SRC].get('mig-a')!, { state: 'paused', reason: 'migration' });
    const r = await reconcile({ runner, sourceUri: SRC, destUri: DST, domain: 'mig-a', wasPersistent: true });
    expect(r.end).toBe('moved');
    expect(w.hosts[SRC].has('mig-a')).toBe(false);
  });
  it('makes a transient destination copy persistent from its own XML and removes the source definition', async () => {
    const { w, runner } = setup();
    w.hosts[DST].set('mig-a', { ...w.hosts[SRC].get('mig-a')!, persistent: false });
    Object.assign(w.hosts[SRC].get('mig-a')!, { state: 'shut off', reason: 'migrated' });
    const r = await reconcile({ runner, sourceUri: SRC, destUri: DST, domain: 'mig-a', wasPersistent: true });
    expect(r.end).toBe('moved');
    expect(r.actions).toEqual(['removed the source definition', 'made the destination copy persistent']);
    expect(w.hosts[DST].get('mig-a')).toMatchObject({ state: 'running', persistent: true });
    expect(w.hosts[SRC].has('mig-a')).toBe(false);
  });
  it('resumes on the destination a guest that completed while paused (timeout action suspend)', async () => {
    const { w, runner } = setup();
    w.hosts[DST].set('mig-a', { ...w.hosts[SRC].get('mig-a')!, state: 'paused', reason: 'user' });
    w.hosts[SRC].delete('mig-a');
    const r = await reconcile({ runner, sourceUri: SRC, destUri: DST, domain: 'mig-a', wasPersistent: true });
    expect(r.end).toBe('moved');
    expect(r.actions).toEqual(['resumed the guest on the destination']);
  });
  it('says unknown when a host cannot be reached', async () => {
    const { w, runner } = setup();
    w.down.add(DST);
    const r = await reconcile({ runner, sourceUri: SRC, destUri: DST, domain: 'mig-a', wasPersistent: true }, 1);
    expect(r.end).toBe('unknown');
    expect(r.dest.error).toMatch(/failed to connect/);
  });
});

describe('MigrationBatch', () => {
  it('runs two at a time with --parallel 2 and cancels queued jobs without touching a host', async () => {
    const { w, runner } = setup(['mig-1', 'mig-2', 'mig-3']);
    w.migrationMs = Infinity;
    const inp = { runner, sourceUri: SRC, destUri: DST, caps };
    const pre = await Promise.all(['mig-1', 'mig-2', 'mig-3'].map((d) => preflightDomain(inp, d)));
    expect(pre.every((p) => p.ok)).toBe(true);
    const batch = new MigrationBatch({ ...inp, parallel: 2, pollMs: 100 });
    const done = batch.run(pre);
    await new Promise((r) => setTimeout(r, 500));
    expect(runner.flights.size).toBe(2);
    batch.cancel('signal');
    const results = await done;
    expect(results.map((r) => r.reconcile?.end ?? r.notStarted)).toEqual(['stayed', 'stayed', 'cancelled while queued; never started']);
    expect(w.calls.filter((c) => c.includes('migrate')).length).toBe(2);
    for (const d of ['mig-1', 'mig-2', 'mig-3']) expect(w.hosts[SRC].get(d)?.state).toBe('running');
  });
  it('does not start a domain whose preflight failed and says why', async () => {
    const { runner } = setup([]);
    const inp = { runner, sourceUri: SRC, destUri: DST, caps };
    const pre = await preflightDomain(inp, 'mig-missing');
    expect(pre.ok).toBe(false);
    const [r] = await new MigrationBatch({ ...inp, parallel: 1 }).run([pre]);
    expect(r.notStarted).toMatch(/preflight failed: domain on source: no domain named mig-missing/);
  });
});
