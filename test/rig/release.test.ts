/**
 * The rig's ownership rules, on a scratch RIG_DIR with no daemons: a test run
 * stops the rig only if it started it and nobody else still holds a lease.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { announceSkip, libvirtSkipped, RIG_SCRIPT } from './rig.js';

announceSkip('test/rig/release.test.ts');

const DEAD_PID = '999999999';
let dir = '';
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function scratch(owner: string | null, leases: Record<string, string>): string {
  dir = mkdtempSync(path.join(tmpdir(), 'rigrel-'));
  mkdirSync(path.join(dir, 'leases'));
  if (owner) writeFileSync(path.join(dir, 'owner'), `${owner}\n`);
  for (const [k, v] of Object.entries(leases)) writeFileSync(path.join(dir, 'leases', k), `${v}\n`);
  return dir;
}
/** Runs `release`; returns whether it stopped the rig (stopping removes the leases directory). */
function release(rigDir: string, session: string): boolean {
  execFileSync('/bin/bash', [RIG_SCRIPT, 'release', session], { env: { ...process.env, XEND2LIBXL_RIG_DIR: rigDir }, stdio: 'pipe' });
  return !existsSync(path.join(rigDir, 'leases'));
}
const owner = (d: string) => (existsSync(path.join(d, 'owner')) ? readFileSync(path.join(d, 'owner'), 'utf8').trim() : null);

describe.skipIf(libvirtSkipped)('rig release (ownership and leases)', () => {
  it('the owning run stops the rig when no other lease holder lives', () => {
    const d = scratch('run-a', { 'run-a': String(process.pid), 'pid-1': DEAD_PID });
    expect(release(d, 'run-a')).toBe(true);
    expect(owner(d)).toBeNull();
  });

  it('the owning run hands the rig off while another holder lives, and the last one out stops it', () => {
    const d = scratch('run-a', { 'run-a': String(process.pid), 'run-b': String(process.pid) });
    expect(release(d, 'run-a')).toBe(false);
    expect(owner(d)).toBe('handed-off');
    writeFileSync(path.join(d, 'leases', 'run-b'), DEAD_PID);
    expect(release(d, 'run-b')).toBe(true);
  });

  it('a run that did not start the rig never stops it', () => {
    const d = scratch(null, { 'run-b': String(process.pid) });
    expect(release(d, 'run-b')).toBe(false);
    const d2 = scratch('someone-else', {});
    expect(release(d2, 'run-b')).toBe(false);
    expect(owner(d2)).toBe('someone-else');
  });
});
