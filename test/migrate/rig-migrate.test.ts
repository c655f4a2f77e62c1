/**
 * Issue 6 proofs (a), (c) and (d) on the real rig: two libvirtd hosts, QEMU/TCG tiny
 * guests (domain type 'qemu', 32 MiB), driven through the built CLI (bin/xend2libxl.js).
 */
import { describe, expect, it } from 'vitest';
import { announceSkip, libvirtSkipped } from '../rig/rig.js';
import { runBin } from '../helpers/run-cli.js';
import { startGuest, uniqueName, useRig, where } from './rig-helpers.js';

const suite = libvirtSkipped ? describe.skip : describe;
announceSkip('migrate/rig-migrate');

type Line = Record<string, any>;
const lines = (stdout: string): Line[] => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

suite('migrate on the real rig (h1 → h2)', () => {
  const names: string[] = [];
  const lab = useRig(names);
  const guest = async (tag: string, cmdline = '') => {
    const n = uniqueName(tag);
    names.push(n);
    await startGuest(lab.rig, lab.rig.h1, n, cmdline);
    return n;
  };

  it('(a) migrates one guest: running on h2, gone from h1, increasing percent observed', async () => {
    const n = await guest('one');
    const r = await runBin(['migrate', n, '--from', lab.rig.h1.uri, '--to', lab.rig.h2.tcpUri, '--bandwidth', '8', '--poll-ms', '250', '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const ev = lines(r.stdout);
    const pct = ev.filter((l) => l.event === 'progress' && l.domain === n).map((l) => l.percent as number);
    expect(pct.length).toBeGreaterThanOrEqual(3);
    expect(new Set(pct).size).toBeGreaterThanOrEqual(3); // really moving, not one value repeated
    for (let i = 1; i < pct.length; i++) expect(pct[i]).toBeGreaterThanOrEqual(pct[i - 1]);
    expect(pct.at(-1)).toBe(100);
    expect(ev.find((l) => l.event === 'result')).toMatchObject({ domain: n, status: 'migrated', where: 'destination' });
    expect(await where(lab.rig.h2, n)).toEqual({ state: 'running', persistent: true });
    expect((await where(lab.rig.h1, n)).state).toBe('absent');
  });

  it('(a) migrates several guests in one command', async () => {
    const ns = [await guest('many'), await guest('many')];
    const r = await runBin(['migrate', ...ns, '--from', lab.rig.h1.uri, '--to', lab.rig.h2.tcpUri], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    for (const n of ns) {
      expect(r.stdout).toMatch(new RegExp(`${n}\\tmigrated`));
      expect(await where(lab.rig.h2, n)).toEqual({ state: 'running', persistent: true });
      expect((await where(lab.rig.h1, n)).state).toBe('absent');
    }
  });

  it('(c) --timeout 5 --timeout-action abort: a never-converging guest stays running on h1', async () => {
    const n = await guest('tmo-abort', 'fill=8 dirty=4');
    const r = await runBin(['migrate', n, '--from', lab.rig.h1.uri, '--to', lab.rig.h2.tcpUri, '--bandwidth', '1', '--timeout', '5', '--timeout-action', 'abort', '--json'], { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    const ev = lines(r.stdout);
    expect(ev.some((l) => l.event === 'warning' && l.code === 'MIGRATION_TIMEOUT')).toBe(true);
    expect(ev.find((l) => l.event === 'result')).toMatchObject({ status: 'stayed', cancelled: 'timeout', cancelUsed: 'abort-job' });
    expect(await where(lab.rig.h1, n)).toEqual({ state: 'running', persistent: true });
    expect((await where(lab.rig.h2, n)).state).toBe('absent');
  });

  it('(c) --timeout 5 --timeout-action suspend: the paused guest finishes and runs on h2', async () => {
    const n = await guest('tmo-susp', 'fill=8 dirty=8');
    const r = await runBin(['migrate', n, '--from', lab.rig.h1.uri, '--to', lab.rig.h2.tcpUri, '--bandwidth', '4', '--timeout', '5', '--timeout-action', 'suspend', '--json'], { timeoutMs: 180_000 });
    expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
    const ev = lines(r.stdout);
    expect(ev.filter((l) => l.event === 'phase').map((l) => l.phase)).toContain('suspended');
    expect(ev.some((l) => l.event === 'warning' && l.code === 'MIGRATION_TIMEOUT')).toBe(true);
    expect(await where(lab.rig.h2, n)).toEqual({ state: 'running', persistent: true });
    expect((await where(lab.rig.h1, n)).state).toBe('absent');
  });

  it('(d) evacuate --parallel 2 moves every matching guest and overlaps two migrations', async () => {
    const tag = uniqueName('ev');
    const ns = [`${tag}-a`, `${tag}-b`, `${tag}-c`];
    names.push(...ns);
    for (const n of ns) await startGuest(lab.rig, lab.rig.h1, n);
    const r = await runBin(['evacuate', '--from', lab.rig.h1.uri, '--to', lab.rig.h2.tcpUri, '--parallel', '2', '--match', `${tag}-*`, '--bandwidth', '16', '--json'], { timeoutMs: 180_000 });
    expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
    const ev = lines(r.stdout);
    expect(ev.filter((l) => l.event === 'result').map((l) => [l.domain, l.status]).sort()).toEqual(ns.map((n) => [n, 'migrated']));
    // Two transfers at once: some moment has two domains between 'transferring' and 'done'.
    const active = new Set<string>();
    let maxActive = 0;
    for (const l of ev.filter((x) => x.event === 'phase')) {
      if (l.phase === 'preparing') active.add(l.domain);
      if (l.phase === 'done') active.delete(l.domain);
      maxActive = Math.max(maxActive, active.size);
    }
    expect(maxActive).toBe(2);
    for (const n of ns) {
      expect(await where(lab.rig.h2, n)).toEqual({ state: 'running', persistent: true });
      expect((await where(lab.rig.h1, n)).state).toBe('absent');
    }
  });
});
