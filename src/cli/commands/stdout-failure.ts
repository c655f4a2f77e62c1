/**
 * Standard output that cannot be written (`--json > report.json` on a full file
 * system, a closed pipe): Node throws from write() (a file) or emits an 'error'
 * event later (a pipe), either of which ended the process with a stack trace.
 * Both are caught here; after the first failure nothing more is written, and
 * it becomes one clear error at the end of the run (exit 1), after the outputs
 * in OUTDIR — which do not depend on stdout — were all written.
 */
import { writeErrorReason } from '../../batch/atomic-write.js';
import { Xend2LibxlError } from '../../errors.js';
import type { CliContext } from '../context.js';

export interface StdoutWatch {
  /** Write through this instead of ctx.stdout: it never throws. */
  write(chunk: string): void;
  /** The first write error, once the writes made so far have settled. */
  failure(): Promise<Xend2LibxlError | undefined>;
}

export function watchStdout(ctx: CliContext): StdoutWatch {
  let first: unknown;
  const stream = ctx.stdout as { on?: (event: 'error', fn: (e: unknown) => void) => unknown; removeListener?: (event: 'error', fn: (e: unknown) => void) => unknown };
  const onError = (e: unknown) => void (first ??= e);
  stream.on?.('error', onError);
  return {
    write(chunk) {
      if (first !== undefined) return;
      try {
        ctx.stdout.write(chunk);
      } catch (e) {
        first = e;
      }
    },
    async failure() {
      // Write errors are emitted on a later tick than the write.
      await new Promise((go) => setImmediate(go));
      stream.removeListener?.('error', onError);
      // Later writes (a summary line on stdout) must not crash either.
      if (first !== undefined) stream.on?.('error', () => undefined);
      if (first === undefined) return undefined;
      const code = (first as NodeJS.ErrnoException).code;
      return new Xend2LibxlError('STDOUT_UNWRITABLE', `cannot write to standard output: ${writeErrorReason(first)}; what it received is incomplete`, {
        hint:
          code === 'ENOSPC' || code === 'EDQUOT'
            ? 'free some space where standard output goes, then run again (files written with -o are complete)'
            : 'check where standard output goes (a closed pipe, a full or read-only disk), then run again',
        cause: first,
      });
    },
  };
}
