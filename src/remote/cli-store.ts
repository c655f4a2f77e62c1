/**
 * `--host` for the store-reading commands: connect, copy the host's xend store
 * into a private local directory, run the command on the copy, and show every
 * path of the copy as `HOST:/path` in its output. The copy and the ssh
 * connection are removed afterwards, whatever happens.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliContext, OutStream } from '../cli/context.js';
import { UsageError } from '../errors.js';
import { DEFAULT_DOMAINS_PATH, DEFAULT_XEND_CONFIG, loadXendConfig } from '../inventory/xend-config.js';
import { fetchXendStore, makeCopyDir, removeCopy } from './fetch-store.js';
import { parseHostSpec, type HostSpec } from './host-spec.js';
import { SshSession, type SshSessionOptions } from './session.js';

export interface StoreOptions {
  /** On the host; default xend-domains-path from its xend-config.sxp, else /var/lib/xend/domains. */
  xendRoot?: string;
  /** On the host; default /etc/xen/xend-config.sxp. */
  xendConfig?: string;
  /** On the host; default the directory of xend-config.sxp. */
  xmConfigDir?: string;
  /** false: no xm/xl configs (`--no-xm-configs`). */
  xmConfigs?: boolean;
}

export interface LocalStore {
  /** The local copy of the store and of xend-config.sxp (an empty stand-in when the host has none). */
  xendRoot: string;
  xendConfig: string;
  /** The copy of the xm config directory, when one was asked for by name. */
  xmConfigDir?: string;
  /** A local copy's path → the path on the host. */
  pathOnHost: (localPath: string) => string;
  /** All of the above as the store-reading commands' options. */
  options: { xendRoot: string; xendConfig: string; xmConfigDir?: string; pathOnHost: (localPath: string) => string };
  host: HostSpec;
}

/**
 * Run `body` on a local copy of HOST's store. `body` gets a context whose
 * output shows `HOST:/path` for the copy's paths and whose environment no
 * longer points at local xend settings ($XEND_CONFIG).
 */
export async function withRemoteStore<T>(
  hostArg: string,
  opts: StoreOptions,
  ctx: CliContext,
  body: (store: LocalStore, ctx: CliContext) => Promise<T>,
  ssh: SshSessionOptions = {},
  place?: KeptCopy,
): Promise<T> {
  const host = parseHostSpec(hostArg);
  const copy = place ? keptCopyDir(place, host) : makeCopyDir();
  const root = path.join(copy, 'root');
  const configPath = opts.xendConfig ?? DEFAULT_XEND_CONFIG;
  try {
    // --resume / --rollback: the store as it was read when the upgrade began (xend's store is never changed).
    const done = path.join(copy, 'done');
    const local = place?.reuse && existsSync(done) ? readCopied(done, root) : await copyStore(host, opts, ctx, root, configPath, ssh);
    if (place) writeFileSync(done, JSON.stringify(local), { mode: 0o600 });
    const pathOnHost = (p: string) => (p.startsWith(`${root}/`) ? p.slice(root.length) : p);
    const options = { ...local, pathOnHost };
    const shown = { ...ctx, env: withoutLocalXend(ctx.env), stdout: rewriting(ctx.stdout, root, `${host.label}:`), stderr: rewriting(ctx.stderr, root, `${host.label}:`) };
    const result = await body({ ...options, options, host }, shown);
    ctx.exitCode = shown.exitCode;
    return result;
  } finally {
    if (!place) removeCopy(copy);
  }
}

interface CopiedStore {
  xendRoot: string;
  xendConfig: string;
  xmConfigDir?: string;
}

/** The record of an earlier copy, read back as possibly tampered with: every path must lie in the copy. */
function readCopied(file: string, root: string): CopiedStore {
  let c: Partial<CopiedStore> | undefined;
  try {
    c = JSON.parse(readFileSync(file, 'utf8')) as Partial<CopiedStore>;
  } catch {
    c = undefined;
  }
  const inside = (p: unknown) => typeof p === 'string' && p.startsWith(`${root}/`) && !p.split('/').includes('..');
  if (!c || !inside(c.xendRoot) || !inside(c.xendConfig) || (c.xmConfigDir !== undefined && !inside(c.xmConfigDir))) {
    throw new UsageError(`${file} is damaged (it must name paths inside ${root})`, 'remove the .host-store directory and its backup directory, then start the upgrade again');
  }
  return c as CopiedStore;
}

