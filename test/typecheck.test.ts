/**
 * vitest strips types without checking them, and `tsc -p .` (the build) only
 * covers src/. This runs the compiler over src/ and test/ together
 * (tsconfig.test.json) so a test that no longer matches the code it calls
 * fails here instead of passing by accident.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

it('src/ and test/ type-check together (tsc -p tsconfig.test.json)', async () => {
  const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');
  const out = await new Promise<string>((resolve) => {
    execFile(process.execPath, [tsc, '-p', 'tsconfig.test.json', '--pretty', 'false'], { cwd: repo, timeout: 120_000 }, (err, stdout, stderr) => resolve(err ? `${stdout}${stderr}` || String(err) : ''));
  });
  expect(out.trim().split('\n').filter(Boolean)).toEqual([]);
}, 130_000);
