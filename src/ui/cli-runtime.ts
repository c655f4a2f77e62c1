/**
 * The bridge from the root's global options (`-v`, `-q`, `--log-file`,
 * `--no-color`) to what a command needs: a {@link Reporter} and a virsh
 * observer for `execFileRunner({ onFinish })`. One state per CLI run (keyed by
 * its context) so the reporter and the virsh log share one log file.
 *
 *   const { reporter, onVirshFinish } = runtimeFor(cmd, ctx, { json: opts.json });
 *   const runner = execFileRunner({ onFinish: onVirshFinish });
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.js';
import type { VirshResult } from '../libvirt/runner.js';
import { shellQuote } from '../cli/option-spec.js';
import type { LogSink } from './log-file.js';
import { createReporter, type Reporter } from './reporter.js';
import { outputMode } from './terminal-mode.js';
import { preloadOra } from './lazy-modules.js';

export interface GlobalUiOptions {
  verbose: boolean;
  quiet: boolean;
  /** false with `--no-color`. */
  color: boolean;
  logFile?: string;
  debug: boolean;
}

interface RunState {
  log?: LogSink;
}
const states = new WeakMap<CliContext, RunState>();

/** Global options as seen from any (sub)command, merged with its own `--quiet`/`--verbose` if it has them. */
export function globalUiOptions(cmd: Command): GlobalUiOptions {
  const o = cmd.optsWithGlobals() as Record<string, unknown>;
  return {
    verbose: Boolean(o.verbose),
    quiet: Boolean(o.quiet),
    color: o.color !== false,
    logFile: typeof o.logFile === 'string' ? o.logFile : undefined,
    debug: Boolean(o.debug),
  };
}

/**
 * Run once before a command's action (main.ts preAction hook): open the log
 * file and load ora if — and only if — this run will draw live progress.
 */
export async function prepareUi(cmd: Command, ctx: CliContext, argv: readonly string[]): Promise<void> {
  propagateGlobalFlags(cmd);
  const g = globalUiOptions(cmd);
  const state: RunState = states.get(ctx) ?? {};
  if (g.logFile && !state.log) {
    const { openLogFile } = await import('./log-file.js');
    state.log = openLogFile(g.logFile, ctx.cwd, argv);
  }
  states.set(ctx, state);
  const json = Boolean((cmd.opts() as { json?: unknown }).json);
  if (outputMode(ctx, { quiet: g.quiet, json }) === 'live') await preloadOra();
}

/**
 * commander lets the root consume `-q`/`-v` wherever they appear, so a command
 * that declares its own `--quiet` (convert) would never see it set. Copy the
 * root's value into the command's same-named option before its action runs.
 */
function propagateGlobalFlags(cmd: Command): void {
  for (const key of ['quiet', 'verbose'] as const) {
    const declared = cmd.options.some((o) => o.attributeName() === key);
    let root: Command = cmd;
    while (root.parent) root = root.parent;
    if (declared && root !== cmd && root.opts()[key] === true && cmd.opts()[key] !== true) cmd.setOptionValueWithSource(key, true, 'cli');
  }
}

/** The log sink of this run, if `--log-file` was given. */
export function logSinkOf(ctx: CliContext): LogSink | undefined {
  return states.get(ctx)?.log;
}

/** Close the log file at the end of the run (main.ts). */
export function finishUi(ctx: CliContext, exitCode: number): void {
  const log = states.get(ctx)?.log;
  if (!log) return;
  log.write('INFO', `exit code ${exitCode}`);
  log.close();
  states.delete(ctx);
}

export interface CommandRuntime {
  reporter: Reporter;
  /** Pass to `execFileRunner({ onFinish })`: logs argv, status and stderr; shown on stderr with -v. */
  onVirshFinish: (r: VirshResult) => void;
}

export function runtimeFor(cmd: Command, ctx: CliContext, extra: { json?: boolean; quiet?: boolean } = {}): CommandRuntime {
  const reporter = reporterFor(cmd, ctx, extra);
  const log = logSinkOf(ctx);
  // A second, log-less reporter used only for debug lines (never spins), so virsh
  // records are not written to the log twice.
  const terminal = createReporter(ctx, reporterOptions(cmd, extra));
  const verbose = globalUiOptions(cmd).verbose;
  return {
    reporter,
    onVirshFinish: (r) => {
      log?.virsh(r);
      // The log already has it; the terminal gets it only with -v.
      const status = r.timedOut ? 'timed out' : r.signal ? r.signal : `exit ${r.exitCode}`;
      if (verbose) {
        const stderr = r.stderr.trim();
        terminal.debug(`virsh: ${shellQuote(r.argv.slice(1))} (${status}, ${r.durationMs} ms)${stderr ? `\n  ${stderr}` : ''}`);
      }
    },
  };
}

/** A reporter honouring the global options (and the command's own --json/--quiet). */
export function reporterFor(cmd: Command, ctx: CliContext, extra: { json?: boolean; quiet?: boolean } = {}): Reporter {
  return createReporter(ctx, { ...reporterOptions(cmd, extra), log: logSinkOf(ctx) });
}

function reporterOptions(cmd: Command, extra: { json?: boolean; quiet?: boolean }) {
  const g = globalUiOptions(cmd);
  const own = cmd.opts() as { json?: unknown };
  return { verbose: g.verbose, quiet: g.quiet || Boolean(extra.quiet), json: Boolean(extra.json ?? own.json), color: g.color };
}
