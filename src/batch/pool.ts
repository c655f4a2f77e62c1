/**
 * Where conversions run: on the main thread for small batches, or on a pool of
 * worker threads (one per core) for large ones — conversion is CPU-bound.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { convertFile, type ConvertFileOptions } from './convert-file.js';
import type { InputResult } from './types.js';

export interface Converter {
  convert(source: string): Promise<InputResult>;
  close(): Promise<void>;
  /** Worker threads in use; 0 means the main thread converts. */
  readonly threads: number;
}

export function inlineConverter(opts: ConvertFileOptions): Converter {
  return { convert: (source) => convertFile(source, opts), close: async () => {}, threads: 0 };
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, { resolve: (r: InputResult) => void; reject: (e: Error) => void }>;
  alive: boolean;
}

/**
 * A pool of `threads` workers, or undefined when the compiled worker script is
 * not there (running from TypeScript sources, e.g. under vitest): then the
 * caller converts on the main thread, which gives the same results.
 */
export function workerConverter(opts: ConvertFileOptions, threads: number): Converter | undefined {
  const script = new URL('./worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(script))) return undefined;
  const inline = inlineConverter(opts);
  let nextId = 0;
  const pool: PoolWorker[] = [];
  for (let i = 0; i < threads; i++) {
    const pw: PoolWorker = { worker: new Worker(script, { workerData: opts }), pending: new Map(), alive: true };
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
      // Least-loaded live worker; if every worker died, keep going on the main thread.
      let best: PoolWorker | undefined;
      for (const pw of pool) if (pw.alive && (!best || pw.pending.size < best.pending.size)) best = pw;
      if (!best) return inline.convert(source);
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
