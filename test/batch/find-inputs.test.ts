import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertFile } from '../../src/batch/convert-file.js';
import { countInputs, findInputs, inputPaths } from '../../src/batch/find-inputs.js';
import { useTempDirs } from './fixture-paths.js';

const tmp = useTempDirs();

async function collect(args: string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for await (const p of findInputs(args, cwd)) out.push(p);
  return out;
}

describe('finding batch inputs', () => {

  it('walks directories depth-first in name order, keeping config.sxp and *.sxp only', async () => {
    const dir = tmp();
    const f = (p: string) => {
      mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      writeFileSync(path.join(dir, p), '(domain)');
    };
    f('tree/b/config.sxp');
    f('tree/a/config.sxp');
    f('tree/a/checkpoint.chk');
    f('tree/z.sxp');
    f('tree/notes.txt');
    f('tree/etc/xend-config.sxp');
    f('tree/a/config.sxp.bak');
    mkdirSync(path.join(dir, 'elsewhere'));
    f('elsewhere/loop.sxp');
    symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'tree/linked-dir'));
    symlinkSync(path.join(dir, 'elsewhere/loop.sxp'), path.join(dir, 'tree/linked.sxp'));

    expect(await collect(['tree'], dir)).toEqual(['tree/a/config.sxp', 'tree/b/config.sxp', 'tree/linked.sxp', 'tree/z.sxp']);
    expect(await countInputs(['tree'], dir)).toBe(4);
  });

  it('yields named files as given, whatever their name, even when missing', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'web1.cfg'), '(domain)');
    expect(await collect(['web1.cfg', 'missing.sxp'], dir)).toEqual(['web1.cfg', 'missing.sxp']);
  });
});

describe('a directory that cannot be listed', () => {

  it('is yielded as one input (it then fails as unreadable) and the walk goes on', () => {
    const dir = tmp();
    const root = dir;
    for (const d of ['a', 'b', 'c']) {
      mkdirSync(path.join(root, d));
      writeFileSync(path.join(root, d, 'config.sxp'), '(domain (name x))');
    }
    const it = inputPaths([root], '/');
    expect(it.next().value).toBe(path.join(root, 'a', 'config.sxp'));
    // Removed after its parent was listed: readdir fails exactly as for a directory without permission.
    rmSync(path.join(root, 'b'), { recursive: true });
    expect([...it]).toEqual([path.join(root, 'b'), path.join(root, 'c', 'config.sxp')]);
  });

  it('becomes a failed INPUT_UNREADABLE result', () => {
    const c = convertFile('/nonexistent-dir-x2l', { cwd: '/' });
    expect(c.ok).toBe(false);
    expect(c.error?.code).toBe('INPUT_UNREADABLE');
    expect(c.error?.message).toBe('cannot read input: no such file');
  });
});
