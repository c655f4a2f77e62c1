/**
 * `--host` on migrate and evacuate: the source is the host reached over ssh
 * (xen+ssh://USER@HOST[:PORT]/system) unless --from names it. Checked through
 * the scripted libvirt fake: which URI the commands really ask.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { defineEvacuate } from '../../src/cli/commands/evacuate.js';
import { defineMigrate } from '../../src/cli/commands/migrate.js';
import type { CliContext } from '../../src/cli/context.js';
import { type FakeWorld, fakeRunner, fakeWorld } from '../migrate/fake-libvirt.js';

const HOST_URI = 'xen+ssh://root@dom0.example.org:2222/system';
const DST = 'xen+ssh://root@new-dom0/system';

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

describe('--host on migrate and evacuate', () => {
  it('evacuate --host lists and checks the domains of xen+ssh://USER@HOST[:PORT]/system', async () => {
    const w = fakeWorld('qemu', HOST_URI, DST, ['web-a']);
    const r = await cli(w, ['evacuate', '--host', 'root@dom0.example.org:2222', '--to', DST, '--dry-run']);
    expect(r.err).not.toContain('required');
    expect(r.out).toContain('web-a: would migrate');
    expect(w.calls.some((c) => c.includes(HOST_URI))).toBe(true);
  });

  it('migrate --host does the same; an explicit --from wins', async () => {
    const w = fakeWorld('qemu', HOST_URI, DST, ['web-a']);
    const r = await cli(w, ['migrate', 'web-a', '--host', 'root@dom0.example.org:2222', '--to', DST, '--dry-run']);
    expect(r.out).toContain('web-a: would migrate');
    const other = 'xen+ssh://root@elsewhere/system';
    const w2 = fakeWorld('qemu', other, DST, ['web-a']);
    await cli(w2, ['migrate', 'web-a', '--host', 'root@dom0.example.org:2222', '--from', other, '--to', DST, '--dry-run']);
    expect(w2.calls.some((c) => c.includes(other))).toBe(true);
    expect(w2.calls.some((c) => c.includes(HOST_URI))).toBe(false);
  });

  it('a hostile --host is a usage error before anything runs', async () => {
    const w = fakeWorld('qemu', HOST_URI, DST, ['web-a']);
    await expect(cli(w, ['evacuate', '--host', '-oProxyCommand=x', '--to', DST, '--dry-run'])).rejects.toThrow('must not start with "-"');
    expect(w.calls).toEqual([]);
  });
});
