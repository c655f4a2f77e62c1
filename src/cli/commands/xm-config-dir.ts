/**
 * Which directory's xm/xl configs a command reads: `--xm-config-dir` (must
 * exist), none with `--no-xm-configs`, else the directory of the
 * xend-config.sxp in use, else /etc/xen — the defaults only when present, so a
 * host whose /etc/xen is gone (or a test on a laptop) is not an error.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../errors.js';

export const DEFAULT_XM_CONFIG_DIR = '/etc/xen';

export async function xmConfigDirOf(opts: { xmConfigDir?: string; xmConfigs?: boolean }, cwd: string, xendConfigFile?: string): Promise<string | undefined> {
  if (opts.xmConfigs === false) {
    if (opts.xmConfigDir !== undefined) throw new UsageError('--xm-config-dir and --no-xm-configs contradict each other', 'pass one of them');
    return undefined;
  }
  const isDir = async (d: string) => (await stat(d).catch(() => undefined))?.isDirectory() ?? false;
  if (opts.xmConfigDir !== undefined) {
    const dir = path.resolve(cwd, opts.xmConfigDir);
    if (!(await isDir(dir))) throw new UsageError(`--xm-config-dir ${opts.xmConfigDir} is not a directory`, 'name the directory holding the NAME.cfg files (usually /etc/xen)');
    return dir;
  }
  for (const d of [xendConfigFile && path.dirname(xendConfigFile), DEFAULT_XM_CONFIG_DIR]) if (d && (await isDir(d))) return d;
  return undefined;
}
