/**
 * `npm pack` gives a tarball that installs with no registry at all: the
 * dependencies travel inside it (bundleDependencies). The install runs with
 * --offline, an empty private cache and a registry address nothing listens on,
 * so a missing dependency fails the install instead of being fetched. The
 * installed command then converts, and the single-file build inside the
 * package runs too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../helpers/run-cli.js';
import { configOf, tempDir, UUIDS } from '../batch/fixture-paths.js';

let work: { dir: string; cleanup: () => void };
let tarball: string;
const prefix = () => path.join(work.dir, 'prefix');
/** No registry, no shared cache: whatever the install needs must be in the tarball. */
const npmEnv = () => ({ ...process.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_cache: path.join(work.dir, 'cache'), npm_config_update_notifier: 'false' });

beforeAll(() => {
  work = tempDir('xend2libxl-pack-');
  // `npm pack` runs `prepare` (tsc, then scripts/bundle.mjs). Here dist/ is already built (global
  // setup), and rebuilding it would pull files from under suites running at the same time: the
  // bundle step is run alone and pack skips the scripts.
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts/bundle.mjs')], { cwd: repoRoot, stdio: 'pipe', timeout: 120_000 });
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work.dir], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  tarball = path.join(work.dir, out.trim().split('\n').pop()!);
  execFileSync('npm', ['install', '-g', tarball, '--offline', '--prefix', prefix(), '--no-audit', '--no-fund'], { cwd: work.dir, env: npmEnv(), stdio: 'pipe', timeout: 300_000 });
}, 600_000);
afterAll(() => work?.cleanup());

const installed = () => path.join(prefix(), 'lib/node_modules/xend2libxl');

describe('offline install from the npm pack tarball', () => {
  it('carries every runtime dependency inside the tarball', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
    for (const dep of ['commander', 'chevrotain', 'fast-xml-parser', 'ora', '@inquirer/prompts', '@inquirer/core']) {
      expect([dep, files.some((f) => f.startsWith(`package/node_modules/${dep}/package.json`))]).toEqual([dep, true]);
    }
    expect(files).toContain('package/dist/xend2libxl.mjs');
    expect(files.some((f) => f.startsWith('package/node_modules/vitest/'))).toBe(false);
  });

  it('the installed command converts like the working tree does', () => {
    const one = configOf(UUIDS.web01);
    const bin = path.join(prefix(), 'bin/xend2libxl');
    expect(existsSync(bin)).toBe(true);
    const got = execFileSync(bin, ['convert', one], { cwd: work.dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
    const want = execFileSync(process.execPath, [binPath, 'convert', one], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(got).toContain('<name>web01</name>');
    expect(got).toBe(want);
  });

  it('the single-file build in the package runs on its own', () => {
    expect(readdirSync(path.join(installed(), 'dist'))).toContain('xend2libxl.mjs');
    const v = execFileSync(process.execPath, [path.join(installed(), 'dist/xend2libxl.mjs'), 'convert', configOf(UUIDS.web01)], { cwd: work.dir, encoding: 'utf8' });
    expect(v).toContain('<name>web01</name>');
  });
});
