/**
 * Copy a host's xend store (and xend-config.sxp) into a private local
 * directory with ONE remote call: a small POSIX sh script lists the suspend
 * images (`checkpoint.chk`, often as large as the guest's memory: only their
 * size and first bytes travel, and the copy is a sparse file of the same size
 * starting with the same bytes, which is all inventory reads of them), then
 * streams everything else as a tar archive. Nothing is written on the host.
 */
import { mkdirSync, mkdtempSync, openSync, closeSync, writeSync, ftruncateSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Xend2LibxlError } from '../errors.js';
import type { SshSession } from './session.js';
import { TarExtractor } from './tar-extract.js';

/**
 * $1 = domains dir or empty, $2 = xend-config.sxp or empty, $3 = the xm config dir or empty, $4
 * non-empty: a missing domains dir is an empty store; then any other paths to send whole (convert's
 * inputs). All relative to / (the script cd's there). The store is sent whole; of the xm config dir only its files and
 * the links in auto/ (the scripts/ directory and the like stay behind).
 */
const SCRIPT = [
  'LC_ALL=C; export LC_ALL; cd / || exit 1;',
  'd=$1 c=$2 x=$3 o=$4; shift 4;',
  'for p in "$@"; do [ -e "$p" ] || { echo "no such file or directory: /$p" >&2; exit 4; }; done;',
  'if [ -d "$d" ]; then s=$d; elif [ -n "$o" ]; then s=; else echo "no directory /$d" >&2; exit 3; fi;',
  'hex() { od -An -v -tx1 | tr -d " \\n"; };',
  'for f in ${s:+"$s"/*/checkpoint.chk}; do',
  '  [ -f "$f" ] || continue;',
  '  n=${f%/checkpoint.chk}; n=${n##*/};',
  '  printf "chk %s %s %s\\n" "$(wc -c < "$f" | tr -d " ")" "$(printf %s "$n" | hex)" "$(head -c 64 "$f" | hex)";',
  'done;',
  'echo --xend2libxl-archive--;',
  'if [ -n "$s" ]; then set -- "$@" "$s"; fi;',
  'if [ -n "$c" ] && [ -f "$c" ]; then set -- "$@" "$c"; fi;',
  'if [ -n "$x" ] && [ -d "$x" ]; then',
  '  for f in "$x"/* "$x"/auto/*; do',
  '    if [ "$f" != "$c" ] && { [ -L "$f" ] || [ -f "$f" ]; }; then set -- "$@" "$f"; fi;',
  '  done;',
  'fi;',
  // Nothing to send (tar refuses an empty archive): the end-of-archive marker alone.
  'if [ $# -eq 0 ]; then exec head -c 1024 /dev/zero; fi;',
  'exec tar -cf - --exclude=checkpoint.chk -- "$@"',
  // One line: the remote login shell gets it quoted, and a line break would not survive csh.
].join(' ');

const MARKER = Buffer.from('--xend2libxl-archive--\n');

export interface FetchRequest {
  /** Absolute paths on the host. Without a domains path, only `paths` (and the config) are sent. */
  domainsPath?: string;
  /** More files or directories to send whole; each must exist. */
  paths?: string[];
  /** Left out: the store only. */
  configPath?: string;
  /** The xm/xl config directory (normally /etc/xen); left out: none. */
  xmConfigDir?: string;
  /** A missing domains dir is an empty store (the default store of a host that only used `xm create`). */
  storeOptional?: boolean;
}

export interface FetchedStore {
  /** The local copy's root: the host's `/` maps here. */
  root: string;
  domainsDir: string;
  /** Undefined when the host has no such file. */
  configFile?: string;
  /** The copy of the xm config directory; undefined when not asked for or the host has none. */
  xmConfigDir?: string;
  /** Suspend images recreated as sparse files. */
  checkpoints: number;
  /** Archive entries not copied (links, devices). */
  skipped: string[];
}

/** A private 0700 directory for local copies; its path must be safe inside JSON and messages. */
export function makeCopyDir(): string {
  const base = /^[A-Za-z0-9._/-]+$/.test(tmpdir()) ? tmpdir() : '/tmp';
  const dir = mkdtempSync(path.join(base, 'xend2libxl-host-'));
  mkdirSync(path.join(dir, 'root'), { mode: 0o700 });
  return dir;
}

