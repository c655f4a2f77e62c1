/**
 * Two safety rules that do not need a real Xen host to be checked (the rig suites in
 * test/xen/ prove them on real libxl): the preflight refuses a toolstack mismatch with the
 * cold-move command, and reconciliation touches nothing while the source still runs a
 * migration job. The libxl texts below are the ones libvirt 9 printed on the Xen rig; the
 * legacy xend driver's could not be captured (no xend host exists here): its
 * `xenmigr` transport and "Using API: Xen 3.0.1" are read from libvirt's legacy driver source.
 */
import { describe, expect, it } from 'vitest';
import { checkUris, coldMoveHint } from '../../src/migrate/driver.js';
import { reconcile } from '../../src/migrate/reconcile.js';
import { toolstackOf } from '../../src/migrate/toolstack.js';
import { main } from '../../src/cli/main.js';
import { Command } from 'commander';
import { defineMigrate } from '../../src/cli/commands/migrate.js';
import type { CliContext } from '../../src/cli/context.js';
import { fakeRunner, fakeWorld } from './fake-libvirt.js';

/** `virsh version` and the capabilities' migration block, as libvirt 9's libxl driver answered on the Xen rig. */
const LIBXL_VERSION = 'Compiled against library: libvirt 9.0.0\nUsing library: libvirt 9.0.0\nUsing API: Xen 9.0.0\nRunning hypervisor: Xen 4.17.0\n\n';
const LIBXL_CAPS = "<capabilities>\n\n  <host>\n    <power_management/>\n    <iommu support='no'/>\n    <migration_features>\n      <live/>\n    </migration_features>\n    <netprefix>vif</netprefix>\n  </host>\n</capabilities>\n";
const XEND_VERSION = 'Compiled against library: libvirt 0.9.12\nUsing library: libvirt 0.9.12\nUsing API: Xen 3.0.1\nRunning hypervisor: Xen 4.1.0\n';
const XEND_CAPS = '<capabilities><host><migration_features><live/><uri_transports><uri_transport>xenmigr</uri_transport></uri_transports></migration_features></host></capabilities>';

describe('toolstack identity', () => {
  it('tells libxl, xend and QEMU apart from the daemon answers', () => {
    expect(toolstackOf(LIBXL_VERSION, LIBXL_CAPS)).toEqual({ toolstack: 'libxl', hypervisor: 'Xen 4.17.0' });
    expect(toolstackOf(XEND_VERSION, XEND_CAPS)).toEqual({ toolstack: 'xend', hypervisor: 'Xen 4.1.0' });
    // A modern client talking to a remote xend host prints its own API version: the capabilities decide.
    expect(toolstackOf(LIBXL_VERSION, XEND_CAPS).toolstack).toBe('xend');
    expect(toolstackOf('Running hypervisor: QEMU 7.2.0\n').toolstack).toBe('qemu');
    expect(toolstackOf('error: nothing').toolstack).toBe('other');
  });

  it('--to and --peer-uri: the host-name rules apply to the URI the source daemon opens', () => {
    const local = 'xen+tcp://127.0.0.1:16602/system';
    expect(checkUris('xen+tcp://127.0.0.1:16601/system', local).warnings.join()).toMatch(/--peer-uri with the name the source host knows/);
    expect(checkUris('xen+tcp://127.0.0.1:16601/system', local, undefined, 'xen+tcp://xenrig2/system')).toEqual({ errors: [], warnings: [] });
    expect(checkUris('qemu:///system', 'qemu+unix:///system?socket=/x', undefined, 'qemu+tcp://h2/system').errors).toEqual([]);
    expect(checkUris('qemu:///system', 'qemu+tcp://h2/system', undefined, 'qemu+unix:///system?socket=/x').errors.join()).toMatch(/--peer-uri .* is a local socket/);
    expect(checkUris('xen://a/system', 'xen+ssh://b/system', undefined, 'qemu+ssh://b/system').errors.join()).toMatch(/same destination daemon/);
    expect(checkUris('qemu+ssh://a/system', 'xen+ssh://b/system').errors.join()).toContain(coldMoveHint('qemu+ssh://a/system', 'xen+ssh://b/system'));
  });

  it('migrate refuses a libxl → xend pair (both xen://) with the cold-move command, before migrating anything', async () => {
    const SRC = 'xen+ssh://new/system';
    const DST = 'xen+ssh://old/system';
    const w = fakeWorld('qemu', SRC, DST, ['web1']);
    w.versions = { [SRC]: LIBXL_VERSION, [DST]: XEND_VERSION };
    w.capabilities = { [SRC]: LIBXL_CAPS, [DST]: XEND_CAPS };
    let out = '';
    const ctx: CliContext = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, env: {}, cwd: '/', exitCode: 0 };
    const program = new Command().exitOverride();
    defineMigrate(program.command('migrate'), ctx, { runner: fakeRunner(w), onSignal: () => () => {} });
    await program.parseAsync(['migrate', 'web1', '--from', SRC, '--to', DST, '--json'], { from: 'user' });
    expect(ctx.exitCode).toBe(1);
    const pre = out.trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.event === 'preflight' && l.scope === 'hosts');
    const check = pre.checks.find((c: { name: string }) => c.name === 'toolstack');
    expect(check.status).toBe('fail');
    expect(check.detail).toContain("the source runs libxl (libvirt's libxl driver), Xen 4.17.0 but the destination xend (libvirt's legacy Xen driver), Xen 4.1.0");
    expect(check.detail).toContain(`xend2libxl upgrade --from ${SRC} --to ${DST} --xend-root /var/lib/xend/domains --backup-dir DIR --domain web1`);
    expect(w.calls.some((c) => c.includes('migrate'))).toBe(false);
  });

  it('destroy-destination is a usage error on libxl (exit 2, no host contacted)', async () => {
    let err = '';
    const code = await main(['migrate', 'g', '--from', 'xen+ssh://a/system', '--to', 'xen+ssh://b/system', '--cancel-strategy', 'destroy-destination'], { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: '/', exitCode: 0 });
    expect(code).toBe(2);
    expect(err).toMatch(/refused on libxl: .*destroys the guest that has just arrived/);
  });
});

