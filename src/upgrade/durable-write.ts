/**
 * Write-then-rename so a reader (or a resumed run after kill -9) sees either the
 * old file or the new one, never half of one. The temp file lives in the same
 * directory so the rename stays on one filesystem, and both the file and the
 * directory are fsynced so the rename survives a power cut.
 *
 * For the upgrade's own state (journal, manifest, backups): few files, each of
 * which must survive a crash and replace its previous version. Batch outputs
 * have the opposite needs — thousands of files, never replacing one without
 * --force, no fsync per file — and their own writer (src/batch/atomic-write.ts).
 */
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export async function replaceFileDurably(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  // Not every filesystem lets a directory be fsynced; the rename already happened.
  const dh = await open(dir, 'r').catch(() => undefined);
  if (!dh) return;
  await dh.sync().catch(() => {});
  await dh.close();
}
