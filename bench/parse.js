#!/usr/bin/env node
// SXP parse throughput against JSON.parse of the same documents encoded as
// JSON, measured in the same run. Prints the ratio (SXP docs/s ÷ JSON docs/s);
// the target in issue 2 is >= 0.20. The two are timed in alternating short
// rounds and the median ratio is reported, so load from other processes on a
// shared machine hits both sides alike.
// Usage: npx tsc -p . && node bench/parse.js [--rounds N]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSxp, toPlain, writeSxp } from '../dist/sxp/index.js';
import { sampleDomainSxp } from './sample-domain.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 15;

/** Documents: xend-layout configs (as config.sxp is on disk) plus libvirt's corpus when ../shared is there. */
function loadDocuments() {
  const docs = [];
  for (let i = 0; i < 8; i++) docs.push(sampleDomainSxp(i));
  const corpus = path.join(repo, '../shared/corpus/libvirt-sexpr2xml');
  if (fs.existsSync(corpus)) {
    for (const f of fs.readdirSync(corpus).filter((n) => n.endsWith('.sexpr')).sort()) {
      docs.push(fs.readFileSync(path.join(corpus, f), 'utf8').replace(/\\\n/g, ''));
    }
  } else {
    console.log('note: ../shared/corpus not found; benchmarking the built-in sample configs only');
  }
  // The 4 unbalanced corpus files are rejected (and covered by the test suite).
  return docs.filter((d) => {
    try {
      parseSxp(d);
      return true;
    } catch {
      return false;
    }
  });
}

/** Docs per second for one round of at least `ms` milliseconds. */
function round(docs, fn, ms) {
  let n = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (const d of docs) sink += fn(d);
    n += docs.length;
    elapsed = performance.now() - start;
  }
  if (sink === -1) console.log('unreachable');
  return (n / elapsed) * 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const sxpDocs = loadDocuments();
const jsonDocs = sxpDocs.map((t) => JSON.stringify(parseSxp(t).forms.map(toPlain)));
const jsonFn = (d) => JSON.parse(d).length;
const sxpFn = (d) => parseSxp(d).forms.length;
const sxpBytes = sxpDocs.reduce((n, d) => n + d.length, 0);
const jsonBytes = jsonDocs.reduce((n, d) => n + d.length, 0);
console.log(`${sxpDocs.length} documents: ${sxpBytes} bytes as SXP, ${jsonBytes} bytes as JSON; ${rounds} alternating rounds`);

// Warm-up: let both sides reach optimised code before measuring.
round(jsonDocs, jsonFn, 300);
round(sxpDocs, sxpFn, 300);

const json = [];
const sxp = [];
const ratios = [];
for (let r = 0; r < rounds; r++) {
  json.push(round(jsonDocs, jsonFn, 150));
  sxp.push(round(sxpDocs, sxpFn, 150));
  ratios.push(sxp[r] / json[r]);
}
const fmt = (perSec, bytes) => `${median(perSec).toFixed(0).padStart(8)} docs/s ${((median(perSec) * bytes) / sxpDocs.length / 1e6).toFixed(1).padStart(6)} MB/s`;
console.log(`JSON.parse  ${fmt(json, jsonBytes)}   (median of ${rounds})`);
console.log(`parseSxp    ${fmt(sxp, sxpBytes)}   (median of ${rounds})`);
const ratio = median(ratios);
console.log(`ratio parseSxp/JSON.parse: ${ratio.toFixed(3)} median (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}); target >= 0.20: ${ratio >= 0.2 ? 'OK' : 'BELOW TARGET'}`);
