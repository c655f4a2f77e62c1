/**
 * `node bench/upgrade.js --xen [COUNT]`: the upgrade on real libxl (the Xen rig, test/xen-rig)
 * against the seed's serial virsh loop, same run, same hosts.
 *
 * Where: xenrig2 is the old host (COUNT tiny PV guests running, defined from the converted
 * xend store below), xenrig1 the new one. Both are libxl (the rig has no xend): what is
 * measured is the orchestration around libxl's own costs (PV shutdown ~2 s, define ~0.1 s,
 * start 7-40 s on the TCG hosts).
 *
 * (a) The seed's serial loop, per domain: shutdown on FROM; poll domstate until shut off;
 *     dumpxml > file; define on TO. Then, as the admin must, start each on TO (serially,
 *     until libvirt says running) — timed separately.
 * (b) `xend2libxl upgrade --from FROM --to TO --parallel COUNT --yes` (backup, journal,
 *     verify, autostart, start, all included). From its journal: the moment the last
 *     domain was verified, i.e. (b)'s equivalent of the seed's loop without starting.
 * Ratios: (b) until verified / (a) loop, and (b) total / (a) loop + starts. Target <= 1/3.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedLoop } from './seed-loop.js';

export async function benchXen(repo, COUNT) {
  const bin = path.join(repo, 'bin/xend2libxl.js');
  const TARGET = 1 / 3;
  const { convertSxpText } = await import(path.join(repo, 'dist/convert/api.js'));
  const script = path.join(repo, 'test/xen-rig/xen-rig.sh');
  execFileSync('/bin/bash', [script, 'start', '2'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 45 * 60_000 });
  const env = {};
  for (const line of execFileSync('/bin/bash', [script, 'env'], { encoding: 'utf8' }).split('\n')) {
    const m = /^(?:export )?([A-Z0-9_]+)='(.*)'$/.exec(line.trim()); // `rig env` prints export lines
    if (m) env[m[1]] = m[2];
  }
  const from = env.XEN_RIG_URI2;
  const to = env.XEN_RIG_URI1;
  const agent2 = env.XEN_RIG_AGENT2.split(':');
  const virsh = (uri, args) => execFileSync('virsh', ['-q', '-c', uri, ...args], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const tryVirsh = (uri, args) => {
    try {
      return virsh(uri, args);
    } catch {
      return '';
    }
  };
  const sh = (command) =>
    new Promise((resolve, reject) => {
      const s = connect(Number(agent2[1]), agent2[0]);
      let out = '';
      s.setEncoding('utf8');
      s.on('data', (d) => (out += d));
      s.on('error', reject);
      s.on('close', () => resolve(out));
      s.end(`${command}\n`);
    });
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  /** `virsh start`, then wait for "running": on a busy TCG dom0 virsh may lose its connection (keepalive) while libvirtd goes on. */
  const startAndWait = (uri, name) => {
    tryVirsh(uri, ['start', '--', name]);
    const deadline = Date.now() + 10 * 60_000;
    while (!tryVirsh(uri, ['domstate', '--', name]).startsWith('running')) {
      if (Date.now() > deadline) throw new Error(`${name} does not run on ${uri}`);
      execFileSync('sleep', ['0.1']);
    }
  };
  const uuid = (i) => `be4c7a7a-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const nameOf = (i) => `xr-upg-bench-${i}`;
  const all = Array.from({ length: COUNT }, (_, i) => i + 1);

  const work = mkdtempSync(path.join(tmpdir(), 'xr-upg-bench-'));
  const root = path.join(work, 'domains');
  const xml = all.map((i) => {
    const sxp = `(domain (uuid ${uuid(i)}) (name ${nameOf(i)}) (vcpus 1) (maxmem 96) (memory 96)
  (on_poweroff destroy) (on_reboot restart) (on_crash destroy) (on_xend_start ${i % 3 === 0 ? 'start' : 'ignore'})
  (image (linux (kernel ${env.XEN_RIG_GUEST_KERNEL}) (ramdisk ${env.XEN_RIG_GUEST_INITRD}) (args 'console=hvc0 quiet'))))
