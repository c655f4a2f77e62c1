/**
 * The backup directory holds everything needed to undo an upgrade (copies of
 * xend's files, the XML we defined, the old driver's XML) and the journal,
 * which `--resume` and `--rollback` act on as root. So, like ssh with ~/.ssh:
 * the directory and every file in it must belong to the user running us and be
 * writable by nobody else, no symlinks anywhere in it (someone could redirect
 * our reads or writes), never inside the xend root, and never a non-empty
 * directory without our marker. Every check runs *before* anything is created,
 * and `--dry-run` runs the same checks. A bad path is a usage error (exit 2).
 */
import { chmod, lstat, mkdir, open, readdir, readFile, realpath, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { UsageError, Xend2LibxlError } from '../errors.js';
import { replaceFileDurably } from './durable-write.js';

export const MARKER_FILE = '.xend2libxl-backup';
const LOCK_FILE = 'upgrade.lock';

/** A refused --backup-dir: exit 2 like any usage error, with its own code. */
export class BackupDirError extends UsageError {
  constructor(code: string, message: string, hint?: string) {
    super(message, hint);
    Object.defineProperty(this, 'code', { value: code });
  }
}

/** 'new': a fresh upgrade (or its dry run) may create it; 'existing': --resume/--rollback need our upgrade in it. */
export type BackupDirUse = 'new' | 'existing';

const myUid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** The checks alone: nothing is created or changed. Returns whether the directory exists. */
export async function checkBackupDir(dir: string, xendRoot: string | undefined, use: BackupDirUse): Promise<{ exists: boolean }> {
  const st = await lstatOrUndefined(dir);
  if (!st) {
    if (use === 'existing') throw new BackupDirError('BACKUP_DIR_MISSING', `backup directory ${dir} does not exist`, 'give the --backup-dir of the upgrade to continue or undo');
    if (xendRoot) await refuseInside(dir, xendRoot);
    return { exists: false };
  }
  if (st.isSymbolicLink()) throw new BackupDirError('BACKUP_DIR_SYMLINK', `backup directory ${dir} is a symbolic link; refusing to write through it`, 'give the real directory path with --backup-dir');
  if (!st.isDirectory()) throw new BackupDirError('BACKUP_DIR_NOT_DIR', `backup directory ${dir} exists and is not a directory`, 'name a new or empty directory');
  refuseForeign(dir, st, 'backup directory');
  const entries = await readdir(dir);
  const ours = entries.includes(MARKER_FILE);
  if (!ours && entries.length > 0) throw new BackupDirError('BACKUP_DIR_NOT_OURS', `backup directory ${dir} is not empty and was not created by xend2libxl`, 'choose a new or empty directory for --backup-dir');
  if (!ours && use === 'existing') throw new BackupDirError('BACKUP_DIR_MISSING', `backup directory ${dir} holds no upgrade`, 'give the --backup-dir of the upgrade to continue or undo');
  if (ours) await checkContents(dir);
  if (xendRoot) await refuseInside(dir, xendRoot);
  return { exists: true };
}

/** Check, then create (0700, with our marker) what does not exist yet. */
export async function prepareBackupDir(dir: string, xendRoot: string | undefined, use: BackupDirUse): Promise<void> {
  const { exists } = await checkBackupDir(dir, xendRoot, use);
  if (!exists) {
    await mkdir(path.dirname(path.resolve(dir)), { recursive: true, mode: 0o700 });
    await mkdir(dir, { mode: 0o700 });
    // Between the check and the mkdir another user could have put something there: look again.
    await checkBackupDir(dir, xendRoot, use);
  }
  await chmod(dir, 0o700);
  const marker = path.join(dir, MARKER_FILE);
  if (!(await lstatOrUndefined(marker))) {
    await replaceFileDurably(marker, `${JSON.stringify({ tool: 'xend2libxl', purpose: 'upgrade backup', created: new Date().toISOString() })}\n`);
  }
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  return lstat(p).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
}

function refuseForeign(p: string, st: Stats, what: string): void {
  const uid = myUid();
  if (uid !== undefined && st.uid !== uid) {
    throw new BackupDirError('BACKUP_DIR_NOT_PRIVATE', `${what} ${p} belongs to uid ${st.uid}, not to you (uid ${uid}): its owner could change what --resume and --rollback do`, 'use a directory you created yourself (a new path is created 0700)');
  }
  if ((st.mode & 0o022) !== 0) {
    throw new BackupDirError('BACKUP_DIR_NOT_PRIVATE', `${what} ${p} is writable by ${st.mode & 0o002 ? 'everyone' : 'its group'} (mode ${(st.mode & 0o777).toString(8)}): others could change what --resume and --rollback do`, `make it private (chmod go-w ${p}) if nobody else changed it, or start over with a new --backup-dir`);
  }
}

/** Every file and directory below: ours, not writable by others, no symlinks or special files. */
async function checkContents(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const p = path.join(dir, name);
    const st = await lstat(p);
    if (st.isSymbolicLink() || !(st.isFile() || st.isDirectory())) {
      throw new BackupDirError('BACKUP_DIR_NOT_PRIVATE', `${p} in the backup directory is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; xend2libxl never writes one`, 'someone changed the backup; inspect it before trusting it');
    }
    refuseForeign(p, st, st.isDirectory() ? 'directory' : 'file');
    if (st.isDirectory()) await checkContents(p);
  }
}

/**
 * We never write under the xend root, and a backup inside it would be. Checked
 * on the path it *would* have, before anything exists: the real path of the
 * deepest existing ancestor plus the parts still to be created.
 */
async function refuseInside(dir: string, xendRoot: string): Promise<void> {
  const real = await realpathOfFuture(path.resolve(dir));
  const root = await realpath(xendRoot).catch(() => path.resolve(xendRoot));
  if (real === root || real.startsWith(root + path.sep)) {
    throw new BackupDirError('BACKUP_DIR_IN_XEND_ROOT', `backup directory ${dir} is inside the xend root ${xendRoot}`, 'the xend root is never modified; put the backup elsewhere');
  }
}

async function realpathOfFuture(p: string): Promise<string> {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return path.join(await realpath(cur), ...rest);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(cur) === cur) throw e;
      rest.unshift(path.basename(cur));
      cur = path.dirname(cur);
    }
  }
}

/** `rel` (from the journal or manifest) as a path inside the backup dir, or a refusal. */
export function insideBackupDir(dir: string, rel: string, what: string): string {
  const abs = path.resolve(dir, rel);
  if (path.isAbsolute(rel) || !abs.startsWith(path.resolve(dir) + path.sep)) {
    throw new BackupDirError('JOURNAL_PATH_OUTSIDE', `${what} ${JSON.stringify(rel)} points outside the backup directory ${dir}`, 'the journal was edited; restore it or start a new upgrade');
  }
  return abs;
}

/**
 * One upgrade process per backup dir. A lock left by a killed process (its pid
 * is gone) is taken over, which is what makes `--resume` after kill -9 work.
 */
export async function acquireLock(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return () => unlink(file).catch(() => {});
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Xend2LibxlError('UPGRADE_LOCKED', `another upgrade (pid ${pid}) is working in ${dir}`, { hint: `wait for it to finish; if it is gone, remove ${file}` });
      }
      await unlink(file).catch(() => {});
    }
  }
  throw new Xend2LibxlError('UPGRADE_LOCKED', `cannot lock ${dir}`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
