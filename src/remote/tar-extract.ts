/**
 * A streaming reader for the tar archive the host sends (GNU or ustar/pax, as
 * any dom0's tar writes it), extracting into a private directory. What arrives
 * is treated as possibly hostile: only regular files and directories are
 * written, only under the paths we asked for, never through `..` or an absolute
 * name, never over an existing file; links, devices and FIFOs are skipped and
 * counted, except xm's auto/ links to a file of the same config directory.
 * Files are written 0600 and directories 0700 (xend's configs hold VNC
 * passwords). Headers are checksummed and sizes capped, so a garbled stream
 * fails instead of writing garbage.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Xend2LibxlError } from '../errors.js';

const BLOCK = 512;

export interface ExtractLimits {
  /** Largest single file. */
  maxFileBytes: number;
  /** Total of all file data. */
  maxTotalBytes: number;
}

export const DEFAULT_LIMITS: ExtractLimits = { maxFileBytes: 64 << 20, maxTotalBytes: 2 ** 31 };

export class TarExtractor {
  /** Relative paths of the regular files written. */
  readonly files: string[] = [];
  /** Entries not extracted (links, devices, FIFOs), as `TYPE NAME`. */
  readonly skipped: string[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private entry?: { name: string; size: number; type: string; padded: number; link: string };
  private longName?: string;
  private longLink?: string;
  private paxPath?: string;
  private total = 0;
  private ended = false;

  constructor(
    private readonly dest: string,
    /** Relative prefixes (no leading slash) that entries must lie in. */
    private readonly allowed: readonly string[],
    /**
     * The one directory where symbolic links are recreated (xm's auto/): only a
     * link to a file beside that directory's parent (`../web.cfg` or
     * `/etc/xen/web.cfg` for /etc/xen/auto), re-made as `../web.cfg` in the copy.
     */
    private readonly linkDir?: string,
    private readonly limits: ExtractLimits = DEFAULT_LIMITS,
  ) {}

  push(chunk: Buffer): void {
    if (this.ended) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    for (;;) {
      const need = this.entry ? this.entry.padded : BLOCK;
      if (this.pendingBytes < need) return;
      const block = this.take(need);
      if (this.entry) this.finishEntry(block);
      else if (block.every((b) => b === 0)) {
        this.ended = true; // end-of-archive marker
        return;
      } else this.header(block);
    }
  }

  /** Call when the stream ends: a stream cut short is an error, not a smaller store. */
  end(): void {
    if (!this.ended) throw bad('the archive from the host ended early (connection lost, or tar failed on the host)');
  }

  private take(n: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = n < all.length ? [all.subarray(n)] : [];
    this.pendingBytes = all.length - n;
    return all.subarray(0, n);
  }

  private header(h: Buffer): void {
    const sum = octal(h, 148, 8);
    let actual = 0;
    for (let i = 0; i < BLOCK; i++) actual += i >= 148 && i < 156 ? 32 : h[i];
    if (sum !== actual) throw bad('an archive header from the host has a wrong checksum (not a tar stream?)');
    const type = String.fromCharCode(h[156] || 48);
    const size = sizeField(h);
    const ustarPrefix = h.subarray(257, 262).toString('latin1') === 'ustar' ? cstring(h, 345, 155) : '';
    const name = this.paxPath ?? this.longName ?? (ustarPrefix ? `${ustarPrefix}/${cstring(h, 0, 100)}` : cstring(h, 0, 100));
    const link = this.longLink ?? cstring(h, 157, 100);
    if (type !== 'L' && type !== 'x' && type !== 'K') {
      this.longName = undefined;
      this.longLink = undefined;
      this.paxPath = undefined;
    }
    if (type === '0' || type === '7') {
      if (size > this.limits.maxFileBytes) throw bad(`${name} is ${size} bytes, more than the ${this.limits.maxFileBytes} a xend store file may hold`);
      this.total += size;
      if (this.total > this.limits.maxTotalBytes) throw bad(`the archive holds more than ${this.limits.maxTotalBytes} bytes`);
    }
    this.entry = { name, size, type, padded: Math.ceil(size / BLOCK) * BLOCK, link };
    if (this.entry.padded === 0) this.finishEntry(Buffer.alloc(0));
  }

  private finishEntry(block: Buffer): void {
    const e = this.entry!;
    this.entry = undefined;
    const data = block.subarray(0, e.size);
    switch (e.type) {
      case 'L':
        this.longName = data.toString('utf8').replace(/\0.*$/s, '');
        return;
      case 'x':
        this.paxPath = paxPath(data) ?? this.paxPath;
        return;
      case 'K':
        this.longLink = data.toString('utf8').replace(/\0.*$/s, '');
        return;
      case 'g':
        return;
      case '2':
        if (!this.symlink(e.name, e.link)) this.skipped.push(`${e.type} ${e.name}`);
        return;
      case '5':
        mkdirSync(this.target(e.name), { recursive: true, mode: 0o700 });
        return;
      case '0':
      case '7': {
        const to = this.target(e.name);
        mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
        writeFileSync(to, data, { mode: 0o600, flag: 'wx' });
        this.files.push(path.relative(this.dest, to));
        return;
      }
      default:
        this.skipped.push(`${e.type} ${e.name}`);
    }
  }

  /** Recreate an auto/ link when it points at a file of the config directory; false when not. */
  private symlink(name: string, target: string): boolean {
    if (this.linkDir === undefined) return false;
    const rel = name.replace(/^(\.\/)+/, '');
    if (path.posix.dirname(rel) !== this.linkDir) return false;
    const configDir = `/${path.posix.dirname(this.linkDir)}`;
    const resolved = path.posix.resolve(`/${this.linkDir}`, target);
    const base = path.posix.basename(resolved);
    if (path.posix.dirname(resolved) !== configDir || base === '' || base === '.' || base === '..') return false;
    const to = this.target(name);
    mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
    symlinkSync(`../${base}`, to);
    return true;
  }

  /** Where an entry goes; refuses anything outside the requested paths. */
  private target(name: string): string {
    const rel = name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    const parts = rel.split('/');
    if (rel === '' || rel.startsWith('/') || parts.includes('..') || rel.includes('\0')) throw bad(`refusing archive entry ${JSON.stringify(name)}: not a plain relative path`);
    if (!this.allowed.some((a) => rel === a || rel.startsWith(`${a}/`))) throw bad(`refusing archive entry ${JSON.stringify(name)}: outside what was asked for`);
    return path.join(this.dest, ...parts);
  }
}

function bad(message: string): Xend2LibxlError {
  return new Xend2LibxlError('SSH_BAD_ARCHIVE', message, { hint: 'run again; if it persists, check the host\'s tar (GNU tar or busybox) and that nothing else writes to stdout in its login scripts' });
}

function cstring(b: Buffer, at: number, len: number): string {
  const s = b.subarray(at, at + len);
  const nul = s.indexOf(0);
  return s.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

function octal(b: Buffer, at: number, len: number): number {
  const t = cstring(b, at, len).trim();
  return /^[0-7]+$/.test(t) ? parseInt(t, 8) : NaN;
}

/** Size: octal, or GNU base-256 for large files (high bit of the first byte set). */
function sizeField(h: Buffer): number {
  if (h[124] & 0x80) {
    let n = h[124] & 0x7f;
    for (let i = 125; i < 136; i++) n = n * 256 + h[i];
    return n;
  }
  const n = octal(h, 124, 12);
  if (!Number.isFinite(n)) throw bad('an archive header from the host has no valid size');
  return n;
}

/** The `path` record of a pax extended header ("LEN path=VALUE\n" records). */
function paxPath(data: Buffer): string | undefined {
  let found: string | undefined;
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(data.subarray(at, space).toString('latin1'));
    if (!(len > 0)) break;
    const rec = data.subarray(space + 1, at + len - 1).toString('utf8');
    if (rec.startsWith('path=')) found = rec.slice(5);
    at += len;
  }
  return found;
}