`;
    mkdirSync(path.join(root, uuid(i)), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(root, uuid(i), 'config.sxp'), sxp, { mode: 0o600 });
    const r = convertSxpText(sxp, { file: 'bench' });
    if (!r.ok) throw new Error(`bench config ${i}: ${r.error?.message}`);
    return r.xml;
  });
  const purgeAll = () => {
    for (const i of all) for (const u of [from, to]) {
      tryVirsh(u, ['destroy', '--', nameOf(i)]);
      tryVirsh(u, ['undefine', '--', nameOf(i)]);
    }
  };
  /** The old host: every guest running on FROM and booted (a PV guest ignores shutdown before its drivers are up). */
  const reset = async () => {
    purgeAll();
    await sh('rm -f /var/log/xen/console/guest-xr-upg-bench-*.log');
    for (const i of all) {
      writeFileSync(path.join(work, 'src.xml'), xml[i - 1]);
      virsh(from, ['define', '--file', path.join(work, 'src.xml')]);
      startAndWait(from, nameOf(i));
    }
    for (const i of all) {
      const deadline = Date.now() + 10 * 60_000;
      while (!/READY/.test(await sh(`cat /var/log/xen/console/guest-${nameOf(i)}.log 2>/dev/null; true`))) {
        if (Date.now() > deadline) throw new Error(`${nameOf(i)}: no READY on ${from}`);
        await sleep(1000);
      }
    }
  };
  const seed = () => {
    const t0 = performance.now();
    const loop = seedLoop(virsh, from, to, all.map(nameOf), work);
    for (const i of all) startAndWait(to, nameOf(i));
    return { loop, total: performance.now() - t0 };
  };
  const ours = (backup) =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const t0 = performance.now();
      const r = spawn(process.execPath, [bin, 'upgrade', '--xend-root', root, '--from', from, '--to', to, '--backup-dir', backup, '--parallel', String(COUNT), '--start-timeout', '900', '--yes', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      r.stdout.on('data', (d) => (out += d));
      r.stderr.on('data', (d) => (err += d));
      r.on('close', (code) => {
        const total = performance.now() - t0;
        if (code !== 0) return reject(new Error(`upgrade exited ${code}\n${err}\n${out.slice(0, 2000)}`));
        const j = JSON.parse(readFileSync(path.join(backup, 'journal.json'), 'utf8'));
        const verified = Math.max(...j.domains.map((d) => Date.parse(d.history.find((h) => h.event === 'verified').at)));
        resolve({ total, verified: verified - started, running: virsh(to, ['list', '--name']).split('\n').filter((n) => n.startsWith('xr-upg-bench-')).length });
      });
    });

  try {
    await reset();
    const s = seed();
    await reset();
    const o = await ours(path.join(work, 'backup'));
    const f = (ms) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`upgrade of ${COUNT} running tiny PV guests (96 MiB) on real libxl: xenrig2 -> xenrig1 (Xen 4.17, libvirt 9, QEMU/TCG hosts)`);
    console.log(`  seed serial loop (shutdown, wait, dumpxml > file, define): ${f(s.loop)}; + serial starts until running: ${f(s.total)}`);
    console.log(`  xend2libxl upgrade --parallel ${COUNT}: all verified after ${f(o.verified)}; done (autostart, started, ${o.running} running) after ${f(o.total)}`);
    const r1 = o.verified / s.loop;
    const r2 = o.total / s.total;
    console.log(`  ratio until defined+verified / seed loop: ${r1.toFixed(3)} (target <= ${TARGET.toFixed(3)}) ${r1 <= TARGET ? 'OK' : 'ABOVE TARGET'}`);
    console.log(`  ratio total (incl. starts) / seed loop + starts: ${r2.toFixed(3)} ${r2 <= TARGET ? 'OK' : 'ABOVE TARGET'}`);
  } finally {
    purgeAll();
    await sh('rm -f /var/log/xen/console/guest-xr-upg-bench-*.log').catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}
