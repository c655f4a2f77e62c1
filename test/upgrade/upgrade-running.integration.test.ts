/**
 * (b) Tiny guests running on rig host h1 (one defined, one transient as with
 * `xm create`) → `upgrade --include-unmanaged --from h1 --to h2` with an empty
 * xend store: shut down gracefully on h1, defined and started on h2 (the guest
 * boots there: READY on its console); --rollback brings back what it can.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/upgrade/journal.js';
import { runCli } from '../helpers/run-cli.js';
import { announceSkip, ensureRig, libvirtSkipped, type Rig } from '../rig/rig.js';
import { domstate, names, purge, virsh } from './virsh.js';
import { suiteUuid } from './xend-tree.js';

const KEPT = 'upg-b-kept';
const TRANSIENT = 'upg-b-xmcreate';

describe.skipIf(libvirtSkipped)('upgrade of running guests between two real libvirtd hosts (b)', () => {
  let rig: Rig;
  let work: string;
  beforeAll(async () => {
    rig = await ensureRig();
    for (const n of [KEPT, TRANSIENT]) for (const h of [rig.h1, rig.h2]) purge(h.uri, n);
    work = mkdtempSync(path.join(tmpdir(), 'upg-b-'));
    const kept = path.join(work, 'kept.xml');
    const transient = path.join(work, 'transient.xml');
    writeFileSync(kept, rig.guestXml({ name: KEPT, uuid: suiteUuid('b0b0', 1) }));
    writeFileSync(transient, rig.guestXml({ name: TRANSIENT, uuid: suiteUuid('b0b0', 2) }));
    virsh(rig.h1.uri, ['define', '--file', kept]);
    virsh(rig.h1.uri, ['start', '--', KEPT]);
    virsh(rig.h1.uri, ['create', '--file', transient]);
    await rig.waitForReady(rig.h1, KEPT, 60_000);
    await rig.waitForReady(rig.h1, TRANSIENT, 60_000);
  }, 180_000);
  afterAll(() => {
    for (const n of [KEPT, TRANSIENT]) for (const h of [rig.h1, rig.h2]) purge(h.uri, n);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('shuts down gracefully on h1, defines and starts on h2', async () => {
    const root = path.join(work, 'empty xend root');
    mkdirSync(root);
    const backup = path.join(work, 'backup');
    const r = await runCli(
      ['upgrade', '--xend-root', root, '--from', rig.h1.uri, '--to', rig.h2.uri, '--include-unmanaged', '--domain', KEPT, '--domain', TRANSIENT, '--backup-dir', backup, '--shutdown-timeout', '60', '--yes', '--json'],
    );
    expect(r.stderr).not.toMatch(/FAILED|error/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { domains: { name: string; status: string; origin: string }[] };
    expect(report.domains.map((d) => [d.name, d.origin, d.status]).sort()).toEqual([
      [KEPT, 'unmanaged', 'done'],
      [TRANSIENT, 'unmanaged', 'done'],
    ]);
    // Graceful: the reason is "shutdown", not "destroyed".
    expect(domstate(rig.h1.uri, KEPT)).toBe('shut off (shutdown)');
    expect(names(rig.h1.uri)).not.toContain(TRANSIENT);
    for (const n of [KEPT, TRANSIENT]) {
      expect(domstate(rig.h2.uri, n)).toMatch(/^running/);
      await rig.waitForReady(rig.h2, n, 60_000);
    }
    expect(names(rig.h2.uri, ['--all', '--persistent'])).toEqual(expect.arrayContaining([KEPT, TRANSIENT]));
    const j = (await readJournal(backup))!;
    for (const d of j.domains) expect(d).toMatchObject({ wasRunning: true, stoppedByUs: true, definedByUs: true, startedByUs: true, step: 'done' });
  }, 240_000);

  it('--rollback stops and undefines on h2 what it started, restarts on h1 what h1 still has', async () => {
    const r = await runCli(['upgrade', '--backup-dir', path.join(work, 'backup'), '--rollback', '--yes', '--shutdown-timeout', '60', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { domains: { name: string; status: string; next?: string }[] };
    expect(report.domains.every((d) => d.status === 'rolled-back')).toBe(true);
    expect(report.domains.find((d) => d.name === TRANSIENT)!.next).toMatch(/no longer on/);
    expect(names(rig.h2.uri).filter((n) => n.startsWith('upg-b-'))).toEqual([]);
    expect(domstate(rig.h1.uri, KEPT)).toMatch(/^running/);
    await rig.waitForReady(rig.h1, KEPT, 60_000);
  }, 240_000);
});

if (libvirtSkipped) announceSkip('upgrade of running guests (b)');
