/**
 * The output thread of a large batch converted on the main thread: the main
 * thread converts and applies the batch-wide rules in input order, this thread
 * does the file-system work of each output (create a temp file, link it into
 * place, remove the temp name). Measured on a 2-core VM (bench/batch.js): that
 * split beats converting on two worker threads, because each converting
 * isolate pays for its own JIT warm-up and every file creation in OUTDIR
 * contends for the same directory lock anyway.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { tryWriteFileAtomic } from './atomic-write.js';
import { threadScript } from './thread-script.js';
import { BATCH_CODES, type ReportedError } from './types.js';

/** What the output thread is started with. */
export interface WriterData {
  dir: string;
  force: boolean;
}

/** undefined: the file is in place; otherwise why it is not. */
export type WriteOutcome = ReportedError | undefined;

export interface OutputWriter {
  /** Queue `xml` for `dir/file`; `done` gets the outcome, in the order of the calls (possibly before `write` returns). */
  write(file: string, xml: string, done: (outcome: WriteOutcome) => void): void;
  /**
   * Enough is queued to keep the thread busy: the caller should wait for
   * `onSettled` before converting more. (Writing the next file itself instead
   * was measured slower: two threads creating files in one directory contend
   * for its lock and spend more system time than one thread doing all.)
   */
  readonly busy: boolean;
  /** Resolves once every queued file has its outcome. */
  drained(): Promise<void>;
  /** The thread that may have left temp files when it was stopped early. */
  readonly threadId: number;
  /** The thread died during the batch (it may have left temp files). */
  readonly troubled: boolean;
  /** Stop the thread; files still queued get no outcome (their temps are the caller's to sweep). */
  close(): Promise<void>;
}

/** Files per message to the output thread: one message and one reply per chunk, not per file. */
const WRITE_CHUNK = 32;
/** A few chunks keep the thread busy; more would only hold XML in memory and delay a Ctrl-C. */
const BUSY_AT = 4 * WRITE_CHUNK;

export interface OutputWriterOptions extends WriterData {
  /** Called after each reply from the thread (the caller may go on converting). */
  onSettled?: () => void;
  /** The compiled thread script; defaults to writer-worker.js next to this module. */
  script?: URL;
}

/**
 * An output thread, or undefined when the compiled script is not there
 * (running from TypeScript sources, e.g. under vitest): the caller then writes
 * on the main thread, with the same results.
 */
export function outputThread(opts: OutputWriterOptions): OutputWriter | undefined {
  const script = threadScript('writer-worker', opts.script);
  if (!script) return undefined;
  const data: WriterData = { dir: opts.dir, force: opts.force };
  // Only short-lived strings pass through: a small heap keeps the batch inside its RSS budget.
  const worker = new Worker(script.url, { argv: script.argv, workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 } });
  let buffer: [string, string][] = [];
  let callbacks: ((o: WriteOutcome) => void)[] = [];
  /** The chunks sent and not yet answered, oldest first. */
  const sent: { items: [string, string][]; dones: ((o: WriteOutcome) => void)[] }[] = [];
  let pending = 0;
  let alive = true;
  let closing = false;
  let troubled = false;
  let flushScheduled = false;
  let waiters: (() => void)[] = [];

  const settle = (dones: ((o: WriteOutcome) => void)[], outcomes: readonly WriteOutcome[]) => {
    pending -= dones.length;
    dones.forEach((done, i) => done(outcomes[i]));
    if (pending === 0) for (const w of waiters.splice(0)) w();
    opts.onSettled?.();
  };
  const flush = () => {
    flushScheduled = false;
    if (buffer.length === 0) return;
    if (!alive) return writeHere(buffer.splice(0), callbacks.splice(0));
    sent.push({ items: buffer, dones: callbacks });
    worker.postMessage(buffer);
    buffer = [];
    callbacks = [];
  };
  /** After the thread died: the rest is written on the main thread. */
  const writeHere = (items: [string, string][], dones: ((o: WriteOutcome) => void)[]) =>
    settle(
      dones,
      items.map(([file, xml]) => tryWriteFileAtomic(opts.dir, file, xml, opts.force)),
    );

  worker.on('message', (outcomes: WriteOutcome[]) => {
    const chunk = sent.shift();
    if (chunk) settle(chunk.dones, outcomes);
  });
  const die = () => {
    if (!alive) return;
    alive = false;
    if (closing) return;
    troubled = true;
    // Files it had not confirmed are written again here. Each write was atomic, so a file the dead
    // thread did put in place is complete: finding exactly our XML under the name counts as written.
    for (const { items, dones } of sent.splice(0)) {
      settle(
        dones,
        items.map(([file, xml]) => {
          const outcome = tryWriteFileAtomic(opts.dir, file, xml, opts.force);
          return outcome?.code === BATCH_CODES.OUTPUT_EXISTS && sameContent(path.join(opts.dir, file), xml) ? undefined : outcome;
        }),
      );
    }
    flush();
  };
  worker.on('error', die);
  worker.on('exit', die);

  return {
    threadId: worker.threadId,
    get troubled() {
      return troubled;
    },
    get busy() {
      return pending >= BUSY_AT;
    },
    write(file, xml, done) {
      pending++;
      buffer.push([file, xml]);
      callbacks.push(done);
      if (buffer.length >= WRITE_CHUNK) flush();
      else if (!flushScheduled) {
        // The rest of this event-loop turn may add more: send them together.
        flushScheduled = true;
        setImmediate(flush);
      }
    },
    drained() {
      flush();
      return pending === 0 ? Promise.resolve() : new Promise((go) => waiters.push(go));
    },
    async close() {
      closing = true;
      waiters = [];
      await worker.terminate();
    },
  };
}

function sameContent(file: string, xml: string): boolean {
  try {
    return readFileSync(file, 'utf8') === xml;
  } catch {
    return false;
  }
}
