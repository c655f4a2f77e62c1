/**
 * The backup copies files the inventory read a moment earlier; a path swapped for a FIFO
 * in between must be refused at once (a FIFO would block the copy, and the upgrade, forever),
 * and nothing half-copied may stay in the backup.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDomain } from '../../src/upgrade/backup.js';
import type { XendEntry } from '../../src/upgrade/ports.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(): { store: string; backup: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'backup-special-'));
  dirs.push(root);
  const store = path.join(root, 'store', 'e1');
  const backup = path.join(root, 'backup');
  mkdirSync(store, { recursive: true });
  mkdirSync(backup, { mode: 0o700 });
  return { store, backup };
}

const entry = (store: string, extra: Partial<XendEntry> = {}) =>
  ({ entry: 'e1', configPath: path.join(store, 'config.sxp'), ...extra }) as unknown as XendEntry;

describe('backup of a store entry swapped after the inventory', () => {
  it('copies a regular config.sxp', async () => {
    const { store, backup } = setup();
    writeFileSync(path.join(store, 'config.sxp'), '(domain (name web))\n');
    const b = await backupDomain(backup, { domainId: 'web', name: 'web', entry: entry(store), defineXml: '<domain/>' });
    expect(b.files.map((f) => f.kind)).toContain('config.sxp');
  });

  it.each(['config.sxp', 'checkpoint.chk'])('refuses a FIFO at %s without blocking and leaves no temp file', async (which) => {
    const { store, backup } = setup();
    writeFileSync(path.join(store, 'config.sxp'), '(domain (name web))\n');
    if (which === 'config.sxp') rmSync(path.join(store, 'config.sxp'));
    execFileSync('mkfifo', [path.join(store, which)]);
    const e = entry(store, which === 'checkpoint.chk' ? ({ checkpointPath: path.join(store, which) } as Partial<XendEntry>) : {});
    await expect(backupDomain(backup, { domainId: 'web', name: 'web', entry: e, defineXml: '<domain/>' })).rejects.toMatchObject({
      code: 'FILE_NOT_REGULAR',
    });
    const left = readdirSync(path.join(backup, 'xend', readdirSync(path.join(backup, 'xend'))[0]));
    expect(left.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
