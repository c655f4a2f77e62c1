/**
 * Each output is written to a temp file in OUTDIR and linked (or, with
 * --force, renamed) into place, by the main thread or by the output thread;
 * rejected results are never written. Every test runs on the main thread
 * alone, with an output thread, and on worker threads with an output thread
 * (the compiled scripts from dist/, built by `npx tsc -p .` / npm test) and
 * checks that no temp file and nothing half-written is ever left behind.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isTempName } from '../../src/batch/atomic-write.js';
import { Xend2LibxlError } from '../../src/errors.js';
import { runBatch, type BatchOptions } from '../../src/batch/run-batch.js';
import type { InputResult } from '../../src/batch/types.js';
import { repoRoot } from '../helpers/run-cli.js';
import { configOf, useTempDirs, UUIDS, writeFlatInputs } from './fixture-paths.js';

const distWorker = path.join(repoRoot, 'dist/batch/worker.js');
const distWriter = path.join(repoRoot, 'dist/batch/writer-worker.js');
const crashingWorker = path.join(repoRoot, 'test/batch/crashing-worker.mjs');
const crashingWriter = path.join(repoRoot, 'test/batch/crashing-writer.mjs');
const haveDist = existsSync(distWorker) && existsSync(distWriter);
if (!haveDist) console.warn(`atomic-outputs: ${distWorker} or ${distWriter} missing (run \`npx tsc -p .\`): thread variants are skipped`);

const engines = [
  { label: 'main thread', extra: { jobs: 1, outputThread: false } as Partial<BatchOptions>, skip: false },
  { label: 'main thread with an output thread', extra: { jobs: 1, outputThread: true, writerScript: pathToFileURL(distWriter) } as Partial<BatchOptions>, skip: !haveDist },
  { label: 'worker threads with an output thread', extra: { jobs: 2, workerScript: pathToFileURL(distWorker), writerScript: pathToFileURL(distWriter) } as Partial<BatchOptions>, skip: !haveDist },
];

async function run(opts: Partial<BatchOptions> & { inputs: string[] }) {
  const results: InputResult[] = [];
  const summary = await runBatch({ cwd: repoRoot, onResult: (r) => results.push(r), ...opts });
  return { results, summary };
}

const temps = (dir: string) => readdirSync(dir).filter(isTempName);

/** A fresh temp directory, removed after the test. */
const out = useTempDirs();
/** A temp directory with `count` generated configs in `in/` (output goes to `out/`). */
function inputTree(count: number): { dir: string; outDir: string } {
  const dir = out();
  writeFlatInputs(dir, count);
  return { dir, outDir: path.join(dir, 'out') };
}

