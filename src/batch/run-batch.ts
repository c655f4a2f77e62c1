/**
 * Batch conversion: stream the inputs, convert (on worker threads when the
 * batch is large), then — on the main thread, in input order — apply the
 * batch-wide rules (name clashes, duplicate uuids, --strict, --validate), write
 * each output atomically and hand the result to the report writers.
 * Memory is bounded by the in-flight window, not by the number of inputs.
 */
import { availableParallelism } from 'node:os';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { XendDefaults } from '../convert/api.js';
import { Xend2LibxlError } from '../errors.js';
import { removeStaleTemps, writeFileAtomic } from './atomic-write.js';
import { findInputs } from './find-inputs.js';
import { inlineConverter, workerConverter, type Converter } from './pool.js';
import { BATCH_CODES, type BatchSummary, type InputResult, type ReportedError } from './types.js';

/** Below this many inputs, starting worker threads costs more than it saves. */
export const WORKER_THRESHOLD = 64;

export interface BatchOptions {
  inputs: readonly string[];
  cwd: string;
  /** Write `<name>.xml` files here; without it results keep their XML for the caller. */
  outDir?: string;
  force?: boolean;
  strict?: boolean;
  /** Converting threads (main + workers); undefined = one per core when the batch is large. 1 = main thread only. */
  jobs?: number;
  xendDefaults?: XendDefaults;
  /** Schema check of one output; resolves to an error when invalid. */
  validate?: (xml: string, source: string) => Promise<ReportedError | undefined>;
  signal?: AbortSignal;
  onResult: (r: InputResult) => void;
  /** Called with the number of inputs finished so far and the worker count. */
  onProgress?: (done: number, threads: number) => void;
}

export async function runBatch(opts: BatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  const outDir = opts.outDir === undefined ? undefined : path.resolve(opts.cwd, opts.outDir);
  if (outDir) prepareOutDir(outDir);

  const inputs = findInputs(opts.inputs, opts.cwd)[Symbol.asyncIterator]();
  // Look ahead just far enough to know whether the batch is large.
  const head: string[] = [];
  let exhausted = false;
  while (head.length < WORKER_THRESHOLD) {
    const n = await inputs.next();
    if (n.done) {
      exhausted = true;
      break;
    }
    head.push(n.value);
  }
  const converter = chooseConverter(opts, exhausted ? head.length : Infinity);
  const finisher = new Finisher(opts, outDir);
  const window: Promise<InputResult>[] = [];
  const maxInFlight = converter.threads > 0 ? converter.threads * 16 : 4;
  let done = 0;
  const validate = opts.validate ? validator(opts.validate, Math.max(1, converter.threads)) : undefined;
  const finishOne = async () => {
    finisher.finish(await window.shift()!);
    opts.onProgress?.(++done, converter.threads);
  };

  try {
    const sources = async function* () {
      yield* head;
      if (!exhausted) for (let n = await inputs.next(); !n.done; n = await inputs.next()) yield n.value;
    };
    for await (const source of sources()) {
      // Conversions on the main thread and the sync I/O never give the event loop a turn by
      // themselves; without one, worker results and Ctrl-C would wait for the window to fill.
      await new Promise<void>((go) => setImmediate(go));
      if (opts.signal?.aborted) break;
      const converted = converter.convert(source).catch((e: Error) => internalFailure(source, e));
      const result = validate ? converted.then(validate) : converted;
      // If the batch stops on an error, results still in flight must not become unhandled rejections.
      result.catch(() => undefined);
      window.push(result);
      if (window.length >= maxInFlight) await finishOne();
    }
    while (window.length) await finishOne();
  } finally {
    await converter.close();
  }
  return finisher.summary(performance.now() - started, Boolean(opts.signal?.aborted));
}

function prepareOutDir(outDir: string): void {
  try {
    mkdirSync(outDir, { recursive: true });
    removeStaleTemps(outDir);
  } catch (e) {
    throw new Xend2LibxlError('OUTPUT_DIR_UNUSABLE', `cannot use output directory: ${(e as Error).message}`, { file: outDir, hint: 'choose a writable directory with -o', cause: e });
  }
}

