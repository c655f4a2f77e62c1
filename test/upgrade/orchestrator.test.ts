import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UpgradeOptions } from '../../src/upgrade/context.js';
import { readJournal } from '../../src/upgrade/journal.js';
import { runUpgrade } from '../../src/upgrade/upgrade.js';
import { treeHash } from './xend-tree.js';
import { fakeDeps, fakeSource, FakeHypervisor, uuid, writeXendRoot, type FakeSourceDomain } from './fakes.js';

const FROM = 'xen:///legacy';
const TO = 'xen:///system';

let dir: string;
let root: string;
let backupDir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'upg-unit-'));
  root = path.join(dir, 'xend root');
  backupDir = path.join(dir, 'backup');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function opts(extra: Partial<UpgradeOptions> = {}): UpgradeOptions {
  return { xendRoot: root, to: TO, from: FROM, backupDir, parallel: 4, shutdownTimeoutMs: 5_000, pollMs: 100, ...extra };
}

function setup(domains: FakeSourceDomain[], running: string[] = []) {
  writeXendRoot(root, domains);
  const hv = new FakeHypervisor();
  for (const d of domains) if (running.includes(d.name)) hv.add(FROM, { name: d.name, uuid: d.uuid, state: 'running' });
  const deps = fakeDeps(hv, fakeSource(domains));
  return { hv, deps };
}


const three: FakeSourceDomain[] = [
  { uuid: uuid(1), name: 'web', autostart: true },
  { uuid: uuid(2), name: 'db', checkpoint: true },
  { uuid: uuid(3), name: 'idle' },
];

