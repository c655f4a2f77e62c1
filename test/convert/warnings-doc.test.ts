/** docs/warnings.md documents every warning and error code the converter can emit, and no stale ones. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, WARNING_CODES } from '../../src/convert/warning-codes.js';

const doc = readFileSync(join(process.cwd(), 'docs', 'warnings.md'), 'utf8');

describe('docs/warnings.md', () => {
  it('has a section for every warning code', () => {
    const missing = WARNING_CODES.filter((c) => !doc.includes(`#### \`${c}\``));
    expect(missing).toEqual([]);
  });

  it('has a row for every error code', () => {
    expect(ERROR_CODES.filter((c) => !doc.includes(`| \`${c}\` |`))).toEqual([]);
  });

  it('documents no code that does not exist', () => {
    const documented = [...doc.matchAll(/^#### `([A-Z0-9_]+)`/gm)].map((m) => m[1]);
    expect(documented.filter((c) => !(WARNING_CODES as readonly string[]).includes(c))).toEqual([]);
  });

  it('every declared warning code is emitted somewhere in src/convert', () => {
    const dir = join(process.cwd(), 'src', 'convert');
    const src = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'warning-codes.ts').map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(WARNING_CODES.filter((c) => !src.includes(`'${c}'`))).toEqual([]);
    expect(ERROR_CODES.filter((c) => !src.includes(`'${c}'`))).toEqual([]);
  });
});
