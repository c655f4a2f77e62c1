/**
 * Domain XML handed to `virsh define` may carry secrets (VNC passwords kept by
 * `dumpxml --security-info`), so it never sits in a shared or guessable place:
 * a fresh 0700 directory, a 0600 file created exclusively, both removed after use.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function withPrivateXmlFile<T>(xml: string, use: (file: string) => Promise<T>, parent: string = tmpdir()): Promise<T> {
  const dir = await mkdtemp(path.join(parent, 'xend2libxl-define-')); // mkdtemp creates it 0700
  try {
    const file = path.join(dir, 'domain.xml');
    await writeFile(file, xml, { mode: 0o600, flag: 'wx' });
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
