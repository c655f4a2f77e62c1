/**
 * The upgrade journal: one JSON file in the backup dir, rewritten atomically
 * after every step of every domain. It is the single source of truth for
 * `--resume` and `--rollback`, so it records not only how far each domain got
 * but what *we* did (stopped, defined, started) — rollback undoes only that.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Xend2LibxlError } from '../errors.js';
import { replaceFileDurably } from './durable-write.js';
import type { CrashHook } from './crash-hook.js';
import { validateJournal } from './journal-schema.js';
import { isStep, type Step } from './steps.js';

export const JOURNAL_FILE = 'journal.json';
const FORMAT = 'xend2libxl-upgrade-journal';

/** in-progress: moving through the steps; held: waits for the admin (e.g. shutdown timeout); failed: this domain stopped with an error. */
export type DomainStatus = 'in-progress' | 'held' | 'failed' | 'done' | 'rolled-back';

export interface JournalProblem {
  code: string;
  message: string;
  hint?: string;
}

export interface JournalDomain {
  /** Stable key: the uuid when known, else `name:<name>`. */
  id: string;
  name: string;
  uuid?: string;
  origin: 'xend' | 'unmanaged';
  /** Directory name under the xend root (origin xend). */
  entry?: string;
  /** Name of the domain on --from, when it was there at plan time. */
  fromName?: string;
  step: Step;
  status: DomainStatus;
  /** Running on --from when the plan was made. */
  wasRunning: boolean;
  /** xend's on_xend_start=start / auto_power_on. */
  autostart: boolean;
  /** Backup-relative path of the XML we define. */
  xmlFile?: string;
  xmlSha256?: string;
  stoppedByUs: boolean;
  definedByUs: boolean;
  startedByUs: boolean;
  autostartSetByUs: boolean;
  /**
   * Set when this domain shares a writable disk with another one of the plan and
   * was not the one chosen to run: the upgrade neither starts it nor sets
   * autostart (both would boot on one disk and corrupt it). Says why.
   */
  startBlockedBy?: string;
  /** sha256 of `dumpxml --inactive --security-info` right after verification: "unchanged since" for rollback. */
  definedXmlSha256?: string;
  error?: JournalProblem;
  /** What the admin should do next for this domain. */
  next?: string;
  warnings: JournalProblem[];
  history: { event: string; at: string }[];
}

export type SwitchMode = 'none' | 'command' | 'pause';

export interface JournalOptions {
  xendRoot: string;
  /** xend-config.sxp the conversion defaults came from; a resumed run converts with the same. */
  xendConfig?: string;
  to: string;
  from?: string;
  includeUnmanaged: boolean;
  switchMode: SwitchMode;
  switchCommand?: string;
  /** --domain filter the upgrade was started with. */
  only?: string[];
}

export interface Journal {
  format: typeof FORMAT;
  version: 1;
  createdAt: string;
  updatedAt: string;
  options: JournalOptions;
  switch: { state: 'not-needed' | 'pending' | 'awaiting' | 'done' | 'failed'; at?: string; detail?: string };
  rollback?: { at: string; state: 'running' | 'done' | 'partial' };
  /** Plan-level warnings (unmanaged domains left out, …), kept for the final report of a resumed run. */
  planWarnings?: JournalProblem[];
  domains: JournalDomain[];
}

export function newJournal(options: JournalOptions, domains: JournalDomain[], now = new Date()): Journal {
  const at = now.toISOString();
  return {
    format: FORMAT,
    version: 1,
    createdAt: at,
    updatedAt: at,
    options,
    switch: { state: options.switchMode === 'none' ? 'not-needed' : 'pending' },
    domains,
  };
}

export async function readJournal(backupDir: string): Promise<Journal | undefined> {
  const file = path.join(backupDir, JOURNAL_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Xend2LibxlError('JOURNAL_UNREADABLE', `cannot read the upgrade journal: ${(e as Error).message}`, { file });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Xend2LibxlError('JOURNAL_CORRUPT', `the upgrade journal is not valid JSON: ${(e as Error).message}`, {
      file,
      hint: 'the journal is written atomically, so this file was edited by hand or the disk is damaged; restore it from a copy',
      cause: e,
    });
  }
  return validateJournal(parsed, backupDir, file);
}

/**
 * Holds the journal in memory and serialises writes: domain pipelines run in
 * parallel, but each write is the complete, consistent state. Group commit:
 * callers that arrive while a write is in flight share the next write (it
 * serialises the state at the moment it starts, so it includes their change),
 * which keeps one fsync per round instead of one per domain step.
 */
export class JournalStore {
  private writing: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    readonly journal: Journal,
    private readonly crashHook: CrashHook = () => {},
  ) {}

  domain(id: string): JournalDomain {
    const d = this.journal.domains.find((x) => x.id === id);
    if (!d) throw new Error(`journal has no domain ${id}`);
    return d;
  }

  /** Record `event` for a domain (a step or a note), persist, then fire the test-only crash hook. */
  async record(d: JournalDomain, event: string, change: Partial<JournalDomain> = {}): Promise<void> {
    Object.assign(d, change);
    if (isStep(event)) d.step = event;
    d.history.push({ event, at: new Date().toISOString() });
    await this.commit();
    this.crashHook(event, d.name);
  }

  /** The same event for many domains, persisted with one write (the switch step marks every domain at once). */
  async recordAll(ds: JournalDomain[], event: string): Promise<void> {
    const at = new Date().toISOString();
    for (const d of ds) {
      if (isStep(event)) d.step = event;
      d.history.push({ event, at });
    }
    await this.commit();
    for (const d of ds) this.crashHook(event, d.name);
  }

  /** Persist the whole journal; resolves once a write that started after this call is on disk. */
  async commit(event?: string): Promise<void> {
    this.queued ??= this.writing
      .catch(() => {})
      .then(() => {
        this.queued = undefined;
        this.journal.updatedAt = new Date().toISOString();
        this.writing = replaceFileDurably(path.join(this.dir, JOURNAL_FILE), `${JSON.stringify(this.journal, null, 2)}\n`);
        return this.writing;
      });
    await this.queued;
    if (event) this.crashHook(event);
  }
}
