import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { addOptions, toArgv } from '../../src/cli/option-spec.js';
import { upgradeOptionSpecs } from '../../src/cli/commands/upgrade.js';
import { runCli } from '../helpers/run-cli.js';

const FIXTURE_ROOT = 'fixtures/xend-root/var/lib/xend/domains';
const FIXTURE_CONFIG = 'fixtures/xend-root/etc/xen/xend-config.sxp';
const made: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'upg-cli-'));
  made.push(d);
  return path.join(d, 'backup');
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('xend2libxl upgrade (command line)', () => {
  it('refuses bad combinations before touching anything (exit 2)', async () => {
    const b = freshDir();
    const cases: [string[], RegExp][] = [
      [['--xend-root', FIXTURE_ROOT, '--yes'], /--backup-dir is required/],
      [['--backup-dir', b, '--yes'], /--xend-root is required/],
      [['--xend-root', FIXTURE_ROOT, '--backup-dir', b, '--switch-command', 'true', '--pause-for-switch', '--yes'], /--switch-command and --pause-for-switch exclude each other/],
      [['--backup-dir', b, '--resume', '--rollback', '--yes'], /--resume and --rollback exclude each other/],
      [['--xend-root', FIXTURE_ROOT, '--backup-dir', b, '--parallel', '0'], /--parallel must be between 1 and 64/],
      [['--xend-root', FIXTURE_ROOT, '--backup-dir', b, '--include-unmanaged', '--yes'], /--include-unmanaged needs --from/],
      [['--xend-root', FIXTURE_ROOT, '--backup-dir', b, '--from', 'xen:///system', '--yes'], /--from and --to are both xen:\/\/\/system, and no toolstack switch was asked for/],
      [['--xend-root', FIXTURE_ROOT, '--backup-dir', b], /refusing to upgrade this host without confirmation/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['upgrade', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(b)).toBe(false);
  });

  it('--dry-run prints the ordered steps and every warning, writes nothing, exits 1 when a domain cannot be upgraded', async () => {
    const b = freshDir();
    const r = await runCli(['upgrade', '--xend-root', FIXTURE_ROOT, '--xend-config', FIXTURE_CONFIG, '--backup-dir', b, '--dry-run']);
    expect(r.code).toBe(1);
    expect(existsSync(b)).toBe(false);
    expect(r.stdout).toMatch(/^Dry run: 12 domain\(s\) from .* to xen:\/\/\/system; nothing was changed\./);
    expect(r.stdout).toMatch(/web01 \(3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51\) \[xend 3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51\]\n  1\. back up .*\n  2\. shut down: nothing to do \(not running\)\n  3\. define on xen:\/\/\/system .*\n  4\. verify: .*\n  5\. enable autostart/);
    expect(r.stdout).toMatch(/ldap01 .*\n  1\. skip: .*config\.sxp:16:46: config\.sxp ends inside an open list/);
    expect(r.stdout).toMatch(/warning\[INV_CHECKPOINT\]: xend suspended this domain/);
    expect(r.stdout).toMatch(/warning\[QEMU_TRADITIONAL_REPLACED\]/);
  });

  it('--dry-run --json with --domain: the plan for just those domains', async () => {
    const r = await runCli(['upgrade', '--xend-root', FIXTURE_ROOT, '--backup-dir', freshDir(), '--dry-run', '--json', '--domain', 'web01', '--domain', 'db01', '--domain', 'nosuch']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout) as { action: string; domains: { name: string; status: string; plannedSteps: string[] }[]; warnings: { code: string; message: string }[] };
    expect(rep.action).toBe('dry-run');
    expect(rep.domains.map((d) => d.name).sort()).toEqual(['db01', 'web01']);
    expect(rep.domains.every((d) => d.status === 'in-progress' && d.plannedSteps.length >= 4)).toBe(true);
    expect(rep.warnings).toEqual([{ code: 'DOMAIN_NOT_FOUND', message: '--domain nosuch matches no xend entry' }]);
  });

  it('--resume with a directory that holds no upgrade says so (usage, exit 2)', async () => {
    const r = await runCli(['upgrade', '--backup-dir', freshDir(), '--resume', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/backup directory .* does not exist/);
  });

  it('--dry-run refuses the backup paths a real run refuses, as usage errors (exit 2)', async () => {
    const base = path.dirname(freshDir());
    const full = path.join(base, 'full');
    mkdirSync(full);
    writeFileSync(path.join(full, 'notes.txt'), 'mine');
    symlinkSync(full, path.join(base, 'link'));
    const cases: [string, RegExp][] = [
      [path.join(base, 'link'), /is a symbolic link/],
      ['/', /is not empty and was not created by xend2libxl/],
      ['/dev/null', /exists and is not a directory/],
      [full, /is not empty and was not created by xend2libxl/],
      [path.join(FIXTURE_ROOT, 'new-backup'), /is inside the xend root/],
    ];
    for (const [dir, message] of cases) {
      for (const extra of [['--dry-run'], ['--yes']]) {
        const r = await runCli(['upgrade', '--xend-root', FIXTURE_ROOT, '--backup-dir', dir, ...extra]);
        expect(r.code, `${dir} ${extra}`).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stdout).not.toMatch(/back up/);
      }
    }
    expect(existsSync(path.join(FIXTURE_ROOT, 'new-backup'))).toBe(false);
  });

  it('options round-trip through the shared specs (what the wizard prints)', () => {
    const parse = (argv: string[]) => addOptions(new Command('upgrade').exitOverride(), upgradeOptionSpecs).parse(argv, { from: 'user' }).opts();
    const opts = parse(['--xend-root', '/var/lib/xend/domains', '--backup-dir', '/root/my backup', '--from', 'xen:///', '--parallel', '8', '--switch-command', 'systemctl stop xend && systemctl restart libvirtd', '--domain', 'a', '--domain', "b'c", '--yes']);
    const argv = toArgv(upgradeOptionSpecs, opts);
    expect(argv).toEqual(['--xend-root', '/var/lib/xend/domains', '--from', 'xen:///', '--backup-dir', '/root/my backup', '--yes', '--parallel', '8', '--switch-command', 'systemctl stop xend && systemctl restart libvirtd', '--domain', 'a', '--domain', "b'c"]);
    expect(parse(argv)).toEqual(opts);
  });
});
