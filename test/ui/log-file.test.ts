/**
 * Issue 13 item 17: the --log-file holds everything the terminal showed
 * (convert's and inventory's warnings included, also under -q), and is 0600
 * even when it existed before with another mode.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLogFile } from '../../src/ui/log-file.js';
import { configOf, domainsFixture, useTempDirs, UUIDS } from '../batch/fixture-paths.js';
import { runCli } from '../helpers/run-cli.js';

const tmp = useTempDirs();

describe('--log-file', () => {
  it('an existing 0644 log becomes 0600 (a new one is created 0600); /dev/null keeps its mode', () => {
    const file = path.join(tmp(), 'old.log');
    writeFileSync(file, 'earlier run\n');
    chmodSync(file, 0o644);
    openLogFile(file, '/').close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^earlier run\n/);
    const before = statSync('/dev/null').mode;
    openLogFile('/dev/null', '/').close();
    expect(statSync('/dev/null').mode).toBe(before);
  });

  it('convert: every warning and error line is in the log, also with -q', async () => {
    const dir = tmp();
    const log = path.join(dir, 'run.log');
    const r = await runCli(['--log-file', log, 'convert', configOf(UUIDS.win2k8), configOf(UUIDS.ldap01), '-o', path.join(dir, 'out'), '-q']);
    expect(r.code).toBe(1);
    const text = readFileSync(log, 'utf8');
    expect(text).toMatch(/WARN  \S+:13:20: warning\[SHADOW_MEMORY_AUTO\]/);
    expect(text).toMatch(/WARN  \S+:25:27: warning\[QEMU_TRADITIONAL_REPLACED\]/);
    expect(text).toMatch(/ERROR \S+: error\[SXP_UNEXPECTED_EOF\]/);
    // What the terminal showed is all in the log.
    for (const line of r.stderr.split('\n').filter(Boolean)) expect(text).toContain(line);
  });

  it('inventory: every problem is in the log', async () => {
    const log = path.join(tmp(), 'inv.log');
    await runCli(['--log-file', log, 'inventory', '--xend-root', domainsFixture, '-q']);
    const text = readFileSync(log, 'utf8');
    expect(text).toMatch(/WARN  \S+\/config\.sxp: warning\[INV_CHECKPOINT\]/);
    expect(text).toMatch(/ERROR \S+\/config\.sxp: error\[INV_UUID_MISMATCH\]/);
  });
});
