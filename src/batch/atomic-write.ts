/**
 * Output files appear whole or not at all: the XML is written to a temp file in
 * the same directory and then linked (no overwrite) or renamed (--force) into
 * place. A run killed at any moment leaves only complete `.xml` files, plus at
 * worst a `.xend2libxl-<pid>-<n>.tmp` that the next run removes.
 */
import { copyFileSync, existsSync, linkSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Xend2LibxlError } from '../errors.js';

const TEMP_PATTERN = /^\.xend2libxl-(\d+)-\d+\.tmp(\.2)?$/;
let counter = 0;

export function tempNameFor(pid = process.pid): string {
  return `.xend2libxl-${pid}-${counter++}.tmp`;
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
  const temp = path.join(dir, tempNameFor());
  try {
    writeFileSync(temp, data, { mode: 0o644 });
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
    const err = e as NodeJS.ErrnoException;
    try {
      unlinkSync(temp);
    } catch {
      /* already gone */
    }
    if (err.code === 'EEXIST') {
      throw new Xend2LibxlError('OUTPUT_EXISTS', `${final} already exists`, { file: final, hint: 'pass --force to replace it, or choose an empty output directory' });
    }
    throw new Xend2LibxlError('OUTPUT_WRITE_FAILED', `cannot write ${final}: ${err.code ?? err.message}`, { file: final, cause: e });
  }
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
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const m = TEMP_PATTERN.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
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
