import { describe, expect, it } from 'vitest';
import { runBin, runCli } from '../helpers/run-cli.js';

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
});
