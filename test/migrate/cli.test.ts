/** migrate/evacuate commands in-process against the scripted fake: exit codes, dry run, summaries. */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { defineEvacuate } from '../../src/cli/commands/evacuate.js';
import { defineMigrate } from '../../src/cli/commands/migrate.js';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { type FakeWorld, fakeRunner, fakeWorld } from './fake-libvirt.js';

const SRC = 'qemu+unix:///system?socket=/h1';
const DST = 'qemu+tcp://h2/system';

async function cli(w: FakeWorld, argv: string[]) {
  let out = '';
  let err = '';
  const ctx: CliContext = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: '/', exitCode: 0 };
  const program = new Command().exitOverride();
  const deps = { runner: fakeRunner(w), onSignal: () => () => {} };
  defineMigrate(program.command('migrate'), ctx, deps);
  defineEvacuate(program.command('evacuate'), ctx, deps);
  await program.parseAsync(argv, { from: 'user' });
  return { code: ctx.exitCode, out, err };
}

describe('migrate command', () => {
  it('exits 0 and prints where the guest ended', async () => {
    const w = fakeWorld('qemu', SRC, DST, ['mig-a']);
    w.migrationMs = 300;
    const r = await cli(w, ['migrate', 'mig-a', '--from', SRC, '--to', DST, '--poll-ms', '100']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^mig-a\tmigrated\trunning on the destination only, defined there only/m);
  });

  it('--dry-run checks and migrates nothing', async () => {
    const w = fakeWorld('qemu', SRC, DST, ['mig-a']);
    w.hosts[DST].set('mig-b', { state: 'running', reason: 'booted', persistent: true, uuid: 'u', memoryMiB: 64 });
    w.hosts[SRC].set('mig-b', { state: 'running', reason: 'booted', persistent: true, uuid: 'v', memoryMiB: 64 });
    const r = await cli(w, ['migrate', 'mig-a', 'mig-b', '--from', SRC, '--to', DST, '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('mig-a: would migrate');
    expect(r.out).toContain('[ok  ] bridge xenbr0: present on destination');
    expect(r.out).toMatch(/mig-b: would NOT migrate\n(.|\n)*\[FAIL\] name free on destination: .* already has a domain named mig-b/);
    expect(w.calls.some((c) => c.includes('migrate'))).toBe(false);
  });

  it('a failed migration exits 1 and says why, with the guest still on the source', async () => {
    const w = fakeWorld('qemu', SRC, DST, ['mig-a']);
    w.migrationMs = Infinity;
    const r = await cli(w, ['migrate', 'mig-a', '--from', SRC, '--to', DST, '--poll-ms', '100', '--timeout', '1']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^mig-a\tstayed\trunning on the source only.*\tcompletion timeout$/m);
  });

  it('usage errors exit 2 before touching a host', async () => {
    for (const argv of [
      ['migrate', 'x', '--to', DST],
      ['migrate', 'x', '--from', DST, '--to', DST],
      ['migrate', 'x', '--from', SRC, '--to', DST, '--migrate-uri', 'http://x'],
      ['evacuate', '--from', SRC, '--to', DST, '--match', ' '],
    ]) {
      const r = await main(argv, { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: '/', exitCode: 0 });
      expect(r, argv.join(' ')).toBe(2);
    }
  });
});

describe('evacuate command', () => {
  it('moves running guests, reports a paused one as left behind and exits 1', async () => {
    const w = fakeWorld('qemu', SRC, DST, ['mig-1', 'mig-2', 'mig-p']);
    w.migrationMs = 300;
    Object.assign(w.hosts[SRC].get('mig-p')!, { state: 'paused', reason: 'user' });
    const r = await cli(w, ['evacuate', '--from', SRC, '--to', DST, '--parallel', '2', '--poll-ms', '100', '--json']);
    expect(r.code).toBe(1);
    const results = r.out.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.event === 'result');
    expect(results.map((x) => [x.domain, x.status])).toEqual([['mig-1', 'migrated'], ['mig-2', 'migrated'], ['mig-p', 'not-started']]);
    expect(results[2].reason).toMatch(/mig-p is paused \(user\), not running/);
  });

  it('--match limits the evacuation to matching names', async () => {
    const w = fakeWorld('qemu', SRC, DST, ['web-1', 'db-1']);
    w.migrationMs = 200;
    const r = await cli(w, ['evacuate', '--from', SRC, '--to', DST, '--match', 'web-*', '--poll-ms', '100']);
    expect(r.code).toBe(0);
    expect(w.hosts[DST].has('web-1')).toBe(true);
    expect(w.hosts[SRC].get('db-1')?.state).toBe('running');
  });
});

// `--host` (src/remote): the source is the host reached over ssh unless --from names it.
const HOST_URI = 'xen+ssh://root@dom0.example.org:2222/system';
const XEN_DST = 'xen+ssh://root@new-dom0/system';

describe('--host on migrate and evacuate', () => {
  it('evacuate --host lists and checks the domains of xen+ssh://USER@HOST[:PORT]/system', async () => {
    const w = fakeWorld('qemu', HOST_URI, XEN_DST, ['web-a']);
    const r = await cli(w, ['evacuate', '--host', 'root@dom0.example.org:2222', '--to', XEN_DST, '--dry-run']);
    expect(r.err).not.toContain('required');
    expect(r.out).toContain('web-a: would migrate');
    expect(w.calls.some((c) => c.includes(HOST_URI))).toBe(true);
  });

  it('migrate --host does the same; an explicit --from wins', async () => {
    const w = fakeWorld('qemu', HOST_URI, XEN_DST, ['web-a']);
    const r = await cli(w, ['migrate', 'web-a', '--host', 'root@dom0.example.org:2222', '--to', XEN_DST, '--dry-run']);
    expect(r.out).toContain('web-a: would migrate');
    const other = 'xen+ssh://root@elsewhere/system';
    const w2 = fakeWorld('qemu', other, XEN_DST, ['web-a']);
    await cli(w2, ['migrate', 'web-a', '--host', 'root@dom0.example.org:2222', '--from', other, '--to', XEN_DST, '--dry-run']);
    expect(w2.calls.some((c) => c.includes(other))).toBe(true);
    expect(w2.calls.some((c) => c.includes(HOST_URI))).toBe(false);
  });

  it('a hostile --host is a usage error before anything runs', async () => {
    const w = fakeWorld('qemu', HOST_URI, XEN_DST, ['web-a']);
    await expect(cli(w, ['evacuate', '--host', '-oProxyCommand=x', '--to', XEN_DST, '--dry-run'])).rejects.toThrow('must not start with "-"');
    expect(w.calls).toEqual([]);
  });
});
