import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addOptions, intInRange, OptionSpec, shellQuote, toArgv } from '../../src/cli/option-spec.js';

const specs: OptionSpec[] = [
  { key: 'outDir', flags: '-o, --out-dir <dir>', description: 'output' },
  { key: 'strict', flags: '--strict', description: 'strict' },
  { key: 'jobs', flags: '--jobs <n>', description: 'jobs', default: 2, parse: intInRange('--jobs', 1, 64) },
  { key: 'include', flags: '--include <name>', description: 'names', repeatable: true },
];

function parse(argv: string[]) {
  const cmd = addOptions(new Command('t').exitOverride().configureOutput({ writeErr: () => {} }), specs);
  cmd.parse(argv, { from: 'user' });
  return cmd.opts();
}

describe('option specs', () => {
  it('registers flags that commander parses into the typed keys', () => {
    expect(parse(['-o', 'out', '--strict', '--jobs', '4', '--include', 'a', '--include', 'b'])).toEqual({
      outDir: 'out',
      strict: true,
      jobs: 4,
      include: ['a', 'b'],
    });
  });

  it('rejects an out-of-range number with a message naming the flag', () => {
    expect(() => parse(['--jobs', '0'])).toThrow(/--jobs must be between 1 and 64/);
    expect(() => parse(['--jobs', 'x'])).toThrow(/--jobs needs a whole number/);
  });

  it('round-trips: options → argv → the same options', () => {
    const opts = parse(['-o', 'my dir', '--jobs', '8', '--include', "it's"]);
    const argv = toArgv(specs, opts);
    expect(argv).toEqual(['--out-dir', 'my dir', '--jobs', '8', '--include', "it's"]);
    expect(parse(argv)).toEqual(opts);
  });

  it('quotes for a POSIX shell', () => {
    expect(shellQuote(['convert', 'a b', "it's", '$(rm -rf /)', 'plain/path.sxp'])).toBe(
      `convert 'a b' 'it'\\''s' '$(rm -rf /)' plain/path.sxp`,
    );
  });
});
