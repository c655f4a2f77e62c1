import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { createReporter } from '../../src/ui/reporter.js';
import { openLogFile } from '../../src/ui/log-file.js';
import { preloadOra } from '../../src/ui/lazy-modules.js';
import { stripAnsi } from '../../src/ui/color.js';

const ANSI = /\x1b\[/;

function ctxWith(env: NodeJS.ProcessEnv, tty: boolean): CliContext & { err: () => string; out: () => string } {
  let err = '';
  let out = '';
  return {
    stdout: { write: (s: string) => (out += s), isTTY: tty, columns: 100 },
    stderr: { write: (s: string) => (err += s), isTTY: tty, columns: 100 },
    env,
    cwd: process.cwd(),
    exitCode: 0,
    err: () => err,
    out: () => out,
  };
}

const fixedNow = () => new Date('2026-11-22T03:04:05Z');

describe('plain reporter (pipes, CI)', () => {
  it('writes timestamped lines without ANSI codes even when TERM says colour', () => {
    const ctx = ctxWith({ TERM: 'xterm-256color' }, false);
    const r = createReporter(ctx, { now: fixedNow });
    r.info('scanning /var/lib/xend/domains');
    const s = r.step('shutting down web1');
    s.succeed('web1 shut off');
    r.warn('db1 has a checkpoint');
    expect(ctx.err()).not.toMatch(ANSI);
    expect(ctx.err()).toBe(
      '03:04:05 scanning /var/lib/xend/domains\n03:04:05 … shutting down web1\n03:04:05 ok web1 shut off\nwarning: db1 has a checkpoint\n',
    );
    expect(ctx.out()).toBe('');
  });

  it('is plain (no spinner) on a TTY when CI is set, and with FORCE_COLOR only colours', () => {
    const ctx = ctxWith({ CI: 'true', FORCE_COLOR: '1' }, true);
    const r = createReporter(ctx, { now: fixedNow });
    r.step('defining web1').succeed();
    expect(ctx.err()).toMatch(ANSI);
    expect(stripAnsi(ctx.err())).toBe('03:04:05 … defining web1\n03:04:05 ok defining web1\n');
  });

  it('is silent with --quiet and --json except for warnings', () => {
    for (const opts of [{ quiet: true }, { json: true }]) {
      const ctx = ctxWith({}, false);
      const r = createReporter(ctx, opts);
      r.info('hidden');
      r.step('hidden').succeed();
      r.progress('hidden', 3).update(1);
      r.debug('hidden');
      r.warn('shown');
      expect(ctx.err()).toBe('warning: shown\n');
    }
  });

  it('shows debug only with --verbose', () => {
    const quiet = ctxWith({}, false);
    createReporter(quiet, { now: fixedNow }).debug('virsh list');
    expect(quiet.err()).toBe('');
    const loud = ctxWith({}, false);
    createReporter(loud, { now: fixedNow, verbose: true }).debug('virsh list');
    expect(loud.err()).toBe('03:04:05 virsh list\n');
  });

  it('prints progress at most once per 10 % with count, percent, rate and ETA', () => {
    const ctx = ctxWith({}, false);
    let t = Date.parse('2026-11-22T03:04:05Z');
    const r = createReporter(ctx, { now: () => new Date(t) });
    const p = r.progress('converting', 100);
    for (let i = 0; i <= 100; i++) {
      p.update(i);
      t += 100;
    }
    p.done('100 domains converted');
    const lines = ctx.err().trim().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[5]).toMatch(/converting: 50\/100 \(50%\)  10\/s  ETA 5s$/);
    expect(lines.at(-1)).toMatch(/ok 100 domains converted$/);
  });

  it('a quick run prints at most one progress line a second, then its result', () => {
    const ctx = ctxWith({}, false);
    let t = Date.parse('2026-11-22T03:04:05Z');
    const r = createReporter(ctx, { now: () => new Date(t) });
    const p = r.progress('reading /var/lib/xend/domains', 12);
    for (let i = 1; i <= 12; i++) {
      p.update(i);
      t += 20;
    }
    t += 1000;
    p.done('12 domains');
    const lines = ctx.err().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/reading \/var\/lib\/xend\/domains: 1\/12 \(8%\)/);
    expect(lines[1]).toMatch(/ok 12 domains$/);
  });
});

