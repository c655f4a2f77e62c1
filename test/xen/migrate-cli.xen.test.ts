/**
 * Issue 12 (c) on real libxl: `migrate` and `evacuate` live p2p between the two Xen hosts
 * through the built CLI, with the JSON event stream. Our client reaches the destination as
 * xen+tcp://127.0.0.1:1660N/system, the source daemon as xen+tcp://xenrigN/system: --to is
 * the first, --peer-uri the second. Also issue 15's boundary: a QEMU host (the libvirt rig)
 * and a Xen host are refused with the cold-move command.
 * Not exercised: HVM guests (the rig migrates PV only), guests above ~384 MiB (host memory).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceXenSkip, ensureXenRig, xenSkipped, type XenRig } from '../xen-rig/xen-rig.js';
import { ensureRig, libvirtSkipped } from '../rig/rig.js';
import { capsOf } from '../../src/migrate/driver.js';
import { preflightHosts } from '../../src/migrate/preflight.js';
import { presence, removeXenGuests, runXendCli, startXenGuest, xenGuestName } from './migrate-xen-helpers.js';

announceXenSkip('migrate/evacuate on real libxl');
describe.skipIf(xenSkipped)('migrate and evacuate on real libxl (Xen rig)', () => {
  let rig: XenRig;
  const names: string[] = [];
  const a = xenGuestName('a');
  const b = xenGuestName('b');

  beforeAll(async () => {
    rig = await ensureXenRig();
    names.push(a, b);
    await startXenGuest(rig, rig.x1, a);
    await startXenGuest(rig, rig.x2, b);
  });
  afterAll(async () => {
    if (rig) await removeXenGuests(rig, names);
  });

  it('--to alone (the address only we can use) is warned about, fails in libvirt and leaves the guest running on the source', async () => {
    const r = await runXendCli(['migrate', a, '--from', rig.x1.uri, '--to', rig.x2.uri, '--json']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.events.some((e) => e.event === 'warning' && /--peer-uri with the name the source host knows/.test(e.message))).toBe(true);
    const result = r.events.find((e) => e.event === 'result');
    expect(result).toMatchObject({ domain: a, status: 'stayed', where: 'source' });
    expect(await presence(rig, rig.x1, a)).toEqual({ state: 'running', persistent: true });
    expect((await presence(rig, rig.x2, a)).state).toBe('absent');
  });

  it('migrate --peer-uri: moves the guest, JSON events with elapsed time and never a percentage', async () => {
    const r = await runXendCli(['migrate', a, '--from', rig.x1.uri, '--to', rig.x2.uri, '--peer-uri', rig.x2.peerUri, '--json', '--poll-ms', '500']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const hostChecks = r.events.find((e) => e.event === 'preflight' && e.scope === 'hosts')!;
    expect(hostChecks.checks.find((c: { name: string }) => c.name === 'toolstack')).toMatchObject({ status: 'ok', detail: "libxl (libvirt's libxl driver), Xen 4.17.0 on both" });
    expect(hostChecks.checks.find((c: { name: string }) => c.name === 'cancellation').detail).toMatch(/cannot abort a migration job: Ctrl-C waits/);
    const phases = r.events.filter((e) => e.event === 'phase').map((e) => e.phase);
    expect(phases).toEqual(expect.arrayContaining(['preparing', 'transferring', 'reconciling', 'done']));
    const progress = r.events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(1);
    for (const p of progress) {
      expect(p.percent).toBeNull();
      expect(['elapsed-only']).toContain(p.mode);
    }
    // libvirt's own elapsed time (time_elapsed) grows while the transfer runs.
    expect(progress.at(-1)!.elapsedMs).toBeGreaterThan(progress[0].elapsedMs);
    expect(r.events.find((e) => e.event === 'result')).toMatchObject({ domain: a, status: 'migrated', where: 'destination', actions: [] });
    expect(r.events.at(-1)).toMatchObject({ event: 'summary', migrated: 1, total: 1 });
    expect(await presence(rig, rig.x2, a)).toEqual({ state: 'running', persistent: true });
    expect((await presence(rig, rig.x1, a)).state).toBe('absent');
    // The guest kept running through the move: its console on the destination goes on counting.
    const before = (await rig.console(rig.x2, a)).length;
    await new Promise((res) => setTimeout(res, 11_000));
    expect((await rig.console(rig.x2, a)).length).toBeGreaterThan(before);
  });

  it('evacuate --match moves both guests off xenrig2 (one at a time), the second with an estimate labelled as one', async () => {
    const r = await runXendCli(['evacuate', '--from', rig.x2.uri, '--to', rig.x1.uri, '--peer-uri', rig.x1.peerUri, '--match', `xr-mig-*-${process.pid % 100000}-*`, '--json']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const results = r.events.filter((e) => e.event === 'result');
    expect(results.map((x) => [x.domain, x.status]).sort()).toEqual([a, b].sort().map((d) => [d, 'migrated']));
    for (const d of [a, b]) {
      expect(await presence(rig, rig.x1, d)).toEqual({ state: 'running', persistent: true });
      expect((await presence(rig, rig.x2, d)).state).toBe('absent');
    }
    // --parallel 1: the second migration starts after the first ended, and estimates from its rate.
    const second = results[1].domain;
    const est = r.events.filter((e) => e.event === 'progress' && e.domain === second && e.mode === 'estimated');
    expect(est.length, JSON.stringify(r.events.filter((e) => e.event === 'progress'))).toBeGreaterThan(0);
    expect(est[0].estimateBasis).toMatch(/MiB\/s, the rate of this run's earlier migrations/);
    expect(est[0].percent).toBeNull();
  });

  it.skipIf(libvirtSkipped)('a QEMU host and a Xen host: the preflight refuses with the cold-move command (issue 15)', async () => {
    const qemu = await ensureRig();
    const checks = await preflightHosts({ runner: rig.runner, sourceUri: qemu.h1.tcpUri, destUri: rig.x2.uri, caps: capsOf('libxl'), domains: ['web1'] });
    const t = checks.find((c) => c.name === 'toolstack');
    expect(t?.status).toBe('fail');
    expect(t?.detail).toMatch(/^the source runs QEMU\/KVM, QEMU [\d.]+ but the destination libxl \(libvirt's libxl driver\), Xen 4\.17\.0: a live migration cannot cross toolstacks/);
    expect(t?.detail).toContain(`xend2libxl upgrade --from ${qemu.h1.tcpUri} --to ${rig.x2.uri} --xend-root /var/lib/xend/domains --backup-dir DIR --domain web1`);
    // The CLI refuses the same pair from the URIs alone, before contacting a host (exit 2).
    const r = await runXendCli(['migrate', 'web1', '--from', qemu.h1.tcpUri, '--to', rig.x2.uri]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a live migration cannot cross toolstacks; move the guests cold instead .*xend2libxl upgrade --from/);
  });
});
