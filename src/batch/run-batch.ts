/**
 * Batch conversion: stream the inputs, convert them in chunks, then — on the
 * main thread, in input order — apply the batch-wide rules (finisher.ts) and
 * write each output before handing the result to the report writers.
 * Where the work runs:
 * - small batches: everything on the main thread;
 * - large batches: the main thread converts, or with `--jobs N` > 1 N worker
 *   threads do (engine.ts); one output thread writes every file
 *   (output-writer.ts), the only thread creating files in OUTDIR.
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
import type { OutputWriter } from './output-writer.js';
import { BATCH_CODES, type BatchSummary, type InputResult, type ReportedError } from './types.js';

/**
 * Below this many inputs, helper threads cost more than they save: a
 * converting worker pays ~0.1–0.2 s to load and warm up the converter (2-core
 * VM, bench/batch.js: 200–500 inputs slower with workers, 1,000–1,500 even,
 * 10,000 faster).
 */
export const WORKER_THRESHOLD = 1000;
/**
 * From this many cores the default converts on one worker thread per core
 * minus the output thread's: each converting isolate pays its own JIT
 * warm-up, which only pays off with cores to spare. Below it (measured on 2
 * cores) the main thread converts. Not measured here on more than 2 cores:
 * `--jobs N` chooses explicitly.
 */
const WORKERS_FROM_CORES = 4;

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
  /** Warning codes --strict accepts. */
  allow?: ReadonlySet<string>;
  /** The XML is printed, so a multi-domain dump can give only one (the others fail with a hint). */
  oneDomainPerInput?: boolean;
  /** Standard input's bytes, for the input `-`. */
  stdin?: Uint8Array;
  /** Converting threads: 1 = the main thread, N > 1 = N worker threads; undefined = chosen by batch size and cores. */
  jobs?: number;
  /** Write outputs on an output thread; undefined = when the batch is large or worker threads convert. */
  outputThread?: boolean;
  xendDefaults?: XendDefaults;
  /** Schema check of several outputs; resolves to one entry per item, an error where invalid. */
  validate?: (items: { xml: string; source: string }[]) => Promise<(ReportedError | undefined)[]>;
  signal?: AbortSignal;
  onResult: (r: InputResult) => void;
  /** Called with the number of inputs finished so far and the worker count. */
  onProgress?: (done: number, threads: number) => void;
  /** The compiled worker script (tests running from sources point at dist/). */
  workerScript?: URL;
  /** The compiled output thread script (likewise). */
  writerScript?: URL;
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
  /** Schema checks (external tool runs) at a time. */
  const checks = opts.jobs ?? availableParallelism();
  const validation = opts.validate ? validator(opts.validate, checks) : undefined;
  let converted = 0;
  const onDone: ChunkDone = (first, results) => {
    converted += results.length;
    results.forEach((r, i) => {
      const a: Arrived = { r };
      // Every domain of a multi-domain dump is checked, not only the first.
      const checks = validation ? [r, ...(r.more ?? [])].map((x) => validation.add(x)).filter((c) => c !== undefined) : [];
      a.check = (checks.length === 0 ? undefined : Promise.all(checks))?.then(
        () => void (a.check = undefined),
        (e: unknown) => void ((a.check = undefined), (a.error = e)),
      );
      a.check?.then(() => wake?.());
      arrived.set(first + i, a);
    });
    wake?.();
  };
  const size = ended ? head.length : Infinity;
  const cores = availableParallelism();
  const threads = opts.jobs ?? (size > WORKER_THRESHOLD && cores >= WORKERS_FROM_CORES ? cores - 1 : 1);
  // Loaded only for a batch that uses it: a one-file convert stays quick to start (bench/startup.js).
  const writer =
    outDir !== undefined && (opts.outputThread ?? (size > WORKER_THRESHOLD || threads > 1))
      ? (await import('./output-writer.js')).outputThread({ dir: outDir, force: Boolean(opts.force), script: opts.writerScript, onSettled: () => wake?.() })
      : undefined;
  const engine = chooseEngine(opts, threads, onDone);
  const finisher = new Finisher({ outDir, shownOutDir: opts.outDir, force: opts.force, strict: opts.strict, allow: opts.allow, oneDomainPerInput: opts.oneDomainPerInput, writer, onResult: opts.onResult });
  // Schema checks take tens of milliseconds per batch: keep enough converted to fill every batch in flight.
  const window = Math.max(Math.max(1, engine.threads) * WINDOW_CHUNKS_PER_THREAD * CHUNK, validation ? 2 * checks * VALIDATE_BATCH : 0);
  const onAbort = () => wake?.();
  opts.signal?.addEventListener('abort', onAbort);

  let dispatched = 0;
  let finished = 0;
  let failed = false;
  const exhausted = () => ended && head.length === 0;
  // An output thread with enough queued holds back conversions (memory, and a prompt Ctrl-C).
  const canDispatch = () => !exhausted() && !opts.signal?.aborted && engine.hungry() && dispatched - finished < window && !writer?.busy;
  try {
    for (;;) {
      while (canDispatch()) {
        const chunk = take(CHUNK);
        if (chunk.length === 0) break;
        engine.submit(dispatched, chunk);
        dispatched += chunk.length;
      }
      // Results in input order, each once its schema check (if any) is over; conversions go on meanwhile.
      for (let next = arrived.get(finished); next !== undefined && next.check === undefined; next = arrived.get(finished)) {
        if (next.error !== undefined) throw next.error;
        arrived.delete(finished);
        finisher.finish(next.r);
        finished++;
        opts.onProgress?.(finished, engine.threads);
      }
      if (finished === dispatched && (exhausted() || opts.signal?.aborted)) break;
      const headReady = arrived.has(finished) && arrived.get(finished)!.check === undefined;
      // Wait only when neither a result nor room for another chunk is there.
      if (!headReady && !canDispatch()) {
        // Nothing is converting that could still fill the schema batch being gathered: send it.
        if (converted === dispatched) validation?.flush();
        await new Promise<void>((go) => (wake = go));
      }
    }
    // Even after a Ctrl-C, what was handed to the output thread is written (milliseconds), so that
    // the report names exactly the files that are there.
    await finisher.drained();
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all([engine.close(), writer?.close()]);
    validation?.flush();
    await Promise.all([...arrived.values()].map((a) => a.check?.catch(() => undefined)));
    // A stopped or dead output thread may have left temp files no result names.
    if (outDir && writer && (failed || opts.signal?.aborted || writer.troubled)) removeThreadTemps(outDir, new Set([writer.threadId]));
  }
  return finisher.summary(performance.now() - started, Boolean(opts.signal?.aborted));
}

