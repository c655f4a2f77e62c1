import type { RunContext, UpgradeOptions } from './context.js';
import { JournalStore, type Journal } from './journal.js';
import { Manifest } from './manifest.js';
import { StatePoller } from './state-poller.js';

/** The context one upgrade, resume or rollback run works in, over the journal it holds the lock for. */
export async function openRunContext(
  deps: RunContext['deps'],
  opts: UpgradeOptions,
  journal: Journal,
  known: Pick<RunContext, 'seen' | 'sourceXml'> = { seen: {} },
): Promise<RunContext> {
  return {
    deps,
    opts,
    store: new JournalStore(opts.backupDir, journal, deps.crashHook),
    manifest: await Manifest.open(opts.backupDir),
    poller: new StatePoller(deps.hv, deps.clock, opts.pollMs ?? 250, opts.signal),
    emit: (e) => deps.onEvent?.(e),
    ...known,
  };
}
