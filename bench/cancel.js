#!/usr/bin/env node
/**
 * Cancel latency on the real rig: from the cancel request to "source running,
 * destination clean", in one run, three ways, interleaved round by round (in a
 * rotating order) so the shared machine's load hits them alike:
 *
 *   baseline   `virsh domjobabort` (what an admin would type), then poll both hosts
 *              until the guest runs on h1 and h2 has no copy
 *   abort-job  SIGINT to `xend2libxl migrate --cancel-strategy abort-job` → its exit
 *              (it exits only after reconciling both hosts)
 *   destroy    SIGINT to `xend2libxl migrate --cancel-strategy destroy-destination` → exit
 *
 * Each round: slowed migration (--bandwidth 1, dirtying 32 MiB guest), cancel after 2–3 s:
 * the moment is drawn afresh for every run, because a periodic reaper (this sandbox's
 * PID 1 reaps orphans once a second) would otherwise lock each row to its own phase
 * of that clock and bias the rows against each other by hundreds of milliseconds.
 * Prints medians, the ratio to the baseline and the 2 s target, and for our rows the
 * share that is ours: total minus libvirt's rollback (start of the domjobabort/destroy
 * call to the end of `virsh migrate`, read from our --log-file).
 *
 * BENCH_BEFORE_BIN=/path/to/other/bin/xend2libxl.js adds both strategies of another
 * build (e.g. `git archive` of the previous commit, built) to every round, so a change
 * is judged before/after under the same load rather than across runs.
 *
 * Also printed: how long this machine's PID 1 leaves an orphaned zombie unreaped. libvirt's
 * destroy polls kill(pid, 0) until QEMU's process is gone, and a zombie still counts.
 * The rig runs each libvirtd under its own subreaper (test/rig/reaper/reaper.c), which
 * reaps QEMU at once as systemd does on a real host, so that delay is not in the rows;
 * before the reaper it added 1–2 s to every row, the baseline included.
 *
 *   npx tsc -p . && node bench/cancel.js [ROUNDS]     (default 5; root; starts the rig if needed)
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin/xend2libxl.js');
const rigScript = path.join(repo, 'test/rig/libvirt-rig.sh');
const ROUNDS = Number(process.argv[2] ?? 5);
const TARGET_MS = 2000;
const CANCEL_AFTER_MS = 2000;
const CANCEL_JITTER_MS = 1000;
const cancelAfter = () => CANCEL_AFTER_MS + Math.random() * CANCEL_JITTER_MS;
const env = { ...process.env, LC_ALL: 'C' };

const run = (cmd, args, timeout = 60_000) =>
  new Promise((resolve) => execFile(cmd, args, { env, timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr })));
const virsh = (uri, ...args) => run('virsh', ['-c', uri, ...args]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function state(uri, name) {
  const r = await virsh(uri, 'domstate', '--', name);
  return r.code === 0 ? r.stdout.trim() : 'absent';
}

async function rigEnv() {
  const start = await run('/bin/bash', [rigScript, 'start'], 15 * 60_000);
  if (start.code !== 0) throw new Error(`rig start failed:\n${start.stderr}`);
  const out = (await run('/bin/bash', [rigScript, 'env'])).stdout;
  return Object.fromEntries([...out.matchAll(/^([A-Z0-9_]+)='(.*)'$/gm)].map((m) => [m[1], m[2]]));
}

async function waitClean(h1, h2, name) {
  for (;;) {
    const [s, d] = await Promise.all([state(h1, name), state(h2, name)]);
    if (s === 'running' && d === 'absent') return;
    await sleep(20);
  }
}

async function baseline(h1, h2tcp, h2, name) {
  const mig = run('virsh', ['-c', h1, 'migrate', '--live', '--p2p', '--persistent', '--undefinesource', '--bandwidth', '1', '--', name, h2tcp], 120_000);
  await sleep(cancelAfter());
  const t0 = performance.now();
  await virsh(h1, 'domjobabort', '--', name);
  await waitClean(h1, h2, name);
  const ms = performance.now() - t0;
  await mig;
  return ms;
}

let logNo = 0;

/**
 * SIGINT → exit of our CLI, plus how much of it was libvirt's own rollback: from the
 * start of the cancelling call (domjobabort / destroy) to the end of `virsh migrate`,
 * read from our --log-file. The rest is ours (signal handling, lookups, reconciling, exit).
 */
