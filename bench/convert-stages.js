#!/usr/bin/env node
/**
 * Where the CPU of one conversion goes: µs per file for each stage of the
 * read path, measured in this run on this machine (no stored baselines).
 *
 *   npx tsc -p . && node bench/convert-stages.js [--iterations N] [--repeats R]
 *
 * Inputs: every fixtures/sxp/*.sxp (with its .defaults.json) and every domain
 * of fixtures/xend-root that converts. Stages, each timed over at least
 * N files (default 20000, cycling through the inputs) and reported as the
 * median of R repeats (default 5):
 *
 *   parse          parseSxp(bytes)                              (src/sxp)
 *   read+validate  new ReadContext + readXendDomain + validateModel on a
 *                  freshly parsed document (each parse happens just before,
 *                  outside the clock, so per-document caches never carry over)
 *   modelToXml     modelToXml(model)
 *   convertSxpText the whole facade, bytes in, XML + warnings out
 *
 * The machine may be shared: compare numbers from the same run, and repeat.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertSxpText } from '../dist/convert/api.js';
import { modelToXml } from '../dist/convert/model-to-xml.js';
import { ReadContext } from '../dist/convert/read-context.js';
import { readXendDomain } from '../dist/convert/read-xend-config.js';
import { validateModel } from '../dist/convert/validate-model.js';
import { parseSxp } from '../dist/sxp/index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function numberArg(name, dflt) {
  const i = process.argv.indexOf(name);
  if (i < 0) return dflt;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} needs a positive integer`);
    process.exit(2);
  }
  return n;
}
const ITERATIONS = numberArg('--iterations', 20_000);
const REPEATS = numberArg('--repeats', 5);

/** Every input with the options the golden tests use for it; only inputs that convert. */
function loadInputs() {
  const inputs = [];
  const golden = path.join(repo, 'fixtures/sxp');
  for (const name of readdirSync(golden).filter((n) => n.endsWith('.sxp')).sort()) {
    const defaultsFile = path.join(golden, name.replace(/\.sxp$/, '.defaults.json'));
    const xendDefaults = existsSync(defaultsFile) ? JSON.parse(readFileSync(defaultsFile, 'utf8')) : undefined;
    inputs.push({ file: `fixtures/sxp/${name}`, bytes: readFileSync(path.join(golden, name)), xendDefaults });
  }
  const domains = path.join(repo, 'fixtures/xend-root/var/lib/xend/domains');
  for (const dir of readdirSync(domains).sort()) {
    const file = path.join(domains, dir, 'config.sxp');
    if (existsSync(file)) inputs.push({ file: path.relative(repo, file), bytes: readFileSync(file) });
  }
  const good = inputs.filter((i) => convertSxpText(i.bytes, { file: i.file, xendDefaults: i.xendDefaults }).ok);
  if (good.length === 0) throw new Error('no fixture converts: is dist/ built (npx tsc -p .)?');
  return { good, skipped: inputs.length - good.length };
}

const { good: inputs, skipped } = loadInputs();
const models = inputs.map((i) => convertSxpText(i.bytes, { file: i.file, xendDefaults: i.xendDefaults }).domain);

let sink = 0;

/** µs per file for `fn(i)` (i = index into the inputs) over `count` files, cycling through the inputs. */
function timeEach(count, fn) {
  const start = performance.now();
  for (let n = 0; n < count; n++) sink += fn(n % inputs.length);
  return ((performance.now() - start) * 1000) / count;
}

const stages = {
  parse: (count) => timeEach(count, (i) => parseSxp(inputs[i].bytes, { file: inputs[i].file }).forms.length),
  'read+validate': (count) => {
    // Each document is parsed outside the clock and read right away, as convertSxpText does: reading
    // a batch of documents parsed beforehand would time the garbage collector moving that batch.
    let elapsed = 0;
    for (let n = 0; n < count; n++) {
      const i = n % inputs.length;
      const doc = parseSxp(inputs[i].bytes, { file: inputs[i].file });
      const start = performance.now();
      const ctx = new ReadContext(inputs[i].file, inputs[i].xendDefaults);
      validateModel(ctx, readXendDomain(ctx, doc));
      elapsed += performance.now() - start;
      sink += ctx.warnings.length;
    }
    return (elapsed * 1000) / count;
  },
  modelToXml: (count) => timeEach(count, (i) => modelToXml(models[i]).length),
  convertSxpText: (count) => timeEach(count, (i) => convertSxpText(inputs[i].bytes, { file: inputs[i].file, xendDefaults: inputs[i].xendDefaults }).warnings.length),
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bytes = inputs.reduce((n, i) => n + i.bytes.length, 0);
console.log(`${inputs.length} inputs (${Math.round(bytes / inputs.length)} bytes on average)${skipped ? `, ${skipped} that do not convert left out` : ''}; ${ITERATIONS} files per stage, median of ${REPEATS}`);

// Warm-up: every stage reaches optimised code before anything is measured.
for (const run of Object.values(stages)) run(Math.max(2000, Math.floor(ITERATIONS / 4)));

const results = {};
for (const name of Object.keys(stages)) results[name] = [];
// Stages interleave within each repeat, so a burst of load from other processes hits all of them.
for (let r = 0; r < REPEATS; r++) for (const [name, run] of Object.entries(stages)) results[name].push(run(ITERATIONS));

for (const [name, xs] of Object.entries(results)) {
  const sorted = [...xs].sort((a, b) => a - b);
  console.log(`${name.padEnd(15)} ${median(xs).toFixed(1).padStart(7)} µs/file   (min ${sorted[0].toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)})`);
}
const parts = median(results.parse) + median(results['read+validate']) + median(results.modelToXml);
console.log(`stages summed   ${parts.toFixed(1).padStart(7)} µs/file   (convertSxpText also sorts warnings and builds the result)`);
if (sink === -1) console.log('unreachable');
