/**
 * The one way configs are read from disk (src/sxp/read-file.ts): regular files
 * only after following links, never blocking on a FIFO, at most 16 MiB.
 */
import { execFileSync } from 'node:child_process';
import { symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigReadError, MAX_CONFIG_BYTES, readConfigFile, readConfigFileSync, readConfigStream } from '../../src/sxp/read-file.js';
import { useTempDirs } from '../batch/fixture-paths.js';

const tmp = useTempDirs();

function both(file: string): [() => unknown, () => Promise<unknown>] {
  return [() => readConfigFileSync(file), () => readConfigFile(file)];
}

async function refusal(file: string): Promise<ConfigReadError[]> {
  const [sync, async] = both(file);
  const errors: ConfigReadError[] = [];
  try {
    sync();
  } catch (e) {
    errors.push(e as ConfigReadError);
  }
  await async().catch((e) => errors.push(e as ConfigReadError));
  expect(errors).toHaveLength(2);
  for (const e of errors) expect(e).toBeInstanceOf(ConfigReadError);
  return errors;
}

describe('readConfigFile(Sync)', () => {
  it('reads a regular file and a link to one', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'a.sxp'), '(domain (name a))\n');
    symlinkSync('a.sxp', path.join(dir, 'link.sxp'));
    for (const f of ['a.sxp', 'link.sxp']) {
      expect(readConfigFileSync(path.join(dir, f)).toString()).toBe('(domain (name a))\n');
      expect((await readConfigFile(path.join(dir, f))).toString()).toBe('(domain (name a))\n');
    }
  });

  it('refuses a FIFO at once instead of blocking (no writer ever opens it)', async () => {
    const fifo = path.join(tmp(), 'config.sxp');
    execFileSync('mkfifo', [fifo]);
    for (const e of await refusal(fifo)) {
      expect(e.code).toBe('FILE_NOT_REGULAR');
      expect(e.message).toBe(`${fifo} is a FIFO (named pipe), not a regular file`);
      expect(e.hint).toMatch(/regular file/);
    }
  });

  it('refuses a symbolic link to /dev/zero without reading it', async () => {
    const link = path.join(tmp(), 'config.sxp');
    symlinkSync('/dev/zero', link);
    for (const e of await refusal(link)) {
      expect(e.code).toBe('FILE_NOT_REGULAR');
      expect(e.message).toMatch(/is a character device, not a regular file$/);
    }
  });

  it('accepts exactly 16 MiB and refuses one byte more, with a clear message', async () => {
    const dir = tmp();
    const edge = path.join(dir, 'edge.sxp');
    const over = path.join(dir, 'over.sxp');
    writeFileSync(edge, '');
    truncateSync(edge, MAX_CONFIG_BYTES);
    writeFileSync(over, '');
    truncateSync(over, MAX_CONFIG_BYTES + 1);
    expect(MAX_CONFIG_BYTES).toBe(16 * 1024 * 1024);
    expect(readConfigFileSync(edge).length).toBe(MAX_CONFIG_BYTES);
    expect((await readConfigFile(edge)).length).toBe(MAX_CONFIG_BYTES);
    for (const e of await refusal(over)) {
      expect(e.code).toBe('FILE_TOO_LARGE');
      expect(e.message).toBe(`${over} is larger than 16 MiB, far more than any domain config`);
    }
  });

  it('says what is wrong with a missing file and a directory', async () => {
    const dir = tmp();
    for (const e of await refusal(path.join(dir, 'nope.sxp'))) {
      expect(e.problem).toBe('missing');
      expect(e.message).toBe(`cannot read ${path.join(dir, 'nope.sxp')}: no such file`);
    }
    for (const e of await refusal(dir)) expect(e.problem).toBe('directory');
  });
});

describe('readConfigStream', () => {
  it('reads a stream whole and refuses one past the cap', async () => {
    expect((await readConfigStream(Readable.from([Buffer.from('(a'), Buffer.from(' b)')]))).toString()).toBe('(a b)');
    await expect(readConfigStream(Readable.from([Buffer.alloc(10), Buffer.alloc(10)]), '-', { maxBytes: 15 })).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect((await readConfigStream(Readable.from([Buffer.alloc(10), Buffer.alloc(5)]), '-', { maxBytes: 15 })).length).toBe(15);
  });
});

describe('a file that grows while it is read', () => {
  it('is read whole past the size fstat gave, and refused once past the cap', async () => {
    // A FIFO cannot be used (it is refused); /proc files report size 0 yet have content: the same case.
    const text = readConfigFileSync('/proc/self/status').toString();
    expect(text).toMatch(/^Name:/m);
    expect(text).toMatch(/^Pid:/m);
    expect(text.length).toBeGreaterThan(0);
    expect((await readConfigFile('/proc/self/status')).toString()).toMatch(/^VmRSS:/m);
    expect(() => readConfigFileSync('/proc/self/status', { maxBytes: 100 })).toThrow(expect.objectContaining({ code: 'FILE_TOO_LARGE' }));
    await expect(readConfigFile('/proc/self/status', { maxBytes: 100 })).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });

  it('a size-0 file larger than the first buffer (4 KiB) is read whole', () => {
    // /proc/self/maps of a Node process is well over 4 KiB.
    const maps = readConfigFileSync('/proc/self/maps').toString();
    expect(maps.length).toBeGreaterThan(4096);
    expect(maps.endsWith('\n')).toBe(true);
  });
});
