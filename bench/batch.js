#!/usr/bin/env node
/**
 * Batch conversion throughput against the I/O floor, in one run on this machine.
 *
 *   node bench/batch.js [COUNT] [ROUNDS]   (defaults 10000 and 3; needs `npx tsc -p .` first)
 *
 * 1. Generate COUNT realistic config.sxp files in xend's layout
 *    (<tmp>/domains/<uuid>/config.sxp) from our fixtures, each with a fresh
 *    uuid, name and MAC.
 * 2. (a) I/O floor: walk the same tree, read every file and write an equally
 *    sized output with plain Node fs.
 *    (b) `xend2libxl convert <tree> -o <out> --quiet` as a child process
 *    with the default engine (on fewer than 4 cores: the main thread converts,
 *    an output thread writes), and again with --jobs 2 (two worker threads
 *    convert, the output thread writes).
 * 3. Print wall times, the ratio (b)/(a) (target ≤ 3×), files/s, user+sys CPU
 *    seconds and peak RSS (target ≤ 200 MB).
 *
 * File creation on a shared VM is slow and noisy (other work on the machine
 * can triple it for seconds at a time), so ROUNDS rounds interleave the floor
 * and every variant, and the report gives medians, ranges, and the ratio per
 * round (each convert run against the floor measured next to it).
 *
 * Every timed run starts from the same settled file system: the previous run's
 * output is deleted and then `sync` flushes what is pending (the generated tree,
 * the deletion), outside the timing. Without that, whichever run came right
 * after generating 10,000 files or deleting them paid for the kernel's deferred
 * work (seen here: the same floor from 0.24 s to 4 s depending on what ran
 * before it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin/xend2libxl.js');
const COUNT = Number(process.argv[2] ?? 10_000);
const ROUNDS = Math.max(1, Number(process.argv[3] ?? 3));
const RATIO_TARGET = 3;
const RSS_TARGET_MB = 200;

/** Good domains of the fixture host plus the converter's golden inputs, as templates. */
function templates() {
  const domains = path.join(repo, 'fixtures/xend-root/var/lib/xend/domains');
  const out = [];
  for (const dir of ['3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51', '8c41d2b0-6e7f-4a93-b512-77e0c3d9f102', 'c9e8d7f6-1a2b-4c3d-8e9f-a0b1c2d3e4f5', '1b2c3d4e-5f60-4718-829a-3b4c5d6e7f80']) {
    out.push(readFileSync(path.join(domains, dir, 'config.sxp'), 'utf8'));
  }
  const golden = path.join(repo, 'fixtures/sxp');
  let names = [];
  try {
    names = readdirSync(golden).filter((n) => n.endsWith('.sxp'));
  } catch {
    /* the converter's fixtures are optional here */
  }
  for (const n of names) {
    const text = readFileSync(path.join(golden, n), 'utf8');
    // Only stored-config shaped inputs with a name and uuid we can replace.
    if (/\(name\s+[^)\s]+\)/.test(text) && /\(uuid\s+[^)\s]+\)/.test(text)) out.push(text);
  }
  return out;
}

function generate(root, count) {
  const tpl = templates();
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const hex = i.toString(16).padStart(12, '0');
    const uuid = `b0b0b0b0-0000-4000-8000-${hex}`;
    const name = `guest${String(i).padStart(6, '0')}`;
    const mac = `00:16:3e:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10, 12)}`;
    const text = tpl[i % tpl.length]
      .replace(/\(uuid\s+[^)\s]+\)/, `(uuid ${uuid})`)
      .replace(/\(name\s+[^)\s]+\)/, `(name ${name})`)
      .replace(/\(mac\s+[0-9a-fA-F:]+\)/g, `(mac ${mac})`);
    mkdirSync(path.join(root, uuid), { recursive: true });
    writeFileSync(path.join(root, uuid, 'config.sxp'), text);
    bytes += Buffer.byteLength(text);
  }
  return { templates: tpl.length, bytes };
}

/**
 * (a) What any tool must pay to turn a tree of configs into a directory of
 * outputs: discover the files (list every directory, as a search for
 * config.sxp / *.sxp must), read each one, write a same-sized file.
 */
function ioFloor(root, out) {
  mkdirSync(out, { recursive: true });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let n = 0;
  const walk = (dir) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (d.name.endsWith('.sxp')) {
        const data = readFileSync(p);
        writeFileSync(path.join(out, `${n++}.xml`), data);
      }
    }
  };
  walk(root);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, files: n, cpuS: (cpu.user + cpu.system) / 1e6 };
}

