// libvirt's sexpr2xml conformance inputs (../shared/corpus, LGPL): every file is
// read exactly as xend would, after stripping backslash-newline like libvirt's harness.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/run-cli.js';
import { nameOf, parseSxp, SxpSyntaxError, toPlain, writeSxp } from '../../src/sxp/index.js';

const corpusDir = path.join(repoRoot, '../shared/corpus/libvirt-sexpr2xml');
const present = fs.existsSync(corpusDir);
if (!present) console.warn(`SKIPPED: SXP corpus tests, ${corpusDir} not found (needs the shared reference checkout)`);

/**
 * Four of libvirt's 50 inputs have unbalanced parentheses — libvirt's own
 * reader tolerated that, xend's would not have loaded them. They are rejected
 * with a precise position instead of being guessed at.
 */
const UNBALANCED: Record<string, { code: string; at: string }> = {
  'sexpr2xml-bridge-ipaddr.sexpr': { code: 'SXP_UNEXPECTED_EOF', at: '1:527' },
  'sexpr2xml-net-routed.sexpr': { code: 'SXP_UNEXPECTED_EOF', at: '1:523' },
  'sexpr2xml-pv-vfb-new.sexpr': { code: 'SXP_UNEXPECTED_CLOSE', at: '1:520' },
  'sexpr2xml-pv-vfb-new-vncdisplay.sexpr': { code: 'SXP_UNEXPECTED_CLOSE', at: '1:535' },
};

const files = present ? fs.readdirSync(corpusDir).filter((f) => f.endsWith('.sexpr')).sort() : [];
const read = (f: string) => fs.readFileSync(path.join(corpusDir, f), 'utf8').replace(/\\\n/g, '');

describe.skipIf(!present)('libvirt sexpr2xml corpus', () => {
  it('has the 50 inputs this suite was written against', () => {
    expect(files).toHaveLength(50);
  });

  it.each(files.filter((f) => !(f in UNBALANCED)))('%s parses to one (domain …) form and round-trips', (f) => {
    const doc = parseSxp(read(f), { file: f });
    expect(doc.forms).toHaveLength(1);
    expect(nameOf(doc.forms[0])).toBe('domain');
    const plain = doc.forms.map(toPlain);
    expect(parseSxp(writeSxp(doc)).forms.map(toPlain)).toEqual(plain);
  });

  it.each(Object.entries(UNBALANCED))('%s is unbalanced in libvirt\'s data and is reported precisely', (f, expected) => {
    let err: unknown;
    try {
      parseSxp(read(f), { file: f });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SxpSyntaxError);
    const e = err as SxpSyntaxError;
    expect({ code: e.code, at: `${e.position?.line}:${e.position?.column}` }).toEqual(expected);
    expect(e.file).toBe(f);
  });

  it('reads the bytes of a string-valued file identically to its text', () => {
    const f = 'sexpr2xml-curmem.sexpr';
    const bytes = fs.readFileSync(path.join(corpusDir, f));
    expect(parseSxp(bytes).forms.map(toPlain)).toEqual(parseSxp(bytes.toString('utf8')).forms.map(toPlain));
  });
});
