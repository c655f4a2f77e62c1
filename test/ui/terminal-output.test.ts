/**
 * The built CLI's terminal output on pipes: no ANSI unless FORCE_COLOR asks
 * for it, nothing but warnings under --quiet, and NO_COLOR beating FORCE_COLOR.
 * Uses the real `inventory` command over the fixture store (it reports progress).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runBin } from '../helpers/run-cli.js';

const root = path.join(repoRoot, 'fixtures/xend-root/var/lib/xend/domains');
const ANSI = /\x1b\[/;
const args = ['inventory', '--xend-root', root];

describe('terminal output of the built CLI on a pipe', () => {
  it('has no ANSI codes even with a colour TERM, and timestamps its progress lines', async () => {
    const r = await runBin(args, { env: { TERM: 'xterm-256color' } });
    expect(r.stdout).toContain('12 domains in');
    expect(r.stderr).toMatch(/^\d\d:\d\d:\d\d /m);
    expect(r.stdout + r.stderr).not.toMatch(ANSI);
  });

  it('FORCE_COLOR forces colour; NO_COLOR and --no-color win over it', async () => {
    const forced = await runBin(args, { env: { FORCE_COLOR: '1' } });
    expect(forced.stderr).toMatch(ANSI);
    const noColor = await runBin(args, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(noColor.stderr).not.toMatch(ANSI);
    const flag = await runBin(['--no-color', ...args], { env: { FORCE_COLOR: '1' } });
    expect(flag.stderr).not.toMatch(ANSI);
  });

  it('-q silences progress (the table on stdout stays)', async () => {
    const r = await runBin(['-q', ...args]);
    expect(r.stdout).toContain('12 domains in');
    expect(r.stderr).not.toMatch(/^\d\d:\d\d:\d\d /m);
  });

  it('errors follow the field format with a hint, and no stack without --debug', async () => {
    const r = await runBin(['inventory', '--xend-root', '/nonexistent/xend']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^xend2libxl: error: xend domain directory does not exist \(\/nonexistent\/xend\)\nhint: point --xend-root at/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
