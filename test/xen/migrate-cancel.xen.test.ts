/**
 * Issue 12 (d) on real libxl: cancelling `migrate` at random moments — before the transfer,
 * during it, near its end and just after — never loses the guest: after every round it runs
 * on exactly one host and is defined on exactly one (the same). One 128 MiB guest goes back
 * and forth; each round starts from wherever the last one left it.
 *
 * Two kinds of rounds, alternating:
 *  - once:  one SIGINT. libxl has no AbortJob, so the CLI says "libxl cannot abort a running
 *           migration; waiting for it to end", waits, reconciles, exits 130.
 *  - twice: SIGINT and again 300 ms later: the CLI leaves at once (exit 130) touching nothing,
 *           saying where the guest may end; the test waits for libxl to finish on its own.
 * (Breaking the migration stream in the source dom0 with `ss -K` stops a libxl migration, but our
 * CLI has no access to a dom0 — docs/libxl-migration.md.)
 * The cancel latency (signal → exit) of each kind is printed; no timed assertion.
 *
 * Found on the (overloaded) rig: when the p2p control connection between the two libvirtds dies
 * between Prepare and Finish (keepalive timeout), libvirt's libxl driver keeps a paused,
 * transient incoming copy with a job that never ends on the destination, until its libvirtd
 * restarts; the guest itself runs on the source. Such a round is reported ("stale incoming
 * copy"), the property below still holds (that copy neither runs nor is defined), and the
 * suite goes on with a fresh guest, since the stale name blocks that host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceXenSkip, ensureXenRig, xenSkipped, type XenHost, type XenRig } from '../xen-rig/xen-rig.js';
import { percentiles, removeXenGuests, runXendCli, settle, startXenGuest, xenGuestName } from './migrate-xen-helpers.js';

/** Cancels that must reach the CLI while it runs (a signal after its exit is not a cancel). */
const ROUNDS = Number(process.env.XEN_MIG_CANCEL_ROUNDS ?? 21);
/** Give up drawing moments after this many attempts (each is one migration). */
const MAX_ATTEMPTS = 2 * ROUNDS + 10;
const LIBXL_SAYS = 'libxl cannot abort a running migration; waiting for it to end';
type Kind = 'once' | 'twice';

