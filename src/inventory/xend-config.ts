/**
 * /etc/xen/xend-config.sxp: xend's daemon settings. We only need the values xend
 * applied to domains at start without writing them into config.sxp (so the
 * converter must apply them too) and where the managed domains live.
 */
import { Xend2LibxlError } from '../errors.js';
import type { XendDefaults } from '../convert/api.js';
import { isAtom, isList, nameOf, type SxpNode } from '../sxp/model.js';
import { parseSxp } from '../sxp/index.js';
import { ConfigReadError, readConfigFile } from '../sxp/read-file.js';

export const DEFAULT_XEND_CONFIG = '/etc/xen/xend-config.sxp';
export const DEFAULT_DOMAINS_PATH = '/var/lib/xend/domains';

export interface XendConfig {
  file: string;
  defaults: XendDefaults;
  /** `xend-domains-path`, when set. */
  domainsPath?: string;
}

/** xend-config.sxp key → XendDefaults field. xend's own defaults are the converter's business. */
const DEFAULT_KEYS: Record<string, keyof XendDefaults> = {
  'vif-script': 'vifScript',
  'vnc-listen': 'vncListen',
  vncpasswd: 'vncPassword',
  keymap: 'keymap',
};

/** Read the settings from the file's text. Later forms win, as in xend (it stores them in a dict). */
export function parseXendConfig(text: string | Uint8Array, file: string): XendConfig {
  const doc = parseSxp(text, { file });
  const out: XendConfig = { file, defaults: {} };
  for (const form of doc.forms) {
    const key = nameOf(form);
    if (key === undefined || !isList(form)) continue;
    const value = atomValue(form.items[1]);
    if (key === 'xend-domains-path') out.domainsPath = value || undefined;
    const field = DEFAULT_KEYS[key];
    // `(vncpasswd '')` means "no default password": keep it absent rather than empty.
    if (field) {
      if (value) out.defaults[field] = value;
      else delete out.defaults[field];
    }
  }
  return out;
}

function atomValue(n: SxpNode | undefined): string | undefined {
  return isAtom(n) ? n.value : undefined;
}

/**
 * Load xend-config.sxp. An explicitly named file must exist; the default
 * location is optional (a host whose /etc/xen was already cleaned up).
 */
export async function loadXendConfig(file: string | undefined): Promise<XendConfig | undefined> {
  const path = file ?? DEFAULT_XEND_CONFIG;
  let text: Buffer;
  try {
    // A regular file of at most 16 MiB, like every config we read (read-file.ts).
    text = await readConfigFile(path);
  } catch (e) {
    const err = e as ConfigReadError;
    if (file === undefined && err.problem === 'missing') return undefined;
    throw new Xend2LibxlError('XEND_CONFIG_UNREADABLE', err instanceof ConfigReadError ? err.describe('xend configuration') : `cannot read xend configuration: ${String(e)}`, {
      file: path,
      hint: 'pass the host\'s xend settings with --xend-config FILE (normally /etc/xen/xend-config.sxp)',
      cause: e,
    });
  }
  return parseXendConfig(text, path);
}
