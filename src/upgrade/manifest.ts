/**
 * manifest.json in the backup dir: every file we saved, with its sha256, size
 * and where it came from, so an admin (or `sha256sum`) can check the backup
 * before trusting it. Rewritten atomically whenever a domain's backup completes.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { replaceFileDurably } from './durable-write.js';

export const MANIFEST_FILE = 'manifest.json';

export interface ManifestEntry {
  /** Path relative to the backup dir. */
  file: string;
  sha256: string;
  size: number;
  kind: 'config.sxp' | 'checkpoint.chk' | 'converted-xml' | 'source-xml' | 'xm-config' | 'auto-links';
  /** Original file path, or `URI#domain` for XML read from libvirt. */
  source: string;
  domain: string;
}

export class Manifest {
  private writing: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private constructor(
    private readonly dir: string,
    readonly entries: ManifestEntry[],
  ) {}

  static async open(dir: string): Promise<Manifest> {
    const text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8').catch(() => undefined);
    const entries = text ? ((JSON.parse(text) as { files: ManifestEntry[] }).files ?? []) : [];
    return new Manifest(dir, entries);
  }

  /**
   * Replace this domain's entries (a resumed backup redoes them) and persist.
   * Group commit as in the journal: concurrent callers share the next write.
   */
  setDomain(domain: string, files: ManifestEntry[]): Promise<void> {
    const keep = this.entries.filter((e) => e.domain !== domain);
    this.entries.splice(0, this.entries.length, ...keep, ...files);
    this.queued ??= this.writing
      .catch(() => {})
      .then(() => {
        this.queued = undefined;
        this.writing = replaceFileDurably(path.join(this.dir, MANIFEST_FILE), `${JSON.stringify({ format: 'xend2libxl-backup-manifest', files: this.entries }, null, 2)}\n`);
        return this.writing;
      });
    return this.queued;
  }
}