/** Connect, copy, disconnect: the commands then work on the copy only. */
async function copyStore(host: HostSpec, opts: StoreOptions, ctx: CliContext, root: string, configPath: string, ssh: SshSessionOptions): Promise<CopiedStore> {
  const session = await SshSession.open(host, { env: ctx.env, ...ssh });
  try {
    const xmConfigDir = opts.xmConfigs === false ? undefined : (opts.xmConfigDir ?? path.posix.dirname(configPath));
    let fetched = await fetchXendStore(session, { domainsPath: opts.xendRoot ?? DEFAULT_DOMAINS_PATH, configPath, xmConfigDir, storeOptional: opts.xendRoot === undefined }, root);
    if (opts.xmConfigDir !== undefined && opts.xmConfigs !== false && fetched.xmConfigDir === undefined) {
      throw new UsageError(`--xm-config-dir ${opts.xmConfigDir} is not a directory on ${host.label}`, 'name the directory holding the NAME.cfg files on the host (usually /etc/xen)');
    }
    if (opts.xendRoot === undefined && fetched.configFile !== undefined) {
      // xend-domains-path elsewhere: one more archive, of that store.
      const configured = (await loadXendConfig(fetched.configFile))?.domainsPath;
      if (configured !== undefined && path.posix.normalize(configured) !== DEFAULT_DOMAINS_PATH) {
        fetched = { ...(await fetchXendStore(session, { domainsPath: configured, storeOptional: true }, root)), configFile: fetched.configFile, xmConfigDir: fetched.xmConfigDir };
      }
    }
    let xendConfig = fetched.configFile;
    if (xendConfig === undefined) {
      // An empty stand-in, so that the admin machine's own /etc/xen/xend-config.sxp is never read instead.
      xendConfig = path.join(root, ...configPath.split('/').filter(Boolean));
      mkdirSync(path.dirname(xendConfig), { recursive: true, mode: 0o700 });
      writeFileSync(xendConfig, '', { mode: 0o600 });
      ctx.stderr.write(`xend2libxl: note: ${host.label} has no ${configPath}: xend's built-in defaults apply\n`);
    }
    return { xendRoot: fetched.domainsDir, xendConfig, xmConfigDir: opts.xmConfigDir === undefined ? undefined : fetched.xmConfigDir };
  } finally {
    await session.close();
  }
}

/** Where a copy that must outlive the run lives (upgrade: next to its backup, for --resume and --rollback). */
export interface KeptCopy {
  dir: string;
  /** Use what an earlier run copied instead of reading the host again. */
  reuse: boolean;
}

function keptCopyDir(place: KeptCopy, host: HostSpec): string {
  if (existsSync(place.dir) && !place.reuse && readdirSync(place.dir).length > 0) {
    throw new UsageError(`${place.dir} already holds a copy of a host's store (from an earlier upgrade of ${host.label}?)`, 'continue that upgrade with --resume, or remove the directory');
  }
  mkdirSync(path.join(place.dir, 'root'), { recursive: true, mode: 0o700 });
  return place.dir;
}

/** The admin machine's own xend settings must not leak into a host's. */
function withoutLocalXend(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.XEND_CONFIG;
  return copy;
}

/**
 * The same stream, with `from` replaced by `to` in everything written. A Proxy,
 * so that a terminal keeps its cursor methods and size for the live reporter.
 */
export function rewriting(stream: OutStream, from: string, to: string): OutStream {
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') return (chunk: unknown, ...rest: unknown[]) => (target.write as (...a: unknown[]) => unknown)(typeof chunk === 'string' ? chunk.replaceAll(from, to) : chunk, ...rest);
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
