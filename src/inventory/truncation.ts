/**
 * Was a config.sxp cut short? xend rewrote the file through a temp file that was
 * not always renamed atomically, so a crash leaves a prefix of a valid file.
 * A prefix is recognisable lexically: it ends inside a string or with lists
 * still open. This is independent of how the parser words its error.
 */
export function endsInsideOpenForm(text: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
  }
  return depth > 0 || quote !== undefined;
}
