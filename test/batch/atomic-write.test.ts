import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { threadId } from 'node:worker_threads';
import { isTempName, removeStaleTemps, removeThreadTemps, tempNameFor, writeFileAtomic } from '../../src/batch/atomic-write.js';
import { useTempDirs } from './fixture-paths.js';

const tmp = useTempDirs();

describe('atomic output files', () => {

  it('never replaces an existing file without force, and leaves no temp file behind', () => {
    const dir = tmp();
    writeFileAtomic(dir, 'web1.xml', '<domain>one</domain>', false);
    expect(() => writeFileAtomic(dir, 'web1.xml', '<domain>two</domain>', false)).toThrow(expect.objectContaining({ code: 'OUTPUT_EXISTS', hint: expect.stringContaining('--force') }));
    expect(readFileSync(path.join(dir, 'web1.xml'), 'utf8')).toBe('<domain>one</domain>');
    writeFileAtomic(dir, 'web1.xml', '<domain>three</domain>', true);
    expect(readFileSync(path.join(dir, 'web1.xml'), 'utf8')).toBe('<domain>three</domain>');
    expect(readdirSync(dir)).toEqual(['web1.xml']);
  });

  it('removes temp files of dead runs but not of live ones', () => {
    const dir = tmp();
    const deadOld = '.xend2libxl-999999999-3.tmp'; // written before temps carried a thread id
    const dead = '.xend2libxl-999999999-2-3.tmp';
    const live = `.xend2libxl-${process.pid}-0-7.tmp`;
    for (const n of [deadOld, dead, live, 'keep.xml']) writeFileSync(path.join(dir, n), 'x');
    expect([deadOld, dead, live].every(isTempName) && !isTempName('keep.xml') && !isTempName('.xend2libxl-1-2-3.tmp.bak')).toBe(true);
    expect(removeStaleTemps(dir)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual([live, 'keep.xml']);
  });

  it('names temp files after process and thread, and removes only the given threads\' temps of this process', () => {
    const dir = tmp();
    const mine = tempNameFor();
    expect(mine).toMatch(new RegExp(`^\\.xend2libxl-${process.pid}-${threadId}-\\d+\\.tmp$`));
    const worker5 = `.xend2libxl-${process.pid}-5-0.tmp`;
    const worker6 = `.xend2libxl-${process.pid}-6-0.tmp`;
    for (const n of [mine, worker5, worker6]) writeFileSync(path.join(dir, n), 'x');
    expect(removeThreadTemps(dir, new Set([5]))).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([mine, worker6].sort());
  });

  it('reports an unwritable directory as a typed error', () => {
    expect(() => writeFileAtomic('/nonexistent-dir', 'a.xml', 'x', false)).toThrow(expect.objectContaining({ code: 'OUTPUT_WRITE_FAILED' }));
  });
});
