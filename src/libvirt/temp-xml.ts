/**
 * Domain XML handed to `virsh define` may carry secrets (VNC passwords kept by
 * `dumpxml --security-info`), so it never sits in a shared or guessable place:
 * a fresh 0700 directory, a 0600 file created exclusively, both removed after use.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Names start with this, then the creating process's pid: a later run can tell a killed run's leftovers from a live one's. */
export const DEFINE_TEMP_PREFIX = 'xend2libxl-define-';

export async function withPrivateXmlFile<T>(xml: string, use: (file: string) => Promise<T>, parent: string = tmpdir()): Promise<T> {
  const dir = await mkdtemp(path.join(parent, `${DEFINE_TEMP_PREFIX}${process.pid}-`)); // mkdtemp creates it 0700
  try {
    const file = path.join(dir, 'domain.xml');
    await writeFile(file, xml, { mode: 0o600, flag: 'wx' });
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
