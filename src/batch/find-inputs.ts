/**
 * Which files a batch converts. Directories are walked lazily (one directory
 * listing in memory at a time) so a tree of 100,000 configs costs no more
 * memory than one of ten. Order is deterministic: sorted names, depth first.
 * The walk is synchronous: a thread-pool hop per directory (or a promise per
 * input) costs more than listing a xend `<uuid>/` directory.
 */
import { readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';

/** xend's daemon settings share the extension but are not domain configs. */
const NOT_DOMAIN_CONFIGS = new Set(['xend-config.sxp', 'xend-pci-permissive.sxp', 'xend-pci-quirks.sxp']);

export function isDomainConfigName(name: string): boolean {
  // `.cfg`: xm/xl domain configs (convert-file.ts reads them with src/xmcfg).
  return (name.endsWith('.sxp') && !NOT_DOMAIN_CONFIGS.has(name)) || name.endsWith('.cfg');
}

/**
 * Every input file. A path given explicitly is yielded as is, whatever its
 * name and even when it does not exist (conversion then reports it as
 * unreadable, the other inputs still go through). `-` is standard input.
 */
export function* inputPaths(args: readonly string[], cwd: string): Generator<string> {
  for (const arg of args) {
    if (arg === '-') {
      yield arg;
      continue;
    }
    let isDir = false;
    try {
      isDir = statSync(path.resolve(cwd, arg), { throwIfNoEntry: false })?.isDirectory() ?? false;
    } catch {
      /* unreadable: conversion reports it */
    }
    if (isDir) yield* walk(path.resolve(cwd, arg), path.normalize(arg));
    else yield arg;
  }
}

/** {@link inputPaths} as an async iterable (callers that interleave other awaits). */
export async function* findInputs(args: readonly string[], cwd: string): AsyncGenerator<string> {
  yield* inputPaths(args, cwd);
}

/**
 * Depth first over one explicit stack, in a single generator: a recursive
 * `yield*` per directory makes a generator per xend `<uuid>/` directory and
 * passes every path up through each level (and V8 deoptimised the recursive
 * version once per directory, bench/batch.js).
 */
function* walk(abs: string, shown: string): Generator<string> {
  const stack: { abs: string; shown: string; names?: Listed[]; next: number }[] = [{ abs, shown, next: 0 }];
  while (stack.length > 0) {
    const dir = stack[stack.length - 1];
    if (dir.names === undefined) {
      const names = list(dir.abs);
      if (names === undefined) {
        // An unlistable directory (no permission, removed while we walk) is one failed input, not the
        // end of the batch: yielded as itself, its read fails and is reported with the reason.
        stack.pop();
        yield dir.shown;
        continue;
      }
      dir.names = names;
    }
    if (dir.next === dir.names.length) {
      stack.pop();
      continue;
    }
    const entry = dir.names[dir.next++];
    const child = { abs: joinName(dir.abs, entry.name), shown: joinName(dir.shown, entry.name), next: 0 };
    if (entry.dir) stack.push(child);
    else yield child.shown;
  }
}

interface Listed {
  name: string;
  dir: boolean;
}

/** The subdirectories and domain configs of `abs`, sorted by name; undefined when it cannot be listed. */
function list(abs: string): Listed[] | undefined {
  let entries: Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch {
    return undefined;
  }
  const names: Listed[] = [];
  for (const d of entries) {
    // Never follow links to directories (loops, surprise trees). Anything else with a config's name
    // (a file, a link, but also a FIFO or a device) is an input: reading it refuses what is not a
    // regular file, so a FIFO named config.sxp is reported instead of silently skipped or read.
    const isDir = d.isDirectory();
    // /etc/xen/auto holds links to the .cfg files next to it (xendomains' boot list): not inputs of their own.
    if (isDir && d.name === 'auto') continue;
    if (isDir || isDomainConfigName(d.name)) names.push({ name: d.name, dir: isDir });
  }
  return names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * `path.join` for a directory entry's name (never empty, never `.`/`..`, no
 * slash): the directory part is normalised once, at the top of the walk.
 */
function joinName(dir: string, name: string): string {
  if (dir === '.' || dir === './') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** Count the inputs without keeping them (for a progress total). */
export async function countInputs(args: readonly string[], cwd: string): Promise<number> {
  let n = 0;
  for (const _ of inputPaths(args, cwd)) n++;
  return n;
}
