/**
 * The libxl code path. NO XEN HOST EXISTS ON THIS MACHINE (no hypervisor: `xl` fails at
 * libxl_ctx_alloc and libvirt's libxl driver stays inactive), so this runs against the
 * scripted fake in ./fake-libvirt.ts, which answers with libvirt's real libxl texts and
 * formats: job stats with time_elapsed only, "this function is not supported by the
 * connection driver: virDomainAbortJob", "internal error: Failed to send migration data
 * to destination host", and the guest left paused on the source after a failed send.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { capsOf } from '../../src/migrate/driver.js';
import type { JobEvent } from '../../src/migrate/events.js';
import { MigrationJob } from '../../src/migrate/job.js';
import { preflightHosts } from '../../src/migrate/preflight.js';
import { defineMigrate } from '../../src/cli/commands/migrate.js';
import type { CliContext } from '../../src/cli/context.js';
import { fakeRunner, fakeWorld } from './fake-libvirt.js';

const SRC = 'xen:///system';
const DST = 'xen+ssh://xen2.example.org/system';
const caps = capsOf('libxl');

describe('libxl path (simulated: no Xen host exists here)', () => {
  it('shows elapsed time only — never a percentage — and completes', async () => {
    const w = fakeWorld('libxl', SRC, DST, ['mig-x']);
    w.migrationMs = 800;
    const events: JobEvent[] = [];
    const r = await new MigrationJob({ runner: fakeRunner(w), sourceUri: SRC, destUri: DST, domain: 'mig-x', caps, pollMs: 100, domainMemoryBytes: 64 << 20 }, (e) => events.push(e)).run();
    expect(r.ok).toBe(true);
    const progress = events.filter((e): e is Extract<JobEvent, { type: 'progress' }> => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(2);
    for (const p of progress) {
      expect(p.progress.mode).toBe('elapsed-only');
      expect(p.progress.percent).toBeUndefined();
    }
    expect(r.percentHistory).toEqual([]);
  });

  it('auto cancellation meets the unsupported AbortJob, destroys the incoming copy and resumes the paused source', async () => {
    const w = fakeWorld('libxl', SRC, DST, ['mig-x']);
    w.migrationMs = Infinity;
    const runner = fakeRunner(w);
    const notes: string[] = [];
    const job = new MigrationJob({ runner, sourceUri: SRC, destUri: DST, domain: 'mig-x', caps, pollMs: 100, cancelStrategy: 'auto', uuid: w.hosts[SRC].get('mig-x')!.uuid }, (e) => {
      if (e.type === 'note') notes.push(e.message);
    });
    const done = job.run();
    setTimeout(() => job.cancel('signal'), 400);
    const r = await done;
    expect(notes.join('\n')).toContain('libvirt: this function is not supported by the connection driver: virDomainAbortJob');
    expect(notes.join('\n')).toContain('destroying the incoming copy on the destination instead');
    expect(r.cancelUsed).toBe('destroy-destination');
    expect(r.migrateError).toBe('internal error: Failed to send migration data to destination host');
    // libxl left the guest paused on the source; reconciliation resumed it.
    expect(r.reconcile?.actions).toContain('resumed the guest on the source');
    expect(r.reconcile?.end).toBe('stayed');
    expect(w.hosts[SRC].get('mig-x')).toMatchObject({ state: 'running', persistent: true });
    expect(w.hosts[DST].has('mig-x')).toBe(false);
  });

  it('forced abort-job on libxl says it cannot cancel and the migration is reconciled when it ends', async () => {
    const w = fakeWorld('libxl', SRC, DST, ['mig-x']);
    w.migrationMs = 900;
    const notes: string[] = [];
    const job = new MigrationJob({ runner: fakeRunner(w), sourceUri: SRC, destUri: DST, domain: 'mig-x', caps, pollMs: 100, cancelStrategy: 'abort-job' }, (e) => {
      if (e.type === 'note') notes.push(e.message);
    });
    const done = job.run();
    setTimeout(() => job.cancel('signal'), 300);
    const r = await done;
    expect(notes.join('\n')).toMatch(/abort-job is not supported by this driver/);
    expect(r.cancelUsed).toBe('none');
    expect(r.reconcile?.end).toBe('moved');
  });

  it('--timeout-action suspend cannot pause a libxl guest mid-migration and says so', async () => {
    const w = fakeWorld('libxl', SRC, DST, ['mig-x']);
    w.migrationMs = 1600;
    const warnings: string[] = [];
    const r = await new MigrationJob({ runner: fakeRunner(w), sourceUri: SRC, destUri: DST, domain: 'mig-x', caps, pollMs: 100, timeoutSec: 1, timeoutAction: 'suspend' }, (e) => {
      if (e.type === 'warning') warnings.push(e.code);
    }).run();
    expect(warnings).toEqual(['MIGRATION_TIMEOUT', 'SUSPEND_UNSUPPORTED']);
    expect(w.calls.some((c) => c[1] === 'suspend')).toBe(false);
    expect(r.ok).toBe(true);
  });

  it('preflight names the missing bandwidth control, abort and byte counters', async () => {
    const w = fakeWorld('libxl', SRC, DST, ['mig-x']);
    const checks = await preflightHosts({ runner: fakeRunner(w), sourceUri: SRC, destUri: DST, caps, bandwidthMiB: 10 });
    const warn = checks.filter((c) => c.status === 'warn').map((c) => c.detail).join('\n');
    expect(warn).toContain('the libxl driver has no bandwidth control; --bandwidth 10 is ignored');
    expect(warn).toContain('cannot abort a migration job');
    expect(warn).toContain('elapsed time only');
  });

  it('the CLI cancels on a signal, exits 130 and reports the guest back on the source (JSON lines)', async () => {
    const w = fakeWorld('libxl', SRC, DST, ['mig-x']);
    w.migrationMs = Infinity;
    let out = '';
    let err = '';
    const ctx: CliContext = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: '/', exitCode: 0 };
    let fire: (s: string) => void = () => {};
    const program = new Command().exitOverride();
    defineMigrate(program.command('migrate'), ctx, { runner: fakeRunner(w), onSignal: (h) => ((fire = h), () => {}) });
    // The second Ctrl-C comes at once: cancelling is now fast enough to finish before any later one.
    setTimeout(() => {
      fire('SIGINT');
      fire('SIGINT');
    }, 500);
    await program.parseAsync(['migrate', 'mig-x', '--from', SRC, '--to', DST, '--json', '--poll-ms', '100', '--bandwidth', '5'], { from: 'user' });
    expect(ctx.exitCode).toBe(130);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    const result = lines.find((l) => l.event === 'result');
    expect(result).toMatchObject({ domain: 'mig-x', status: 'stayed', where: 'source', cancelled: 'signal', cancelUsed: 'destroy-destination' });
    expect(lines.some((l) => l.event === 'warning' && /SIGINT again: still cancelling/.test(l.message))).toBe(true);
    expect(lines.filter((l) => l.event === 'progress').every((l) => l.percent === null)).toBe(true);
    // --bandwidth was not passed to a driver that rejects it.
    expect(w.calls.find((c) => c[1] === 'migrate')).not.toContain('--bandwidth');
    expect(err).toBe('');
  });
});
