/**
 * The backup directory holds everything needed to undo an upgrade (copies of
 * xend's files, the XML we defined, the old driver's XML) and the journal.
 * It must be private (0700, files 0600: config.sxp holds VNC passwords in clear
 * text), must not be a symlink (someone could redirect our writes), and must be
 * ours: we never adopt a non-empty directory that lacks our marker file.
 */
import { chmod, lstat, mkdir, open, readdir, readFile, realpath, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Xend2LibxlError } from '../errors.js';
import { replaceFileDurably } from './durable-write.js';

export const MARKER_FILE = '.xend2libxl-backup';
const LOCK_FILE = 'upgrade.lock';

export async function prepareBackupDir(dir: string, xendRoot: string | undefined, opts: { create: boolean }): Promise<void> {
  const st = await lstat(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  if (st?.isSymbolicLink()) {
    throw new Xend2LibxlError('BACKUP_DIR_SYMLINK', `backup directory ${dir} is a symbolic link; refusing to write through it`, {
      hint: 'give the real directory path with --backup-dir',
    });
  }
  if (st && !st.isDirectory()) throw new Xend2LibxlError('BACKUP_DIR_NOT_DIR', `backup directory ${dir} exists and is not a directory`);
  if (!st) {
    if (!opts.create) throw new Xend2LibxlError('BACKUP_DIR_MISSING', `backup directory ${dir} does not exist`, { hint: 'give the --backup-dir of the upgrade to continue or undo' });
    await mkdir(path.dirname(path.resolve(dir)), { recursive: true, mode: 0o700 });
    await mkdir(dir, { mode: 0o700 });
  } else {
    const entries = await readdir(dir);
    if (!entries.includes(MARKER_FILE) && entries.length > 0) {
      throw new Xend2LibxlError('BACKUP_DIR_NOT_OURS', `backup directory ${dir} is not empty and was not created by xend2libxl`, {
        hint: 'choose a new or empty directory for --backup-dir',
      });
    }
    if (!entries.includes(MARKER_FILE) && !opts.create) {
      throw new Xend2LibxlError('BACKUP_DIR_MISSING', `backup directory ${dir} holds no upgrade`, { hint: 'give the --backup-dir of the upgrade to continue or undo' });
    }
  }
  if (xendRoot) await refuseInside(dir, xendRoot);
  await chmod(dir, 0o700);
  const marker = path.join(dir, MARKER_FILE);
  const has = await lstat(marker).then(() => true, () => false);
  if (!has) await replaceFileDurably(marker, `${JSON.stringify({ tool: 'xend2libxl', purpose: 'upgrade backup', created: new Date().toISOString() })}\n`);
}

/** We never write under the xend root, and a backup inside it would be. */
async function refuseInside(dir: string, xendRoot: string): Promise<void> {
  const real = await realpath(dir);
  const root = await realpath(xendRoot).catch(() => path.resolve(xendRoot));
  if (real === root || real.startsWith(root + path.sep)) {
    throw new Xend2LibxlError('BACKUP_DIR_IN_XEND_ROOT', `backup directory ${dir} is inside the xend root ${xendRoot}`, {
      hint: 'the xend root is never modified; put the backup elsewhere',
    });
  }
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
        throw new Xend2LibxlError('UPGRADE_LOCKED', `another upgrade (pid ${pid}) is working in ${dir}`, {
          hint: `wait for it to finish; if it is gone, remove ${file}`,
        });
      }
      await unlink(file).catch(() => {});
    }
  }
  throw new Xend2LibxlError('UPGRADE_LOCKED', `cannot lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
