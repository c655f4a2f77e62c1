/**
 * Issue 13 items 2 and 15: outputs may carry a VNC password, so they are 0600
 * in a 0700 directory we create (as libvirt keeps its own domain XML); and a
 * re-run after an interruption finds its identical files already written
 * instead of failing each with OUTPUT_EXISTS. On the main thread and on the
 * output thread (the compiled script from dist/).
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBatch, type BatchOptions } from '../../src/batch/run-batch.js';
import type { InputResult } from '../../src/batch/types.js';
import { repoRoot } from '../helpers/run-cli.js';
import { useTempDirs, writeFlatInputs } from './fixture-paths.js';

const distWriter = path.join(repoRoot, 'dist/batch/writer-worker.js');
const haveDist = existsSync(distWriter);
if (!haveDist) console.warn(`output-modes: ${distWriter} missing (run \`npx tsc -p .\`): the output-thread variant is skipped`);

const tmp = useTempDirs();
const mode = (p: string) => statSync(p).mode & 0o777;

const writers = [
  { label: 'the main thread', extra: { jobs: 1, outputThread: false } as Partial<BatchOptions>, skip: false },
  { label: 'the output thread', extra: { jobs: 1, outputThread: true, writerScript: pathToFileURL(distWriter) } as Partial<BatchOptions>, skip: !haveDist },
];

/** Two plain domains and one whose XML carries a VNC password. */
function writeInputs(dir: string): void {
  writeFlatInputs(dir, 2);
  copyFileSync(path.join(repoRoot, 'fixtures/sxp/hvm-windows-vnc.sxp'), path.join(dir, 'in/vnc.sxp'));
}

async function convertInto(dir: string, outDir: string, extra: Partial<BatchOptions>) {
  const results: InputResult[] = [];
  const summary = await runBatch({ cwd: dir, inputs: ['in'], outDir, onResult: (r) => results.push(r), ...extra });
  return { results, summary };
}

describe.each(writers)('outputs written by $label', ({ extra, skip }) => {
  it.skipIf(skip)('are 0600 in a directory created 0700, whatever the umask', async () => {
    const dir = tmp();
    writeInputs(dir);
    const old = process.umask(0o022);
    try {
      const { summary } = await convertInto(dir, 'out/sub', extra);
      expect(summary.written).toBe(3);
    } finally {
      process.umask(old);
    }
    expect(readdirSync(path.join(dir, 'out/sub')).map((f) => readFileSync(path.join(dir, 'out/sub', f), 'utf8')).filter((x) => /passwd=/.test(x))).toHaveLength(1);
    expect(mode(path.join(dir, 'out'))).toBe(0o700);
    expect(mode(path.join(dir, 'out/sub'))).toBe(0o700);
    for (const f of readdirSync(path.join(dir, 'out/sub'))) expect([f, mode(path.join(dir, 'out/sub', f))]).toEqual([f, 0o600]);
  });

  it.skipIf(skip)('a re-run finds identical files written (and makes an old 0644 one private); a different file is still refused', async () => {
    const dir = tmp();
    writeInputs(dir);
    await convertInto(dir, 'out', extra);
    const names = readdirSync(path.join(dir, 'out')).sort();
    chmodSync(path.join(dir, 'out', names[0]), 0o644);
    writeFileSync(path.join(dir, 'out', names[2]), 'edited by the admin');
    const again = await convertInto(dir, 'out', extra);
    expect(again.results.map((r) => r.error?.code ?? 'written')).toEqual(['written', 'written', 'OUTPUT_EXISTS']);
    expect(again.summary.written).toBe(2);
    expect(mode(path.join(dir, 'out', names[0]))).toBe(0o600);
    expect(readFileSync(path.join(dir, 'out', names[2]), 'utf8')).toBe('edited by the admin');
  });
});

describe('an existing name that is not a plain file with our XML', () => {
  it('a link to a file with the same XML is not taken as written', async () => {
    const dir = tmp();
    writeFlatInputs(dir, 1);
    await convertInto(dir, 'first', { jobs: 1 });
    const [name] = readdirSync(path.join(dir, 'first'));
    mkdirSync(path.join(dir, 'out'));
    symlinkSync(path.join(dir, 'first', name), path.join(dir, 'out', name));
    const again = await convertInto(dir, 'out', { jobs: 1 });
    expect(again.results[0].error?.code).toBe('OUTPUT_EXISTS');
  });
});
