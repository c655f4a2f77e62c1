import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { convertFile } from '../../src/batch/convert-file.js';
import { countInputs, findInputs, inputPaths } from '../../src/batch/find-inputs.js';
import { tempDir } from './fixture-paths.js';

async function collect(args: string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for await (const p of findInputs(args, cwd)) out.push(p);
  return out;
}

describe('finding batch inputs', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('walks directories depth-first in name order, keeping config.sxp and *.sxp only', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const f = (p: string) => {
      mkdirSync(path.dirname(path.join(t.dir, p)), { recursive: true });
      writeFileSync(path.join(t.dir, p), '(domain)');
    };
    f('tree/b/config.sxp');
    f('tree/a/config.sxp');
    f('tree/a/checkpoint.chk');
    f('tree/z.sxp');
    f('tree/notes.txt');
    f('tree/etc/xend-config.sxp');
    f('tree/a/config.sxp.bak');
    mkdirSync(path.join(t.dir, 'elsewhere'));
    f('elsewhere/loop.sxp');
    symlinkSync(path.join(t.dir, 'elsewhere'), path.join(t.dir, 'tree/linked-dir'));
    symlinkSync(path.join(t.dir, 'elsewhere/loop.sxp'), path.join(t.dir, 'tree/linked.sxp'));

    expect(await collect(['tree'], t.dir)).toEqual(['tree/a/config.sxp', 'tree/b/config.sxp', 'tree/linked.sxp', 'tree/z.sxp']);
    expect(await countInputs(['tree'], t.dir)).toBe(4);
  });

  it('yields named files as given, whatever their name, even when missing', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    writeFileSync(path.join(t.dir, 'web1.cfg'), '(domain)');
    expect(await collect(['web1.cfg', 'missing.sxp'], t.dir)).toEqual(['web1.cfg', 'missing.sxp']);
  });
});

describe('a directory that cannot be listed', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('is yielded as one input (it then fails as unreadable) and the walk goes on', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const root = t.dir;
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
