/**
 * Where the xendomains init script looked for the configs to start at boot:
 * `XENDOMAINS_AUTO` in /etc/default/xendomains (Debian) or
 * /etc/sysconfig/xendomains (Red Hat, SUSE), default /etc/xen/auto. The files
 * are shell variable assignments; only a plain `XENDOMAINS_AUTO=VALUE` line
 * (quoted or not) is read — nothing is executed. For a copied host tree
 * (`--xm-config-dir /mnt/old/etc/xen`) the files and an absolute value are
 * taken relative to the same root.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export async function xendomainsAutoDir(xmConfigDir: string): Promise<string> {
  const fallback = path.join(xmConfigDir, 'auto');
  const etc = path.dirname(xmConfigDir);
  // `/mnt/old/etc/xen` → root `/mnt/old`; a config dir not named etc/xen has no root to map an absolute value to.
  const root = xmConfigDir.endsWith(`${path.sep}etc${path.sep}xen`) || xmConfigDir === '/etc/xen' ? path.dirname(etc) : undefined;
  for (const f of [path.join(etc, 'default', 'xendomains'), path.join(etc, 'sysconfig', 'xendomains')]) {
    const text = await readFile(f, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const value = lastAssignment(text, 'XENDOMAINS_AUTO');
    if (value === undefined || value === '') return fallback;
    if (!path.isAbsolute(value)) return path.join(xmConfigDir, value);
    return root === undefined ? value : path.join(root, value);
  }
  return fallback;
}

function lastAssignment(text: string, name: string): string | undefined {
  let value: string | undefined;
  for (const m of text.matchAll(new RegExp(`^\\s*(?:export\\s+)?${name}=(?:"([^"]*)"|'([^']*)'|([^\\s#;]*))`, 'gm'))) value = m[1] ?? m[2] ?? m[3];
  return value;
}
