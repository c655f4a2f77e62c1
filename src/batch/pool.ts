/**
 * Where conversions run: on the main thread for small batches, or on a pool of
 * worker threads (one per core) for large ones — conversion is CPU-bound.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ConvertFileOptions } from './convert-file.js';
import type { InputResult } from './types.js';

export interface Converter {
  convert(source: string): Promise<InputResult>;
  close(): Promise<void>;
  /** Worker threads in use; 0 means the main thread converts. */
  readonly threads: number;
}

/**
 * Conversion on the main thread. The converter is imported on first use: when
 * workers do the converting, the main thread never loads it (less memory).
 */
export function inlineConverter(opts: ConvertFileOptions): Converter {
  let mod: Promise<typeof import('./convert-file.js')> | undefined;
  return {
    convert: async (source) => (await (mod ??= import('./convert-file.js'))).convertFile(source, opts),
    close: async () => {},
    threads: 0,
  };
}

/**
 * A small young generation per worker: conversions allocate only short-lived
 * garbage, and V8's default (up to 32 MiB per isolate) would put a batch over
 * its 200 MB RSS budget with one worker per core (bench/batch.js).
 */
const WORKER_LIMITS = {
  maxYoungGenerationSizeMb: 8,
  // Live data per worker is ~20 MB (converter code and one config at a time); a low ceiling makes V8
  // collect early instead of growing to its default of hundreds of MB.
  maxOldGenerationSizeMb: Number(process.env.XEND2LIBXL_WORKER_OLD_MB ?? 64),
};

/** Conversions queued per worker before the main thread takes one itself: enough to never leave a worker idle. */
const WORKER_QUEUE = 3;

interface PoolWorker {
  worker: Worker;
  pending: Map<number, { resolve: (r: InputResult) => void; reject: (e: Error) => void }>;
  alive: boolean;
}

/**
 * `threads` converting threads: the main thread plus `threads - 1` workers.
 * The main thread takes a conversion whenever every worker already has
 * {@link WORKER_QUEUE} queued, so all cores stay busy while only `threads - 1`
 * extra V8 isolates (~40 MB each with the converter loaded) exist.
 * Undefined when the compiled worker script is not there (running from
 * TypeScript sources, e.g. under vitest): the caller then converts on the main
 * thread only, which gives the same results.
 */
export function workerConverter(opts: ConvertFileOptions, threads: number): Converter | undefined {
  const script = new URL('./worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(script))) return undefined;
  const inline = inlineConverter(opts);
  let nextId = 0;
  const pool: PoolWorker[] = [];
  for (let i = 0; i < threads - 1; i++) {
    const pw: PoolWorker = { worker: new Worker(script, { workerData: opts, resourceLimits: WORKER_LIMITS }), pending: new Map(), alive: true };
    const die = (err: Error) => {
      pw.alive = false;
      for (const p of pw.pending.values()) p.reject(err);
      pw.pending.clear();
    };
    pw.worker.on('message', (m: { id: number; result: InputResult }) => {
      const p = pw.pending.get(m.id);
      pw.pending.delete(m.id);
      p?.resolve(m.result);
    });
    pw.worker.on('error', die);
    pw.worker.on('exit', (code) => die(new Error(`conversion worker exited with code ${code}`)));
    pool.push(pw);
  }

  return {
    threads,
    convert(source) {
      // Least-loaded live worker; the main thread when all are busy (or all died).
      let best: PoolWorker | undefined;
      for (const pw of pool) if (pw.alive && (!best || pw.pending.size < best.pending.size)) best = pw;
      if (!best || best.pending.size >= WORKER_QUEUE) return inline.convert(source);
      const target = best;
      const id = nextId++;
      return new Promise<InputResult>((resolve, reject) => {
        target.pending.set(id, { resolve, reject });
        target.worker.postMessage({ id, source });
      });
    },
    async close() {
      await Promise.all(pool.map((pw) => pw.worker.terminate()));
    },
  };
}
