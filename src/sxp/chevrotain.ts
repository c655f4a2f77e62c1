/**
 * Chevrotain, loaded from the single-file ESM bundle that ships in its package.
 *
 * The package entry (`lib/src/api.js`) imports hundreds of lodash-es modules, which
 * cost ~0.35 s of a one-file `convert`'s ~0.6 s start-up. `lib/chevrotain.mjs` (in the
 * package's `files`, same version, same code) loads in ~20 ms. It is not in the
 * export map, so it is found next to the resolved entry; anything unexpected falls
 * back to the normal entry. Every module of ours imports Chevrotain through here,
 * so all of them share one copy (token types compare by identity).
 */
import type * as Chevrotain from 'chevrotain';

async function load(): Promise<typeof Chevrotain> {
  try {
    const entry = import.meta.resolve('chevrotain');
    return (await import(new URL('../chevrotain.mjs', entry).href)) as typeof Chevrotain;
  } catch {
    return import('chevrotain');
  }
}

const chevrotain = await load();

export const { EOF, createToken, Lexer, EmbeddedActionsParser } = chevrotain;
export type Lexer = Chevrotain.Lexer;
export type EmbeddedActionsParser = Chevrotain.EmbeddedActionsParser;
export type { IRecognitionException, IToken, TokenType } from 'chevrotain';
