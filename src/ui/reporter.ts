/**
 * How commands tell the user what is happening. CONTRACT used by every command:
 * commands call these methods; the implementation decides between ora spinners /
 * progress bars (TTY), plain timestamped lines (pipes, CI), or nothing (--quiet/--json).
 *
 * Everything goes to stderr: stdout is reserved for the command's result (XML, JSON, tables).
 */
import type { CliContext } from '../cli/context.js';

export interface StepHandle {
  /** Replace the step's text (e.g. "shutting down web1 (12 s)"). */
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  warn(text?: string): void;
}

export interface ProgressHandle {
  /** `current` of `total` units (omit total when unknown); `detail` like "34 MiB/s, ETA 12 s". */
  update(current: number, detail?: string): void;
  done(text?: string): void;
  fail(text?: string): void;
}

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  /** Only shown with --verbose (and always written to --log-file). */
  debug(message: string): void;
  step(text: string): StepHandle;
  progress(label: string, total?: number): ProgressHandle;
  /** Stop spinners and flush; call before prompting or exiting. */
  close(): void;
}

export interface ReporterOptions {
  quiet?: boolean;
  json?: boolean;
  verbose?: boolean;
}

/** Plain-lines reporter: `HH:MM:SS message` on stderr. The TTY variant builds on it. */
export function createReporter(ctx: CliContext, opts: ReporterOptions = {}): Reporter {
  const silent = Boolean(opts.quiet || opts.json);
  const line = (msg: string) => {
    if (!silent) ctx.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
  };
  const step = (text: string): StepHandle => {
    line(`… ${text}`);
    return {
      update: (t) => line(`… ${t}`),
      succeed: (t) => line(`ok ${t ?? text}`),
      fail: (t) => line(`FAILED ${t ?? text}`),
      warn: (t) => line(`warning ${t ?? text}`),
    };
  };
  return {
    info: line,
    warn: (m) => ctx.stderr.write(`warning: ${m}\n`),
    debug: (m) => {
      if (opts.verbose && !silent) line(m);
    },
    step,
    progress: (label, total) => {
      let last = -1;
      return {
        update: (current, detail) => {
          // Plain output: a line at most every 10 % so logs stay readable.
          const pct = total ? Math.floor((current / total) * 10) : current;
          if (pct === last) return;
          last = pct;
          line(`${label}: ${total ? `${current}/${total}` : current}${detail ? ` ${detail}` : ''}`);
        },
        done: (t) => line(`ok ${t ?? label}`),
        fail: (t) => line(`FAILED ${t ?? label}`),
      };
    },
    close: () => {},
  };
}
