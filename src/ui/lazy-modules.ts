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

/**
 * The prompts the CLI uses, and only those: the single-file build bundles just
 * these four (scripts/bundle.mjs), since the others pull in ~0.5 MB (the editor
 * prompt's iconv-lite tables) that every start of the bundle would parse.
 */
export type Prompts = Pick<typeof import('@inquirer/prompts'), 'input' | 'select' | 'checkbox' | 'confirm'>;

export async function loadPrompts(): Promise<Prompts> {
  const { input, select, checkbox, confirm } = await import('@inquirer/prompts');
  return { input, select, checkbox, confirm };
}
