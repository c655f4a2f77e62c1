/** Paths of the xend-layout fixture tree and helpers to build throwaway trees from it. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { repoRoot } from '../helpers/run-cli.js';

export const xendRootFixture = path.join(repoRoot, 'fixtures/xend-root');
export const domainsFixture = path.join(xendRootFixture, 'var/lib/xend/domains');
export const xendConfigFixture = path.join(xendRootFixture, 'etc/xen/xend-config.sxp');
/** Relative form, as a user would type it from the repository root. */
export const domainsFixtureRel = 'fixtures/xend-root/var/lib/xend/domains';

export const UUIDS = {
  build01: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  mail01: '1b2c3d4e-5f60-4718-829a-3b4c5d6e7f80',
  clusterA: '2a3b4c5d-6e7f-4801-92a3-b4c5d6e7f801',
  clusterB: '2a3b4c5d-6e7f-4801-92a3-b4c5d6e7f802',
  web01: '3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51',
  app02: '4f5e6d7c-8b9a-4102-93c4-d5e6f7a8b902',
  ldap01: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
  db01: '8c41d2b0-6e7f-4a93-b512-77e0c3d9f102',
  app01: '9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a501',
  test01a: 'a1b2c3d4-e5f6-4789-8abc-def012345601',
  test01b: 'a1b2c3d4-e5f6-4789-8abc-def012345602',
  win2k8: 'c9e8d7f6-1a2b-4c3d-8e9f-a0b1c2d3e4f5',
} as const;

export function configOf(dirUuid: string): string {
  return path.join(domainsFixture, dirUuid, 'config.sxp');
}

export function tempDir(prefix = 'xend2libxl-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * For a test file: `const tmp = useTempDirs();` at its top level, then `tmp()`
 * in a test gives a fresh directory, removed after that test.
 */
export function useTempDirs(): () => string {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  return () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    return t.dir;
  };
}

/** A writable copy of the fixture domain store. */
export function copyDomains(): { dir: string; cleanup: () => void } {
  const t = tempDir();
  const dir = path.join(t.dir, 'domains');
  cpSync(domainsFixture, dir, { recursive: true });
  return { dir, cleanup: t.cleanup };
}

/** Domain number `i` made from web01 with a fresh name, uuid and MAC (large-batch tests). */
export function manyDomainsText(i: number): { uuid: string; name: string; text: string } {
  const template = readFileSync(configOf(UUIDS.web01), 'utf8');
  const hex = i.toString(16).padStart(12, '0');
  const uuid = `3f2a1c7e-5b8d-4e21-9a6f-${hex}`;
  const name = `web${String(i).padStart(5, '0')}`;
  const mac = `00:16:3e:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10, 12)}`;
  const text = template
    .replace('(uuid 3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51)', `(uuid ${uuid})`)
    .replace('(name web01)', `(name ${name})`)
    .replace('00:16:3e:4a:10:01', mac)
    .replaceAll('web01-', `${name}-`);
  return { uuid, name, text };
}

/** `count` domains from {@link manyDomainsText} in xend's layout: `<root>/domains/<uuid>/config.sxp`. */
export function writeManyDomains(root: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const d = manyDomainsText(i);
    mkdirSync(path.join(root, 'domains', d.uuid), { recursive: true });
    writeFileSync(path.join(root, 'domains', d.uuid, 'config.sxp'), d.text);
  }
}

/** `count` domains from {@link manyDomainsText} as `<dir>/in/dNNN.sxp`, one flat directory. */
export function writeFlatInputs(dir: string, count: number): void {
  mkdirSync(path.join(dir, 'in'));
  for (let i = 0; i < count; i++) writeFileSync(path.join(dir, 'in', `d${String(i).padStart(3, '0')}.sxp`), manyDomainsText(i).text);
}
