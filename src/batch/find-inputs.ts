/**
 * Which files a batch converts. Directories are walked lazily (one directory
 * listing in memory at a time) so a tree of 100,000 configs costs no more
 * memory than one of ten. Order is deterministic: sorted names, depth first.
 */
import { readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** xend's daemon settings share the extension but are not domain configs. */
const NOT_DOMAIN_CONFIGS = new Set(['xend-config.sxp', 'xend-pci-permissive.sxp', 'xend-pci-quirks.sxp']);

export function isDomainConfigName(name: string): boolean {
  return name.endsWith('.sxp') && !NOT_DOMAIN_CONFIGS.has(name);
}

/**
 * Yield every input file. A path given explicitly is yielded as is, whatever
 * its name and even when it does not exist (conversion then reports it as
 * unreadable, the other inputs still go through).
 */
export async function* findInputs(args: readonly string[], cwd: string): AsyncGenerator<string> {
  for (const arg of args) {
    const abs = path.resolve(cwd, arg);
    const st = await stat(abs).catch(() => undefined);
    if (st?.isDirectory()) yield* walk(abs, arg);
    else yield arg;
  }
}

async function* walk(abs: string, shown: string): AsyncGenerator<string> {
  // One directory listing at a time; synchronous because a thread-pool hop per
  // directory costs more than listing a xend <uuid>/ directory.
  const names: { name: string; dir: boolean }[] = [];
  for (const d of readdirSync(abs, { withFileTypes: true })) {
    let isDir = d.isDirectory();
    let isFile = d.isFile();
    if (d.isSymbolicLink()) {
      // Follow links to files; never follow links to directories (loops, surprise trees).
      isFile = statSync(path.join(abs, d.name), { throwIfNoEntry: false })?.isFile() ?? false;
      isDir = false;
    }
    if (isDir || (isFile && isDomainConfigName(d.name))) names.push({ name: d.name, dir: isDir });
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const n of names) {
    const childAbs = path.join(abs, n.name);
    const childShown = path.join(shown, n.name);
    if (n.dir) yield* walk(childAbs, childShown);
    else yield childShown;
  }
}

/** Count the inputs without keeping them (for a progress total). */
export async function countInputs(args: readonly string[], cwd: string): Promise<number> {
  let n = 0;
  for await (const _ of findInputs(args, cwd)) n++;
  return n;
}