describe('upgrade orchestrator (fake libvirt)', () => {
  it('backs up, shuts down, defines, verifies, sets autostart and starts; the xend root is untouched', async () => {
    const { hv, deps } = setup(three, ['web', 'db']);
    const before = treeHash(root);
    const r = await runUpgrade(deps, opts());
    expect(r.domains.map((d) => [d.name, d.status, d.step])).toEqual([
      ['web', 'done', 'done'],
      ['db', 'done', 'done'],
      ['idle', 'done', 'done'],
    ]);
    expect(treeHash(root)).toBe(before);
    const target = hv.hosts.get(TO)!;
    expect([...target.keys()].sort()).toEqual(['db', 'idle', 'web']);
    expect(target.get('web')).toMatchObject({ state: 'running', autostart: true });
    expect(target.get('db')).toMatchObject({ state: 'running', autostart: false });
    expect(target.get('idle')).toMatchObject({ state: 'shut off' });
    expect(hv.hosts.get(FROM)!.get('web')!.state).toBe('shut off');
    expect(hv.count('define')).toBe(3);
    // The backup: private, complete, hashes right.
    expect(statSync(backupDir).mode & 0o777).toBe(0o700);
    const manifest = JSON.parse(readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')) as { files: { file: string; sha256: string; kind: string }[] };
    expect(manifest.files.filter((f) => f.kind === 'checkpoint.chk')).toHaveLength(1);
    expect(manifest.files.filter((f) => f.kind === 'config.sxp')).toHaveLength(3);
    expect(manifest.files.filter((f) => f.kind === 'source-xml')).toHaveLength(2);
    for (const f of manifest.files) {
      const p = path.join(backupDir, f.file);
      expect(createHash('sha256').update(readFileSync(p)).digest('hex')).toBe(f.sha256);
      expect(statSync(p).mode & 0o777).toBe(0o600);
    }
    const j = (await readJournal(backupDir))!;
    expect(j.domains.find((d) => d.name === 'web')!.history.map((h) => h.event)).toEqual([
      'backed-up', 'shutdown-requested', 'shut-down', 'switched', 'define-requested', 'defined', 'verified', 'autostart-set', 'start-requested', 'started', 'done',
    ]);
    expect(r.next).toMatch(/all 3 domain\(s\) upgraded/);
  });

  it('--dry-run lists ordered steps and changes nothing', async () => {
    const { hv, deps } = setup(three, ['web']);
    const r = await runUpgrade(deps, opts({ dryRun: true, switchCommand: 'systemctl stop xend' }));
    expect(r.action).toBe('dry-run');
    expect(() => statSync(backupDir)).toThrow();
    expect(hv.calls.filter((c) => c.op !== 'list')).toEqual([]);
    const web = r.domains.find((d) => d.name === 'web')!.plannedSteps!;
    expect(web[0]).toMatch(/^back up/);
    expect(web[1]).toMatch(/^shut down on xen:\/\/\/legacy/);
    expect(web[2]).toMatch(/switch the toolstack.*systemctl stop xend/);
    expect(web.at(-1)).toMatch(/start on xen:\/\/\/system/);
    expect(web).toContain('enable autostart (xend started it with the host)');
  });

  it('isolates a domain that cannot be converted or that libvirt rejects', async () => {
    const { hv, deps } = setup([...three, { uuid: uuid(4), name: 'broken', error: 'config.sxp:3:1: unterminated list' }], ['web']);
    hv.rejectDefine.add('db');
    const r = await runUpgrade(deps, opts());
    const by = Object.fromEntries(r.domains.map((d) => [d.name, d]));
    expect(by.broken).toMatchObject({ status: 'failed', step: 'planned', error: { code: 'SXP_SYNTAX' } });
    expect(by.db).toMatchObject({ status: 'failed', step: 'switched', error: { code: 'LIBVIRT_REJECTED' } });
    expect(by.db.next).toMatch(/--resume/);
    expect(by.web.status).toBe('done');
    expect(by.idle.status).toBe('done');
    expect(r.counts).toMatchObject({ total: 4, done: 2, failed: 2 });
  });

  it('holds a domain that ignores the shutdown (no --force) without holding up the others', async () => {
    const { hv, deps } = setup(three, ['web', 'db']);
    hv.host(FROM).get('db')!.acpiIgnored = true;
    const r = await runUpgrade(deps, opts());
    const db = r.domains.find((d) => d.name === 'db')!;
    expect(db).toMatchObject({ status: 'held', step: 'backed-up', error: { code: 'SHUTDOWN_TIMEOUT' } });
    expect(db.next).toMatch(/--force/);
    expect(hv.host(FROM).get('db')!.state).toBe('running');
    expect(hv.count('destroy')).toBe(0);
    expect(hv.host(TO).has('db')).toBe(false);
    expect(r.domains.find((d) => d.name === 'web')!.status).toBe('done');
    // The admin decides to force it: the re-run converges.
    const r2 = await runUpgrade(deps, opts({ resume: true, force: true }));
    expect(r2.domains.every((d) => d.status === 'done')).toBe(true);
    expect(hv.count('destroy', 'db')).toBe(1);
    expect(hv.host(TO).get('db')!.state).toBe('running');
    expect(hv.count('define', 'web')).toBe(1);
  });

  it('a held domain blocks the toolstack switch; the switch command is not run', async () => {
    const { hv, deps } = setup(three, ['web', 'db']);
    hv.host(FROM).get('db')!.acpiIgnored = true;
    const r = await runUpgrade(deps, opts({ switchCommand: 'stop-xend' }));
    expect(deps.switchRuns).toEqual([]);
    expect(r.switch!.state).toBe('pending');
    expect(r.next).toMatch(/not switched because some domains are still running/);
    expect(hv.count('define')).toBe(0);
    hv.host(FROM).get('db')!.acpiIgnored = false;
    const r2 = await runUpgrade(deps, opts({ resume: true, switchCommand: 'stop-xend' }));
    expect(deps.switchRuns).toEqual(['stop-xend']);
    expect(r2.domains.map((d) => d.status)).toEqual(['done', 'done', 'done']);
  });

  it('--pause-for-switch stops awaiting the switch; --resume checks the target answers, then finishes', async () => {
    const { hv, deps } = setup(three, ['web']);
    const r = await runUpgrade(deps, opts({ pauseForSwitch: true }));
    expect(r.paused).toBe(true);
    expect(r.switch!.state).toBe('awaiting');
    expect(r.domains.map((d) => d.step)).toEqual(['shut-down', 'shut-down', 'shut-down']);
    expect(r.next).toMatch(/--resume/);
    hv.unreachable.add(TO);
    await expect(runUpgrade(deps, opts({ resume: true, xendRoot: undefined }))).rejects.toMatchObject({ code: 'SWITCH_TARGET_UNREACHABLE' });
    expect((await readJournal(backupDir))!.switch.state).toBe('awaiting');
    hv.unreachable.delete(TO);
    const r2 = await runUpgrade(deps, opts({ resume: true, xendRoot: undefined }));
    expect(r2.paused).toBe(false);
    expect(r2.domains.every((d) => d.status === 'done')).toBe(true);
    expect(hv.host(TO).get('web')!.state).toBe('running');
  });

  it('runs --switch-command exactly once; a failing one is reported and re-run by --resume', async () => {
    const { deps } = setup(three, ['web']);
    const r = await runUpgrade(deps, opts({ switchCommand: 'please fail' }));
    expect(r.switch).toMatchObject({ state: 'failed' });
    expect(r.switch!.detail).toMatch(/exit code 1: xend: stop failed/);
    expect(deps.switchRuns).toHaveLength(1);
    // The command given again is what runs; without one, --resume refuses (usage) instead of running the journal's.
    await expect(runUpgrade(deps, opts({ resume: true }))).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/give the command with --switch-command \(the journal records "please fail"; it is shown, never run\)/) });
    expect(deps.switchRuns).toHaveLength(1);
    const r2 = await runUpgrade(deps, opts({ resume: true, switchCommand: 'please fail again' }));
    expect(deps.switchRuns).toEqual(['please fail', 'please fail again']);
    expect(r2.switch!.state).toBe('failed');
  });

  it('is idempotent: equal definitions are skipped, different ones stop the domain unless --force', async () => {
    const { hv, deps } = setup(three);
    hv.add(TO, { name: 'web', uuid: uuid(1) }); // equal to ours
    hv.add(TO, { name: 'db', uuid: uuid(2), xml: JSON.stringify({ ...JSON.parse(JSON.stringify({ name: 'db', uuid: uuid(2) })), osType: 'hvm', memoryKiB: 1, maxMemoryKiB: 1, vcpus: 9, disks: [], nics: [] }) });
    const r = await runUpgrade(deps, opts());
    const by = Object.fromEntries(r.domains.map((d) => [d.name, d]));
    expect(by.web).toMatchObject({ status: 'done', definedByUs: false });
    expect(hv.count('define', 'web')).toBe(0);
    expect(by.db).toMatchObject({ status: 'failed', error: { code: 'DEFINED_DIFFERENTLY' } });
    expect(by.db.error!.message).toMatch(/vcpus: expected 1, libvirt has 9/);
    const r2 = await runUpgrade(deps, opts({ resume: true, force: true }));
    expect(r2.domains.find((d) => d.name === 'db')!.status).toBe('done');
    expect(readdirSync(path.join(backupDir, 'replaced-xml'))).toHaveLength(1);
  });

  it('rolls back only what it did: undefines its own unchanged definitions, restarts what it stopped', async () => {
    const { hv, deps } = setup([...three, { uuid: uuid(4), name: 'broken', error: 'unterminated list' }], ['web']);
    hv.add(TO, { name: 'idle', uuid: uuid(3) }); // pre-existing and equal: not ours
    await runUpgrade(deps, opts());
    // The admin changes db after the upgrade: rollback must leave it.
    const db = hv.host(TO).get('db')!;
    db.xml = JSON.stringify({ ...JSON.parse(db.xml), vcpus: 2 });
    const r = await runUpgrade(deps, opts({ rollback: true, xendRoot: undefined }));
    const by = Object.fromEntries(r.domains.map((d) => [d.name, d]));
    expect(by.web.status).toBe('rolled-back');
    expect(hv.host(TO).has('web')).toBe(false);
    expect(hv.host(FROM).get('web')!.state).toBe('running');
    expect(by.db).toMatchObject({ status: 'held', error: { code: 'CHANGED_SINCE_UPGRADE' } });
    expect(hv.host(TO).has('db')).toBe(true);
    expect(hv.host(TO).has('idle')).toBe(true);
    expect(hv.count('undefine', 'idle')).toBe(0);
    // Never upgraded, nothing to undo: it keeps its status; only db is left for the admin.
    expect(by.broken).toMatchObject({ status: 'failed', next: 'never upgraded; nothing to undo' });
    expect(r.next).toMatch(/^1 domain\(s\) could not be rolled back/);
    await expect(runUpgrade(deps, opts({ resume: true }))).rejects.toMatchObject({ code: 'ROLLED_BACK' });
  });

  it('takes unmanaged domains from the source only with --include-unmanaged', async () => {
    const { hv, deps } = setup([]);
    hv.add(FROM, { name: 'adhoc', uuid: uuid(9), state: 'running', persistent: false });
    const skipped = await runUpgrade(deps, opts({ dryRun: true }));
    expect(skipped.domains).toEqual([]);
    expect(skipped.warnings.map((w) => w.code)).toEqual(['UNMANAGED_SKIPPED']);
    const r = await runUpgrade(deps, opts({ includeUnmanaged: true }));
    expect(r.domains).toMatchObject([{ name: 'adhoc', origin: 'unmanaged', status: 'done' }]);
    expect(hv.host(TO).get('adhoc')!.state).toBe('running');
  });

  it('refuses unsafe backup dirs and a second upgrade into the same journal', async () => {
    const { deps } = setup(three);
    mkdirSync(path.join(dir, 'real'));
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
    await expect(runUpgrade(deps, opts({ backupDir: path.join(dir, 'link') }))).rejects.toMatchObject({ code: 'BACKUP_DIR_SYMLINK' });
    mkdirSync(path.join(dir, 'other'));
    writeFileSync(path.join(dir, 'other', 'notes.txt'), 'x');
    await expect(runUpgrade(deps, opts({ backupDir: path.join(dir, 'other') }))).rejects.toMatchObject({ code: 'BACKUP_DIR_NOT_OURS' });
    await expect(runUpgrade(deps, opts({ backupDir: path.join(root, 'bk') }))).rejects.toMatchObject({ code: 'BACKUP_DIR_IN_XEND_ROOT' });
    await runUpgrade(deps, opts());
    await expect(runUpgrade(deps, opts())).rejects.toMatchObject({ code: 'JOURNAL_EXISTS' });
    await expect(runUpgrade(deps, opts({ resume: true, to: 'qemu:///other', toExplicit: true }))).rejects.toThrow(/--to qemu:\/\/\/other differs/);
  });

  it('keeps hostile names out of backup paths', async () => {
    const evil = [{ uuid: uuid(5), name: '../../$(touch pwned); rm -rf x' }];
    const { hv, deps } = setup(evil);
    const r = await runUpgrade(deps, opts());
    expect(r.domains[0].status).toBe('done');
    expect(hv.host(TO).has(evil[0].name)).toBe(true);
    const files = (JSON.parse(readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')) as { files: { file: string }[] }).files;
    for (const f of files) expect(path.resolve(backupDir, f.file).startsWith(backupDir + path.sep)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['backup', 'xend root']);
  });
});

