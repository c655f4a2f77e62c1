// Bounded fuzzing in the suite: mutated real configs must either parse (and then
// round-trip through the writer) or fail with SxpSyntaxError at a real position.
// Nothing else may escape. The long run is bench/fuzz-sxp.js (>= 1,000,000 inputs).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/run-cli.js';
import { parseSxp, SxpSyntaxError, toPlain, writeSxp } from '../../src/sxp/index.js';
// @ts-expect-error plain-JS helper shared with bench/fuzz-sxp.js
import { mutate, rng } from '../../bench/sxp-mutate.js';

const corpusDir = path.join(repoRoot, '../shared/corpus/libvirt-sexpr2xml');
const BUILTIN_SEEDS = [
  "(domain\n    (name web01)\n    (memory 512)\n    (image (linux (kernel /boot/vmlinuz) (args 'root=/dev/xvda1 ro')))\n    (device (vbd (uname phy:/dev/vg0/web01) (dev xvda:disk) (mode w)))\n)\n",
  `(vm (name "it's") (description 'caf\\xc3\\xa9 \\t\\101') (platform ((acpi 1) (apic 1))) (features ) (kernel) (x ''))\n# trailing comment\n`,
];

function seeds(): string[] {
  if (!fs.existsSync(corpusDir)) {
    console.warn(`note: ${corpusDir} not found; fuzzing the built-in seeds only`);
    return BUILTIN_SEEDS;
  }
  const corpus = fs
    .readdirSync(corpusDir)
    .filter((f) => f.endsWith('.sexpr'))
    .sort()
    .map((f) => fs.readFileSync(path.join(corpusDir, f), 'utf8').replace(/\\\n/g, ''));
  return [...BUILTIN_SEEDS, ...corpus];
}

describe('fuzz', () => {
  it('20,000 mutated configs: parse and round-trip, or SxpSyntaxError with a valid position', () => {
    const inputs = seeds();
    const random = rng(20260601);
    const counts = { parsed: 0, rejected: 0, slow: 0 };
    const codes = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const text: string = mutate(inputs[i % inputs.length], random);
      const start = performance.now();
      try {
        const doc = parseSxp(text, { file: 'fuzz.sxp', allowEmpty: i % 2 === 0 });
        counts.parsed++;
        const plain = doc.forms.map(toPlain);
        if (plain.length > 0 && text.isWellFormed()) expect(parseSxp(writeSxp(doc)).forms.map(toPlain)).toEqual(plain);
      } catch (e) {
        if (!(e instanceof SxpSyntaxError)) throw new Error(`input #${i} threw ${String(e)}: ${JSON.stringify(text.slice(0, 200))}`);
        counts.rejected++;
        codes.add(e.code);
        const p = e.position!;
        expect(p.line >= 1 && p.column >= 1 && p.offset >= 0 && p.offset <= text.length, `bad position ${JSON.stringify(p)} for #${i}`).toBe(true);
        expect(e.file).toBe('fuzz.sxp');
      }
      if (performance.now() - start > 100) counts.slow++;
    }
    console.log(`fuzz: ${counts.parsed} parsed, ${counts.rejected} rejected (${[...codes].sort().join(', ')}), ${counts.slow} took > 100 ms`);
    // The mutations must exercise both outcomes and most diagnostics, or the test proves little.
    expect(counts.parsed).toBeGreaterThan(1000);
    expect(counts.rejected).toBeGreaterThan(1000);
    expect(codes.size).toBeGreaterThanOrEqual(5);
  });
});
