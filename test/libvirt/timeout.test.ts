/**
 * A hanging virsh is killed by the per-call timeout and reported as kind
 * `timeout` — simulated with a stand-in program that never answers.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Libvirt } from '../../src/libvirt/client.js';
import { LibvirtError } from '../../src/libvirt/errors.js';
import { execFileRunner } from '../../src/libvirt/runner.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lv-hang-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeVirsh(body: string): string {
  const file = path.join(dir, `virsh-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('per-call timeout with a real child process', () => {
  it('kills a virsh that hangs and reports kind timeout', async () => {
    const pidFile = path.join(dir, 'hang.pid');
    // exec: the sleeping process IS the child, so we can check it was killed.
    const program = fakeVirsh(`echo $$ > '${pidFile}'\nexec sleep 60`);
    const lv = new Libvirt(execFileRunner({ program }), 'qemu:///system', { timeoutMs: 400 });
    const started = Date.now();
    const err = await lv.domState('web1').catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).kind).toBe('timeout');
    expect((err as LibvirtError).operation).toBe('domstate');
    expect((err as LibvirtError).domain).toBe('web1');
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(10_000);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('passes the argv through untouched and sees LC_ALL=C', async () => {
    const out = path.join(dir, 'argv.txt');
    const program = fakeVirsh(`for a in "$@"; do printf '%s\\n' "$a"; done > '${out}'\necho "LC_ALL=$LC_ALL" >> '${out}'\necho 'running (booted)'`);
    const lv = new Libvirt(execFileRunner({ program }), 'qemu:///system');
    expect(await lv.domState('$(touch x); rm -rf y')).toEqual({ state: 'running', reason: 'booted' });
    expect(readFileSync(out, 'utf8')).toBe("-c\nqemu:///system\ndomstate\n--reason\n--\n$(touch x); rm -rf y\nLC_ALL=C\n");
    expect(existsSync('x')).toBe(false);
  });

  it('reports a missing virsh binary as a connection error with a hint', async () => {
    const lv = new Libvirt(execFileRunner({ program: path.join(dir, 'no-such-virsh') }), 'xen:///system');
    const err = (await lv.list().catch((e: unknown) => e)) as LibvirtError;
    expect(err.kind).toBe('connection');
    expect(err.message).toContain('cannot run');
  });
});
