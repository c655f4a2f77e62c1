import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { binPath, repoRoot, runBin, runCli } from '../helpers/run-cli.js';

describe('CLI root', () => {
  it('prints help listing every command and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['parse', 'convert', 'inventory', 'upgrade', 'migrate', 'evacuate', 'wizard', 'completion']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    }
  });

  it('rejects an unknown command with exit code 2 and a hint', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("xend2libxl: error: unknown command 'frobnicate'");
    expect(r.stdout).toBe('');
  });

  it('works as the installed binary', async () => {
    const r = await runBin(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('stops quietly when the reader closes the pipe early (`| head`)', async () => {
    const child = spawn(process.execPath, [binPath, 'parse', '--json', ...Array(400).fill('fixtures/sxp/hvm-windows-vnc.sxp')], { cwd: repoRoot });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
