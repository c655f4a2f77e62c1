/**
 * Where conversions run: on the main thread, or on worker threads with
 * `--jobs N` and by default on 4 cores or more (run-batch.ts decides).
 * Inputs travel in chunks of consecutive sequence numbers and results come
 * back per chunk, so the main thread pays one message and one event-loop turn
 * per chunk, not per input. Results arrive in any order; the caller restores
 * input order.
 */
import { Worker } from 'node:worker_threads';
import type { ConvertFileOptions } from './convert-file.js';
import { threadScript } from './thread-script.js';
import { BATCH_CODES, type InputResult } from './types.js';

/** Receives the results of the chunk that started at sequence number `first`, in chunk order. */
export type ChunkDone = (first: number, results: InputResult[]) => void;

export interface Engine {
  /** Worker threads converting; 0 when only the main thread does. */
  readonly threads: number;
  /** Whether another chunk now would keep a thread busy (rather than wait in a queue). */
  hungry(): boolean;
  submit(first: number, sources: string[]): void;
  close(): Promise<void>;
}

/**
 * Conversion on the main thread, one chunk per event-loop turn, so that a
 * Ctrl-C is noticed between chunks. The converter is imported on first use:
 * when workers do all the converting, the main thread never loads it.
 */
export function inlineEngine(opts: ConvertFileOptions, onDone: ChunkDone): Engine {
  let mod: typeof import('./convert-file.js') | undefined;
  const queue: { first: number; sources: string[] }[] = [];
  let scheduled = false;
  let closed = false;
  const runOne = async () => {
    mod ??= await import('./convert-file.js');
    // After close nothing may convert any more.
    const chunk = closed ? undefined : queue.shift();
    if (chunk) onDone(chunk.first, chunk.sources.map((s) => mod!.convertFile(s, opts)));
    scheduled = queue.length > 0;
    if (scheduled) setImmediate(runOne);
  };
  return {
    threads: 0,
    hungry: () => queue.length === 0,
    submit(first, sources) {
      queue.push({ first, sources });
      if (!scheduled) {
        scheduled = true;
        setImmediate(runOne);
      }
    },
    close: async () => {
      closed = true;
      queue.length = 0;
    },
  };
}

/**
 * A small young generation per worker: conversions allocate only short-lived
 * garbage, and V8's default (up to 32 MiB per isolate) would put a batch over
 * its 200 MB RSS budget with one worker per core (bench/batch.js).
 */
const WORKER_LIMITS = {
  maxYoungGenerationSizeMb: 8,
  // Live data per worker is ~20 MB (converter code and one chunk at a time); a low ceiling makes V8
  // collect early instead of growing to its default of hundreds of MB.
  maxOldGenerationSizeMb: Number(process.env.XEND2LIBXL_WORKER_OLD_MB ?? 64),
};

/** Chunks queued per worker: one converting and one waiting, so a worker never idles for a round trip. */
const WORKER_DEPTH = 2;

interface PoolWorker {
  worker: Worker;
  /** Chunks sent and not yet answered, by first sequence number. */
  outstanding: Map<number, string[]>;
  alive: boolean;
}

export interface WorkerEngineOptions {
  /** Worker threads to start. */
  workers: number;
  /** The compiled worker script; defaults to worker.js next to this module. */
  script?: URL;
}

/**
 * `workers` worker threads; the main thread only walks, dispatches and
 * reports, and the output thread writes (measured on 2 cores: 2 workers beat
 * 1 worker plus a converting main thread, bench/batch.js). Undefined when the
 * compiled worker script is not there (running from TypeScript sources, e.g.
 * under vitest): the caller then converts on the main thread only, which gives
 * the same results. When every worker has died, the main thread takes over.
 */
export function workerEngine(opts: ConvertFileOptions, onDone: ChunkDone, w: WorkerEngineOptions): Engine | undefined {
  const script = threadScript('worker', w.script);
  if (!script) return undefined;
  const inline = inlineEngine(opts, onDone);
  const pool: PoolWorker[] = [];
  let closing = false;
  for (let i = 0; i < w.workers; i++) {
    const pw: PoolWorker = { worker: new Worker(script.url, { argv: script.argv, workerData: opts, resourceLimits: WORKER_LIMITS }), outstanding: new Map(), alive: true };
    const die = (err: Error) => {
      if (!pw.alive) return;
      pw.alive = false;
      if (closing) return;
      // Its chunks cost their inputs, not the batch.
      for (const [first, sources] of pw.outstanding) onDone(first, sources.map((source) => workerFailure(source, err)));
      pw.outstanding.clear();
    };
    pw.worker.on('message', (m: { first: number; results: InputResult[] }) => {
      pw.outstanding.delete(m.first);
      onDone(m.first, m.results);
    });
    pw.worker.on('error', die);
    pw.worker.on('exit', (code) => die(new Error(`conversion worker exited with code ${code}`)));
    pool.push(pw);
  }
  const idlest = (): PoolWorker | undefined => {
    let best: PoolWorker | undefined;
    for (const pw of pool) if (pw.alive && pw.outstanding.size < WORKER_DEPTH && (!best || pw.outstanding.size < best.outstanding.size)) best = pw;
    return best;
  };
  const allDead = () => pool.every((pw) => !pw.alive);

  return {
    threads: w.workers,
    hungry: () => idlest() !== undefined || (allDead() && inline.hungry()),
    submit(first, sources) {
      const target = idlest();
      if (!target) return inline.submit(first, sources);
      target.outstanding.set(first, sources);
      target.worker.postMessage({ first, sources });
    },
    async close() {
      closing = true;
      await inline.close();
      await Promise.all(pool.map((pw) => pw.worker.terminate()));
    },
  };
}

function workerFailure(source: string, e: Error): InputResult {
  return { source, ok: false, warnings: [], error: { code: BATCH_CODES.INTERNAL, message: `conversion worker failed: ${e.message}` }, durationMs: 0 };
}
