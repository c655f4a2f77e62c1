#!/usr/bin/env node
/**
 * Our `migrate` vs plain `virsh migrate --live --p2p` on the real Xen rig (libvirt 9's libxl
 * driver, two Xen 4.17 hosts in QEMU/TCG), the same 128 MiB tiny PV guest, in one run.
 *
 * Each round moves the guest twice — once with each tool, the order alternating by round
 * so the shared machine's load hits both alike — always from the host it is on to the other.
 * Timed: the whole command, wall clock, as an admin would see it (our preflight, monitoring
 * at --poll-ms and reconciliation included; virsh's client start included).
 * Prints every sample, the medians and their ratio (target ≤ 1.05: our monitor must not
 * slow libxl down).
 *
 *   npx tsc -p tsconfig.json && node bench/migrate-xen.js [ROUNDS]   (default 4; root; starts the Xen rig if needed)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin/xend2libxl.js');
const rigScript = path.join(repo, 'test/xen-rig/xen-rig.sh');
const ROUNDS = Number(process.argv[2] ?? 4);
const NAME = `xr-mig-bench-${process.pid}`;
const env = { ...process.env, LC_ALL: 'C' };

const run = (cmd, args, timeout = 300_000) =>
  new Promise((resolve) => execFile(cmd, args, { env, timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr })));
const virsh = (uri, ...args) => run('virsh', ['-c', uri, ...args]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function rigEnv() {
  const start = await run('/bin/bash', [rigScript, 'start', '2'], 45 * 60_000);
  if (start.code !== 0) throw new Error(`Xen rig start failed:\n${start.stderr}`);
  const out = (await run('/bin/bash', [rigScript, 'env'])).stdout;
  return Object.fromEntries([...out.matchAll(/^([A-Z0-9_]+)='(.*)'$/gm)].map((m) => [m[1], m[2]]));
}

function guestXml(e) {
  return `<domain type='xen'><name>${NAME}</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='xenpv'>linux</type><kernel>${e.XEN_RIG_GUEST_KERNEL}</kernel><initrd>${e.XEN_RIG_GUEST_INITRD}</initrd><cmdline>console=hvc0 quiet</cmdline></os>
  <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>
  <devices><console type='pty'><target type='xen' port='0'/></console></devices></domain>\n`;
}

async function startGuest(e, host) {
  const dir = mkdtempSync(path.join(tmpdir(), 'xr-mig-bench-'));
  const file = path.join(dir, 'g.xml');
  writeFileSync(file, guestXml(e));
  const def = await virsh(e[`XEN_RIG_URI${host}`], 'define', file);
  rmSync(dir, { recursive: true, force: true });
  if (def.code !== 0) throw new Error(`define: ${def.stderr}`);
  // The shared rig can be so loaded that virsh's keepalive gives up while libvirtd still starts the guest.
  const st = await virsh(e[`XEN_RIG_URI${host}`], '-k', '0', 'start', '--', NAME);
  if (st.code !== 0 && !/running/.test((await virsh(e[`XEN_RIG_URI${host}`], 'domstate', '--', NAME)).stdout)) throw new Error(`start: ${st.stderr}`);
  // A PV guest migrated in its first seconds fails to send: wait for READY on its console.
  for (let i = 0; i < 120; i++) {
    const log = await run('/bin/bash', [rigScript, 'sh', String(host), `cat /var/log/xen/console/guest-${NAME}.log 2>/dev/null; true`]);
    if (/\bREADY\b/.test(log.stdout)) return;
    await sleep(2000);
  }
  throw new Error('guest never printed READY');
}

async function timed(cmd, args) {
  const t0 = performance.now();
  const r = await run(cmd, args);
  const ms = performance.now() - t0;
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return ms;
}

async function main() {
  const e = await rigEnv();
  const uri = (n) => e[`XEN_RIG_URI${n}`];
  const peer = (n) => e[`XEN_RIG_PEER_URI${n}`];
  let at = 1;
  const ours = [];
  const plain = [];
  const move = {
    ours: async (from, to) => timed(process.execPath, [bin, 'migrate', NAME, '--from', uri(from), '--to', uri(to), '--peer-uri', peer(to), '-q']),
    // `-k 0` as ours passes it (a loaded source libvirtd can miss keepalives while libxl sends).
    virsh: async (from, to) => timed('virsh', ['-c', uri(from), '-k', '0', 'migrate', '--live', '--p2p', '--persistent', '--undefinesource', '--', NAME, peer(to)]),
  };
  try {
    await startGuest(e, 1);
    for (let r = 0; r < ROUNDS; r++) {
      for (const tool of r % 2 ? ['virsh', 'ours'] : ['ours', 'virsh']) {
        const to = at === 1 ? 2 : 1;
        const ms = await move[tool](at, to);
        (tool === 'ours' ? ours : plain).push(ms);
        process.stdout.write(`round ${r + 1} ${tool.padEnd(5)} xenrig${at} -> xenrig${to}: ${(ms / 1000).toFixed(2)} s\n`);
        at = to;
        // The guest settles on its new host before the next move (same pause for both tools).
        await sleep(3000);
      }
    }
  } finally {
    for (const n of [1, 2]) {
      await virsh(uri(n), 'destroy', '--', NAME);
      await virsh(uri(n), 'undefine', '--', NAME);
    }
  }
  const mo = median(ours);
  const mv = median(plain);
  process.stdout.write(
    `\n128 MiB PV guest, ${ROUNDS} rounds (one move per tool per round)\n` +
      `  virsh migrate --live --p2p   median ${(mv / 1000).toFixed(2)} s\n` +
      `  xend2libxl migrate          median ${(mo / 1000).toFixed(2)} s\n` +
      `  ratio ours / virsh          ${(mo / mv).toFixed(3)}  (target <= 1.05)\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exitCode = 1;
});
