/**
 * (c) Crash injection: the upgrade kills itself with SIGKILL right after the
 * journal write of each step (the test-only XEND2LIBXL_TEST_CRASH_AFTER hook),
 * then `--resume` must finish with 0 domains lost and 0 defined twice — counted
 * from libvirt's own lifecycle events on the target. Source and target are the
 * test drivers of the two rig daemons (held open by the event watchers).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSxpText } from '../../src/convert/api.js';
import { readJournal } from '../../src/upgrade/journal.js';
import { binPath } from '../helpers/run-cli.js';
import { announceSkip, ensureRig, libvirtSkipped, type Rig } from '../rig/rig.js';
import { watchEvents, type EventWatch } from './events.js';
import { domstate, names, purge, virsh } from './virsh.js';
import { suiteUuid, writeTree, type TreeDomain } from './xend-tree.js';

const domains: TreeDomain[] = [
  { name: 'upg-c-auto', uuid: suiteUuid('c0c0', 1), kind: 'pv-pygrub', autostart: true },
  { name: 'upg-c-run', uuid: suiteUuid('c0c0', 2), kind: 'pv-kernel' },
  { name: 'upg-c-off', uuid: suiteUuid('c0c0', 3), kind: 'hvm' },
];
const running = ['upg-c-auto', 'upg-c-run'];
const CRASH_POINTS = ['planned', 'backed-up', 'shutdown-requested', 'shut-down', 'switched', 'define-requested', 'defined', 'verified', 'autostart-set', 'start-requested', 'started', 'done'];

/** The runs below are synchronous (spawnSync): let the event watchers read what arrived meanwhile. */
const settle = () => new Promise((r) => setTimeout(r, 300));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [binPath, ...args], { encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH, ...env } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(libvirtSkipped)('kill -9 at every journal step, then --resume (c)', () => {
  let rig: Rig;
  let work: string;
  let root: string;
  let from: EventWatch;
  let to: EventWatch;
  beforeAll(async () => {
    rig = await ensureRig();
    from = await watchEvents(rig.h1.testUri);
    to = await watchEvents(rig.h2.testUri);
    work = mkdtempSync(path.join(tmpdir(), 'upg-c-'));
    root = path.join(work, 'domains');
    writeTree(root, domains);
  });
  afterAll(async () => {
    for (const d of domains) for (const u of [rig.h1.testUri, rig.h2.testUri]) purge(u, d.name);
    await from?.close();
    await to?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The xend host before the upgrade: its domains known to the old driver, two of them running. */
  function freshHosts(): void {
    for (const d of domains) {
      purge(rig.h2.testUri, d.name);
      purge(rig.h1.testUri, d.name);
      const xml = convertSxpText(readFileSync(path.join(root, d.uuid, 'config.sxp')), { file: 'x' }).xml!;
      const file = path.join(work, 'define.xml');
      writeFileSync(file, xml);
      virsh(rig.h1.testUri, ['define', '--file', file]);
      if (running.includes(d.name)) virsh(rig.h1.testUri, ['start', '--', d.name]);
    }
  }

  it('--pause-for-switch stops with exit code 3 after the shutdowns; --resume in a new process finishes', async () => {
    freshHosts();
    const backup = path.join(work, 'backup-pause');
    const paused = cli(['upgrade', '--xend-root', root, '--from', rig.h1.testUri, '--to', rig.h2.testUri, '--backup-dir', backup, '--pause-for-switch', '--yes']);
    expect(paused.code, paused.stderr).toBe(3);
    expect(paused.stdout).toMatch(/next: do the toolstack switch .*--resume/);
    for (const d of domains) expect(domstate(rig.h1.testUri, d.name)).toMatch(/^shut off/);
    expect(names(rig.h2.testUri).filter((n) => n.startsWith('upg-c-'))).toEqual([]);
    const resumed = cli(['upgrade', '--backup-dir', backup, '--resume', '--yes']);
    expect(resumed.code, resumed.stderr).toBe(0);
    for (const d of domains) expect(domstate(rig.h2.testUri, d.name)).toMatch(running.includes(d.name) ? /^running/ : /^shut off/);
  });

  it.each([...CRASH_POINTS.slice(0, 4), 'awaiting-switch'].map((p) => [p]))('with --pause-for-switch: crash after "%s", then --resume twice (pause, then finish)', async (point) => {
    freshHosts();
    const backup = path.join(work, `backup-pause-${point}`);
    const crashed = cli(['upgrade', '--xend-root', root, '--from', rig.h1.testUri, '--to', rig.h2.testUri, '--backup-dir', backup, '--pause-for-switch', '--yes'], { XEND2LIBXL_TEST_CRASH_AFTER: point });
    expect(crashed.signal).toBe('SIGKILL');
    const first = cli(['upgrade', '--backup-dir', backup, '--resume', '--yes']);
    // Before the pause was reached the resumed run pauses; a crash right after pausing means the admin's --resume is the switch.
    expect(first.code, first.stderr).toBe(point === 'awaiting-switch' ? 0 : 3);
    if (point !== 'awaiting-switch') expect(cli(['upgrade', '--backup-dir', backup, '--resume', '--yes']).code).toBe(0);
    for (const d of domains) expect(names(rig.h2.testUri)).toContain(d.name);
  });

  it.each(CRASH_POINTS)('crash after "%s" → --resume completes, nothing lost, nothing defined twice', async (point) => {
    freshHosts();
    await settle();
    const before = Object.fromEntries(domains.map((d) => [d.name, to.defines(d.name)]));
    const backup = path.join(work, `backup-${point}`);
    const args = ['upgrade', '--xend-root', root, '--from', rig.h1.testUri, '--to', rig.h2.testUri, '--backup-dir', backup, '--parallel', '2', '--yes'];
    const crashed = cli(args, { XEND2LIBXL_TEST_CRASH_AFTER: point });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    const resumed = cli(['upgrade', '--backup-dir', backup, '--resume', '--yes', '--json']);
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    const j = (await readJournal(backup))!;
    expect(j.domains.map((d) => [d.name, d.status])).toEqual(domains.map((d) => [d.name, 'done']));
    await settle();
    for (const d of domains) {
      // Lost: not on the target. Twice: more than one Defined event for this round.
      expect(names(rig.h2.testUri)).toContain(d.name);
      expect(to.defines(d.name) - before[d.name], `${d.name} defines after crash at ${point}: ${to.lines(d.name).join(' | ')}\n${crashed.stderr}\n${resumed.stderr}`).toBe(1);
      expect(domstate(rig.h2.testUri, d.name)).toMatch(running.includes(d.name) ? /^running/ : /^shut off/);
      expect(domstate(rig.h1.testUri, d.name)).toMatch(/^shut off/);
    }
    expect(names(rig.h2.testUri, ['--all', '--autostart'])).toContain('upg-c-auto');
    expect(names(rig.h2.testUri, ['--all', '--autostart'])).not.toContain('upg-c-run');
  });
});

if (libvirtSkipped) announceSkip('crash injection (c)');
