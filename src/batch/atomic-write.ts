/**
 * Output files appear whole or not at all: the XML is written to a temp file in
 * the same directory and then linked (no overwrite) or renamed (--force) into
 * place. One thread does it per batch: the main thread, or in a large batch the
 * output thread (output-writer.ts). A run killed at any moment leaves only
 * complete `.xml` files, plus at worst `.xend2libxl-<pid>-<thread>-<n>.tmp`
 * files that the next run removes.
 *
 * Outputs are created 0600, as libvirt keeps its own domain XML: they may carry
 * a VNC password. Re-running after an interruption is safe: a file already
 * holding exactly our XML counts as written, not as OUTPUT_EXISTS.
 */
import { closeSync, constants, copyFileSync, existsSync, fchmodSync, fstatSync, linkSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { Xend2LibxlError } from '../errors.js';
import { BATCH_CODES, type ReportedError } from './types.js';

// pid, thread, counter; the older two-number form (no thread) is still recognised as a stale temp.
const TEMP_PATTERN = /^\.xend2libxl-(\d+)-(\d+)(?:-(\d+))?\.tmp(\.2)?$/;
let counter = 0;

/** Unique within the machine while this process lives: the thread id keeps threads apart. */
export function tempNameFor(pid = process.pid): string {
  return `.xend2libxl-${pid}-${threadId}-${counter++}.tmp`;
}

export function isTempName(name: string): boolean {
  return TEMP_PATTERN.test(name);
}

/**
 * Write `data` to `dir/name`. Without `force` an existing file is never
 * replaced, even one created by someone else a microsecond ago (link(2) fails
 * with EEXIST atomically).
 * @throws Xend2LibxlError OUTPUT_EXISTS or OUTPUT_WRITE_FAILED
 */
export function writeFileAtomic(dir: string, name: string, data: string, force: boolean): string {
  const final = path.join(dir, name);
  try {
    return commitTemp(writeTemp(dir, data, final), final, force);
  } catch (e) {
    // An earlier, interrupted run already wrote this very file: that is success, not a clash.
    if (e instanceof Xend2LibxlError && e.code === BATCH_CODES.OUTPUT_EXISTS && holdsExactly(final, data)) return final;
    throw e;
  }
}

/** Output files (and the temp files they start as) are private to the owner: they may hold a VNC password. */
export const OUTPUT_FILE_MODE = 0o600;

/**
 * Whether `file` is a regular file (not a link) holding exactly `data`. Such a
 * file is left in place and made private (an older version wrote 0644).
 */
export function holdsExactly(file: string, data: string): boolean {
  let fd: number | undefined;
  try {
    // No link is followed and nothing blocks: a FIFO or a link under the name is simply "not ours".
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size !== Buffer.byteLength(data)) return false;
    if (readFileSync(fd, 'utf8') !== data) return false;
    if ((st.mode & 0o077) !== 0) {
      try {
        fchmodSync(fd, OUTPUT_FILE_MODE);
      } catch {
        /* someone else's file with our content: still complete, just not ours to change */
      }
    }
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * {@link writeFileAtomic} with the failure as data (for threads that answer with plain values).
 * @returns undefined when the file is in place, else why it is not
 */
export function tryWriteFileAtomic(dir: string, name: string, data: string, force: boolean): ReportedError | undefined {
  try {
    writeFileAtomic(dir, name, data, force);
    return undefined;
  } catch (e) {
    const err = e as Xend2LibxlError;
    const reported: ReportedError = { code: err.code ?? BATCH_CODES.OUTPUT_WRITE_FAILED, message: err.message };
    if (err.hint !== undefined) reported.hint = err.hint;
    return reported;
  }
}

/**
 * First half of an atomic write: the data in a fresh temp file in `dir`.
 * @returns the temp file's path
 * @throws Xend2LibxlError OUTPUT_WRITE_FAILED about `final` (no temp file is left behind)
 */
function writeTemp(dir: string, data: string, final: string): string {
  const temp = path.join(dir, tempNameFor());
  try {
    writeFileSync(temp, data, { mode: OUTPUT_FILE_MODE, flag: 'wx' });
    return temp;
  } catch (e) {
    discardTemp(temp);
    throw writeFailed(final, e);
  }
}

/**
 * Second half: move the temp file into place as `dir/name` (rename with
 * `force`, else link without replacing). The temp file is gone afterwards,
 * whatever happened.
 * @throws Xend2LibxlError OUTPUT_EXISTS or OUTPUT_WRITE_FAILED
 */
function commitTemp(temp: string, final: string, force: boolean): string {
  try {
    if (force) renameSync(temp, final);
    else {
      try {
        linkNoReplace(temp, final);
      } finally {
        unlinkSync(temp);
      }
    }
    return final;
  } catch (e) {
    discardTemp(temp);
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Xend2LibxlError('OUTPUT_EXISTS', `${final} already exists`, { file: final, hint: 'pass --force to replace it, or choose an empty output directory' });
    }
    throw writeFailed(final, e);
  }
}

/** Remove a temp file that will not be committed; a missing one is fine. */
function discardTemp(temp: string): void {
  try {
    unlinkSync(temp);
  } catch {
    /* already gone */
  }
}

/** Why a write failed, for the errors a full, read-only or foreign output directory gives. */
const WRITE_ERRORS: Record<string, { why: string; hint: string }> = {
  ENOSPC: { why: 'no space left on the output device', hint: 'free some space or choose another -o, then run again with --force (files already written are complete)' },
  EDQUOT: { why: 'disk quota exceeded', hint: 'free some space or choose another -o, then run again with --force (files already written are complete)' },
  EROFS: { why: 'the output directory is on a read-only file system', hint: 'choose a writable directory with -o' },
  EACCES: { why: 'permission denied', hint: 'choose a directory you may write to with -o, or run as its owner' },
  EPERM: { why: 'operation not permitted', hint: 'choose a directory you may write to with -o, or run as its owner' },
};

function writeFailed(file: string, e: unknown): Xend2LibxlError {
  const known = WRITE_ERRORS[(e as NodeJS.ErrnoException).code ?? ''];
  return new Xend2LibxlError('OUTPUT_WRITE_FAILED', `cannot write ${file}: ${writeErrorReason(e)}`, { file, hint: known?.hint, cause: e });
}

/** Why a write failed, in words with the errno code: `no space left on the output device (ENOSPC)`. */
export function writeErrorReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const known = WRITE_ERRORS[err.code ?? ''];
  return known ? `${known.why} (${err.code})` : (err.code ?? err.message);
}

/** link(2), or on filesystems without hard links a check-then-copy (not race-free, but still never half-written). */
function linkNoReplace(temp: string, final: string): void {
  try {
    linkSync(temp, final);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw e;
    if (existsSync(final)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    const second = `${temp}.2`;
    copyFileSync(temp, second);
    renameSync(second, final);
  }
}

/** Remove temp files left by runs that were killed (their process no longer exists). */
export function removeStaleTemps(dir: string): number {
  return removeTemps(dir, (pid) => !isAlive(pid));
}

/**
 * Remove this process's temp files written by the given threads: after a
 * batch that stopped early, conversions finished or cut short on those threads
 * may have left temps that no result names.
 */
export function removeThreadTemps(dir: string, threads: ReadonlySet<number>): number {
  return removeTemps(dir, (pid, thread) => pid === process.pid && thread !== undefined && threads.has(thread));
}

function removeTemps(dir: string, unwanted: (pid: number, thread: number | undefined) => boolean): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const m = TEMP_PATTERN.exec(name);
    if (!m || !unwanted(Number(m[1]), m[3] === undefined ? undefined : Number(m[2]))) continue;
    try {
      unlinkSync(path.join(dir, name));
      removed++;
    } catch {
      /* raced with another cleaner */
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
