/**
 * The batch-wide, order-dependent part of a batch; runs on the main thread in
 * input order: duplicate uuids, --strict, output name checks and clashes, then
 * the atomic write of the output (link without replacing, or rename with
 * --force) — here, or handed to the output thread. Only once its file is
 * settled does the caller see a result, and results are seen in input order.
 */
import path from 'node:path';
import { tryWriteFileAtomic } from './atomic-write.js';
import type { OutputWriter } from './output-writer.js';
import { isUsableFileName } from './output-name.js';
import { BATCH_CODES, type BatchSummary, type InputResult, type ReportedError } from './types.js';

export interface FinisherOptions {
  /** Absolute output directory; without it results keep their XML. */
  outDir?: string;
  /** The output directory as the user named it (used in reported paths). */
  shownOutDir?: string;
  force?: boolean;
  strict?: boolean;
  /** Warning codes --strict accepts (--allow): only the others fail an input. */
  allow?: ReadonlySet<string>;
  /** Only one XML can be shown (printed to stdout): the further domains of a multi-domain dump fail. */
  oneDomainPerInput?: boolean;
  /** Writes the outputs; without it they are written here, synchronously. */
  writer?: OutputWriter;
  onResult: (r: InputResult) => void;
}

/** A finished result waiting for its turn to be reported (and, while `writing`, for its file). */
interface Unreported {
  r: InputResult;
  writing: boolean;
}

export class Finisher {
  private readonly names = new Map<string, string>();
  private readonly uuids = new Map<string, string>();
  private readonly counts = { inputs: 0, converted: 0, failed: 0, withWarnings: 0, warnings: 0, written: 0 };
  private readonly unreported: Unreported[] = [];

  constructor(private readonly opts: FinisherOptions) {}

  finish(r: InputResult): void {
    const more = r.more;
    delete r.more;
    this.finishOne(r);
    // A multi-domain dump: each domain is a result of its own (same source), in file order.
    for (const m of more ?? []) {
      if (this.opts.oneDomainPerInput) {
        fail(m, {
          code: BATCH_CODES.SEVERAL_DOMAINS,
          message: `${r.source} holds ${more!.length + 1} domains; only the first was printed`,
          hint: 'add -o OUTDIR for one <name>.xml per domain, or --json for every XML in one report',
        });
      }
      this.finishOne(m);
    }
  }

  private finishOne(r: InputResult): void {
    const d = r.domain;
    if (r.ok && d?.uuid) {
      const first = this.uuids.get(d.uuid);
      if (first !== undefined) {
        r.warnings.push({ code: BATCH_CODES.DUPLICATE_UUID, message: `uuid ${d.uuid} was already seen in ${first}; libvirt would let one definition replace the other` });
      } else this.uuids.set(d.uuid, r.source);
    }
    if (r.ok && this.opts.strict) {
      const allow = this.opts.allow;
      const refused = allow ? r.warnings.filter((w) => !allow.has(w.code)).length : r.warnings.length;
      if (refused > 0) {
        const accepted = r.warnings.length - refused;
        fail(r, {
          code: BATCH_CODES.STRICT_WARNINGS,
          message: `${refused} warning${refused === 1 ? '' : 's'} and --strict${accepted ? ` (${accepted} more accepted by --allow)` : ''}`,
          hint: 'fix the warnings above, accept their codes with --allow CODE, or run without --strict',
        });
      }
    }
    const entry: Unreported = { r, writing: false };
    this.unreported.push(entry);
    if (this.opts.outDir !== undefined) {
      const xml = r.xml;
      // Callers never see the XML of a written result (and the outcome may arrive before finish() returns).
      delete r.xml;
      if (r.ok && d) this.write(r, d.name, xml, entry);
    }
    this.report();
  }

  /** Resolves when every finished result has been reported (its file written or refused). */
  async drained(): Promise<void> {
    await this.opts.writer?.drained();
    this.report();
  }

  summary(durationMs: number, interrupted: boolean): BatchSummary {
    return { ...this.counts, durationMs: Math.round(durationMs), interrupted };
  }

  /** Report, in input order, the results whose file is settled. */
  private report(): void {
    while (this.unreported.length > 0 && !this.unreported[0].writing) {
      const r = this.unreported.shift()!.r;
      const n = this.counts;
      n.inputs++;
      if (r.ok) n.converted++;
      else n.failed++;
      if (r.ok && r.warnings.length) n.withWarnings++;
      n.warnings += r.warnings.length;
      if (r.output) n.written++;
      this.opts.onResult(r);
    }
  }

  private write(r: InputResult, name: string, xml: string | undefined, entry: Unreported): void {
    if (!isUsableFileName(name)) {
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
    if (xml === undefined) {
      return fail(r, { code: BATCH_CODES.INTERNAL, message: 'the converted XML was lost before it could be written', hint: 'this is a bug; please report it' });
    }
    const dir = this.opts.outDir!;
    const file = `${name}.xml`;
    const settle = (refused: ReportedError | undefined) => {
      if (refused) fail(r, refused);
      else r.output = path.join(this.opts.shownOutDir ?? dir, file);
    };
    const writer = this.opts.writer;
    if (!writer) return settle(tryWriteFileAtomic(dir, file, xml, Boolean(this.opts.force)));
    entry.writing = true;
    writer.write(file, xml, (refused) => {
      settle(refused);
      entry.writing = false;
      this.report();
    });
  }
}

export function fail(r: InputResult, error: ReportedError): void {
  r.ok = false;
  r.error = error;
  delete r.xml;
}
