/**
 * Issue 13 items 5, 6 and 14 in the inventory: a FIFO, a link to /dev/zero or a
 * file over 16 MiB as `<uuid>/config.sxp` is one INV_UNREADABLE entry and the
 * walk goes on; a non-root reader of a root-only entry is not told of a
 * checkpoint that does not exist; `--xend-root` one level too deep is refused.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanXendRoot } from '../../src/inventory/scan.js';
import { configOf, useTempDirs, UUIDS } from '../batch/fixture-paths.js';
import { binPath, runCli } from '../helpers/run-cli.js';

const tmp = useTempDirs();
const U = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function entry(root: string, uuid: string): string {
  const dir = path.join(root, uuid);
  mkdirSync(dir, { recursive: true });
  return path.join(dir, 'config.sxp');
}

describe('a hostile entry is one INV_UNREADABLE problem, never the end of the walk', () => {
  it('FIFO, /dev/zero link, 16 MiB + 1 file: each reported, the healthy entry after them still read', async () => {
    const root = tmp();
    execFileSync('mkfifo', [entry(root, U(1))]);
    symlinkSync('/dev/zero', entry(root, U(2)));
    const big = entry(root, U(3));
    writeFileSync(big, '');
    truncateSync(big, 16 * 1024 * 1024 + 1);
    writeFileSync(entry(root, UUIDS.web01), readFileSync(configOf(UUIDS.web01)));
    const inv = await scanXendRoot({ root });
    const byDir = Object.fromEntries(inv.domains.map((d) => [d.directoryUuid, d.problems.map((p) => `${p.code}: ${p.message}`)]));
    expect(byDir[U(1)]).toEqual(['INV_UNREADABLE: config.sxp is a FIFO (named pipe), not a regular file; it was not read']);
    expect(byDir[U(2)]).toEqual(['INV_UNREADABLE: config.sxp is a character device, not a regular file; it was not read']);
    expect(byDir[U(3)]).toEqual(['INV_UNREADABLE: config.sxp is larger than 16 MiB, far more than any domain config; it was not read']);
    expect(inv.domains.find((d) => d.directoryUuid === UUIDS.web01)).toMatchObject({ name: 'web01', status: 'ok' });
  });

  it('a checkpoint.chk that is a FIFO does not hang the walk', async () => {
    const root = tmp();
    writeFileSync(entry(root, UUIDS.web01), readFileSync(configOf(UUIDS.web01)));
    execFileSync('mkfifo', [path.join(root, UUIDS.web01, 'checkpoint.chk')]);
    const inv = await scanXendRoot({ root });
    expect(inv.domains[0].problems.map((p) => p.code)).toEqual(['INV_CHECKPOINT']);
  });
});

const asNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0;
if (!asNobody) console.warn('hostile-store: the non-root case is skipped (needs root and setpriv to drop to nobody)');

describe('item 14: what inventory says when it cannot see, or is pointed one level too deep', () => {
  it.skipIf(!asNobody)('a non-root reader of a root-only <uuid>/ gets INV_UNREADABLE only, no phantom checkpoint', () => {
    const root = tmp();
    chmodSync(root, 0o755);
    writeFileSync(entry(root, UUIDS.web01), readFileSync(configOf(UUIDS.web01)));
    chmodSync(path.join(root, UUIDS.web01), 0o700);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, binPath, 'inventory', '--xend-root', root, '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(1);
    const [d] = JSON.parse(r.stdout).domains;
    expect(d.problems.map((p: { code: string }) => p.code)).toEqual(['INV_UNREADABLE']);
    expect(d.problems[0].message).toMatch(/permission denied/);
    expect(d.checkpointBytes).toBeNull();
    expect(d.state).toBe('unknown');
  });

  it('--xend-root naming one <uuid>/ directory is refused with the parent to use instead', async () => {
    const root = tmp();
    writeFileSync(entry(root, UUIDS.web01), readFileSync(configOf(UUIDS.web01)));
    const r = await runCli(['inventory', '--xend-root', path.join(root, UUIDS.web01)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: this is one domain's directory (it holds config.sxp), not xend's domain store");
    expect(r.stderr).toContain(`hint: point --xend-root at its parent, ${root}`);
  });

  it('an empty store is said to be empty; a store with errors does not end on "ok"', async () => {
    const empty = await runCli(['inventory', '--xend-root', tmp()]);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toMatch(/warning: no domains in .*: it has no <uuid>\/ subdirectories/);
    const root = tmp();
    writeFileSync(entry(root, U(1)), '(domain (name x)');
    const bad = await runCli(['inventory', '--xend-root', root]);
    expect(bad.code).toBe(1);
    const last = bad.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(/FAILED 1 domain in .*: 0 ok, 0 with warnings, 1 with errors/);
    expect(bad.stderr).not.toMatch(/ ok 1 domain/);
  });
});
