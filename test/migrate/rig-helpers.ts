/** Guests on the real rig for the migration suites: unique `mig-` names, 32 MiB, cleaned up on both hosts. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { execFileRunner } from '../../src/libvirt/runner.js';
import { ensureRig, type Rig, type RigHost } from '../rig/rig.js';

const runner = execFileRunner();
export const virsh = (uri: string, ...args: string[]) => runner.start({ uri, args, timeoutMs: 60_000 }).result;

let seq = 0;
/** A domain name unique across concurrent suites and runs. */
export function uniqueName(tag: string): string {
  return `mig-${tag}-${process.pid}-${Date.now().toString(36)}-${seq++}`;
}

/** Define + start a tiny guest on `host` and wait for READY. */
export async function startGuest(rig: Rig, host: RigHost, name: string, cmdline = '', memoryMiB = 32): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mig-xml-'));
  try {
    const file = path.join(dir, 'd.xml');
    writeFileSync(file, rig.guestXml({ name, memoryMiB, cmdline }));
    const def = await virsh(host.uri, 'define', file);
    if (def.exitCode !== 0) throw new Error(`define ${name}: ${def.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const st = await virsh(host.uri, 'start', '--', name);
  if (st.exitCode !== 0) throw new Error(`start ${name}: ${st.stderr}`);
  await rig.waitForReady(host, name, 60_000);
}

/** `running`, `paused`, `shut off` … or `absent`, plus persistence. */
export async function where(host: RigHost, name: string): Promise<{ state: string; persistent: boolean }> {
  const info = await virsh(host.uri, 'dominfo', '--', name);
  if (info.exitCode !== 0) return { state: 'absent', persistent: false };
  return { state: /^State:\s*(.*)$/m.exec(info.stdout)?.[1]?.trim() ?? '?', persistent: /^Persistent:\s*yes/m.test(info.stdout) };
}

export async function removeEverywhere(rig: Rig, names: string[]): Promise<void> {
  for (const h of [rig.h1, rig.h2]) {
    for (const n of names) {
      await virsh(h.uri, 'destroy', '--', n);
      await virsh(h.uri, 'undefine', '--', n);
    }
  }
}

/**
 * For a suite on the rig: the rig is started (or reused) before the suite, and
 * every guest named in `names` is removed from both hosts after it. `lab.rig`
 * is there from the first test on.
 */
export function useRig(names: string[]): { readonly rig: Rig } {
  let rig: Rig | undefined;
  beforeAll(async () => {
    rig = await ensureRig();
  });
  afterAll(async () => {
    if (rig) await removeEverywhere(rig, names);
  });
  return {
    get rig(): Rig {
      if (!rig) throw new Error('the rig is not up: useRig() must be called inside a describe() block');
      return rig;
    },
  };
}
