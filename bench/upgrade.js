#!/usr/bin/env node
/**
 * The in-place upgrade against the seed's manual recipe, same run, same daemons.
 *
 *   node bench/upgrade.js [COUNT] [PARALLEL]   (default 50 domains, --parallel COUNT; needs `npx tsc -p .` and root)
 *   node bench/upgrade.js --xen [COUNT]        (default 6 guests: the same on real libxl, see bench/upgrade-xen.js)
 *
 * Where: libvirt's *test driver* inside the two real libvirtd daemons of the
 * test rig (test/rig/libvirt-rig.sh): `test+unix:///default?socket=…` of h1 is
 * the old toolstack (the "xend" host, COUNT running Xen domains), h2 the new
 * one. The test driver accepts `type='xen'` domains and makes define/start/
 * shutdown cheap, so the numbers measure orchestration and virsh round trips,
 * not guest boot times. A `virsh event --loop` per host holds the test
 * driver's state (it lives only while a connection is open).
 *
 * (a) The seed's serial loop, per domain:
 *       virsh -c FROM shutdown D; poll virsh domstate D until "shut off";
 *       virsh -c FROM dumpxml D > D.xml; virsh -c TO define D.xml
 * (b) `xend2libxl upgrade --xend-root … --from FROM --to TO --backup-dir … --yes
 *      --parallel P`, which additionally backs up and hashes every file,
 *      journals every step atomically, verifies each definition by reading it
 *      back, sets autostart and starts the domains that were running.
 * Prints both wall times and the ratio (b)/(a) (target ≤ 1/3), plus the fixed
 * part of (b) — process start, module loading, reading and converting the
 * xend store — measured as a `--dry-run` of the same tree.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedLoop } from './seed-loop.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv[2] === '--xen') {
  const { benchXen } = await import('./upgrade-xen.js');
  await benchXen(repo, Number(process.argv[3] ?? 6));
  process.exit(0);
}
const bin = path.join(repo, 'bin/xend2libxl.js');
const COUNT = Number(process.argv[2] ?? 50);
const PARALLEL = Number(process.argv[3] ?? Math.min(COUNT, 64));
const TARGET = 1 / 3;

const { convertSxpText } = await import(path.join(repo, 'dist/convert/api.js'));

function rigEnv() {
  const script = path.join(repo, 'test/rig/libvirt-rig.sh');
  execFileSync('/bin/bash', [script, 'start'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 15 * 60_000 });
  const env = {};
  for (const line of execFileSync('/bin/bash', [script, 'env'], { encoding: 'utf8' }).split('\n')) {
    const m = /^(?:export )?([A-Z0-9_]+)='(.*)'$/.exec(line.trim()); // `rig env` prints export lines
    if (m) env[m[1]] = m[2];
  }
  return env;
}

const virsh = (uri, args, opts = {}) =>
  execFileSync('virsh', ['-q', '-c', uri, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', opts.out ?? 'pipe', 'pipe'] });
const tryVirsh = (uri, args) => {
  try {
    return virsh(uri, args);
  } catch {
    return '';
  }
};

function holder(uri) {
  const child = spawn('virsh', ['-c', uri, 'event', '--all', '--loop'], { stdio: 'ignore' });
  return () => child.kill('SIGTERM');
}

const uuid = (i) => `be4c0000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const nameOf = (i) => `upg-bench-${String(i).padStart(3, '0')}`;

function writeTree(root) {
  const xml = [];
  for (let i = 1; i <= COUNT; i++) {
    const dir = path.join(root, uuid(i));
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const mac = `00:16:3e:be:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
    const sxp = `(domain
    (uuid ${uuid(i)})
    (name ${nameOf(i)})
    (vcpus 1)
    (maxmem 512)
    (memory 512)
    (on_poweroff destroy)
    (on_reboot restart)
    (on_crash restart)
    (bootloader /usr/bin/pygrub)
    (on_xend_start ${i % 3 === 0 ? 'start' : 'ignore'})
    (image (linux (kernel '') (args 'console=hvc0')))
    (device (vif (bridge xenbr0) (mac ${mac}) (script vif-bridge)))
    (device (vbd (dev xvda) (uname phy:/dev/vg0/bench-${i}) (mode w)))
)
`;
    writeFileSync(path.join(dir, 'config.sxp'), sxp, { mode: 0o600 });
    const r = convertSxpText(sxp, { file: 'bench' });
    if (!r.ok) throw new Error(`bench config ${i} does not convert: ${r.error?.message}`);
    xml.push(r.xml);
  }
  return xml;
}

/** The old host: every domain defined and running on FROM; TO empty. */
function reset(from, to, xml, work) {
  for (let i = 1; i <= COUNT; i++) {
    for (const u of [from, to]) {
      tryVirsh(u, ['destroy', '--', nameOf(i)]);
      tryVirsh(u, ['undefine', '--', nameOf(i)]);
    }
    const f = path.join(work, 'src.xml');
    writeFileSync(f, xml[i - 1]);
    virsh(from, ['define', '--file', f]);
    virsh(from, ['start', '--', nameOf(i)]);
  }
}