function chooseConverter(opts: BatchOptions, size: number): Converter {
  const convertOpts = { cwd: opts.cwd, xendDefaults: opts.xendDefaults };
  const threads = opts.jobs ?? (size > WORKER_THRESHOLD ? availableParallelism() : 1);
  if (threads <= 1) return inlineConverter(convertOpts);
  return workerConverter(convertOpts, threads) ?? inlineConverter(convertOpts);
}

/**
 * Schema validation runs an external tool per output: start it as soon as a
 * conversion is done, at most `concurrency` at a time, so it overlaps with the
 * conversions still running.
 */
function validator(check: NonNullable<BatchOptions['validate']>, concurrency: number): (r: InputResult) => Promise<InputResult> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = () => (running < concurrency ? (running++, Promise.resolve()) : new Promise<void>((go) => waiting.push(go)));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async (r) => {
    if (!r.ok || r.xml === undefined) return r;
    await slot();
    try {
      const invalid = await check(r.xml, r.source).catch((e: Error): ReportedError => {
        // A missing validator is the environment's problem, not this input's: stop the batch.
        if (e instanceof Xend2LibxlError) throw e;
        return { code: BATCH_CODES.SCHEMA_INVALID, message: `schema validation could not run: ${e.message}` };
      });
      if (invalid) fail(r, invalid);
      return r;
    } finally {
      release();
    }
  };
}

function internalFailure(source: string, e: Error): InputResult {
  return { source, ok: false, warnings: [], error: { code: BATCH_CODES.INTERNAL, message: `conversion worker failed: ${e.message}` }, durationMs: 0 };
}

/** The batch-wide, order-dependent part; runs on the main thread in input order. */
class Finisher {
  private readonly names = new Map<string, string>();
  private readonly uuids = new Map<string, string>();
  private readonly counts = { inputs: 0, converted: 0, failed: 0, withWarnings: 0, warnings: 0, written: 0 };

  constructor(
    private readonly opts: BatchOptions,
    private readonly outDir: string | undefined,
  ) {}

  finish(r: InputResult): void {
    const d = r.domain;
    if (r.ok && d?.uuid) {
      const first = this.uuids.get(d.uuid);
      if (first !== undefined) {
        r.warnings.push({ code: BATCH_CODES.DUPLICATE_UUID, message: `uuid ${d.uuid} was already seen in ${first}; libvirt would let one definition replace the other` });
      } else this.uuids.set(d.uuid, r.source);
    }
    if (r.ok && this.opts.strict && r.warnings.length > 0) {
      fail(r, { code: BATCH_CODES.STRICT_WARNINGS, message: `${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'} and --strict`, hint: 'fix the warnings above or run without --strict' });
    }
    if (r.ok && this.outDir && d && r.xml !== undefined) this.write(r, d.name, r.xml);
    if (this.outDir) delete r.xml;

    const c = this.counts;
    c.inputs++;
    if (r.ok) c.converted++;
    else c.failed++;
    if (r.ok && r.warnings.length) c.withWarnings++;
    c.warnings += r.warnings.length;
    if (r.output) c.written++;
    this.opts.onResult(r);
  }

  private write(r: InputResult, name: string, xml: string): void {
    if (name === '.' || name === '..' || name.includes('/') || name.includes('\0') || Buffer.byteLength(name) > 250) {
      return fail(r, { code: BATCH_CODES.OUTPUT_NAME_INVALID, message: `domain name '${name}' cannot be used as a file name` });
    }
    const first = this.names.get(name);
    if (first !== undefined) {
      return fail(r, {
        code: BATCH_CODES.NAME_CLASH,
        message: `domain name '${name}' was already converted from ${first}; ${name}.xml was not overwritten`,
        hint: 'libvirt keys domains by name: rename one of them in its config',
      });
    }
    this.names.set(name, r.source);
    try {
      writeFileAtomic(this.outDir!, `${name}.xml`, xml, Boolean(this.opts.force));
      r.output = path.join(this.opts.outDir!, `${name}.xml`);
    } catch (e) {
      const err = e as Xend2LibxlError;
      fail(r, { code: err.code ?? BATCH_CODES.OUTPUT_WRITE_FAILED, message: err.message, hint: err.hint });
    }
  }

  summary(durationMs: number, interrupted: boolean): BatchSummary {
    return { ...this.counts, durationMs: Math.round(durationMs), interrupted };
  }
}

function fail(r: InputResult, error: ReportedError): void {
  r.ok = false;
  r.error = error;
  delete r.xml;
}