describe('live reporter (interactive terminal, ora)', () => {
  beforeAll(async () => {
    await preloadOra();
  });

  it('draws a spinner with every item in flight, persists finished ones, and honours NO_COLOR', () => {
    const ctx = ctxWith({ TERM: 'xterm-256color', NO_COLOR: '1' }, true);
    const r = createReporter(ctx, {});
    const a = r.step('shutting down web1');
    const p = r.progress('migrating db1', 200);
    p.update(50, '34 MiB/s');
    a.succeed('web1 shut off');
    p.done('db1 migrated');
    r.close();
    const text = ctx.err();
    expect(text).toContain('shutting down web1');
    // The live block: a bar with count and percentage, the caller's rate detail.
    expect(text).toMatch(/migrating db1 █+░+ 50\/200 \(25%\) {2}34 MiB\/s/);
    expect(text).toContain('✔ web1 shut off');
    expect(text).toContain('✔ db1 migrated');
    // Cursor movement is expected on a TTY; colour (SGR "m" sequences) is not under NO_COLOR.
    expect(text).not.toMatch(/\x1b\[[0-9;]*m/);
  });

  it('uses colour on a TTY by default', () => {
    const ctx = ctxWith({ TERM: 'xterm-256color' }, true);
    const r = createReporter(ctx, {});
    r.step('x').fail('x failed');
    r.close();
    expect(ctx.err()).toContain('\x1b[31m✖\x1b[39m x failed');
  });

  it('on a terminal that reports 0 columns (serial console, unsized pty) redraws as if it had 80', () => {
    // Before the fix ora divided by the 0 columns and cleared lines forever at 100 % CPU
    // (`convert` hung under `script`); the counter turns such a runaway into a failure.
    let calls = 0;
    let err = '';
    const counted = () => {
      if (++calls > 10_000) throw new Error('runaway redraw');
      return true;
    };
    const stderr = { isTTY: true, columns: 0, rows: 0, write: (t: string) => ((err += t), counted()), cursorTo: counted, moveCursor: counted, clearLine: counted };
    const ctx = { ...ctxWith({ TERM: 'xterm-256color', NO_COLOR: '1' }, true), stderr } as CliContext;
    const r = createReporter(ctx, {});
    const p = r.progress('converting', 100);
    r.warn('web1: a warning printed above the bar');
    for (let i = 0; i <= 100; i++) p.update(i);
    p.done('100 converted');
    r.close();
    expect(calls).toBeLessThan(200);
    expect(err).toContain('⚠ warning: web1: a warning printed above the bar');
    expect(err).toContain('✔ 100 converted');
  });

  it('writes plain lines on a TTY when the mode is forced to plain (the fallback when ora is not loaded)', () => {
    const ctx = ctxWith({ TERM: 'xterm-256color' }, true);
    const r = createReporter(ctx, { mode: 'plain', now: fixedNow });
    r.info('plain');
    expect(ctx.err()).toMatch(/^.*03:04:05.* plain\n$/);
  });
});

describe('--log-file sink', () => {
  it('receives every message at full detail, virsh argv and stderr, but never virsh stdout', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-log-'));
    const file = path.join(dir, 'run.log');
    const log = openLogFile(file, dir, ['upgrade', '--dry-run']);
    const ctx = ctxWith({}, false);
    const r = createReporter(ctx, { quiet: true, log });
    r.debug('planning 3 domains');
    r.step('defining web1').fail('web1 rejected');
    log.virsh({
      argv: ['virsh', '-c', 'xen:///system', 'define', '/tmp/x/web 1.xml'],
      stdout: '<graphics passwd="s3cret"/>',
      stderr: 'error: failed to define domain\n',
      exitCode: 1,
      signal: null,
      timedOut: false,
      durationMs: 12,
    });
    log.close();
    const text = fs.readFileSync(file, 'utf8');
    expect(ctx.err()).toBe('');
    expect(text).toMatch(/INFO  xend2libxl upgrade --dry-run \(pid \d+\)/);
    expect(text).toMatch(/DEBUG planning 3 domains/);
    expect(text).toMatch(/FAIL  web1 rejected/);
    expect(text).toContain("VIRSH virsh -c xen:///system define '/tmp/x/web 1.xml' → exit 1 in 12 ms");
    expect(text).toContain('stderr: error: failed to define domain');
    expect(text).not.toContain('s3cret');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses an unwritable path with a usage error naming it', () => {
    expect(() => openLogFile('/nonexistent-dir/x.log', '/')).toThrow(/cannot open log file \/nonexistent-dir\/x\.log: ENOENT/);
  });
});