function ours(h1, h2tcp, name, strategy, program = bin) {
  return new Promise((resolve, reject) => {
    const log = path.join(dir, `log-${logNo++}.txt`);
    const child = spawn(process.execPath, [program, '--log-file', log, 'migrate', name, '--from', h1, '--to', h2tcp, '--bandwidth', '1', '--cancel-strategy', strategy, '--quiet'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let t0 = 0;
    let sentAt = 0;
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    setTimeout(() => {
      t0 = performance.now();
      sentAt = Date.now();
      child.kill('SIGINT');
    }, cancelAfter());
    child.on('close', (code) => {
      if (code !== 130) return reject(new Error(`${strategy}: exit ${code}\n${err}`));
      const ms = performance.now() - t0;
      const libvirt = libvirtRollbackMs(readFileSync(log, 'utf8'), sentAt);
      resolve({ ms, own: libvirt === null ? null : ms - libvirt });
    });
  });
}

function libvirtRollbackMs(logText, sentAt) {
  const calls = [...logText.matchAll(/^(\S+Z) VIRSH (.*) → .* in (\d+) ms$/gm)].map((m) => ({ end: Date.parse(m[1]), start: Date.parse(m[1]) - Number(m[3]), argv: m[2] }));
  const cancel = calls.filter((c) => / (domjobabort|destroy) /.test(c.argv) && c.start >= sentAt - 5).sort((a, b) => a.start - b.start)[0];
  const migrate = calls.find((c) => / migrate /.test(c.argv));
  return cancel && migrate ? migrate.end - cancel.start : null;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Milliseconds from an orphan's exit to its reaping by PID 1 (Linux /proc), or null where unmeasurable. */
async function orphanReapMs() {
  const r = await run('/bin/sh', ['-c', 'sleep 0.1 >/dev/null 2>&1 & echo $!']);
  const pid = Number(r.stdout.trim());
  if (!pid) return null;
  let zombieAt = 0;
  for (const until = performance.now() + 10_000; performance.now() < until; ) {
    let st;
    try {
      st = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    } catch {
      return zombieAt ? performance.now() - zombieAt : null;
    }
    if (st === 'Z' && !zombieAt) zombieAt = performance.now();
    await sleep(5);
  }
  return null;
}

const e = await rigEnv();
const [h1, h2, h2tcp] = [e.RIG_H1_URI, e.RIG_H2_URI, e.RIG_H2_TCP_URI];
const name = `mig-bench-${process.pid}`;
const dir = mkdtempSync(path.join(tmpdir(), 'mig-bench-'));
const xml = path.join(dir, 'd.xml');
writeFileSync(xml, `<domain type='qemu'><name>${name}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type><kernel>${e.RIG_GUEST_KERNEL}</kernel><cmdline>fill=8 dirty=4</cmdline></os>
<on_poweroff>destroy</on_poweroff><devices><emulator>/usr/bin/qemu-system-x86_64</emulator><memballoon model='none'/></devices></domain>`);
const before = process.env.BENCH_BEFORE_BIN;
const contenders = [
  ['abort-job', 'abort-job', bin],
  ['destroy-destination', 'destroy-destination', bin],
  ...(before ? [['abort-job (before)', 'abort-job', before], ['destroy-destination (before)', 'destroy-destination', before]] : []),
];
const times = { baseline: [], ...Object.fromEntries(contenders.map(([k]) => [k, []])) };
const own = Object.fromEntries(contenders.map(([k]) => [k, []]));
const reaps = [];
try {
  await virsh(h1, 'define', xml);
  await virsh(h1, 'start', '--', name);
  await sleep(2000);
  for (let i = 0; i < ROUNDS; i++) {
    // The order rotates each round so that no row always runs right after the same other one.
    const lineup = [['baseline'], ...contenders];
    for (const [k, strategy, program] of [...lineup.slice(i % lineup.length), ...lineup.slice(0, i % lineup.length)]) {
      if (k === 'baseline') {
        times.baseline.push(await baseline(h1, h2tcp, h2, name));
        continue;
      }
      const r = await ours(h1, h2tcp, name, strategy, program);
      times[k].push(r.ms);
      if (r.own !== null) own[k].push(r.own);
      if ((await state(h1, name)) !== 'running' || (await state(h2, name)) !== 'absent') throw new Error(`${k}: guest not back on h1 alone`);
    }
    reaps.push(await orphanReapMs());
    process.stderr.write(`round ${i + 1}/${ROUNDS}: ${Object.entries(times).map(([k, v]) => `${k} ${v.at(-1).toFixed(0)} ms${own[k]?.length ? ` (own ${own[k].at(-1).toFixed(0)})` : ''}`).join(', ')}\n`);
  }
} finally {
  for (const h of [h1, h2]) {
    await virsh(h, 'destroy', '--', name);
    await virsh(h, 'undefine', '--', name);
  }
  rmSync(dir, { recursive: true, force: true });
}
const base = median(times.baseline);
console.log(`cancel latency, median of ${ROUNDS} (cancel request → source running, destination clean):`);
for (const [k, v] of Object.entries(times)) {
  const m = median(v);
  console.log(`  ${k.padEnd(29)} ${m.toFixed(0).padStart(6)} ms   ratio to baseline ${(m / base).toFixed(2)}   ${k === 'baseline' ? '' : m <= TARGET_MS ? `≤ ${TARGET_MS} ms target: met` : `≤ ${TARGET_MS} ms target: MISSED`}${own[k]?.length ? `   (ours beyond libvirt's rollback: ${median(own[k]).toFixed(0)} ms)` : ''}`);
}
console.log('  (ours includes node start-up-free signal handling, the libvirt rollback, and our own two-host reconciliation before exit)');
const reaped = reaps.filter((x) => x !== null);
if (reaped.length) {
  console.log(
    `  this machine's PID 1 reaps an orphaned zombie after ${median(reaped).toFixed(0)} ms (median of ${reaped.length}); ` +
      "the rig's libvirtd runs under its own reaper (test/rig/reaper), so QEMU is reaped at once as under systemd and the rows above do not include it",
  );
}
