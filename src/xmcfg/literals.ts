/**
 * Values of literal tokens, as Python 2 (xm) and libxlu (xl) give them:
 * string escapes and prefixes, integers in every base, floats.
 */
const SIMPLE: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };

/** The text of a string literal token (prefix and quotes included). */
export function stringValue(image: string): string {
  const m = /^([rRuUbB]{0,2})('''|"""|'|")/.exec(image);
  if (!m) return image;
  const prefix = m[1].toLowerCase();
  const body = image.slice(m[0].length, image.length - m[2].length);
  if (prefix.includes('r')) return body.replace(/\r\n/g, '\n');
  return unescape(body.replace(/\r\n/g, '\n'), prefix.includes('u'));
}

function unescape(body: string, unicode: boolean): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[i + 1];
    const simple = SIMPLE[n];
    if (simple !== undefined) {
      out += simple;
      i++;
    } else if (n >= '0' && n <= '7') {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(oct, 8) & 0xff);
      i += oct.length;
    } else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      out += String.fromCharCode(parseInt(body.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (unicode && (n === 'u' || n === 'U')) {
      const len = n === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + len);
      if (new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) {
        out += String.fromCodePoint(parseInt(hex, 16));
        i += 1 + len;
      } else out += c;
    } else {
      // Python keeps an unknown escape as written, backslash included.
      out += c;
    }
  }
  return out;
}

/** A number token → its value; `float` for floats (xm's int options truncate them). */
export function numberValue(image: string): { value: number; float: boolean; complex: boolean } {
  let t = image;
  const complex = /[jJ]$/.test(t);
  if (complex || /[lL]$/.test(t)) t = t.slice(0, -1);
  if (/^0[xX]/.test(t)) return { value: parseInt(t.slice(2), 16), float: false, complex };
  if (/^0[oO]/.test(t)) return { value: parseInt(t.slice(2), 8), float: false, complex };
  if (/^0[bB]/.test(t)) return { value: parseInt(t.slice(2), 2), float: false, complex };
  if (/^0\d+$/.test(t)) return { value: parseInt(t, 8), float: false, complex };
  const float = /[.eE]/.test(t);
  return { value: Number(t), float, complex };
}
