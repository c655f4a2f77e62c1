/**
 * A killed upgrade (kill -9, power cut) leaves its private define directories
 * behind in the temp dir, each with a domain.xml that may hold a VNC password.
 * The next run or `--resume` removes them: only directories we own whose
 * creating process is gone (its pid is in the name); the few nameless ones of
 * older versions only when they are older than any define could take.
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFINE_TEMP_PREFIX } from '../libvirt/temp-xml.js';
import { isAlive } from './backup-dir.js';

const LEGACY_AGE_MS = 60 * 60_000;

/** Returns the directories removed. */
export async function sweepDefineTempDirs(parent: string = tmpdir(), now = Date.now()): Promise<string[]> {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const removed: string[] = [];
  for (const name of await readdir(parent)) {
    if (!name.startsWith(DEFINE_TEMP_PREFIX)) continue;
    const dir = path.join(parent, name);
    const st = await lstat(dir).catch(() => undefined);
    if (!st?.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
    const pid = /^(\d+)-/.exec(name.slice(DEFINE_TEMP_PREFIX.length));
    const stale = pid ? Number(pid[1]) !== process.pid && !isAlive(Number(pid[1])) : now - st.mtimeMs > LEGACY_AGE_MS;
    if (!stale) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
