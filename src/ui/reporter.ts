/**
 * How commands tell the user what is happening. CONTRACT used by every command:
 * commands call these methods; the implementation decides between ora spinners /
 * progress bars (TTY), plain timestamped lines (pipes, CI), or nothing (--quiet/--json).
 *
 * Everything goes to stderr: stdout is reserved for the command's result (XML, JSON, tables).
 * Warnings are still printed under --quiet/--json (on stderr, so they never corrupt
 * results); progress and info are not. A `--log-file` sink receives everything.
 */
import type { CliContext } from '../cli/context.js';
import { escapeControlsKeepLines } from '../diagnostics.js';
import { palette, shouldUseColor, type Palette } from './color.js';
import type { LogSink } from './log-file.js';
import { outputMode, type OutputMode } from './terminal-mode.js';
import { describeProgress, RateMeter } from './progress-format.js';
import { loadedOra } from './lazy-modules.js';
import { createLiveReporter } from './live-reporter.js';

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
  /** `false` for `--no-color`; otherwise NO_COLOR / FORCE_COLOR / TTY decide. */
  color?: boolean;
  /** `--log-file` sink: receives every message including debug, whatever the mode. */
  log?: LogSink;
  /** Force a mode (tests, the wizard); default from the terminal, CI and quiet/json. */
  mode?: OutputMode;
  /** Clock for timestamps and rates (tests). */
  now?: () => Date;
}

export function createReporter(ctx: CliContext, opts: ReporterOptions = {}): Reporter {
  const mode = opts.mode ?? outputMode(ctx, opts);
  const colors = palette(mode !== 'silent' && shouldUseColor({ env: ctx.env, stream: ctx.stderr, flag: opts.color }));
  const ora = loadedOra();
  // Live output needs ora, preloaded by the CLI; without it plain lines are the honest fallback.
  const inner = mode === 'live' && ora ? createLiveReporter(ctx, ora, colors, Boolean(opts.verbose)) : createPlainReporter(ctx, mode, colors, opts);
  return controlsEscaped(opts.log ? teeToLog(inner, opts.log) : inner);
}

/**
 * The one place every reporter message passes, terminal and log alike: messages
 * quote names, paths and virsh stderr, and a control character in them (an ESC
 * sequence, a newline forging a line) is shown escaped (diagnostics.ts).
 */
function controlsEscaped(r: Reporter): Reporter {
  const e = escapeControlsKeepLines;
  const opt = (t: string | undefined) => (t === undefined ? undefined : e(t));
  return {
    info: (m) => r.info(e(m)),
    warn: (m) => r.warn(e(m)),
    debug: (m) => r.debug(e(m)),
    step: (text) => {
      const h = r.step(e(text));
      return { update: (t) => h.update(e(t)), succeed: (t) => h.succeed(opt(t)), fail: (t) => h.fail(opt(t)), warn: (t) => h.warn(opt(t)) };
    },
    progress: (label, total) => {
      const h = r.progress(e(label), total);
      return { update: (c, detail) => h.update(c, opt(detail)), done: (t) => h.done(opt(t)), fail: (t) => h.fail(opt(t)) };
    },
    close: () => r.close(),
  };
}

/** `HH:MM:SS message` lines (UTC, like syslog on most dom0s); nothing in silent mode except warnings. */
function createPlainReporter(ctx: CliContext, mode: OutputMode, c: Palette, opts: ReporterOptions): Reporter {
  const silent = mode === 'silent';
  const now = opts.now ?? (() => new Date());
  const line = (msg: string) => {
    if (!silent) ctx.stderr.write(`${c.dim(now().toISOString().slice(11, 19))} ${msg}\n`);
  };
  const clock = () => now().getTime();
  return {
    info: line,
    warn: (m) => ctx.stderr.write(`${c.yellow('warning:')} ${m}\n`),
    debug: (m) => {
      if (opts.verbose) line(c.dim(m));
    },
    step: (text) => {
      line(`… ${text}`);
      return {
        update: (t) => line(`… ${t}`),
        succeed: (t) => line(`${c.green('ok')} ${t ?? text}`),
        fail: (t) => line(`${c.red('FAILED')} ${t ?? text}`),
        warn: (t) => line(`${c.yellow('warning')} ${t ?? text}`),
      };
    },
    progress: (label, total) => {
      const meter = new RateMeter(clock);
      let lastBucket = -1;
      let lastAt = 0;
      return {
        update: (current, detail) => {
          meter.sample(current);
          // A line per 10 % but at most one a second (or every 5 s without a total) keeps CI logs
          // readable: a quick walk of a dozen entries is one line, not ten.
          const t = clock();
          const bucket = total ? Math.floor((current / total) * 10) : -2;
          const tooSoon = lastAt !== 0 && t - lastAt < (total ? 1000 : 5000);
          if ((total && bucket === lastBucket) || tooSoon) return;
          lastBucket = bucket;
          lastAt = t;
          line(`${label}: ${describeProgress(current, total, meter, detail)}`);
        },
        done: (t) => line(`${c.green('ok')} ${t ?? label}`),
        fail: (t) => line(`${c.red('FAILED')} ${t ?? label}`),
      };
    },
    close: () => {},
  };
}

/** Mirror every call into the log file, at full detail, before the terminal variant filters it. */
function teeToLog(r: Reporter, log: LogSink): Reporter {
  return {
    info: (m) => (log.write('INFO', m), r.info(m)),
    warn: (m) => (log.write('WARN', m), r.warn(m)),
    debug: (m) => (log.write('DEBUG', m), r.debug(m)),
    step: (text) => {
      log.write('STEP', text);
      const h = r.step(text);
      return {
        update: (t) => (log.write('STEP', t), h.update(t)),
        succeed: (t) => (log.write('OK', t ?? text), h.succeed(t)),
        fail: (t) => (log.write('FAIL', t ?? text), h.fail(t)),
        warn: (t) => (log.write('WARN', t ?? text), h.warn(t)),
      };
    },
    progress: (label, total) => {
      const h = r.progress(label, total);
      let logged = -1;
      return {
        update: (current, detail) => {
          // Log at 1 % resolution: full detail without megabytes of progress noise.
          const pct = total ? Math.floor((current / total) * 100) : current;
          if (pct !== logged) log.write('STEP', `${label}: ${current}${total ? `/${total}` : ''}${detail ? ` ${detail}` : ''}`);
          logged = pct;
          h.update(current, detail);
        },
        done: (t) => (log.write('OK', t ?? label), h.done(t)),
        fail: (t) => (log.write('FAIL', t ?? label), h.fail(t)),
      };
    },
    close: () => r.close(),
  };
}
