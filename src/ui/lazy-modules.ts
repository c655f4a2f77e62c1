/**
 * ora and the prompts are loaded only when a command is about to use them, so
 * `--help`, completion and piped batch runs never pay for their import
 * (bench/startup measures this). createReporter() is synchronous (commands call
 * it freely), so the CLI preloads ora in a preAction hook when — and only when —
 * the run will draw live progress.
 */
import type { Ora, Options as OraOptions } from 'ora';

type OraFactory = (options: OraOptions) => Ora;
let oraFactory: OraFactory | undefined;

export async function preloadOra(): Promise<void> {
  oraFactory ??= (await import('ora')).default;
}

/** The ora factory if {@link preloadOra} ran; otherwise undefined (callers fall back to plain lines). */
export function loadedOra(): OraFactory | undefined {
  return oraFactory;
}

export type Prompts = typeof import('@inquirer/prompts');

export async function loadPrompts(): Promise<Prompts> {
  return import('@inquirer/prompts');
}
