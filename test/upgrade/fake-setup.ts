/** One temp dir per test with a xend root and a backup path, and a fake upgrade over it (see fakes.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { UpgradeOptions } from '../../src/upgrade/context.js';
import { fakeDeps, fakeSource, FakeHypervisor, writeXendRoot, type FakeSourceDomain } from './fakes.js';

export const FROM = 'xen:///legacy';
export const TO = 'xen:///system';

export interface FakeUpgradeDirs {
  dir: string;
  root: string;
  backupDir: string;
}

/** Registers beforeEach/afterEach; the returned object is filled in for each test. */
export function useFakeUpgradeDirs(): FakeUpgradeDirs {
  const d = {} as FakeUpgradeDirs;
  beforeEach(() => {
    d.dir = mkdtempSync(path.join(tmpdir(), 'upg-hard-'));
    d.root = path.join(d.dir, 'xend root');
    d.backupDir = path.join(d.dir, 'backup');
  });
  afterEach(() => rmSync(d.dir, { recursive: true, force: true }));
  return d;
}

export function fakeOpts(d: FakeUpgradeDirs, extra: Partial<UpgradeOptions> = {}): UpgradeOptions {
  return { xendRoot: d.root, to: TO, from: FROM, backupDir: d.backupDir, parallel: 4, shutdownTimeoutMs: 5_000, pollMs: 100, ...extra };
}

export function fakeSetup(d: FakeUpgradeDirs, domains: FakeSourceDomain[], running: string[] = []) {
  writeXendRoot(d.root, domains);
  const hv = new FakeHypervisor();
  for (const x of domains) if (running.includes(x.name)) hv.add(FROM, { name: x.name, uuid: x.uuid, state: 'running' });
  const deps = fakeDeps(hv, fakeSource(domains));
  return { hv, deps };
}