describe('reconcile while the source still has a migration job', () => {
  it('touches nothing until the job has ended (a destroy then would break or outlive the migration)', async () => {
    const SRC = 'qemu+tcp://h1/system';
    const DST = 'qemu+tcp://h2/system';
    const w = fakeWorld('qemu', SRC, DST, ['mig-g']);
    w.migrationMs = 1200;
    const runner = fakeRunner(w);
    const migrate = runner.start({ uri: SRC, args: ['migrate', '--live', '--p2p', '--', 'mig-g', DST] }).result;
    while (!w.hosts[DST].has('mig-g')) await new Promise((r) => setTimeout(r, 5));
    // Source running, an incoming paused copy: without the job guard this "stayed" state destroys the copy.
    const r = await reconcile({ runner, sourceUri: SRC, destUri: DST, domain: 'mig-g', wasPersistent: true });
    expect((await migrate).exitCode).toBe(0);
    expect(w.calls.some((c) => c[1] === 'destroy')).toBe(false);
    expect(r.end).toBe('moved');
    expect(w.hosts[DST].get('mig-g')).toMatchObject({ state: 'running', persistent: true });
  });
});

describe('reconcile with a stale incoming copy (libxl: the daemons lost each other between Prepare and Finish)', () => {
  it('leaves the guest running on the source, tries the destroy once and says what remains', async () => {
    const SRC = 'qemu+tcp://h1/system';
    const DST = 'qemu+tcp://h2/system';
    const w = fakeWorld('qemu', SRC, DST, ['mig-s']);
    w.hosts[DST].set('mig-s', { ...w.hosts[SRC].get('mig-s')!, state: 'paused', reason: 'user', persistent: false });
    w.jobLocked.add(DST);
    const r = await reconcile({ runner: fakeRunner(w), sourceUri: SRC, destUri: DST, domain: 'mig-s', wasPersistent: true });
    expect(r.end).toBe('stayed');
    expect(w.calls.filter((c) => c[1] === 'destroy')).toHaveLength(1);
    expect(r.problems.join('\n')).toMatch(/cannot acquire state change lock[\s\S]*a stale incoming copy remains on the destination \(paused, not defined, never started\)/);
    expect(w.hosts[SRC].get('mig-s')).toMatchObject({ state: 'running', persistent: true });
  });
});
