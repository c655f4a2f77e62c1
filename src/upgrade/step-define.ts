/**
 * Steps "defined" and "verified" on --to. Idempotent: a domain already defined
 * and equal to ours is not defined again; one defined *differently* is a
 * conflict we stop on (someone else's definition) unless --force.
 */
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { Xend2LibxlError } from '../errors.js';
import { modelDifferences } from './compare.js';
import type { RunContext } from './context.js';
import type { JournalDomain } from './journal.js';
import { HypervisorError, type ListedDomain } from './ports.js';
import { insideBackupDir } from './backup-dir.js';
import { safeFileStem, sha256 } from './safe-name.js';
import { replaceFileDurably } from './durable-write.js';

/** The XML to define, from the backup, checked against the hash the journal recorded. */
export async function backedUpXml(rc: RunContext, d: JournalDomain): Promise<string> {
  if (!d.xmlFile) throw new Xend2LibxlError('BACKUP_MISSING', `no backed-up XML recorded for ${d.name}`);
  const file = insideBackupDir(rc.opts.backupDir, d.xmlFile, 'the backed-up XML');
  // O_NOFOLLOW: a symlink put in place of our file is refused, not followed.
  const fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  const xml = await fh.readFile('utf8').finally(() => fh.close());
  if (d.xmlSha256 && sha256(xml) !== d.xmlSha256) {
    throw new Xend2LibxlError('BACKUP_TAMPERED', `the backed-up XML for ${d.name} changed since it was written`, { file, hint: 'restore it from the manifest hash or start a new upgrade' });
  }
  return xml;
}

async function readBack(rc: RunContext, to: string, name: string): Promise<string | undefined> {
  try {
    return await rc.deps.hv.dumpXml(to, name, { inactive: true });
  } catch (e) {
    if (e instanceof HypervisorError && e.kind === 'not-found') return undefined;
    throw e;
  }
}

export async function stepDefine(rc: RunContext, d: JournalDomain, target: ListedDomain[] | undefined): Promise<void> {
  const to = rc.opts.to!;
  const xml = await backedUpXml(rc, d);
  const expected = rc.deps.readDomainXml(xml);
  const clash = target?.find((t) => expected.uuid && t.uuid.toLowerCase() === expected.uuid.toLowerCase() && t.name !== d.name);
  if (clash) {
    throw new Xend2LibxlError('UUID_IN_USE', `${to} already has a domain ${clash.name} with uuid ${expected.uuid}`, { hint: 'undefine or rename that domain on the target first' });
  }
  // A snapshot of the target lets a fresh run skip one read per domain; a resumed one always asks.
  const mayExist = !target || target.some((t) => t.name === d.name);
  const existing = mayExist ? await readBack(rc, to, d.name) : undefined;
  if (existing !== undefined) {
    const diffs = modelDifferences(expected, rc.deps.readDomainXml(existing));
    // We asked for the define before a crash: the definition there is ours.
    const ours = d.definedByUs || d.history.some((h) => h.event === 'define-requested');
    if (diffs.length === 0) {
      rc.emit({ level: 'info', domain: d.name, message: `already defined on ${to} and equal: not defined again` });
      await rc.store.record(d, 'defined', { definedByUs: ours });
      return;
    }
    if (!rc.opts.force && !ours) {
      throw new Xend2LibxlError('DEFINED_DIFFERENTLY', `${d.name} is already defined on ${to} with a different configuration: ${diffs.join('; ')}`, {
        hint: 'compare it with the backup XML; re-run with --force to replace it',
      });
    }
    // Keep what we are about to replace: --force must not lose someone's definition.
    const keep = path.join('replaced-xml', `${safeFileStem(d.name)}.xml`);
    await mkdir(path.join(rc.opts.backupDir, 'replaced-xml'), { recursive: true, mode: 0o700 });
    await replaceFileDurably(path.join(rc.opts.backupDir, keep), existing);
    rc.emit({ level: 'warn', domain: d.name, message: `replacing the existing definition on ${to} (${ours ? 'ours, incomplete' : '--force'}); the old one is saved as ${keep}` });
  }
  await rc.store.record(d, 'define-requested');
  await rc.deps.hv.define(to, xml);
  await rc.store.record(d, 'defined', { definedByUs: true });
  rc.emit({ level: 'ok', domain: d.name, message: `defined on ${to}` });
}

export async function stepVerify(rc: RunContext, d: JournalDomain): Promise<void> {
  const to = rc.opts.to!;
  const expected = rc.deps.readDomainXml(await backedUpXml(rc, d));
  const stored = await readBack(rc, to, d.name);
  if (stored === undefined) {
    throw new Xend2LibxlError('VERIFY_MISSING', `${d.name} was defined on ${to} but is not there any more`, { hint: 'someone undefined it; run with --resume to define it again' });
  }
  const diffs = modelDifferences(expected, rc.deps.readDomainXml(stored));
  if (diffs.length > 0) {
    throw new Xend2LibxlError('VERIFY_MISMATCH', `libvirt stored ${d.name} differently from what we defined: ${diffs.join('; ')}`, {
      hint: `compare \`virsh -c ${to} dumpxml --inactive ${d.name}\` with the backup XML`,
    });
  }
  await rc.store.record(d, 'verified', { definedXmlSha256: sha256(stored.trim()) });
  rc.emit({ level: 'ok', domain: d.name, message: 'verified (read back, equal)' });
}