interface Arrived {
  r: InputResult;
  /** Schema validation not over yet; it marks `r` failed when the XML is invalid. */
  check?: Promise<void>;
  /** Validation could not run at all (no validator): the batch stops when this result's turn comes. */
  error?: unknown;
}

function prepareOutDir(outDir: string): void {
  try {
    // Private, like the files in it (they may carry VNC passwords); an existing directory keeps its mode.
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    removeStaleTemps(outDir);
  } catch (e) {
    throw new Xend2LibxlError('OUTPUT_DIR_UNUSABLE', `cannot use output directory: ${(e as Error).message}`, { file: outDir, hint: 'choose a writable directory with -o', cause: e });
  }
}

function chooseEngine(opts: BatchOptions, threads: number, onDone: ChunkDone): Engine {
  const convertOpts: ConvertFileOptions = { cwd: opts.cwd, xendDefaults: opts.xendDefaults, stdin: opts.stdin };
  if (threads <= 1) return inlineEngine(convertOpts, onDone);
  return workerEngine(convertOpts, onDone, { workers: threads, script: opts.workerScript }) ?? inlineEngine(convertOpts, onDone);
}

/** Outputs per schema check: one xmllint run costs ~20 ms plus ~0.3 ms per file (10,000 outputs: 64 per run 8.0 s, 200 per run 5.8-6.7 s). */
export const VALIDATE_BATCH = 200;

/**
 * Schema validation runs an external tool, so outputs are checked in batches:
 * a batch is sent when it is full or when the batch loop needs a result from
 * it, at most `concurrency` batches run at a time, and they overlap with the
 * conversions still running.
 */
function validator(check: NonNullable<BatchOptions['validate']>, concurrency: number) {
  type Waiting = { r: InputResult; xml: string; settle: (invalid: ReportedError | undefined) => void; reject: (e: unknown) => void };
  let batch: Waiting[] = [];
  const ready: Waiting[][] = [];
  let running = 0;
  const start = () => {
    while (running < concurrency && ready.length > 0) {
      const items = ready.shift()!;
      running++;
      check(items.map((w) => ({ xml: w.xml, source: w.r.source })))
        .then(
          (outcomes) => items.forEach((w, i) => w.settle(outcomes[i])),
          (e: Error) => {
            // A missing validator is the environment's problem, not these inputs': stop the batch.
            if (e instanceof Xend2LibxlError) items.forEach((w) => w.reject(e));
            else items.forEach((w) => w.settle({ code: BATCH_CODES.SCHEMA_INVALID, message: `schema validation could not run: ${e.message}` }));
          },
        )
        .finally(() => {
          running--;
          start();
        });
    }
  };
  const flush = () => {
    if (batch.length === 0) return;
    ready.push(batch);
    batch = [];
    start();
  };
  return {
    flush,
    /** Queue a converted result; undefined when there is nothing to check. */
    add(r: InputResult): Promise<void> | undefined {
      if (!r.ok || r.xml === undefined) return undefined;
      const xml = r.xml;
      const done = new Promise<void>((resolve, reject) =>
        batch.push({
          r,
          xml,
          settle: (invalid) => {
            if (invalid) fail(r, invalid);
            resolve();
          },
          reject,
        }),
      );
      if (batch.length >= VALIDATE_BATCH) flush();
      return done;
    },
  };
}
