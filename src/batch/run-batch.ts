/**
 * Batch conversion: stream the inputs, convert them in chunks (on worker
 * threads when the batch is large; each converting thread also writes its
 * XML to a temp file in OUTDIR), then — on the main thread, in input order —
 * apply the batch-wide rules and commit or discard each temp file
 * (finisher.ts) before handing the result to the report writers.
 * Memory is bounded by the in-flight window, not by the number of inputs.
 */
import { availableParallelism } from 'node:os';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { XendDefaults } from '../convert/api.js';
import { Xend2LibxlError } from '../errors.js';
import { removeStaleTemps, removeThreadTemps } from './atomic-write.js';
import type { ConvertFileOptions } from './convert-file.js';
import { inlineEngine, workerEngine, type ChunkDone, type Engine } from './engine.js';
import { fail, Finisher } from './finisher.js';
import { inputPaths } from './find-inputs.js';
import { BATCH_CODES, type BatchSummary, type Converted, type InputResult, type ReportedError } from './types.js';

/**
 * Below this many inputs, starting worker threads costs more than it saves:
 * each worker pays ~0.1–0.2 s to load and warm up the converter (2-core VM,
 * bench/batch.js and `--jobs 1` vs `--jobs 2`: 200–500 inputs slower with
 * workers, 1,000–1,500 even, 10,000 faster).
 */
export const WORKER_THRESHOLD = 1000;
/** Inputs per chunk: one message each way and one event-loop turn per chunk. */
export const CHUNK = 16;
/** Chunks per converting thread that may be dispatched and not yet finished (bounds memory and reorder waits). */
const WINDOW_CHUNKS_PER_THREAD = 4;

export interface BatchOptions {
  inputs: readonly string[];
  cwd: string;
  /** Write `<name>.xml` files here; without it results keep their XML for the caller. */
  outDir?: string;
  force?: boolean;
  strict?: boolean;
  /** Converting threads; undefined = one per core when the batch is large. 1 = main thread only. */
  jobs?: number;
  xendDefaults?: XendDefaults;
  /** Schema check of one output; resolves to an error when invalid. */
  validate?: (xml: string, source: string) => Promise<ReportedError | undefined>;
  signal?: AbortSignal;
  onResult: (r: InputResult) => void;
  /** Called with the number of inputs finished so far and the worker count. */
  onProgress?: (done: number, threads: number) => void;
  /** The compiled worker script (tests running from sources point at dist/). */
  workerScript?: URL;
}

export async function runBatch(opts: BatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  const outDir = opts.outDir === undefined ? undefined : path.resolve(opts.cwd, opts.outDir);
  if (outDir) prepareOutDir(outDir);

  const inputs = inputPaths(opts.inputs, opts.cwd);
  // Look ahead just far enough to know whether the batch is large.
  const head: string[] = [];
  let ended = false;
  const pull = (into: string[]) => {
    const n = inputs.next();
    if (n.done) ended = true;
    else into.push(n.value);
  };
  while (!ended && head.length <= WORKER_THRESHOLD) pull(head);
  const take = (count: number): string[] => {
    const chunk = head.splice(0, count);
    while (!ended && chunk.length < count) pull(chunk);
    return chunk;
  };

  // Results by sequence number until their turn comes, with their schema check while it runs.
  const arrived = new Map<number, Arrived>();
  let wake: (() => void) | undefined;
  const validate = opts.validate ? validator(opts.validate, opts.jobs ?? availableParallelism()) : undefined;
  const onDone: ChunkDone = (first, results) => {
    results.forEach((c, i) => {
      const check = validate?.(c);
      // If the batch stops on an error, checks still running must not become unhandled rejections.
      check?.catch(() => undefined);
      arrived.set(first + i, { c, check });
    });
    wake?.();
  };
  const engine = chooseEngine(opts, outDir, ended ? head.length : Infinity, onDone);
  const finisher = new Finisher({ outDir, shownOutDir: opts.outDir, force: opts.force, strict: opts.strict, onResult: opts.onResult });
  const window = Math.max(1, engine.threads) * WINDOW_CHUNKS_PER_THREAD * CHUNK;
  const onAbort = () => wake?.();
  opts.signal?.addEventListener('abort', onAbort);

  let dispatched = 0;
  let finished = 0;
  let failed = false;
  const exhausted = () => ended && head.length === 0;
  const canDispatch = () => !exhausted() && !opts.signal?.aborted && engine.hungry() && dispatched - finished < window;
  try {
    for (;;) {
      while (canDispatch()) {
        const chunk = take(CHUNK);
        if (chunk.length === 0) break;
        engine.submit(dispatched, chunk);
        dispatched += chunk.length;
      }
      for (let next = arrived.get(finished); next !== undefined; next = arrived.get(finished)) {
        if (next.check) await next.check;
        arrived.delete(finished);
        finisher.finish(next.c);
        finished++;
        opts.onProgress?.(finished, engine.threads);
      }
      if (finished === dispatched && (exhausted() || opts.signal?.aborted)) break;
      // Wait only when neither a result nor room for another chunk is there.
      if (!arrived.has(finished) && !canDispatch()) await new Promise<void>((go) => (wake = go));
    }
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await engine.close();
    if (outDir) await cleanUp(outDir, engine, arrived, failed || Boolean(opts.signal?.aborted));
  }
  return finisher.summary(performance.now() - started, Boolean(opts.signal?.aborted));
}

