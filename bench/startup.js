#!/usr/bin/env node
/**
 * Start-up cost of the CLI against a bare `node -e 0`, measured in one run.
 *
 *   node bench/startup.js [RUNS]      (default 15; needs `npx tsc -p .` first)
 *
 * Targets: `xend2libxl --help` ≤ 1.5× and a one-file `convert` ≤ 2.5× the
 * bare Node start; the single-file build (dist/xend2libxl.mjs, scripts/bundle.mjs)
 * `--help` ≤ 1.15×. Runs are interleaved and the median is used, so other load
 * on the machine hits every variant alike.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin/xend2libxl.js');
// The single-file build (scripts/bundle.mjs); measured when it has been built.
const bundle = path.join(repo, 'dist/xend2libxl.mjs');
const RUNS = Number(process.argv[2] ?? 15);
const one = path.join(repo, 'fixtures/xend-root/var/lib/xend/domains/3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51/config.sxp');

const variants = [
  { label: 'node -e 0', args: ['-e', '0'] },
  { label: 'xend2libxl --help', args: [bin, '--help'], target: 1.5 },
  { label: 'xend2libxl convert FILE', args: [bin, 'convert', one], target: 2.5 },
  ...(existsSync(bundle)
    ? [
        { label: 'xend2libxl.mjs --help', args: [bundle, '--help'], target: 1.15 },
        { label: 'xend2libxl.mjs convert FILE', args: [bundle, 'convert', one], target: 2.5 },
      ]
    : []),
];
if (!existsSync(bundle)) console.log(`(no ${path.relative(repo, bundle)}: run node scripts/bundle.mjs to measure the single-file build too)`);

const times = variants.map(() => []);
for (let i = 0; i < RUNS + 1; i++) {
  variants.forEach((v, k) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, v.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${v.label} exited ${r.status}: ${r.stderr}`);
    if (i > 0) times[k].push(ms); // first round warms the page cache
  });
}
console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times[0]);
for (const [k, v] of variants.entries()) {
  const m = median(times[k]);
  const ratio = m / base;
  const verdict = v.target === undefined ? '' : `  ratio ${ratio.toFixed(2)}× (target ≤ ${v.target}×) ${ratio <= v.target ? 'met' : 'NOT met'}`;
  console.log(`${v.label.padEnd(28)} median ${m.toFixed(0).padStart(4)} ms over ${RUNS} runs${verdict}`);
}