describe('the switch command through a real shell', () => {
  it('runs once with the admin\'s command line; a resumed upgrade does not run it again', async () => {
    const { shellSwitchRunner } = await import('../../src/upgrade/switch-runner.js');
    const { deps } = setup(three, ['web']);
    const marker = path.join(dir, 'switched count');
    const d = { ...deps, switchRunner: shellSwitchRunner({ PATH: process.env.PATH }) };
    const r = await runUpgrade(d, opts({ switchCommand: `echo stop-xend >> '${marker}' && echo done` }));
    expect(r.switch).toMatchObject({ state: 'done', detail: 'done' });
    expect(readFileSync(marker, 'utf8')).toBe('stop-xend\n');
    await runUpgrade(d, opts({ resume: true }));
    expect(readFileSync(marker, 'utf8')).toBe('stop-xend\n');
    const failing = await runUpgrade(d, opts({ backupDir: path.join(dir, 'b2'), switchCommand: 'echo "xend: still busy" >&2; exit 7' }));
    expect(failing.switch).toMatchObject({ state: 'failed', detail: 'exit code 7: xend: still busy' });
  });
});

describe('in place: the same URI before and after the switch', () => {
  it('refuses to define into the old toolstack when the switch did not switch; proceeds once the target is the new one', async () => {
    const SAME = 'xen:///system';
    writeXendRoot(root, three);
    const hv = new FakeHypervisor();
    for (const d of three) hv.add(SAME, { name: d.name, uuid: d.uuid, state: d.name === 'web' ? 'running' : 'shut off' });
    const deps = fakeDeps(hv, fakeSource(three));
    const o = opts({ from: SAME, to: SAME, switchCommand: 'noop' });
    const r = await runUpgrade(deps, o);
    expect(r.switch!.state).toBe('failed');
    expect(r.switch!.detail).toMatch(/still lists web, db, idle from the old toolstack: it was not switched/);
    expect(hv.count('define')).toBe(0);
    // A real switch: the new toolstack starts empty (libxl does not know xend's domains).
    const switching = { ...deps, switchRunner: { run: async () => (hv.hosts.set(SAME, new Map()), { exitCode: 0, output: 'ok', timedOut: false }) } };
    const r2 = await runUpgrade(switching, opts({ from: undefined, resume: true, switchCommand: 'switch' }));
    expect(r2.domains.map((d) => d.status)).toEqual(['done', 'done', 'done']);
    expect(hv.host(SAME).get('web')!.state).toBe('running');
  });

  it('after --pause-for-switch, --resume refuses while the target still is the old toolstack', async () => {
    const SAME = 'xen:///system';
    writeXendRoot(root, three);
    const hv = new FakeHypervisor();
    for (const d of three) hv.add(SAME, { name: d.name, uuid: d.uuid });
    const deps = fakeDeps(hv, fakeSource(three));
    expect((await runUpgrade(deps, opts({ from: SAME, to: SAME, pauseForSwitch: true }))).paused).toBe(true);
    await expect(runUpgrade(deps, opts({ resume: true, from: undefined }))).rejects.toMatchObject({ code: 'SWITCH_NOT_DONE' });
    hv.hosts.set(SAME, new Map());
    const r = await runUpgrade(deps, opts({ resume: true, from: undefined }));
    expect(r.counts.done).toBe(3);
  });
});