interface Arrived {
  c: Converted;
  /** Schema validation still running; it marks `c` failed when the XML is invalid. */
  check?: Promise<void>;
}

/** After a batch that stopped early or lost a worker, no temp file of this run may stay behind. */
async function cleanUp(outDir: string, engine: Engine, arrived: Map<number, Arrived>, stoppedEarly: boolean): Promise<void> {
  await Promise.all([...arrived.values()].map((a) => a.check?.catch(() => undefined)));
  for (const a of arrived.values()) Finisher.abandon(a.c);
  if ((stoppedEarly || engine.troubled) && engine.workerThreadIds.size > 0) removeThreadTemps(outDir, engine.workerThreadIds);
}

function prepareOutDir(outDir: string): void {
  try {
    mkdirSync(outDir, { recursive: true });
    removeStaleTemps(outDir);
  } catch (e) {
    throw new Xend2LibxlError('OUTPUT_DIR_UNUSABLE', `cannot use output directory: ${(e as Error).message}`, { file: outDir, hint: 'choose a writable directory with -o', cause: e });
  }
}

function chooseEngine(opts: BatchOptions, outDir: string | undefined, size: number, onDone: ChunkDone): Engine {
  const convertOpts: ConvertFileOptions = { cwd: opts.cwd, xendDefaults: opts.xendDefaults, outDir, keepXml: opts.validate !== undefined, strict: opts.strict };
  const threads = opts.jobs ?? (size > WORKER_THRESHOLD ? availableParallelism() : 1);
  if (threads <= 1) return inlineEngine(convertOpts, onDone);
  return workerEngine(convertOpts, onDone, { workers: threads, script: opts.workerScript }) ?? inlineEngine(convertOpts, onDone);
}

/**
 * Schema validation runs an external tool per output: start it as soon as a
 * conversion is done, at most `concurrency` at a time, so it overlaps with the
 * conversions still running.
 */
function validator(check: NonNullable<BatchOptions['validate']>, concurrency: number): (c: Converted) => Promise<void> | undefined {
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = () => (running < concurrency ? (running++, Promise.resolve()) : new Promise<void>((go) => waiting.push(go)));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return (c) => {
    const r = c.result;
    if (!r.ok || r.xml === undefined) return undefined;
    const xml = r.xml;
    return (async () => {
      await slot();
      try {
        const invalid = await check(xml, r.source).catch((e: Error): ReportedError => {
          // A missing validator is the environment's problem, not this input's: stop the batch.
          if (e instanceof Xend2LibxlError) throw e;
          return { code: BATCH_CODES.SCHEMA_INVALID, message: `schema validation could not run: ${e.message}` };
        });
        if (invalid) fail(r, invalid);
      } finally {
        release();
      }
    })();
  };
}
