/** The one SXP lexer instance, shared by every parse (Chevrotain lexers are stateless between runs). */
import { Lexer } from './chevrotain.js';
import { allTokens } from './tokens.js';

export const sxpLexer = new Lexer(allTokens, {
  // Lines and columns come from our own line table (positions.ts): cheaper than
  // Chevrotain tracking them per token, and it counts lines the way xend does (LF).
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
  skipValidations: false,
});
