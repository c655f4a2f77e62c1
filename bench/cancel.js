#!/usr/bin/env node
/**
 * Cancel latency on the real rig: from the cancel request to "source running,
 * destination clean", in one run, three ways, interleaved round by round so the
 * shared machine's load hits them alike:
 *
 *   baseline   `virsh domjobabort` (what an admin would type), then poll both hosts
 *              until the guest runs on h1 and h2 has no copy
 *   abort-job  SIGINT to `xend2libxl migrate --cancel-strategy abort-job` → its exit
 *              (it exits only after reconciling both hosts)
 *   destroy    SIGINT to `xend2libxl migrate --cancel-strategy destroy-destination` → exit
 *
 * Each round: slowed migration (--bandwidth 1, dirtying 32 MiB guest), cancel after 2 s.
 * Prints medians, the ratio to the baseline and the 2 s target.
 *
 *   npx tsc -p . && node bench/cancel.js [ROUNDS]     (default 5; root; starts the rig if needed)
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin/xend2libxl.js');
const rigScript = path.join(repo, 'test/rig/libvirt-rig.sh');
const ROUNDS = Number(process.argv[2] ?? 5);
const TARGET_MS = 2000;
const CANCEL_AFTER_MS = 2000;
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
  await sleep(CANCEL_AFTER_MS);
  const t0 = performance.now();
  await virsh(h1, 'domjobabort', '--', name);
  await waitClean(h1, h2, name);
  const ms = performance.now() - t0;
  await mig;
  return ms;
}

function ours(h1, h2tcp, name, strategy) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'migrate', name, '--from', h1, '--to', h2tcp, '--bandwidth', '1', '--cancel-strategy', strategy, '--quiet'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let t0 = 0;
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    setTimeout(() => {
      t0 = performance.now();
      child.kill('SIGINT');
    }, CANCEL_AFTER_MS);
    child.on('close', (code) => (code === 130 ? resolve(performance.now() - t0) : reject(new Error(`${strategy}: exit ${code}\n${err}`))));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const e = await rigEnv();
const [h1, h2, h2tcp] = [e.RIG_H1_URI, e.RIG_H2_URI, e.RIG_H2_TCP_URI];
const name = `mig-bench-${process.pid}`;
const dir = mkdtempSync(path.join(tmpdir(), 'mig-bench-'));
const xml = path.join(dir, 'd.xml');
writeFileSync(xml, `<domain type='qemu'><name>${name}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type><kernel>${e.RIG_GUEST_KERNEL}</kernel><cmdline>fill=8 dirty=4</cmdline></os>
<on_poweroff>destroy</on_poweroff><devices><emulator>/usr/bin/qemu-system-x86_64</emulator><memballoon model='none'/></devices></domain>`);
const times = { baseline: [], 'abort-job': [], 'destroy-destination': [] };
try {
  await virsh(h1, 'define', xml);
  await virsh(h1, 'start', '--', name);
  await sleep(2000);
  for (let i = 0; i < ROUNDS; i++) {
    times.baseline.push(await baseline(h1, h2tcp, h2, name));
    for (const s of ['abort-job', 'destroy-destination']) {
      times[s].push(await ours(h1, h2tcp, name, s));
      if ((await state(h1, name)) !== 'running' || (await state(h2, name)) !== 'absent') throw new Error(`${s}: guest not back on h1 alone`);
    }
    process.stderr.write(`round ${i + 1}/${ROUNDS}: ${Object.entries(times).map(([k, v]) => `${k} ${v.at(-1).toFixed(0)} ms`).join(', ')}\n`);
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
  console.log(`  ${k.padEnd(20)} ${m.toFixed(0).padStart(6)} ms   ratio to baseline ${(m / base).toFixed(2)}   ${k === 'baseline' ? '' : m <= TARGET_MS ? `≤ ${TARGET_MS} ms target: met` : `≤ ${TARGET_MS} ms target: MISSED`}`);
}
console.log('  (ours includes node start-up-free signal handling, the libvirt rollback, and our own two-host reconciliation before exit)');
