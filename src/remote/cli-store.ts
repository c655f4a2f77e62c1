/**
 * `--host` for the store-reading commands: connect, copy the host's xend store
 * into a private local directory, run the command on the copy, and show every
 * path of the copy as `HOST:/path` in its output. The copy and the ssh
 * connection are removed afterwards, whatever happens.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
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
export async function withRemoteStore<T>(hostArg: string, opts: StoreOptions, ctx: CliContext, body: (store: LocalStore, ctx: CliContext) => Promise<T>, ssh: SshSessionOptions = {}): Promise<T> {
  const host = parseHostSpec(hostArg);
  const copy = makeCopyDir();
  const root = path.join(copy, 'root');
  let session: SshSession | undefined;
  try {
    session = await SshSession.open(host, { env: ctx.env, ...ssh });
    const configPath = opts.xendConfig ?? DEFAULT_XEND_CONFIG;
    const xmConfigDir = opts.xmConfigs === false ? undefined : (opts.xmConfigDir ?? path.posix.dirname(configPath));
    let fetched = await fetchXendStore(session, { domainsPath: opts.xendRoot ?? DEFAULT_DOMAINS_PATH, configPath, xmConfigDir, storeOptional: opts.xendRoot === undefined }, root);
    if (opts.xmConfigDir !== undefined && opts.xmConfigs !== false && fetched.xmConfigDir === undefined) {
      throw new UsageError(`--xm-config-dir ${opts.xmConfigDir} is not a directory on ${host.label}`, 'name the directory holding the NAME.cfg files on the host (usually /etc/xen)');
    }
    if (opts.xendRoot === undefined && fetched.configFile !== undefined) {
      // xend-domains-path elsewhere: one more archive, of that store.
      const configured = (await loadXendConfig(fetched.configFile))?.domainsPath;
      if (configured !== undefined && path.posix.normalize(configured) !== DEFAULT_DOMAINS_PATH) {
        fetched = { ...(await fetchXendStore(session, { domainsPath: configured }, root)), configFile: fetched.configFile, xmConfigDir: fetched.xmConfigDir };
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
    const env = { ...ctx.env };
    delete env.XEND_CONFIG;
    const shown = { ...ctx, env, stdout: rewriting(ctx.stdout, root, `${host.label}:`), stderr: rewriting(ctx.stderr, root, `${host.label}:`) };
    const pathOnHost = (p: string) => (p.startsWith(`${root}/`) ? p.slice(root.length) : p);
    const local = { xendRoot: fetched.domainsDir, xendConfig, xmConfigDir: opts.xmConfigDir === undefined ? undefined : fetched.xmConfigDir, pathOnHost };
    const result = await body({ ...local, options: local, host }, shown);
    ctx.exitCode = shown.exitCode;
    return result;
  } finally {
    await session?.close();
    removeCopy(copy);
  }
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
