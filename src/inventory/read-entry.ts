/**
 * One entry of xend's domain store: `<root>/<uuid>/config.sxp` (+ maybe
 * `checkpoint.chk`) → what we know about it and what is wrong with it.
 * Never throws for a bad entry: the walk must go on with the others.
 */
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { convertSxpDocument, type XendDefaults } from '../convert/api.js';
import { Xend2LibxlError } from '../errors.js';
import { childString, isList, type SxpDocument, type SxpList } from '../sxp/model.js';
import { parseSxp } from '../sxp/index.js';
import { ConfigReadError, readConfigFile } from '../sxp/read-file.js';
import { applyConversion } from './from-conversion.js';
import { endsInsideOpenForm } from './truncation.js';
import { INVENTORY_CODES as C, statusOf, type InventoryEntry, type Problem, type XendState } from './types.js';

const CHECKPOINT_SIGNATURE = 'LinuxGuestRecord';

/** xend's XenAPI power states, `(status N)`. */
const POWER_STATES: Record<string, XendState> = {
  '0': 'halted',
  '1': 'paused',
  '2': 'running',
  '3': 'suspended',
  '4': 'shutting-down',
  '5': 'crashed',
};

export async function readEntry(dir: string, defaults: XendDefaults = {}, keepConversion = false): Promise<InventoryEntry> {
  const directoryUuid = path.basename(dir);
  const configPath = path.join(dir, 'config.sxp');
  const entry: InventoryEntry = { path: configPath, directoryUuid, disks: [], macs: [], state: 'unknown', status: 'ok', problems: [] };
  const problems = entry.problems;

  const checkpoint = await inspectCheckpoint(path.join(dir, 'checkpoint.chk'));
  const text = await readConfig(configPath, problems);
  if (text !== undefined) describeConfig(entry, text, defaults, keepConversion);

  if (checkpoint) {
    entry.checkpointBytes = checkpoint.bytes;
    entry.state = 'suspended';
    problems.push(checkpointProblem(entry.name ?? directoryUuid, checkpoint));
  }
  entry.status = statusOf(problems);
  return entry;
}

async function readConfig(configPath: string, problems: Problem[]): Promise<Buffer | undefined> {
  let text: Buffer;
  try {
    // Regular files of at most 16 MiB only: a FIFO, /dev/zero or a huge file is this entry's problem,
    // never a hang or an out-of-memory end of the walk (read-file.ts).
    text = await readConfigFile(configPath);
  } catch (e) {
    const err = e as ConfigReadError;
    const why =
      err.problem === 'missing' ? 'the directory has no config.sxp; xend skipped it at start'
      : err.problem === 'directory' ? 'config.sxp is a directory, not a file; xend skipped this entry'
      : err.problem === 'not-regular' || err.problem === 'too-large' ? `${err.describe('config.sxp')}; it was not read`
      : `config.sxp cannot be read (${err.reason ?? err.message}); check permissions and the disk`;
    problems.push({ code: C.UNREADABLE, severity: 'error', message: why });
    return undefined;
  }
  if (text.toString('latin1').trim() === '') {
    problems.push({ code: C.TRUNCATED, severity: 'error', message: 'config.sxp is empty (xend was probably interrupted while rewriting it); restore it from a backup or `xm list -l NAME` output' });
    return undefined;
  }
  return text;
}