function dryRun(root, work) {
  const t0 = performance.now();
  execFileSync(process.execPath, [bin, 'upgrade', '--xend-root', root, '--backup-dir', path.join(work, 'unused'), '--dry-run'], { stdio: 'ignore' });
  return performance.now() - t0;
}

function ours(from, to, root, backup) {
  const t0 = performance.now();
  // UPG_BENCH_LOG=FILE keeps every virsh call with its duration, to see where the time goes.
  const log = process.env.UPG_BENCH_LOG ? ['--log-file', process.env.UPG_BENCH_LOG] : [];
  const r = spawn(process.execPath, [bin, ...log, 'upgrade', '--xend-root', root, '--from', from, '--to', to, '--backup-dir', backup, '--parallel', String(PARALLEL), '--yes', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  r.stdout.on('data', (d) => (out += d));
  r.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) =>
    r.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`upgrade exited ${code}\n${err}\n${out.slice(0, 2000)}`));
      const rep = JSON.parse(out);
      if (rep.counts.done !== COUNT) return reject(new Error(`only ${rep.counts.done}/${COUNT} done`));
      resolve(ms);
    }),
  );
}

const env = rigEnv();
const from = env.RIG_H1_TEST_URI;
const to = env.RIG_H2_TEST_URI;
const release = [holder(from), holder(to)];
await new Promise((r) => setTimeout(r, 700));
const work = mkdtempSync(path.join(tmpdir(), 'upg-bench-'));
try {
  const root = path.join(work, 'domains');
  const xml = writeTree(root);
  reset(from, to, xml, work);
  const seed = seedLoop(virsh, from, to, Array.from({ length: COUNT }, (_, i) => nameOf(i + 1)), work);
  const seedDefined = virsh(to, ['list', '--all', '--name']).split('\n').filter((n) => n.startsWith('upg-bench-')).length;
  reset(from, to, xml, work);
  const mine = await ours(from, to, root, path.join(work, 'backup'));
  const running = virsh(to, ['list', '--name']).split('\n').filter((n) => n.startsWith('upg-bench-')).length;
  const fixed = dryRun(root, work);
  const ratio = mine / seed;
  console.log(`upgrade of ${COUNT} running Xen domains, libvirt test driver in the rig's libvirtd (h1 → h2)`);
  console.log(`  seed serial virsh loop (shutdown, wait, dumpxml > file, define): ${(seed / 1000).toFixed(2)} s  (${seedDefined} defined, none restarted)`);
  console.log(`  xend2libxl upgrade --parallel ${PARALLEL} (+backup, journal, verify, autostart, start): ${(mine / 1000).toFixed(2)} s  (${running} running on the target)`);
  console.log(`  of which fixed start-up (node, modules, read + convert the xend store; a --dry-run): ${(fixed / 1000).toFixed(2)} s`);
  console.log(`  ratio ours/seed: ${ratio.toFixed(3)} (target <= ${TARGET.toFixed(3)}) ${ratio <= TARGET ? 'OK' : 'ABOVE TARGET'}`);
  console.log(`  ratio without the fixed start-up ((ours - dry run)/seed): ${(Math.max(0, mine - fixed) / seed).toFixed(3)}`);
} finally {
  for (let i = 1; i <= COUNT; i++) for (const u of [from, to]) {
    tryVirsh(u, ['destroy', '--', nameOf(i)]);
    tryVirsh(u, ['undefine', '--', nameOf(i)]);
  }
  for (const r of release) r();
  rmSync(work, { recursive: true, force: true });
}
