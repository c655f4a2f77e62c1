/**
 * Unmanaged domains: the `xm create` / `xl create` configs in /etc/xen
 * (`*.cfg`, and extension-less files that parse as domain configs), with
 * autostart from the /etc/xen/auto links the xendomains init script followed
 * at boot. Bad files are reported, never fatal. Merged with the store by
 * {@link mergeXmConfigs}: a name in both is one domain, and the store wins.
 */
import { lstat, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { XendDefaults } from '../convert/api.js';
import { convertXmConfigText } from '../convert/from-xmcfg.js';
import { Xend2LibxlError } from '../errors.js';
import { readConfigFile } from '../sxp/read-file.js';
import { parseXmConfig, scalarText, settingValue } from '../xmcfg/index.js';
import { applyConversion } from './from-conversion.js';
import { xendomainsAutoDir } from './xendomains-auto.js';
import { INVENTORY_CODES as C, statusOf, type InventoryEntry } from './types.js';

/** Not domain configs, though they live in /etc/xen. */
const NOT_DOMAINS = new Set(['xend-config.sxp', 'xend-config-xenapi.sxp', 'xend-pci-permissive.sxp', 'xend-pci-quirks.sxp', 'xl.conf', 'xlexample.hvm', 'xlexample.pvlinux', 'cpupool', 'README', 'README.incompatibilities', 'oxenstored.conf']);
const SKIPPED_DIRS = new Set(['auto', 'scripts']);

/** Problem code: a .cfg names a domain xend's store also has (the store wins). */
export const XM_CONFIG_SHADOWED = 'INV_XM_CONFIG_SHADOWED';

export interface XmScanOptions {
  defaults?: XendDefaults;
  keepConversion?: boolean;
  /** A local copy's path → the host's path (`--host`), so that a uuid derived from the path is the host's. */
  pathOnHost?: (localPath: string) => string;
}

export interface XmConfigScan {
  entries: InventoryEntry[];
  /** Every /etc/xen/auto entry with the config it resolves to (undefined when dangling). */
  autoLinks: { link: string; target?: string }[];
}

export async function scanXmConfigDir(dir: string, opts: XmScanOptions = {}): Promise<XmConfigScan> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((d) => !d.isDirectory() && !SKIPPED_DIRS.has(d.name)).map((d) => d.name).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new Xend2LibxlError('XM_CONFIG_DIR_UNREADABLE', `cannot list the xm config directory (${code || (e as Error).message})`, { file: dir, hint: 'point --xm-config-dir at the directory holding NAME.cfg files (default /etc/xen), or pass --no-xm-configs', cause: e });
  }
  const autoDir = await xendomainsAutoDir(dir);
  const autoLinks = await readAutoDir(autoDir);
  const autoTargets = new Set(autoLinks.map((a) => a.target).filter((t): t is string => t !== undefined));
  const entries: InventoryEntry[] = [];
  const seen = new Set<string>();
  const candidates = names.filter((n) => !NOT_DOMAINS.has(n) && (n.endsWith('.cfg') || !n.includes('.'))).map((n) => path.join(dir, n));
  // xendomains also starts a plain file (not a link) put in auto/: it is a config of its own.
  const realAuto = await realpath(autoDir).catch(() => autoDir);
  for (const a of autoLinks) if (a.target && path.dirname(a.target) === realAuto) candidates.push(a.target);
  for (const file of candidates) {
    const real = await realpath(file).catch(() => file);
    if (seen.has(real)) continue;
    seen.add(real);
    const e = await readXmEntry(file, real, autoTargets.has(real), opts, file.endsWith('.cfg') || path.dirname(file) === realAuto);
    if (!e) continue;
    const links = autoLinks.filter((a) => a.target === real).map((a) => a.link);
    if (links.length) e.autoLinks = links;
    entries.push(e);
  }
  return { entries, autoLinks };
}

async function readAutoDir(auto: string): Promise<XmConfigScan['autoLinks']> {
  let names: string[];
  try {
    names = (await readdir(auto)).sort();
  } catch {
    return [];
  }
  const out: XmConfigScan['autoLinks'] = [];
  for (const n of names) {
    const link = path.join(auto, n);
    const st = await lstat(link).catch(() => undefined);
    if (!st || st.isDirectory()) continue;
    out.push({ link, target: await realpath(link).catch(() => undefined) });
  }
  return out;
}

/**
 * One config → an inventory entry; undefined for an extension-less file that
 * is not a domain config (a script, a note): only `.cfg` files are always reported.
 */
async function readXmEntry(file: string, real: string, autostart: boolean, opts: XmScanOptions, mustBeConfig: boolean): Promise<InventoryEntry | undefined> {
  const entry: InventoryEntry = { path: file, directoryUuid: path.basename(file), source: 'xm-config', disks: [], macs: [], state: 'unknown', status: 'ok', problems: [], autostart };
  let bytes: Buffer;
  try {
    bytes = await readConfigFile(file);
  } catch (e) {
    if (!mustBeConfig) return undefined;
    entry.problems.push({ code: C.UNREADABLE, severity: 'error', message: (e as Error).message });
    entry.status = 'error';
    return entry;
  }
  if (!mustBeConfig) {
    try {
      if (scalarText(settingValue(parseXmConfig(bytes), 'name')) === undefined) return undefined;
    } catch {
      return undefined;
    }
  }
  const r = convertXmConfigText(bytes, { file, uuidPath: opts.pathOnHost?.(real) ?? real, autostart, xendDefaults: opts.defaults });
  if (opts.keepConversion) entry.conversion = r;
  applyConversion(entry, r, true);
  // A config the converter never got to see (a syntax error): its name line, if it has a plain one.
  if (!r.domain) entry.name = salvageName(bytes);
  entry.status = statusOf(entry.problems);
  return entry;
}

/** The name of a config the reader refused (Python code), so the admin knows which domain it is. */
function salvageName(bytes: Buffer): string | undefined {
  // Only a whole-line literal: `name = "vm-" + host` must not pass for a name.
  return /^\s*name\s*=\s*(['"])([^'"\n]+)\1\s*(?:#.*)?$/m.exec(bytes.toString('latin1'))?.[2];
}

/**
 * Store entries and .cfg entries as one list. A healthy store entry with the
 * same name as a .cfg is the same domain: the store wins (it is what `xm list`
 * showed and what xend restarted), the .cfg is noted on it and not converted.
 */
export function mergeXmConfigs(store: InventoryEntry[], xm: InventoryEntry[]): InventoryEntry[] {
  const byName = new Map(store.filter((e) => e.name && e.status !== 'error').map((e) => [e.name!, e]));
  const out = [...store];
  for (const x of xm) {
    const managed = x.name ? byName.get(x.name) : undefined;
    if (!managed) {
      out.push(x);
      continue;
    }
    const auto = x.autostart && !managed.autostart ? `; its /etc/xen/auto link asked for autostart, which the managed domain does not have (run \`virsh autostart ${managed.name}\` after the upgrade if that is wanted)` : '';
    managed.problems.push({
      code: XM_CONFIG_SHADOWED,
      severity: 'warning',
      message: `${x.path} describes the same domain (name ${x.name}); xend's store wins because it is what \`xm list\` showed and what xend restarted — the .cfg is backed up but not converted${auto}`,
    });
    managed.status = statusOf(managed.problems);
    (managed.shadowedXmConfigs ??= []).push({ path: x.path, autoLinks: x.autoLinks ?? [] });
  }
  return out;
}