describe('interruption (Ctrl-C)', () => {
  it('finishes the steps in flight, starts nothing new, does not switch; --resume completes', async () => {
    const { hv, deps } = setup(three, ['web', 'db']);
    const abort = new AbortController();
    // Ctrl-C arrives while the first shutdown is being asked for.
    const shutdown = hv.shutdown.bind(hv);
    hv.shutdown = async (uri, name) => {
      abort.abort();
      return shutdown(uri, name);
    };
    const r = await runUpgrade(deps, opts({ parallel: 1, signal: abort.signal, switchCommand: 'stop-xend' }));
    expect(r.interrupted).toBe(true);
    expect(r.next).toMatch(/interrupted: every step in flight was finished and journaled; continue with: .*--resume/);
    expect(deps.switchRuns).toEqual([]);
    expect(hv.count('define')).toBe(0);
    expect(r.domains.map((d) => [d.name, d.status, d.step])).toEqual([
      ['web', 'in-progress', 'backed-up'],
      ['db', 'in-progress', 'planned'],
      ['idle', 'in-progress', 'planned'],
    ]);
    hv.shutdown = shutdown;
    const r2 = await runUpgrade(deps, opts({ resume: true, switchCommand: 'stop-xend' }));
    expect(r2.domains.every((d) => d.status === 'done')).toBe(true);
    expect(deps.switchRuns).toEqual(['stop-xend']);
    expect(hv.host(TO).get('web')!.state).toBe('running');
  });
});
