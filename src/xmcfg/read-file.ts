/**
 * Reading one config file safely: /etc/xen may hold a FIFO (a read would
 * block forever), a device node, or a huge file left by accident. Only a
 * regular file up to {@link MAX_CONFIG_BYTES} is read; anything else is a
 * typed error that names the file and says why.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { Xend2LibxlError } from '../errors.js';

/** Real configs are a few KiB; 1 MiB leaves room for any comment block. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export interface ReadConfigFileOptions {
  maxBytes?: number;
}

const WHY: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied (xend kept /etc/xen root-only: run as root)',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ELOOP: 'too many symbolic links',
};

export function readConfigFile(path: string, opts: ReadConfigFileOptions = {}): Buffer {
  const max = opts.maxBytes ?? MAX_CONFIG_BYTES;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not hang the whole run.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new Xend2LibxlError('XMCFG_UNREADABLE', `cannot read ${path}: ${WHY[code] ?? code}`, { file: path, hint: 'check the path and permissions' });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const kind = st.isFIFO() ? 'a FIFO' : st.isDirectory() ? 'a directory' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device node' : st.isSocket() ? 'a socket' : 'not a regular file';
      throw new Xend2LibxlError('XMCFG_NOT_A_FILE', `${path} is ${kind}, not a regular file; it is not read`, { file: path, hint: 'domain configs are regular files; pass the file itself' });
    }
    if (st.size > max) {
      throw new Xend2LibxlError('XMCFG_TOO_LARGE', `${path} is ${st.size} bytes, more than the ${max} a domain config can sensibly be`, { file: path, hint: 'is this really a domain config? (xm/xl configs are a few KiB)' });
    }
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === st.size ? buf : buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