/** (b) The real CLI as a child process; peak RSS reported by the child itself (covers worker threads). */
function convert(root, out, extra) {
  const probe =
    "process.on('exit',()=>{const u=process.resourceUsage();require('fs').writeSync(2,'\\nBENCH_MAXRSS_KB '+u.maxRSS+' CPU_US '+(u.userCPUTime+u.systemCPUTime)+'\\n')});" +
    `process.argv.splice(1,0,'xend2libxl');import(${JSON.stringify(bin)});`;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['-e', probe, 'convert', root, '-o', out, '--quiet', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - t0;
      const probe = /BENCH_MAXRSS_KB (\d+) CPU_US (\d+)/.exec(stderr);
      const rss = Number(probe?.[1] ?? NaN) / 1024;
      const cpuS = Number(probe?.[2] ?? NaN) / 1e6;
      const diagnostics = stderr.replace(/\n?BENCH_MAXRSS_KB \d+ CPU_US \d+\n/, '').trim();
      resolve({ ms, code, rssMb: rss, cpuS, diagnostics });
    });
  });
}

/** Flush pending writes and deletions so the next timed run does not pay for earlier ones. */
function settle() {
  try {
    execFileSync('sync', { stdio: 'ignore', timeout: 120_000 });
  } catch {
    /* no sync(1): the runs are then only interleaved */
  }
}

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const range = (ms) => `[${(Math.min(...ms) / 1000).toFixed(2)}–${(Math.max(...ms) / 1000).toFixed(2)}]`;
const rate = (files, ms) => `${Math.round(files / (ms / 1000))} files/s`;

const work = mkdtempSync(path.join(tmpdir(), 'xend2libxl-bench-'));
try {
  const root = path.join(work, 'domains');
  const g = generate(root, COUNT);
  console.log(`machine: ${availableParallelism()} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (other work on the machine slows every variant)`);
  console.log(`generated ${COUNT} config.sxp files (${(g.bytes / 1048576).toFixed(1)} MiB) from ${g.templates} templates in ${root}`);

  const runs = [
    ['default', []],
    ['--jobs 2 (worker threads)', ['--jobs', '2']],
  ];
  const floors = [];
  const byRun = runs.map(() => []);
  for (let round = 1; round <= ROUNDS; round++) {
    const floorDir = path.join(work, 'floor');
    settle();
    const floor = ioFloor(root, floorDir);
    rmSync(floorDir, { recursive: true, force: true });
    floors.push(floor);
    console.log(`round ${round}: (a) I/O floor ${fmt(floor.ms)} (${floor.cpuS.toFixed(2)} s CPU)`);
    for (const [i, [label, extra]] of runs.entries()) {
      const out = path.join(work, 'out');
      settle();
      const r = await convert(root, out, extra);
      const written = readdirSync(out).filter((n) => n.endsWith('.xml')).length;
      rmSync(out, { recursive: true, force: true });
      byRun[i].push({ ...r, ratio: r.ms / floor.ms });
      console.log(`round ${round}: (b) ${label}: ${fmt(r.ms)}  ratio ${(r.ms / floor.ms).toFixed(2)}×  ${r.cpuS.toFixed(2)} s CPU  peak RSS ${r.rssMb.toFixed(0)} MB  exit ${r.code}, ${written}/${COUNT} written`);
      if (r.code !== 0 || written !== COUNT) console.log(`    diagnostics: ${r.diagnostics.split('\n').slice(0, 5).join('\n    ')}`);
    }
  }

  const floorMs = median(floors.map((f) => f.ms));
  console.log(`\nmedians of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} (range in brackets):`);
  console.log(`(a) I/O floor (read + write same size, plain fs): ${fmt(floorMs)} ${range(floors.map((f) => f.ms))}  ${rate(COUNT, floorMs)}  CPU ${median(floors.map((f) => f.cpuS)).toFixed(2)} s`);
  let worst = 0;
  for (const [i, [label]] of runs.entries()) {
    const rs = byRun[i];
    const ms = median(rs.map((r) => r.ms));
    const ratio = ms / floorMs;
    if (label.startsWith('default')) worst = ratio;
    console.log(
      `(b) xend2libxl convert, ${label}: ${fmt(ms)} ${range(rs.map((r) => r.ms))}  ${rate(COUNT, ms)}  ratio ${ratio.toFixed(2)}× ` +
        `(per round ${Math.min(...rs.map((r) => r.ratio)).toFixed(2)}–${Math.max(...rs.map((r) => r.ratio)).toFixed(2)}×; target ≤ ${RATIO_TARGET}×)  ` +
        `CPU ${median(rs.map((r) => r.cpuS)).toFixed(2)} s user+sys  peak RSS ${Math.max(...rs.map((r) => r.rssMb)).toFixed(0)} MB (target ≤ ${RSS_TARGET_MB} MB)`,
    );
  }
  console.log(worst <= RATIO_TARGET ? 'ratio target met' : 'ratio target NOT met');
} finally {
  rmSync(work, { recursive: true, force: true });
}
