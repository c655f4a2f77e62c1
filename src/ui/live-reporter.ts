/**
 * The interactive-terminal reporter: one ora spinner whose text is the list of
 * everything in flight (steps and progress bars, one line each), with finished
 * items persisted above it. One spinner rather than one per item because ora
 * (and any cursor-rewriting renderer) corrupts the screen when two spinners share
 * a stream — and parallel shutdowns/migrations are our normal case.
 *
 * ora hooks writes to the stream while it spins, so persistent lines written
 * here (or by the command on stdout) land above the live block cleanly.
 */
import type { Ora, Options as OraOptions } from 'ora';
import type { CliContext, OutStream } from '../cli/context.js';
import type { Palette } from './color.js';
import type { ProgressHandle, Reporter, StepHandle } from './reporter.js';
import { describeProgress, formatBar, RateMeter } from './progress-format.js';

const DOTS = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

interface LiveItem {
  render(): string;
}

export function createLiveReporter(ctx: CliContext, ora: (o: OraOptions) => Ora, c: Palette, verbose: boolean): Reporter {
  const stream = cursorCapable(ctx.stderr);
  const items = new Set<LiveItem>();
  let spinner: Ora | undefined;
  let closed = false;

  const refresh = () => {
    if (closed) return;
    if (items.size === 0) {
      spinner?.stop();
      spinner = undefined;
      return;
    }
    const text = [...items].map((i, n) => (n === 0 ? i.render() : `  ${i.render()}`)).join('\n');
    if (!spinner) {
      spinner = ora({
        stream: stream as unknown as NodeJS.WritableStream,
        isEnabled: true,
        // Our colour decision, not chalk's: pre-coloured frames, no ora colour.
        color: false,
        spinner: { interval: 80, frames: DOTS.map(c.cyan) },
        text,
      }).start();
    } else spinner.text = text;
  };
  const persist = (line: string) => {
    stream.write(`${line}\n`);
  };
  const finish = (item: LiveItem, line: string) => {
    items.delete(item);
    persist(line);
    refresh();
  };

  return {
    info: (m) => persist(m),
    warn: (m) => persist(`${c.yellow('⚠ warning:')} ${m}`),
    debug: (m) => {
      if (verbose) persist(c.dim(m));
    },
    step(text): StepHandle {
      let current = text;
      const item: LiveItem = { render: () => current };
      items.add(item);
      refresh();
      return {
        update: (t) => {
          current = t;
          refresh();
        },
        succeed: (t) => finish(item, `${c.green('✔')} ${t ?? current}`),
        fail: (t) => finish(item, `${c.red('✖')} ${t ?? current}`),
        warn: (t) => finish(item, `${c.yellow('⚠')} ${t ?? current}`),
      };
    },
    progress(label, total): ProgressHandle {
      const meter = new RateMeter();
      let value = 0;
      let detail: string | undefined;
      const width = Math.max(10, Math.min(30, (stream.columns || 80) - label.length - 40));
      const item: LiveItem = {
        render: () => {
          const bar = total ? `${c.cyan(formatBar(value, total, width))} ` : '';
          return `${label} ${bar}${describeProgress(value, total, meter, detail)}`;
        },
      };
      items.add(item);
      refresh();
      return {
        update: (cur, d) => {
          value = cur;
          detail = d;
          meter.sample(cur);
          refresh();
        },
        done: (t) => finish(item, `${c.green('✔')} ${t ?? label}`),
        fail: (t) => finish(item, `${c.red('✖')} ${t ?? label}`),
      };
    },
    close() {
      spinner?.stop();
      spinner = undefined;
      items.clear();
      closed = true;
    },
  };
}

/**
 * ora moves the cursor with `cursorTo`/`moveCursor`/`clearLine`, which only
 * `tty.WriteStream` has. Injected streams (tests, the wizard's captured output)
 * get the same effect as plain ANSI sequences. A terminal that reports no size
 * (a serial console, a pty nobody sized) has 0 columns, and ora divides by
 * them: the line count of a frame became Infinity and it cleared lines forever
 * at 100 % CPU, so such a terminal is wrapped too, with 80 columns.
 */
function cursorCapable(s: OutStream): OutStream & Record<string, unknown> {
  type Method = (...a: unknown[]) => unknown;
  const real = s as OutStream & Partial<Record<'cursorTo' | 'moveCursor' | 'clearLine' | 'once' | 'removeListener', Method>> & { rows?: number };
  if (typeof real.cursorTo === 'function' && typeof real.clearLine === 'function' && real.columns) return real as OutStream & Record<string, unknown>;
  const own = (name: 'cursorTo' | 'moveCursor' | 'clearLine' | 'once' | 'removeListener', fallback: Method): Method => {
    const m = real[name];
    return typeof m === 'function' ? (...a: unknown[]) => m.apply(real, a) : fallback;
  };
  return {
    isTTY: true,
    get columns() {
      return s.columns || 80;
    },
    get rows() {
      return real.rows;
    },
    write: (chunk: string) => s.write(chunk),
    cursorTo: own('cursorTo', (x) => s.write(`\x1b[${(x as number) + 1}G`)),
    moveCursor: own('moveCursor', (_dx, dy) => s.write((dy as number) < 0 ? `\x1b[${-(dy as number)}A` : (dy as number) > 0 ? `\x1b[${dy as number}B` : '')),
    clearLine: own('clearLine', () => s.write('\x1b[2K')),
    once: own('once', () => undefined),
    removeListener: own('removeListener', () => undefined),
  };
}
