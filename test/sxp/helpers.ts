import { parseSxp, SxpSyntaxError, toPlain, type PlainSxp } from '../../src/sxp/index.js';

/** Top-level forms of `text` as plain data (atoms → strings, lists → arrays). */
export function plain(text: string | Uint8Array): PlainSxp[] {
  return parseSxp(text).forms.map(toPlain);
}

/** The SxpSyntaxError `text` raises, or a test failure if it parses. */
export function syntaxError(text: string | Uint8Array, file = 'config.sxp'): SxpSyntaxError {
  try {
    parseSxp(text, { file });
  } catch (e) {
    if (e instanceof SxpSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(text)}`);
}

/** `LINE:COL` of an error, for compact assertions. */
export function where(e: SxpSyntaxError): string {
  return `${e.position?.line}:${e.position?.column}`;
}
