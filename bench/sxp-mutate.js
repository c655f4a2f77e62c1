// Deterministic mutations of SXP texts for fuzzing the reader (shared by
// test/sxp/fuzz.test.ts and bench/fuzz-sxp.js). Plain ESM, no dependencies.

/** Small fast seeded PRNG (mulberry32): the same seed gives the same inputs. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters that matter to the lexer, plus a few that must be rejected.
const INTERESTING = ['(', ')', "'", '"', '\\', '#', '\n', ' ', '\x04', '[', ';', '{', 'é', '\x00', '\x7f', '\\x', '\\4', '\\777', "'\\", '\r', '\uD83D\uDE00', '\uDC00'];

/** One mutated copy of `text`: 1–4 edits of random kinds. */
export function mutate(text, random) {
  let s = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (s.length + 1));
    const len = Math.floor(random() * Math.min(32, s.length - at + 1));
    switch (Math.floor(random() * 8)) {
      case 0: // insert a lexically interesting character
        s = s.slice(0, at) + INTERESTING[Math.floor(random() * INTERESTING.length)] + s.slice(at);
        break;
      case 1: // delete a range
        s = s.slice(0, at) + s.slice(at + len);
        break;
      case 2: // duplicate a range
        s = s.slice(0, at + len) + s.slice(at, at + len) + s.slice(at + len);
        break;
      case 3: // truncate (a crash while xend was saving)
        s = s.slice(0, at);
        break;
      case 4: // replace one character by any code unit
        s = s.slice(0, at) + String.fromCharCode(Math.floor(random() * (random() < 0.8 ? 128 : 65536))) + s.slice(at + 1);
        break;
      case 5: // deep nesting
        s = s.slice(0, at) + '('.repeat(1 + Math.floor(random() * 200)) + s.slice(at);
        break;
      case 6: // swap two ranges' contents
        {
          const other = Math.floor(random() * (s.length + 1));
          s = s.slice(0, at) + s.slice(other, other + len) + s.slice(at + len);
        }
        break;
      default: // long run of one interesting character (quotes, backslashes, separators)
        s = s.slice(0, at) + INTERESTING[Math.floor(random() * INTERESTING.length)].repeat(1 + Math.floor(random() * 64)) + s.slice(at);
    }
  }
  return s;
}
