/**
 * Reading one config file safely: the only way configs (config.sxp, `xm list -l`
 * dumps, xend-config.sxp, xm/xl .cfg files) are read from disk. A real config
 * is a few KiB; what an attacker or an accident can put at its path is not:
 *
 * - a FIFO would block open(2)/read(2) forever (and no signal handler runs
 *   while the main thread sits in a synchronous read), so anything that is not
 *   a regular file after following links is refused — checked with stat(2)
 *   before opening (no side effects of opening a device) and again with
 *   fstat(2) on the opened descriptor (the path may have been swapped);
 *   the open is non-blocking, so even a swapped-in FIFO cannot hang it;
 * - `/dev/zero` or a 100 MB file would exhaust memory: at most
 *   {@link MAX_CONFIG_BYTES} are read, a larger file is refused.
 *
 * Both a synchronous and an asynchronous variant exist: batch conversion reads
 * synchronously (in worker threads), the inventory concurrently on the pool.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Xend2LibxlError } from '../errors.js';

/** 16 MiB: thousands of times a real config, far below what would hurt memory. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** Why a config could not be read, for callers that word it their own way. */
export type ConfigReadProblem = 'missing' | 'directory' | 'denied' | 'not-regular' | 'too-large' | 'io';

/**
 * The typed error of {@link readConfigFileSync}/{@link readConfigFile}: `message`
 * is complete on its own (it names the file); {@link describe} words the same
 * reason about another subject ("input", "config.sxp").
 */
export class ConfigReadError extends Xend2LibxlError {
  constructor(
    readonly problem: ConfigReadProblem,
    /** The reason without the file: `no such file`, `is a FIFO (named pipe), not a regular file`. */
    readonly reason: string,
    opts: { file: string; hint?: string; cause?: unknown },
  ) {
    super(problem === 'too-large' ? 'FILE_TOO_LARGE' : problem === 'not-regular' ? 'FILE_NOT_REGULAR' : 'FILE_UNREADABLE', '', opts);
    this.message = this.describe(opts.file);
  }

  /** `cannot read SUBJECT: no such file`, or `SUBJECT is a FIFO (named pipe), not a regular file`. */
  describe(subject: string): string {
    return this.reason.startsWith('is ') ? `${subject} ${this.reason}` : `cannot read ${subject}: ${this.reason}`;
  }
}

export interface ReadConfigOptions {
  /** Refuse files larger than this (default {@link MAX_CONFIG_BYTES}). */
  maxBytes?: number;
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * The whole content of `file`, a regular file (links followed) of at most `maxBytes`.
 * @throws ConfigReadError (FILE_UNREADABLE, FILE_NOT_REGULAR or FILE_TOO_LARGE)
 */
export function readConfigFileSync(file: string, opts: ReadConfigOptions = {}): Buffer {
  const max = opts.maxBytes ?? MAX_CONFIG_BYTES;
  let fd: number | undefined;
  try {
    checkStats(file, statSync(file), max);
    fd = openSync(file, OPEN_FLAGS);
    checkStats(file, fstatSync(fd), max);
    let buf = firstBuffer(fstatSync(fd).size, max);
    let used = 0;
    for (;;) {
      if (used === buf.length) buf = grown(file, buf, max);
      const n = readSync(fd, buf, used, buf.length - used, null);
      if (n === 0) return buf.subarray(0, used);
      used += n;
    }
  } catch (e) {
    throw asReadError(file, e, max);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** {@link readConfigFileSync} on the thread pool. */
export async function readConfigFile(file: string, opts: ReadConfigOptions = {}): Promise<Buffer> {
  const max = opts.maxBytes ?? MAX_CONFIG_BYTES;
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    checkStats(file, await stat(file), max);
    fh = await open(file, OPEN_FLAGS);
    const st = await fh.stat();
    checkStats(file, st, max);
    let buf = firstBuffer(st.size, max);
    let used = 0;
    for (;;) {
      if (used === buf.length) buf = grown(file, buf, max);
      const { bytesRead } = await fh.read(buf, used, buf.length - used, null);
      if (bytesRead === 0) return buf.subarray(0, used);
      used += bytesRead;
    }
  } catch (e) {
    throw asReadError(file, e, max);
  } finally {
    await fh?.close();
  }
}

/**
 * All of a stream (standard input for `-`), refused past `maxBytes`.
 * @throws ConfigReadError FILE_TOO_LARGE or FILE_UNREADABLE
 */
export async function readConfigStream(stream: AsyncIterable<Buffer | string>, shownAs = '-', opts: ReadConfigOptions = {}): Promise<Buffer> {
  const max = opts.maxBytes ?? MAX_CONFIG_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += b.length;
      if (size > max) throw tooLarge(shownAs, max);
      chunks.push(b);
    }
  } catch (e) {
    throw asReadError(shownAs, e, max);
  }
  return Buffer.concat(chunks, size);
}

