import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { globalUiOptions, prepareUi, runtimeFor, finishUi } from '../../src/ui/cli-runtime.js';
import type { CliContext } from '../../src/cli/context.js';

describe('global options → command runtime', () => {
  it('--log-file records the run header and the exit code', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-rt-'));
    const r = await runCli(['--log-file', 'run.log', 'completion', 'bash'], { cwd: dir });
    expect(r.code).toBe(0);
    const log = fs.readFileSync(path.join(dir, 'run.log'), 'utf8');
    expect(log).toMatch(/INFO {2}xend2libxl --log-file run\.log completion bash \(pid \d+\)\n/);
    expect(log).toMatch(/INFO {2}exit code 0\n$/);
  });

  it('an unwritable --log-file is a usage error (exit 2) before anything runs', async () => {
    const r = await runCli(['--log-file', '/nonexistent-dir/run.log', 'completion', 'bash']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('xend2libxl: error: cannot open log file /nonexistent-dir/run.log: ENOENT');
  });

  it('global flags are seen from a sub-command wherever they were typed', async () => {
    const root = new Command('x').option('-v, --verbose').option('-q, --quiet').option('--log-file <f>').option('--no-color').exitOverride();
    let seen: unknown;
    root.command('sub').option('--json').action((_o, cmd: Command) => {
      seen = globalUiOptions(cmd);
    });
    await root.parseAsync(['sub', '-v', '--no-color', '--log-file', 'a.log'], { from: 'user' });
    expect(seen).toEqual({ verbose: true, quiet: false, color: false, logFile: 'a.log', debug: false });
  });

  it('the virsh observer logs argv + stderr to the file and shows them on stderr only with -v', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-rt-'));
    let err = '';
    const ctx: CliContext = { stdout: { write: () => 0 }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: dir, exitCode: 0 };
    const root = new Command('x').option('-v, --verbose').option('-q, --quiet').option('--log-file <f>').option('--no-color').exitOverride();
    root.command('sub').action(async (_o, cmd: Command) => {
      await prepareUi(cmd, ctx, ['sub']);
      const { onVirshFinish } = runtimeFor(cmd, ctx);
      onVirshFinish({ argv: ['virsh', '-c', 'test:///default', 'domstate', 'web1'], stdout: 'running\n', stderr: '', exitCode: 0, signal: null, timedOut: false, durationMs: 3 });
      finishUi(ctx, 0);
    });
    await root.parseAsync(['sub', '--log-file', 'v.log'], { from: 'user' });
    expect(err).toBe('');
    expect(fs.readFileSync(path.join(dir, 'v.log'), 'utf8')).toContain('VIRSH virsh -c test:///default domstate web1 → exit 0 in 3 ms');
    await root.parseAsync(['sub', '-v'], { from: 'user' });
    expect(err).toMatch(/virsh: -c test:\/\/\/default domstate web1 \(exit 0, 3 ms\)/);
  });
});

describe('global -q/-v reach a command that declares its own --quiet', () => {
  it('copies the root value into the command option before the action runs', async () => {
    const ctx: CliContext = { stdout: { write: () => 0 }, stderr: { write: () => 0 }, env: {}, cwd: '/', exitCode: 0 };
    const root = new Command('x').option('-v, --verbose').option('-q, --quiet').exitOverride();
    let seen: Record<string, unknown> = {};
    root.hook('preAction', (_r, cmd) => prepareUi(cmd, ctx, []));
    root.command('convert').option('-q, --quiet', 'own', false).action((o) => (seen = o));
    await root.parseAsync(['convert', '-q'], { from: 'user' });
    expect(seen.quiet).toBe(true);
    await root.parseAsync(['convert'], { from: 'user' });
    expect(seen.quiet).toBe(false);
  });
});