function describeConfig(entry: InventoryEntry, text: Buffer, defaults: XendDefaults, keepConversion: boolean): void {
  const problems = entry.problems;
  let top: SxpList | undefined;
  let doc: SxpDocument;
  try {
    doc = parseSxp(text, { file: entry.path });
    const form = doc.forms[0];
    top = isList(form) ? form : undefined;
  } catch (e) {
    problems.push(syntaxProblem(e, text));
    salvageIdentity(entry, text.toString('latin1'));
    return;
  }
  if (top) {
    // Fallbacks so that the table can still name an entry the converter rejects.
    entry.name = childString(top, 'name') ?? childString(top, 'name_label');
    entry.uuid = childString(top, 'uuid')?.toLowerCase();
    entry.state = POWER_STATES[childString(top, 'status') ?? ''] ?? 'unknown';
  }

  try {
    // Parsed once above; the converter reads the same document.
    const result = convertSxpDocument(doc, { file: entry.path, xendDefaults: defaults });
    if (keepConversion) entry.conversion = result;
    applyConversion(entry, result);
  } catch (e) {
    problems.push({ code: C.INTERNAL, severity: 'error', message: `the converter failed unexpectedly: ${(e as Error).message}` });
  }

  if (entry.uuid !== entry.directoryUuid) {
    problems.push({
      code: C.UUID_MISMATCH,
      severity: 'error',
      message:
        (entry.uuid ? `config.sxp says uuid ${entry.uuid} but the directory is ${entry.directoryUuid}` : `config.sxp has no uuid but the directory is ${entry.directoryUuid}`) +
        '; xend skipped this entry, so it is not a managed domain (a stale copy?). Remove it, or rename the directory to the uuid inside if it is the real domain',
    });
  }
}

/** Name and uuid of an unparsable file, so the admin knows which domain it was (first occurrence, like xend). */
function salvageIdentity(entry: InventoryEntry, text: string): void {
  const value = (key: string) => new RegExp(`\\(${key}\\s+['"]?([^\\s()'"]+)`).exec(text)?.[1];
  entry.name = value('name') ?? value('name_label');
  entry.uuid = value('uuid')?.toLowerCase();
}

function syntaxProblem(e: unknown, text: Buffer): Problem {
  const err = e instanceof Xend2LibxlError ? e : undefined;
  const line = err?.position?.line;
  const column = err?.position?.column;
  const message = err?.message ?? String(e);
  if (err?.code === 'SXP_UNEXPECTED_EOF' || endsInsideOpenForm(text.toString('latin1'))) {
    return {
      code: C.TRUNCATED,
      severity: 'error',
      message: `config.sxp ends inside an open list (truncated: xend was interrupted while rewriting it): ${message}; xend skipped this entry. Restore it from a backup or from \`xm list -l NAME\` output`,
      line,
      column,
    };
  }
  return { code: C.SYNTAX, severity: 'error', message: `config.sxp cannot be parsed: ${message}; xend skipped this entry`, line, column };
}

interface CheckpointInfo {
  bytes: number;
  /** Whether it starts with xend's signature; undefined when it could not be read to tell. */
  signed?: boolean;
}

/**
 * checkpoint.chk's size and signature; undefined when there is none. A stat that
 * fails for want of permission says nothing about the file (the unreadable
 * entry is reported through its config.sxp), so it does not count as present.
 */
async function inspectCheckpoint(file: string): Promise<CheckpointInfo | undefined> {
  let st;
  try {
    st = await stat(file);
  } catch {
    return undefined;
  }
  if (!st.isFile()) return { bytes: st.size, signed: false };
  try {
    // Non-blocking, like every read here: the path may have become a FIFO since the stat.
    const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const head = Buffer.alloc(CHECKPOINT_SIGNATURE.length);
      const { bytesRead } = await fh.read(head, 0, head.length, 0);
      return { bytes: st.size, signed: head.subarray(0, bytesRead).toString('latin1') === CHECKPOINT_SIGNATURE };
    } finally {
      await fh.close();
    }
  } catch {
    return { bytes: st.size };
  }
}

function checkpointProblem(name: string, cp: CheckpointInfo): Problem {
  const size = cp.bytes >= 1 << 20 ? `${Math.round(cp.bytes / (1 << 20))} MiB` : `${cp.bytes} bytes`;
  const damaged =
    cp.signed === undefined ? ' (it could not be read to check its signature)'
    : cp.signed ? ''
    : ' (it does not start with xend\'s LinuxGuestRecord signature: it may be damaged)';
  return {
    code: C.CHECKPOINT,
    severity: 'warning',
    message:
      `xend suspended this domain to checkpoint.chk (${size})${damaged}; libxl cannot resume xend's image format. ` +
      `Before switching toolstacks run \`xm resume ${name}\` under xend, then shut it down cleanly or live-migrate it; ` +
      'otherwise it will boot from disk and the suspended memory state is lost (delete checkpoint.chk once you accept that)',
  };
}
