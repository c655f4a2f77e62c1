/**
 * Where a batch thread's code lives. Normally the compiled module next to this
 * one; the single-file build (scripts/bundle.mjs) replaces this module so that
 * the bundle starts itself as the thread, marked by an argv entry its entry
 * point looks for. Undefined when the compiled module is not there (running
 * from TypeScript sources, e.g. under vitest): the caller then works on the
 * main thread, with the same results.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type ThreadName = 'worker' | 'writer-worker';

export interface ThreadScript {
  url: URL;
  /** Appended to the thread's process.argv. */
  argv: string[];
}

export function threadScript(name: ThreadName, override?: URL): ThreadScript | undefined {
  const url = override ?? new URL(`./${name}.js`, import.meta.url);
  return existsSync(fileURLToPath(url)) ? { url, argv: [] } : undefined;
}
