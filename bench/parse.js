#!/usr/bin/env node
// SXP parse throughput against JSON.parse of the same documents encoded as
// JSON, measured in the same run on the same machine. Prints the ratio
// (SXP docs/s ÷ JSON docs/s); the target in issue 2 is >= 0.20.
// Usage: npx tsc -p . && node bench/parse.js [--seconds N]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSxp, toPlain } from '../dist/sxp/index.js';
import { writeSxp } from '../dist/sxp/writer.js';
import { sampleDomainSxp } from './sample-domain.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const secondsArg = process.argv.indexOf('--seconds');
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 2;

/** Documents: xend-layout configs (as config.sxp is on disk) plus libvirt's corpus when ../shared is there. */
function loadDocuments() {
  const docs = [];
  for (let i = 0; i < 8; i++) docs.push(sampleDomainSxp(i));
  const corpus = path.join(repo, '../shared/corpus/libvirt-sexpr2xml');
  if (fs.existsSync(corpus)) {
    for (const f of fs.readdirSync(corpus).filter((n) => n.endsWith('.sexpr')).sort()) {
      const text = fs.readFileSync(path.join(corpus, f), 'utf8').replace(/\\\n/g, '');
      try {
        // Normalised through the writer so unbalanced corpus files (4 of 50) do not skew the mix.
        docs.push(writeSxp(parseSxp(text)));
      } catch {
        /* the known-defective corpus files are covered by the test suite */
      }
    }
  } else {
    console.log('note: ../shared/corpus not found; benchmarking the built-in sample configs only');
  }
  return docs;
}

function measure(label, docs, fn) {
  // Warm up so both sides run optimised code.
  for (let i = 0; i < 200; i++) for (const d of docs) fn(d);
  let runs = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (const d of docs) sink += fn(d);
    runs++;
    elapsed = process.hrtime.bigint() - start;
  }
  const secs = Number(elapsed) / 1e9;
  const perSec = (runs * docs.length) / secs;
  const bytes = docs.reduce((n, d) => n + d.length, 0) * runs;
  console.log(`${label.padEnd(12)} ${perSec.toFixed(0).padStart(9)} docs/s  ${(bytes / secs / 1e6).toFixed(1).padStart(7)} MB/s  (sink ${sink % 7})`);
  return perSec;
}

const sxpDocs = loadDocuments();
const jsonDocs = sxpDocs.map((t) => JSON.stringify(parseSxp(t).forms.map(toPlain)));
console.log(`${sxpDocs.length} documents, ${sxpDocs.reduce((n, d) => n + d.length, 0)} bytes of SXP, ${jsonDocs.reduce((n, d) => n + d.length, 0)} bytes of JSON`);
const json = measure('JSON.parse', jsonDocs, (d) => JSON.parse(d).length);
const sxp = measure('parseSxp', sxpDocs, (d) => parseSxp(d).forms.length);
const ratio = sxp / json;
console.log(`ratio parseSxp/JSON.parse: ${ratio.toFixed(3)} (target >= 0.20) ${ratio >= 0.2 ? 'OK' : 'BELOW TARGET'}`);
