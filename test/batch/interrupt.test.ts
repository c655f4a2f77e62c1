/**
 * A batch killed at any moment (SIGKILL: no handler runs) leaves only complete
 * XML files in OUTDIR; its temp files are clearly named and the next run
 * removes them. SIGINT stops cleanly with exit 130 and no temp files at all.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTempName } from '../../src/batch/atomic-write.js';
import { binPath, runBin } from '../helpers/run-cli.js';
import { tempDir, writeManyDomains } from './fixture-paths.js';

// Large enough that a run cannot finish before the signal lands, even on an idle machine.
const COUNT = 3000;
let root: { dir: string; cleanup: () => void };

beforeAll(() => {
  root = tempDir('xend2libxl-interrupt-');
  writeManyDomains(root.dir, COUNT);
});
afterAll(() => root.cleanup());

/** Start a batch, wait until it has written `atLeast` files, then send `signal`. */
function startAndSignal(out: string, signal: NodeJS.Signals, atLeast: number, jobs = 2): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, 'convert', 'domains', '-o', out, '--jobs', String(jobs)], { cwd: root.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setInterval(() => {
      let n = 0;
      try {
        n = readdirSync(out).filter((f) => f.endsWith('.xml')).length;
      } catch {
        /* not created yet */
      }
      if (n >= atLeast) {
        clearInterval(timer);
        child.kill(signal);
      }
    }, 5);
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearInterval(timer);
      resolve({ code, signal: sig, stderr });
    });
  });
}

function classify(out: string) {
  const names = readdirSync(out);
  const xml = names.filter((n) => n.endsWith('.xml'));
  const temps = names.filter(isTempName);
  const other = names.filter((n) => !n.endsWith('.xml') && !isTempName(n));
  const incomplete = xml.filter((n) => {
    const text = readFileSync(path.join(out, n), 'utf8');
    return XMLValidator.validate(text) !== true || !text.trimEnd().endsWith('</domain>');
  });
  return { xml, temps, other, incomplete };
}

/** [who converts, --jobs]: both engines a large batch can run on. */
const ENGINES: [string, number][] = [
  ['worker threads', 2],
  ['the main thread with an output thread', 1],
];

describe('interrupted batch', () => {
  it.each(ENGINES)('SIGKILL mid-run (conversions on %s) leaves only complete .xml files; the next run cleans up and finishes', async (_label, jobs) => {
    const out = path.join(root.dir, `out-kill-${jobs}`);
    const r = await startAndSignal(out, 'SIGKILL', 100, jobs);
    expect(r.signal).toBe('SIGKILL');
    const after = classify(out);
    expect(after.xml.length).toBeGreaterThanOrEqual(100);
    expect(after.xml.length).toBeLessThan(COUNT);
    expect(after.incomplete).toEqual([]);
    expect(after.other).toEqual([]);

    const rerun = await runBin(['convert', 'domains', '-o', out, '--force', '--quiet'], { cwd: root.dir, timeoutMs: 120_000 });
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    const final = classify(out);
    expect(final.xml.length).toBe(COUNT);
    expect(final.temps).toEqual([]);
    expect(final.incomplete).toEqual([]);
  });

  it.each(ENGINES)('SIGINT (conversions on %s) stops taking inputs, commits what is in flight and exits 130 without temp files', async (_label, jobs) => {
    const out = path.join(root.dir, `out-int-${jobs}`);
    const r = await startAndSignal(out, 'SIGINT', 50, jobs);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted');
    const after = classify(out);
    expect(after.temps).toEqual([]);
    expect(after.other).toEqual([]);
    expect(after.incomplete).toEqual([]);
    expect(after.xml.length).toBeGreaterThanOrEqual(50);
    expect(after.xml.length).toBeLessThan(COUNT);
    // The summary line counts exactly the files that are there.
    expect(r.stderr).toContain(`wrote ${after.xml.length} files`);
  });

  it('worker threads produce exactly what the main thread and its output thread produce', async () => {
    const a = path.join(root.dir, 'out-j1');
    const b = path.join(root.dir, 'out-j2');
    const [r1, r2] = [await runBin(['convert', 'domains', '-o', a, '--jobs', '1', '--json'], { cwd: root.dir }), await runBin(['convert', 'domains', '-o', b, '--jobs', '2', '--json'], { cwd: root.dir })];
    expect([r1.code, r2.code]).toEqual([0, 0]);
    const s1 = JSON.parse(r1.stdout);
    const s2 = JSON.parse(r2.stdout);
    expect(s2.results.map((x: { source: string }) => x.source)).toEqual(s1.results.map((x: { source: string }) => x.source));
    expect(s2.summary).toMatchObject({ inputs: COUNT, converted: COUNT, written: COUNT });
    const names = readdirSync(a).sort();
    expect(readdirSync(b).sort()).toEqual(names);
    for (const n of names.filter((_, i) => i % 97 === 0)) expect(readFileSync(path.join(b, n), 'utf8')).toBe(readFileSync(path.join(a, n), 'utf8'));
  });
});
