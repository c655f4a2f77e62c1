/**
 * How migrate/evacuate show what happens: progress bars / plain lines through the
 * shared Reporter on stderr, or JSON lines on stdout with --json; the per-domain
 * summary goes to stdout (it is the command's result).
 */
import type { CliContext } from '../context.js';
import type { ProgressHandle, Reporter } from '../../ui/reporter.js';
import type { JobEvent, JobResult } from '../../migrate/events.js';
import type { Check, DomainPreflight } from '../../migrate/preflight.js';
import { describeProgress } from '../../migrate/progress.js';
import { describeEnd } from '../../migrate/reconcile.js';

export interface MigrationView {
  event(e: JobEvent): void;
  warn(message: string): void;
  checks(scope: string, checks: Check[]): void;
  plan(opts: { from: string; to: string; parallel: number }, preflights: DomainPreflight[]): void;
  summary(results: JobResult[]): void;
  /** A second Ctrl-C while migrations that cannot be aborted run: where each guest is, or may end. */
  left(domains: string[], from: string, to: string): void;
  close(): void;
}

const MARK: Record<Check['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

/** Plain-language outcome of one job, used by the summary and JSON results. */
export function outcomeOf(r: JobResult): { status: 'migrated' | 'stayed' | 'not-started' | 'failed'; where: string; reason: string } {
  if (r.notStarted) return { status: 'not-started', where: 'source', reason: r.notStarted };
  const end = r.reconcile?.end ?? 'unknown';
  const why = r.cancelled === 'signal' ? 'cancelled by signal' : r.cancelled === 'timeout' ? 'completion timeout' : r.migrateError ?? '';
  if (end === 'moved') {
    const late = r.cancelUsed === 'wait' ? 'the driver cannot abort a migration: it was waited for and completed' : 'completed before the cancel took effect';
    return { status: 'migrated', where: 'destination', reason: r.cancelled ? late : '' };
  }
  if (end === 'stayed') return { status: 'stayed', where: 'source', reason: [why || 'migration did not complete', ...(r.reconcile?.problems ?? [])].join('; ') };
  return { status: 'failed', where: end, reason: [describeEnd(r.reconcile!), ...(r.reconcile?.problems ?? []), why].filter(Boolean).join('; ') };
}

/** `reporter` comes from the CLI runtime (global -q/-v/--log-file honoured); JSON lines bypass it. */
export function createMigrationView(ctx: CliContext, reporter: Reporter, o: { json: boolean }): MigrationView {
  const bars = new Map<string, { handle: ProgressHandle; measured: boolean }>();
  const json = (obj: Record<string, unknown>) => ctx.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...obj })}\n`);

  const bar = (domain: string, measured: boolean) => {
    let b = bars.get(domain);
    if (!b || b.measured !== measured) {
      b = { handle: reporter.progress(`${domain}`, measured ? 100 : undefined), measured };
      bars.set(domain, b);
    }
    return b.handle;
  };

  return {
    event(e) {
      if (o.json) {
        if (e.type === 'progress') json({ event: 'progress', domain: e.domain, ...e.progress, percent: e.progress.percent ?? null });
        else {
          const { type, ...rest } = e;
          json({ event: type, ...rest });
        }
        return;
      }
      switch (e.type) {
        case 'phase':
          if (e.phase === 'done') return;
          reporter.info(`${e.domain}: ${e.phase}${e.detail ? ` (${e.detail})` : ''}`);
          return;
        case 'progress': {
          const p = e.progress;
          const measured = p.mode === 'measured';
          bar(e.domain, measured).update(measured ? Math.floor(p.percent ?? 0) : Math.floor(p.elapsedMs / 1000), describeProgress(p));
          return;
        }
        case 'warning':
          reporter.warn(`${e.domain}: ${e.message}`);
          return;
        case 'note':
          reporter.info(`${e.domain}: ${e.message}`);
          return;
      }
    },
    warn(message) {
      if (o.json) json({ event: 'warning', message });
      else reporter.warn(message);
    },
    checks(scope, checks) {
      if (o.json) {
        json({ event: 'preflight', scope, checks });
        return;
      }
      for (const c of checks) {
        if (c.status === 'fail') reporter.warn(`${scope}: preflight ${c.name} FAILED: ${c.detail}`);
        else if (c.status === 'warn') reporter.warn(`${scope}: ${c.name}: ${c.detail}`);
        else reporter.debug(`${scope}: ${c.name}: ${c.status} ${c.detail}`);
      }
    },
    plan(opts, preflights) {
      if (o.json) {
        json({ event: 'plan', from: opts.from, to: opts.to, parallel: opts.parallel, domains: preflights.map((p) => ({ domain: p.domain, ok: p.ok, checks: p.checks })) });
        return;
      }
      ctx.stdout.write(`dry run: ${preflights.length} domain(s) ${opts.from} -> ${opts.to}, ${opts.parallel} at a time per host\n`);
      for (const p of preflights) {
        ctx.stdout.write(`${p.domain}: ${p.ok ? 'would migrate' : 'would NOT migrate'}\n`);
        for (const c of p.checks) ctx.stdout.write(`  [${MARK[c.status]}] ${c.name}: ${c.detail}\n`);
      }
    },
    summary(results) {
      for (const r of results) {
        const out = outcomeOf(r);
        const b = bars.get(r.domain);
        if (out.status === 'migrated') b?.handle.done(`${r.domain}: migrated in ${(r.durationMs / 1000).toFixed(1)} s`);
        else b?.handle.fail(`${r.domain}: ${out.status} (${out.reason})`);
        if (o.json) {
          json({ event: 'result', domain: r.domain, ...out, durationMs: r.durationMs, cancelled: r.cancelled ?? null, cancelUsed: r.cancelUsed ?? null, migrateError: r.migrateError ?? null, actions: r.reconcile?.actions ?? [], source: r.reconcile?.source ?? null, destination: r.reconcile?.dest ?? null });
        } else {
          ctx.stdout.write(`${r.domain}\t${out.status}\t${r.reconcile ? describeEnd(r.reconcile) : 'untouched on the source'}${out.reason ? `\t${out.reason}` : ''}\n`);
          for (const a of r.reconcile?.actions ?? []) reporter.info(`${r.domain}: ${a}`);
        }
      }
      const moved = results.filter((r) => r.ok).length;
      if (o.json) json({ event: 'summary', migrated: moved, notMigrated: results.length - moved, total: results.length });
      else reporter.info(`${moved} of ${results.length} domain(s) migrated`);
    },
    left(domains, from, to) {
      for (const d of domains) {
        const where = `left untouched while libxl migrates it: it should end running on ${to} if the migration completes, else on ${from}; nothing reconciles it now, so check both when it is over (\`virsh -c ${from} domstate ${d}\`, \`virsh -c ${to} domstate ${d}\`) — if it stays paused on the source with no copy on the destination, \`virsh -c ${from} resume ${d}\``;
        if (o.json) json({ event: 'left', domain: d, source: from, destination: to, message: where });
        else ctx.stdout.write(`${d}\tleft\t${where}\n`);
      }
    },
    close() {
      reporter.close();
    },
  };
}
