/** Screen 1: what this host is (xend store, xend process, libvirt connections). */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Palette } from '../../ui/color.js';
import type { HostFacts } from '../types.js';

export function renderHostFacts(f: HostFacts, c: Palette): string {
  const lines = [c.bold(`Host ${f.hostname}`)];
  lines.push(`  xend store  ${f.xendRoot}  ${f.xendRootExists ? c.green('found') : c.yellow('not found')}`);
  lines.push(
    `  xend        ${f.xendPid ? `${c.yellow(`running (pid ${f.xendPid})`)} — it keeps running until the toolstack switch` : c.green('not running')}`,
  );
  f.uris.forEach((u, i) => {
    const label = i === 0 ? '  libvirt     ' : '              ';
    const status = u.ok
      ? `${c.green('answers')}, ${u.running.length} running${u.running.length ? `: ${u.running.join(', ')}` : ''}`
      : `${c.yellow('no answer')} (${u.error})`;
    lines.push(`${label}${u.uri}  ${status}`);
  });
  if (f.uris.length === 0) lines.push('  libvirt     no URI probed');
  return `${lines.join('\n')}\n`;
}

/** Validation for a xend store path typed by the admin: an existing directory. */
export async function validateXendRoot(value: string, cwd: string): Promise<string | true> {
  if (!value.trim()) return 'enter the directory holding <uuid>/config.sxp';
  try {
    if (!(await fs.stat(path.resolve(cwd, value))).isDirectory()) return `${value} is not a directory`;
    return true;
  } catch {
    return `${value} does not exist`;
  }
}

export function xendRootPrompt(cwd: string) {
  return {
    message: 'Where is the xend domain store (the directory with <uuid>/config.sxp)?',
    validate: (v: string) => validateXendRoot(v, cwd),
  };
}
