/**
 * Step "backed-up": copy what xend had for the domain, the XML we are going to
 * define, and (with --from) the old driver's own XML, before anything changes.
 * Sources are only read; the xend root is never written.
 */
import { constants } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Xend2LibxlError } from '../errors.js';
import { replaceFileDurably } from './durable-write.js';
import type { ManifestEntry } from './manifest.js';
import { safeFileStem, sha256 } from './safe-name.js';
import type { XendEntry } from './ports.js';

export interface DomainBackupInput {
  domainId: string;
  name: string;
  entry?: XendEntry;
  /** XML to define (ours for xend domains, the old driver's for unmanaged ones). */
  defineXml: string;
  /** `dumpxml --security-info` from --from, when the domain exists there. */
  sourceXml?: { uri: string; xml: string };
}

export interface DomainBackup {
  files: ManifestEntry[];
  /** Backup-relative path of the XML to define. */
  xmlFile: string;
  xmlSha256: string;
}

export async function backupDomain(backupDir: string, input: DomainBackupInput): Promise<DomainBackup> {
  const stem = safeFileStem(input.entry?.entry ?? input.name);
  const files: ManifestEntry[] = [];
  // `xm create` configs: the .cfg and the /etc/xen/auto links that started it at boot (as `LINK -> TARGET` lines).
  for (const x of input.entry?.xmConfigs ?? []) {
    const rel = path.join('xm', stem);
    await mkdir(path.join(backupDir, rel), { recursive: true, mode: 0o700 });
    files.push(await copyHashed(x.path, backupDir, path.join(rel, path.basename(x.path)), 'xm-config', input.domainId));
    const links = x.autoLinks.map((l) => `${l} -> ${x.path}\n`).join('');
    if (links) files.push(await writeHashed(backupDir, path.join(rel, `${path.basename(x.path)}.auto-links`), links, 'auto-links', path.dirname(x.autoLinks[0]), input.domainId));
  }
  if (input.entry && !input.entry.xmConfigs?.some((x) => x.path === input.entry?.configPath)) {
    const rel = path.join('xend', stem);
    await mkdir(path.join(backupDir, rel), { recursive: true, mode: 0o700 });
    files.push(await copyHashed(input.entry.configPath, backupDir, path.join(rel, 'config.sxp'), 'config.sxp', input.domainId));
    if (input.entry.checkpointPath) {
      files.push(await copyHashed(input.entry.checkpointPath, backupDir, path.join(rel, 'checkpoint.chk'), 'checkpoint.chk', input.domainId));
    }
  }
  if (input.sourceXml) {
    const rel = path.join('source-xml', `${stem}.xml`);
    files.push(await writeHashed(backupDir, rel, input.sourceXml.xml, 'source-xml', `${input.sourceXml.uri}#${input.name}`, input.domainId));
  }
  const xmlRel = path.join('define-xml', `${stem}.xml`);
  const defined = await writeHashed(backupDir, xmlRel, input.defineXml, 'converted-xml', input.entry?.configPath ?? `${input.sourceXml?.uri ?? ''}#${input.name}`, input.domainId);
  files.push(defined);
  return { files, xmlFile: xmlRel, xmlSha256: defined.sha256 };
}

async function writeHashed(dir: string, rel: string, text: string, kind: ManifestEntry['kind'], source: string, domain: string): Promise<ManifestEntry> {
  await mkdir(path.join(dir, path.dirname(rel)), { recursive: true, mode: 0o700 });
  await replaceFileDurably(path.join(dir, rel), text);
  return { file: rel, sha256: sha256(text), size: Buffer.byteLength(text), kind, source, domain };
}

/** Stream-copy (checkpoint images can be gigabytes) while hashing; atomic like every other write. */
async function copyHashed(src: string, dir: string, rel: string, kind: ManifestEntry['kind'], domain: string): Promise<ManifestEntry> {
  const dest = path.join(dir, rel);
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(4).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  // The inventory read these files a moment ago, but the path may have been swapped since: a FIFO
  // would block the copy forever, a device never end. Non-blocking open, then fstat the descriptor.
  const input = await open(src, constants.O_RDONLY | constants.O_NONBLOCK);
  const st = await input.stat().catch(async (e: unknown) => {
    await input.close();
    throw e;
  });
  if (!st.isFile()) {
    await input.close();
    throw new Xend2LibxlError('FILE_NOT_REGULAR', `${src} is not a regular file (it changed since the inventory read it); nothing was copied`, {
      file: src,
      hint: 'put the real file back (or remove the entry) and run the upgrade again',
    });
  }
  const out = await open(tmp, 'wx', 0o600);
  let size = 0;
  try {
    for await (const chunk of input.createReadStream()) {
      const buf = chunk as Buffer;
      hash.update(buf);
      size += buf.length;
      await out.write(buf);
    }
    await out.sync();
    await out.close();
    await rename(tmp, dest);
  } catch (e) {
    await out.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw e;
  } finally {
    await input.close().catch(() => {});
  }
  return { file: rel, sha256: hash.digest('hex'), size, kind, source: src, domain };
}
