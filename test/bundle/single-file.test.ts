/**
 * The single-file build (scripts/bundle.mjs): one .mjs copied alone into an
 * empty directory runs every kind of work the normal install does, with the
 * same results; its threads are the bundle itself; and ora/@inquirer stay
 * unevaluated until a command needs them. Evaluation is observed with V8's own
 * coverage (NODE_V8_COVERAGE): esbuild wraps each inlined module in an init
 * function named after the module's path, and V8 counts its calls. Each
 * "not evaluated" check has a positive control in the same run, so a broken
 * measurement cannot pass as laziness.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../helpers/run-cli.js';
import { domainsFixture, tempDir } from '../batch/fixture-paths.js';

let work: { dir: string; cleanup: () => void };
let bundle: string;

beforeAll(() => {
  work = tempDir('xend2libxl-bundle-');
  mkdirSync(path.join(work.dir, 'alone'));
  bundle = path.join(work.dir, 'alone', 'xend2libxl.mjs');
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts/bundle.mjs'), bundle], { cwd: repoRoot, stdio: 'pipe', timeout: 120_000 });
  cpSync(domainsFixture, path.join(work.dir, 'domains'), { recursive: true });
}, 180_000);
afterAll(() => work?.cleanup());

interface Run { code: number; stdout: string; stderr: string }

/** Run `node SCRIPT args` from the bundle's otherwise empty directory, with no NODE_PATH. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd: path.dirname(bundle), env: { PATH: process.env.PATH, ...env }, timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

/** Calls of each function of the bundle, per thread (0 = main), from one NODE_V8_COVERAGE directory. */
function coverage(dir: string): Map<number, Map<string, number>> {
  const perThread = new Map<number, Map<string, number>>();
  for (const f of readdirSync(dir)) {
    const thread = Number(/-(\d+)\.json$/.exec(f)?.[1]);
    const report = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[] };
    const calls = perThread.get(thread) ?? new Map<string, number>();
    for (const script of report.result.filter((r) => r.url.endsWith('/xend2libxl.mjs'))) {
      for (const fn of script.functions) calls.set(fn.functionName, (calls.get(fn.functionName) ?? 0) + fn.ranges[0].count);
    }
    perThread.set(thread, calls);
  }
  return perThread;
}

/** How often the init function of a module whose path matches `re` ran (undefined: no such module in the bundle). */
function initCalls(calls: Map<string, number>, re: RegExp): number | undefined {
  const hits = [...calls].filter(([name]) => re.test(name));
  return hits.length === 0 ? undefined : hits.reduce((n, [, c]) => n + c, 0);
}

const ORA = /^node_modules\/ora\/index\.js$/;
const INQUIRER = /^node_modules\/@inquirer\//;
const CHEVROTAIN = /^node_modules\/chevrotain\//;
const CLI_MAIN = /^dist\/cli\/main\.js$/;
const CONVERT_RUN = /^dist\/cli\/commands\/convert-run\.js$/;

describe('single-file build', () => {
  it('runs alone and gives the same --version, help and XML as the installed CLI', async () => {
    expect(readdirSync(path.dirname(bundle))).toEqual(['xend2libxl.mjs']);
    const one = path.join(work.dir, 'domains/3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51/config.sxp');
    for (const args of [['--version'], ['--help'], ['convert', one], ['inventory', '--help']]) {
      const [b, d] = await Promise.all([run(bundle, args), run(binPath, args)]);
      expect(b.stderr).toBe(d.stderr);
      expect(b).toEqual(d);
      expect(b.code).toBe(0);
    }
    const xml = (await run(bundle, ['convert', one])).stdout;
    expect(xml).toContain('<name>web01</name>');
  });

  it('reports errors with the same messages and exit codes', async () => {
    const [b, d] = await Promise.all([run(bundle, ['convert', '/nonexistent/x.sxp']), run(binPath, ['convert', '/nonexistent/x.sxp'])]);
    expect(b.code).toBe(1);
    expect(b).toEqual(d);
    const usage = await run(bundle, ['convert', '--jobs', 'many', 'x']);
    expect(usage.code).toBe(2);
  });

  it('--help evaluates neither ora, @inquirer nor Chevrotain; convert evaluates only Chevrotain', async () => {
    const help = path.join(work.dir, 'cov-help');
    expect((await run(bundle, ['--help'], { NODE_V8_COVERAGE: help })).code).toBe(0);
    const h = coverage(help).get(0)!;
    expect(initCalls(h, CLI_MAIN)).toBeGreaterThan(0); // control: the measurement sees evaluated modules
    for (const lazy of [ORA, INQUIRER, CHEVROTAIN, CONVERT_RUN]) expect([lazy.source, initCalls(h, lazy)]).toEqual([lazy.source, 0]);

    const conv = path.join(work.dir, 'cov-convert');
    const one = path.join(work.dir, 'domains/3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51/config.sxp');
    expect((await run(bundle, ['convert', one], { NODE_V8_COVERAGE: conv })).code).toBe(0);
    const c = coverage(conv).get(0)!;
    expect(initCalls(c, CONVERT_RUN)).toBeGreaterThan(0);
    expect(initCalls(c, CHEVROTAIN)).toBeGreaterThan(0);
    expect(initCalls(c, ORA)).toBe(0);
    expect(initCalls(c, INQUIRER)).toBe(0);
  });

  it('a --jobs 2 batch converts on worker threads that run the bundle itself, with the same files as the installed CLI', async () => {
    const cov = path.join(work.dir, 'cov-jobs');
    const [outB, outD] = [path.join(work.dir, 'out-bundle'), path.join(work.dir, 'out-dist')];
    const domains = path.join(work.dir, 'domains');
    const [b, d] = await Promise.all([
      run(bundle, ['convert', '--jobs', '2', domains, '-o', outB], { NODE_V8_COVERAGE: cov }),
      run(binPath, ['convert', '--jobs', '2', domains, '-o', outD]),
    ]);
    expect(b.code).toBe(d.code);
    // Same diagnostics and summary, but for the clock and the speed.
    const plain = (s: string, out: string) => s.replaceAll(out, 'OUT').replace(/^\d\d:\d\d:\d\d /gm, '').replace(/\([\d.]+ s, [\d.]+ files\/s\)/g, '(T)');
    expect(plain(b.stderr, outB)).toBe(plain(d.stderr, outD));
    const files = readdirSync(outD).sort();
    expect(files.length).toBeGreaterThan(3);
    expect(readdirSync(outB).sort()).toEqual(files);
    for (const f of files) expect([f, readFileSync(path.join(outB, f), 'utf8')]).toEqual([f, readFileSync(path.join(outD, f), 'utf8')]);
    const threads = [...coverage(cov)].filter(([id]) => id !== 0);
    const converting = threads.filter(([, calls]) => (initCalls(calls, /^dist\/batch\/worker\.js$/) ?? 0) > 0);
    const writing = threads.filter(([, calls]) => (initCalls(calls, /^dist\/batch\/writer-worker\.js$/) ?? 0) > 0);
    expect(converting.length).toBe(2);
    expect(writing.length).toBe(1);
  });

  it('refuses the thread marker on the command line', async () => {
    const r = await run(bundle, ['--xend2libxl-thread=worker']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('is for the threads the bundle starts');
  });
});