export async function fetchXendStore(session: SshSession, req: FetchRequest, root: string, timeoutMs?: number): Promise<FetchedStore> {
  const rel = (p: string, what: string) => {
    if (!path.posix.isAbsolute(p)) throw new Xend2LibxlError('SSH_REMOTE_PATH', `${what} ${JSON.stringify(p)} must be an absolute path on the host`, { hint: 'e.g. --xend-root /var/lib/xend/domains' });
    return path.posix.normalize(p).replace(/^\/+/, '').replace(/\/+$/, '');
  };
  const domainsRel = req.domainsPath === undefined ? '' : rel(req.domainsPath, '--xend-root');
  const extraRel = (req.paths ?? []).map((p) => rel(p, 'input'));
  if (extraRel.includes('')) throw new Xend2LibxlError('SSH_REMOTE_PATH', 'an input of / would copy the whole host', { hint: 'name the domain store or the config files' });
  const configRel = req.configPath === undefined ? '' : rel(req.configPath, '--xend-config');
  if (req.domainsPath !== undefined && domainsRel === '') throw new Xend2LibxlError('SSH_REMOTE_PATH', '--xend-root / would copy the whole host', { hint: 'name the domain store, e.g. /var/lib/xend/domains' });
  const xmRel = req.xmConfigDir === undefined ? '' : rel(req.xmConfigDir, '--xm-config-dir');
  const extractor = new TarExtractor(root, [domainsRel, configRel, xmRel, ...extraRel].filter((r) => r !== ''), xmRel === '' ? undefined : `${xmRel}/auto`);
  let head: Buffer | undefined = Buffer.alloc(0);
  let manifest = '';
  const onStdout = (chunk: Buffer) => {
    if (head === undefined) return extractor.push(chunk);
    head = Buffer.concat([head, chunk]);
    const at = head.indexOf(MARKER);
    if (at < 0) {
      if (head.length > 1 << 20) throw new Xend2LibxlError('SSH_BAD_ARCHIVE', `no archive from ${session.host.label}`, { hint: 'a login script on the host may print to stdout' });
      return;
    }
    manifest = head.subarray(0, at).toString('latin1');
    const rest = head.subarray(at + MARKER.length);
    head = undefined;
    if (rest.length > 0) extractor.push(rest);
  };
  const r = await session.run(['/bin/sh', '-c', SCRIPT, 'xend2libxl', domainsRel, configRel, xmRel, req.storeOptional || req.domainsPath === undefined ? 'optional' : '', ...extraRel], { what: `reading ${req.domainsPath}`, onStdout, timeoutMs });
  if (r.exitCode === 3) {
    throw new Xend2LibxlError('SSH_NO_STORE', `${session.host.label}: there is no directory ${req.domainsPath} on the host`, { hint: 'is this a xend host? name its domain store with --xend-root (xend-domains-path in xend-config.sxp)' });
  }
  if (r.exitCode === 4) {
    throw new Xend2LibxlError('SSH_NO_INPUT', `${session.host.label}: ${r.stderr.trim().split('\n').at(-1) ?? 'an input is missing'} (on the host)`, { hint: 'with --host, inputs are absolute paths on that host' });
  }
  if (r.exitCode !== 0) {
    throw new Xend2LibxlError('SSH_REMOTE_FAILED', `${session.host.label}: reading ${req.domainsPath} failed (exit ${r.exitCode ?? r.signal}): ${r.stderr.trim().split('\n').at(-1) ?? ''}`, {
      hint: 'the host needs a POSIX sh, tar, od and head, and read access to the store (connect as root)',
    });
  }
  if (head !== undefined) throw new Xend2LibxlError('SSH_BAD_ARCHIVE', `no archive from ${session.host.label}`, { hint: 'a login script on the host may print to stdout' });
  extractor.end();
  const domainsDir = path.join(root, ...domainsRel.split('/').filter(Boolean));
  if (domainsRel !== '') mkdirSync(domainsDir, { recursive: true, mode: 0o700 }); // an empty store sends no entries below it
  const checkpoints = domainsRel === '' ? 0 : recreateCheckpoints(manifest, domainsDir);
  const configFile = configRel === '' ? undefined : path.join(root, ...configRel.split('/'));
  const xmDir = xmRel === '' ? undefined : path.join(root, ...xmRel.split('/'));
  return { root, domainsDir, configFile: configFile !== undefined && existsSync(configFile) ? configFile : undefined, xmConfigDir: xmDir !== undefined && existsSync(xmDir) ? xmDir : undefined, checkpoints, skipped: extractor.skipped };
}

/** `chk SIZE HEXNAME HEXHEAD` lines → sparse files of SIZE bytes starting with HEAD. */
function recreateCheckpoints(manifest: string, domainsDir: string): number {
  let n = 0;
  for (const line of manifest.split('\n')) {
    if (line === '') continue;
    const m = /^chk (\d+) ((?:[0-9a-f]{2})+) ((?:[0-9a-f]{2})*)$/.exec(line);
    if (!m) throw new Xend2LibxlError('SSH_BAD_ARCHIVE', `unexpected output from the host before the archive: ${JSON.stringify(line.slice(0, 80))}`, { hint: 'a login script on the host may print to stdout; make it quiet for non-interactive shells' });
    const name = Buffer.from(m[2], 'hex').toString('utf8');
    if (name === '.' || name === '..' || name.includes('/') || name.includes('\0')) continue;
    const dir = path.join(domainsDir, name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(path.join(dir, 'checkpoint.chk'), 'wx', 0o600);
    try {
      writeSync(fd, Buffer.from(m[3], 'hex'));
      ftruncateSync(fd, Number(m[1]));
    } finally {
      closeSync(fd);
    }
    n++;
  }
  return n;
}

export function removeCopy(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
