#!/usr/bin/env node
// Long fuzz run of the SXP reader (issue 2): mutated real configs must parse or
// fail with SxpSyntaxError — never another exception — and no input may take
// more than 1 s. Reports counts, error codes and the slowest inputs.
// Usage: npx tsc -p . && node bench/fuzz-sxp.js [--count N] [--seed S]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSxp, SxpSyntaxError, toPlain, writeSxp } from '../dist/sxp/index.js';
import { mutate, rng } from './sxp-mutate.js';
import { sampleDomainSxp } from './sample-domain.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const count = arg('--count', 1_000_000);
const seed = arg('--seed', 4242);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const seeds = [];
for (let i = 0; i < 4; i++) seeds.push(sampleDomainSxp(i));
const corpus = path.join(repo, '../shared/corpus/libvirt-sexpr2xml');
if (fs.existsSync(corpus)) {
  for (const f of fs.readdirSync(corpus).filter((n) => n.endsWith('.sexpr')).sort()) {
    seeds.push(fs.readFileSync(path.join(corpus, f), 'utf8').replace(/\\\n/g, ''));
  }
} else console.log('note: ../shared/corpus not found; fuzzing the built-in sample configs only');

const random = rng(seed);
const codes = new Map();
let parsed = 0;
let rejected = 0;
let roundTripChecked = 0;
let maxMs = 0;
let over1s = 0;
let slowest = '';
const failures = [];
const started = performance.now();
let lastReport = started;

for (let i = 0; i < count; i++) {
  const text = mutate(seeds[i % seeds.length], random);
  const t0 = performance.now();
  let doc;
  try {
    doc = parseSxp(text, { file: 'fuzz.sxp' });
    parsed++;
  } catch (e) {
    if (!(e instanceof SxpSyntaxError)) {
      failures.push({ i, error: String(e), input: text.slice(0, 300) });
      if (failures.length >= 10) break;
    } else {
      rejected++;
      codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
      const p = e.position;
      if (!p || !(p.line >= 1 && p.column >= 1 && p.offset >= 0 && p.offset <= text.length)) failures.push({ i, error: `bad position ${JSON.stringify(p)}`, input: text.slice(0, 300) });
    }
  }
  const ms = performance.now() - t0;
  if (ms > maxMs) {
    maxMs = ms;
    slowest = `#${i} (${text.length} chars)`;
  }
  if (ms > 1000) over1s++;
  // Round-trip a sample of the successes (the in-suite fuzz test checks all of its own).
  if (doc && i % 10 === 0 && text.isWellFormed()) {
    const plain = JSON.stringify(doc.forms.map(toPlain));
    if (JSON.stringify(parseSxp(writeSxp(doc)).forms.map(toPlain)) !== plain) failures.push({ i, error: 'round trip changed the model', input: text.slice(0, 300) });
    roundTripChecked++;
  }
  const now = performance.now();
  if (now - lastReport > 10_000) {
    console.log(`  ${i + 1} inputs, ${((now - started) / 1000).toFixed(0)} s, max ${maxMs.toFixed(1)} ms per input`);
    lastReport = now;
  }
}

const secs = (performance.now() - started) / 1000;
console.log(`${parsed + rejected + failures.length} inputs in ${secs.toFixed(1)} s (seed ${seed}): ${parsed} parsed, ${rejected} rejected, ${roundTripChecked} round trips checked`);
console.log(`error codes: ${[...codes].sort().map(([c, n]) => `${c} ${n}`).join(', ')}`);
console.log(`max time per input: ${maxMs.toFixed(1)} ms at ${slowest}; inputs over 1 s: ${over1s} (target 0)`);
if (failures.length) {
  console.log(`FAILURES (${failures.length}):`);
  for (const f of failures) console.log(`  #${f.i}: ${f.error}\n    ${JSON.stringify(f.input)}`);
  process.exitCode = 1;
} else console.log('no exception other than SxpSyntaxError: OK');
if (over1s > 0) process.exitCode = 1;