describe.each(engines)('atomic outputs ($label)', ({ extra, skip }) => {
  it.skipIf(skip)('a result rejected by --strict leaves neither its file nor a temp file', async () => {
    const dir = out();
    const { results } = await run({ ...extra, inputs: [configOf(UUIDS.win2k8), configOf(UUIDS.web01)], outDir: dir, strict: true });
    expect(results.map((r) => r.error?.code ?? 'ok')).toEqual(['STRICT_WARNINGS', 'ok']);
    expect(readdirSync(dir)).toEqual(['web01.xml']);
  });

  it.skipIf(skip)('a name clash keeps the first file and removes the second temp file', async () => {
    const dir = out();
    const { results, summary } = await run({ ...extra, inputs: [configOf(UUIDS.test01a), configOf(UUIDS.test01b)], outDir: dir });
    expect(results.map((r) => r.error?.code ?? 'ok')).toEqual(['ok', 'OUTPUT_NAME_CLASH']);
    expect(readdirSync(dir)).toEqual(['test01.xml']);
    expect(readFileSync(path.join(dir, 'test01.xml'), 'utf8')).toContain(UUIDS.test01a);
    expect(summary).toMatchObject({ written: 1, failed: 1 });
  });

  it.skipIf(skip)('an existing file survives without --force and is replaced with it', async () => {
    const dir = out();
    writeFileSync(path.join(dir, 'web01.xml'), 'hand-edited');
    const first = await run({ ...extra, inputs: [configOf(UUIDS.web01)], outDir: dir });
    expect(first.results[0]).toMatchObject({ ok: false, error: { code: 'OUTPUT_EXISTS' } });
    expect(readFileSync(path.join(dir, 'web01.xml'), 'utf8')).toBe('hand-edited');
    expect(temps(dir)).toEqual([]);
    const second = await run({ ...extra, inputs: [configOf(UUIDS.web01)], outDir: dir, force: true });
    expect(second.results[0]).toMatchObject({ ok: true, output: path.join(dir, 'web01.xml') });
    expect(readFileSync(path.join(dir, 'web01.xml'), 'utf8')).toMatch(/^<domain[\s\S]*<\/domain>\s*$/);
    expect(readdirSync(dir)).toEqual(['web01.xml']);
  });

  it.skipIf(skip)('a schema rejection removes the temp file; a passing check writes the file', async () => {
    const dir = out();
    const seen: string[] = [];
    const { results } = await run({
      ...extra,
      inputs: [configOf(UUIDS.web01), configOf(UUIDS.db01)],
      outDir: dir,
      validate: async (items) =>
        items.map(({ xml, source }) => {
          seen.push(xml.includes('<domain') ? source : 'no xml');
          return source.includes(UUIDS.web01) ? { code: 'SCHEMA_INVALID', message: 'Element domain failed to validate' } : undefined;
        }),
    });
    expect(seen.sort()).toEqual([configOf(UUIDS.db01), configOf(UUIDS.web01)].sort());
    expect(results.map((r) => r.error?.code ?? 'ok')).toEqual(['SCHEMA_INVALID', 'ok']);
    expect(readdirSync(dir)).toEqual(['db01.xml']);
    expect(results.every((r) => r.xml === undefined)).toBe(true);
  });

  it.skipIf(skip)('a validator that cannot run stops the batch with every temp file removed', async () => {
    const dir = out();
    // Enough inputs for several chunks: none queued at the moment of the failure may write afterwards.
    const inputs = Array.from({ length: 40 }, () => [configOf(UUIDS.web01), configOf(UUIDS.db01)]).flat();
    const missing = new Xend2LibxlError('VALIDATOR_MISSING', 'no xmllint on PATH');
    await expect(run({ ...extra, inputs, outDir: dir, validate: async () => Promise.reject(missing) })).rejects.toMatchObject({ code: 'VALIDATOR_MISSING' });
    expect(readdirSync(dir)).toEqual([]);
    await new Promise((go) => setTimeout(go, 50));
    expect(readdirSync(dir)).toEqual([]);
  });

  it.skipIf(skip)('without an output directory the XML stays in the result and nothing is written', async () => {
    const { results } = await run({ ...extra, inputs: [configOf(UUIDS.db01), configOf(UUIDS.web01)] });
    expect(results.map((r) => r.xml?.includes('<name>') && r.output === undefined)).toEqual([true, true]);
    expect(results[0].xml).toContain('<name>db01</name>');
  });

  it.skipIf(skip)('an abort mid-run commits what is in flight and leaves no temp file', async () => {
    const { dir, outDir } = inputTree(300);
    const abort = new AbortController();
    let seen = 0;
    const summary = await runBatch({
      ...extra,
      inputs: ['in'],
      cwd: dir,
      outDir,
      signal: abort.signal,
      onResult: () => {
        if (++seen === 20) abort.abort();
      },
    });
    expect(summary.interrupted).toBe(true);
    expect(summary.inputs).toBeLessThan(300);
    const names = readdirSync(outDir);
    expect(names.filter(isTempName)).toEqual([]);
    expect(names.length).toBe(summary.written);
    for (const n of names) expect(readFileSync(path.join(outDir, n), 'utf8').trimEnd()).toMatch(/<\/domain>$/);
  });
});

describe('threads that die', () => {
  it.skipIf(!haveDist)('a conversion worker costs only its own inputs; the main thread takes over', async () => {
    const { dir, outDir } = inputTree(100);
    const results: InputResult[] = [];
    const summary = await runBatch({
      inputs: ['in'],
      cwd: dir,
      outDir,
      jobs: 2,
      workerScript: pathToFileURL(crashingWorker),
      writerScript: pathToFileURL(distWriter),
      onResult: (r) => results.push(r),
    });
    const lost = results.filter((r) => !r.ok);
    // Each of the two workers converted one input of its first chunk, then died without answering.
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((r) => r.error?.code === 'INTERNAL' && /conversion worker/.test(r.error.message))).toBe(true);
    expect(summary.converted + lost.length).toBe(100);
    expect(summary.converted).toBeGreaterThan(0);
    const names = readdirSync(outDir);
    expect(names.filter(isTempName)).toEqual([]);
    expect(names.length).toBe(summary.written);
  });

  it.skipIf(!haveDist)('an output thread loses nothing: what it did not confirm is written on the main thread, and no temp file stays', async () => {
    const { dir, outDir } = inputTree(100);
    const results: InputResult[] = [];
    const summary = await runBatch({ inputs: ['in'], cwd: dir, outDir, jobs: 1, outputThread: true, writerScript: pathToFileURL(crashingWriter), onResult: (r) => results.push(r) });
    // The dead thread put its first file in place before dying: that file counts as written, not as a clash.
    expect(results.filter((r) => !r.ok).map((r) => r.error)).toEqual([]);
    expect(summary).toMatchObject({ inputs: 100, converted: 100, written: 100, failed: 0 });
    const names = readdirSync(outDir);
    expect(names.filter(isTempName)).toEqual([]);
    expect(names.length).toBe(100);
    for (const r of results) expect(readFileSync(path.join(outDir, path.basename(r.output!)), 'utf8')).toContain(`<name>${r.domain!.name}</name>`);
  });
});
