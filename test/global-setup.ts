/**
 * Once per test run: build dist/ so that CLI tests run the real `bin/xend2libxl.js`
 * exactly as an admin would. Set XEND2LIBXL_NO_BUILD=1 to skip when iterating on
 * pure unit tests.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default function setup(): void {
  if (process.env.XEND2LIBXL_NO_BUILD === '1') return;
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], {
      stdio: 'pipe',
      encoding: 'utf8',
    });
  } catch (e) {
    const out = (e as { stdout?: string }).stdout ?? String(e);
    throw new Error(`TypeScript build failed:\n${out}`);
  }
}