function checkStats(file: string, st: Stats, max: number): void {
  if (st.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
  if (!st.isFile()) {
    throw new ConfigReadError('not-regular', `is ${kindOf(st)}, not a regular file`, {
      file,
      hint: 'name the config file itself (a link to a regular file is fine); FIFOs, devices and sockets are never read',
    });
  }
  if (st.size > max) throw tooLarge(file, max);
}

/** Room for the whole file as fstat saw it, plus one byte to notice that it grew. */
function firstBuffer(size: number, max: number): Buffer {
  return Buffer.allocUnsafe(Math.min(max + 1, Math.max(size + 1, 4096)));
}

/**
 * The file grew while being read (it is being written): a larger buffer, up to
 * max + 1 bytes; a full buffer of that size means the file is over the cap.
 */
function grown(file: string, buf: Buffer, max: number): Buffer {
  if (buf.length > max) throw tooLarge(file, max);
  const bigger = Buffer.allocUnsafe(Math.min(max + 1, buf.length * 2));
  buf.copy(bigger);
  return bigger;
}

function tooLarge(file: string, max: number): ConfigReadError {
  return new ConfigReadError('too-large', `is larger than ${describeBytes(max)}, far more than any domain config`, {
    file,
    hint: 'a xend config.sxp is a few KiB: check that this is the right file (not a disk image or a log)',
  });
}

function describeBytes(n: number): string {
  return n % (1 << 20) === 0 ? `${n >> 20} MiB` : `${n} bytes`;
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const ERRNO: Record<string, [ConfigReadProblem, string, string | undefined]> = {
  ENOENT: ['missing', 'no such file', 'check the path'],
  ENOTDIR: ['missing', 'no such file (a part of the path is not a directory)', 'check the path'],
  EISDIR: ['directory', 'it is a directory', 'name the config file inside it, or pass the directory to convert'],
  EACCES: ['denied', 'permission denied', 'xend kept its configs root-only (0600): run as root'],
  EPERM: ['denied', 'operation not permitted', 'xend kept its configs root-only (0600): run as root'],
  ENXIO: ['not-regular', 'is a socket or a device, not a regular file', 'name the config file itself'],
  ELOOP: ['missing', 'too many levels of symbolic links', 'check where the link points'],
  ENAMETOOLONG: ['missing', 'the path is too long', 'check the path'],
};

function asReadError(file: string, e: unknown, max: number): ConfigReadError {
  if (e instanceof ConfigReadError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ERR_FS_FILE_TOO_LARGE') return tooLarge(file, max);
  const known = ERRNO[err?.code ?? ''];
  if (known) return new ConfigReadError(known[0], known[1], { file, hint: known[2], cause: e });
  return new ConfigReadError('io', err?.code ?? err?.message ?? String(e), { file, hint: 'check the disk and the file system (dmesg)', cause: e });
}
