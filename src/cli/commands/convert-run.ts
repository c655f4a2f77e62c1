/**
 * The convert command's body, loaded on demand: options → runBatch → stdout
 * (XML or the JSON report), stderr (diagnostics, progress, summary), JUnit file
 * and exit code.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { countInputs } from '../../batch/find-inputs.js';
import { diagnosticLines } from '../../batch/diagnostic-lines.js';
import { runBatch, type BatchOptions } from '../../batch/run-batch.js';
import { BATCH_CODES, type BatchSummary, type InputResult, type ReportedError } from '../../batch/types.js';
import { Xend2LibxlError, UsageError } from '../../errors.js';
import type { Command } from 'commander';
import { globalUiOptions, logSinkOf, reporterFor } from '../../ui/cli-runtime.js';
import type { LogSink } from '../../ui/log-file.js';
import { reportError } from '../report-error.js';
import { allowedCodes, checkSomeInputExists, stdinIfNamed } from './convert-inputs.js';
import { watchStdout } from './stdout-failure.js';
import { createReporter } from '../../ui/reporter.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { ConvertCliOptions } from './convert.js';

const PLAIN_PROGRESS_MS = 5000;

export async function runConvertCommand(inputs: string[], cliOpts: ConvertCliOptions, ctx: CliContext, cmd?: Command): Promise<number> {
  // The root's -q counts as well as the command's own.
  const opts = { ...cliOpts, quiet: cliOpts.quiet || (cmd ? globalUiOptions(cmd).quiet : false) };
  const toStdout = opts.outDir === undefined && !opts.json;
  if (toStdout && inputs.length > 1) {
    throw new UsageError('several inputs need an output directory', 'add -o OUTDIR (one <name>.xml per domain), or --json for one report with every XML');
  }
  if (toStdout && (await isDirectory(ctx, inputs[0]))) {
    throw new UsageError(`${inputs[0]} is a directory: its configs need an output directory`, 'add -o OUTDIR (one <name>.xml per domain), or --json for one report with every XML');
  }
  if ((opts.allow?.length || opts.allowFile?.length) && !opts.strict) {
    throw new UsageError('--allow and --allow-file only matter with --strict', 'add --strict (warnings then fail an input unless their code is allowed)');
  }
  const allow = opts.strict ? await allowedCodes(ctx, opts.allow, opts.allowFile) : undefined;
  // A typo in the only path must not create the output directory (nothing is done at all).
  await checkSomeInputExists(ctx, inputs);
  const stdin = await stdinIfNamed(ctx, inputs);
  // The xend-config reader and the report writers load only when their flags ask for them (bench/startup.js).
  const xendDefaults = opts.xendConfig ? await xendDefaultsFrom(path.resolve(ctx.cwd, opts.xendConfig)) : undefined;
  const validate = opts.validate ? await schemaValidator() : undefined;
  const log = logSinkOf(ctx);
  const reporter = cmd ? reporterFor(cmd, ctx, { quiet: opts.quiet, json: opts.json }) : createReporter(ctx, { quiet: opts.quiet, json: opts.json });

  const stdout = watchStdout(ctx);
  const json = opts.json ? new (await import('../../batch/json-report.js')).JsonReportWriter(stdout) : undefined;
  const junit = opts.junit ? new (await import('../../batch/junit.js')).JUnitWriter(path.resolve(ctx.cwd, opts.junit)) : undefined;
  const showProgress = opts.outDir !== undefined && !opts.quiet && !opts.json;
  // A total costs a second walk of the tree: worth it only for a live progress bar on a terminal.
  // Plain logs get a line every few seconds instead.
  const total = showProgress && ctx.stderr.isTTY ? await countInputs(inputs, ctx.cwd) : undefined;
  let lastPlainUpdate = 0;
  const progress = showProgress ? reporter.progress('converting', total) : undefined;
  const startedAt = performance.now();

  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const batch: BatchOptions = {
    inputs,
    cwd: ctx.cwd,
    outDir: opts.outDir,
    force: opts.force,
    strict: opts.strict,
    allow,
    oneDomainPerInput: toStdout,
    stdin,
    jobs: opts.jobs,
    xendDefaults,
    validate,
    signal: abort.signal,
    onResult: (r) => {
      printDiagnostics(ctx, r, opts.quiet, log);
      if (toStdout && r.ok && r.xml !== undefined) stdout.write(r.xml.endsWith('\n') ? r.xml : `${r.xml}\n`);
      json?.add(r);
      junit?.add(r);
    },
    onProgress: (done, threads) => {
      const now = performance.now();
      if (total === undefined && now - lastPlainUpdate < PLAIN_PROGRESS_MS) return;
      lastPlainUpdate = now;
      const secs = (now - startedAt) / 1000;
      progress?.update(done, `${Math.round(done / Math.max(secs, 0.001))} files/s${threads ? `, ${threads} threads` : ''}`);
    },
  };

  let summary: BatchSummary;
  try {
    summary = await runBatch(batch);
  } catch (e) {
    progress?.fail();
    junit?.abort();
    throw e;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    reporter.close();
  }

  json?.finish(summary);
  // A report that cannot be written (a full disk) costs the report, not the outputs: they are complete,
  // the summary is still printed, and the run ends with the error and exit 1.
  let reportFailure: unknown;
  try {
    junit?.finish(summary);
  } catch (e) {
    reportFailure = e;
  }
  reportFailure ??= await stdout.failure();
  if (reportFailure === undefined && summary.inputs === 0) {
    throw new Xend2LibxlError('NO_INPUTS', `no config.sxp or *.sxp files found in ${inputs.join(', ')}`, {
      hint: 'point convert at xend\'s domain directory (/var/lib/xend/domains) or at the config files themselves',
    });
  }
  const line = summaryLine(summary, opts.outDir);
  if (summary.failed || summary.interrupted) progress?.fail(line);
  else progress?.done(line);
  if (!progress && !toStdout && !opts.quiet && !opts.json) reporter.info(line);

  if (reportFailure !== undefined) {
    log?.write('ERROR', reportFailure instanceof Error ? reportFailure.message : String(reportFailure));
    const code = reportError(reportFailure, ctx, false);
    return summary.interrupted ? EXIT.INTERRUPTED : code;
  }
  if (summary.interrupted) return EXIT.INTERRUPTED;
  return summary.failed > 0 ? EXIT.FAILED : EXIT.OK;
}

function printDiagnostics(ctx: CliContext, r: InputResult, quiet: boolean, log: LogSink | undefined): void {
  // Most inputs of a large batch have nothing to print under --quiet: skip formatting their warnings.
  if (quiet && !r.error && !log) return;
  const lines = diagnosticLines(r);
  // The log holds everything the terminal would show, --quiet or not.
  for (const l of lines) log?.write(/: error\[/.test(l) ? 'ERROR' : /: warning\[/.test(l) ? 'WARN' : 'INFO', l);
  if (quiet && !r.error) return;
  // --quiet keeps errors: a CI log must always say why it failed.
  const shown = quiet ? lines.filter((l) => !/: warning\[/.test(l)) : lines;
  if (shown.length) ctx.stderr.write(shown.join('\n') + '\n');
}

export function summaryLine(s: BatchSummary, outDir: string | undefined): string {
  const secs = s.durationMs / 1000;
  const rate = secs > 0 ? `, ${Math.round(s.inputs / secs)} files/s` : '';
  const where = outDir !== undefined ? `; wrote ${s.written} file${s.written === 1 ? '' : 's'} to ${outDir}` : '';
  const stop = s.interrupted ? ' (interrupted: the remaining inputs were not converted)' : '';
  return `converted ${s.converted} of ${s.inputs} inputs: ${s.withWarnings} with warnings, ${s.failed} failed${where} (${secs.toFixed(1)} s${rate})${stop}`;
}

async function isDirectory(ctx: CliContext, p: string | undefined): Promise<boolean> {
  if (p === undefined) return false;
  return (await stat(path.resolve(ctx.cwd, p)).catch(() => undefined))?.isDirectory() ?? false;
}

/** --validate: libvirt's domain schema through the converter's validator (real xmllint / virt-xml-validate). */
async function schemaValidator(): Promise<NonNullable<BatchOptions['validate']>> {
  const { validateDomainXmls } = await import('../../convert/validate-schema.js');
  return async (items) =>
    (await validateDomainXmls(items.map((i) => i.xml))).map((r): ReportedError | undefined =>
      r.ok
        ? undefined
        : {
            code: BATCH_CODES.SCHEMA_INVALID,
            message: `the converted XML does not match libvirt's domain schema (${r.tool}): ${r.errors.join('; ')}`,
            hint: 'this is a converter bug; please report it with the input file',
          },
    );
}

async function xendDefaultsFrom(file: string) {
  const { loadXendConfig } = await import('../../inventory/xend-config.js');
  return (await loadXendConfig(file))?.defaults;
}