announceXenSkip('migration cancel on real libxl');
describe.skipIf(xenSkipped)('cancelling a libxl migration at random moments never loses the guest (Xen rig)', () => {
  let rig: XenRig;
  let g = xenGuestName('cx');
  const names = [g];

  beforeAll(async () => {
    rig = await ensureXenRig();
    await startXenGuest(rig, rig.x1, g);
  });
  afterAll(async () => {
    if (rig) await removeXenGuests(rig, names);
  });

  it(`${ROUNDS} cancels: running on exactly one host and defined on exactly one after each`, async () => {
    const other = (h: XenHost) => (h === rig.x1 ? rig.x2 : rig.x1);
    const args = (from: XenHost) => ['migrate', g, '--from', from.uri, '--to', other(from).uri, '--peer-uri', other(from).peerUri, '--json'];
    // Calibration: one uncancelled migration tells how long one takes under today's load.
    let src = rig.x1;
    const t0 = Date.now();
    const cal = await runXendCli(args(src));
    expect(cal.code, cal.stderr + cal.stdout).toBe(0);
    // The load on the shared rig changes how long a migration takes: draw moments from the recent ones.
    const recent = [Date.now() - t0];
    const typicalMs = () => [...recent].sort((a, b) => a - b)[Math.floor(recent.length / 2)];
    src = other(src);

    const latency: Record<Kind, number[]> = { once: [], twice: [] };
    const violations: string[] = [];
    // libvirtd's own record of connections it closed for keepalive timeout (the daemons losing each other).
    const keepaliveClosures = async () =>
      (await Promise.all([rig.x1, rig.x2].map((h) => rig.sh(h, 'grep -c "keepalive timeout" /var/log/libvirt/libvirtd.log; true')))).reduce((n, out) => n + (Number(out.trim()) || 0), 0);
    let keepaliveBefore = await keepaliveClosures();
    const report: string[] = [`calibration: one migration took ${recent[0]} ms`];
    let delivered = 0;
    const ends: Record<string, number> = {};
    for (let i = 0; delivered < ROUNDS && i < MAX_ATTEMPTS; i++) {
      const kind: Kind = i % 2 ? 'twice' : 'once';
      // From "still in preflight" to ~1.5 s past a typical end ("just after").
      const atMs = Math.round(Math.random() * (typicalMs() + 1500));
      const started = Date.now();
      const r = await runXendCli(args(src), { atMs, againAfterMs: kind === 'twice' ? 300 : undefined });
      // A signal in Node's own start-up (the first ~60 ms, before bin/guards.js installs a listener)
      // ends the process by Node's default action before it has asked libvirt anything: the shell
      // reports 130 as for any Ctrl-C. It says nothing about our cancel, so it does not count as one
      // (the guest's single home is still checked below).
      const diedStarting = r.code === null && r.signal === 'SIGINT' && r.events.length === 0 && r.stderr.trim() === '';
      if (r.signalToExitMs < 0) recent.push(Date.now() - started);
      else if (!diedStarting) delivered++;
      if (recent.length > 5) recent.shift();
      const where = await settle(rig, g);
      const result = r.events.find((e) => e.event === 'result');
      const left = r.events.some((e) => e.event === 'left');
      const said = r.events.some((e) => e.event === 'warning' && e.message === LIBXL_SAYS);
      const line = `#${i} ${kind} at ${atMs} ms from ${src.name}: exit ${r.code}, ${left ? 'left' : (result?.status ?? 'no result')}${result?.migrateError ? ` (libvirt: ${result.migrateError})` : ''}${result?.actions?.length ? ` [${result.actions.join('; ')}]` : ''}, said-wait ${said}, signal→exit ${r.signalToExitMs} ms; x1 ${where.x1.state}${where.x1.persistent ? '/persistent' : ''}, x2 ${where.x2.state}${where.x2.persistent ? '/persistent' : ''}`;
      report.push(line);
      process.stderr.write(`[xen migrate-cancel] ${line}${where.staleIncomingOn ? ` — stale incoming copy on ${where.staleIncomingOn}` : ''}\n`);

      // The one property that matters: running on exactly one host, defined on exactly one, the same.
      const running = [where.x1, where.x2].filter((p) => p.state === 'running');
      const defined = [where.x1, where.x2].filter((p) => p.persistent);
      const otherCopy = [where.x1, where.x2].find((p) => p !== running[0]);
      const holds =
        running.length === 1 && defined.length === 1 && running[0] === defined[0] &&
        (where.staleIncomingOn ? ['paused', 'shut off'].includes(otherCopy!.state) : otherCopy!.state === 'absent');
      const keepalive = (await keepaliveClosures()) - keepaliveBefore;
      keepaliveBefore += keepalive;
      if (!holds) violations.push(`${line}${keepalive ? ` — libvirtd closed ${keepalive} connection(s) for keepalive timeout during this round` : ''}`);

      // The CLI: 0 when it ended before the signal came, else 130 with an honest account.
      if (diedStarting) report.push(`#${i}: the signal landed in Node's start-up; the process ended before it did anything`);
      else if (r.signalToExitMs >= 0) {
        expect(r.code, `${line}\n${r.stderr}`).toBe(130);
        latency[kind].push(r.signalToExitMs);
        if (result) expect(['migrated', 'stayed', 'not-started'], line).toContain(result.status);
      } else expect(r.code, `${line}\n${r.stderr}`).toBe(0);
      // Never a destroy-destination: libxl cancels only by waiting.
      expect(result?.cancelUsed ?? null, line).not.toBe('destroy-destination');

      const endHost = where.x2.state === 'running' && where.x2.persistent && !(where.x1.state === 'running') ? rig.x2 : rig.x1;
      const end = !holds ? 'PROPERTY VIOLATED' : where.staleIncomingOn ? 'stayed on source, stale incoming copy left on the destination' : endHost === src ? 'stayed on source' : 'moved';
      ends[end] = (ends[end] ?? 0) + 1;
      src = endHost;
      if (where.staleIncomingOn || !holds) {
        // A stale copy blocks that host for this name until its libvirtd restarts; after a
        // violation the guest is removed everywhere. Either way: go on with a fresh guest.
        await removeXenGuests(rig, [g]);
        g = xenGuestName('cx');
        names.push(g);
        src = where.staleIncomingOn === 'x1' ? rig.x2 : rig.x1;
        await startXenGuest(rig, src, g);
      }
    }
    report.push(`ends: ${JSON.stringify(ends)}; cancels delivered while the CLI ran: ${delivered}`);
    for (const k of ['once', 'twice'] as const) report.push(`cancel latency (signal → exit), ${k}: ${percentiles(latency[k])}`);
    process.stderr.write(`[xen migrate-cancel]\n  ${report.join('\n  ')}\n`);
    expect(delivered, 'cancels that reached the running CLI').toBeGreaterThanOrEqual(ROUNDS);
    expect(violations, 'rounds after which the guest was not running on exactly one host and defined on exactly one').toEqual([]);
  }, 40 * 60_000);
});
