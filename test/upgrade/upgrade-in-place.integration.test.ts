/**
 * The in-place upgrade as an admin runs it: one URI (like xen:///system) served
 * by the old toolstack before the switch and by the new one after it. Here a
 * socket relay serves that URI: to rig host h1's test driver (the "xend" side)
 * until the --switch-command flips it to h2's (the "libxl" side) — the command
 * runs through /bin/sh exactly once.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSxpText } from '../../src/convert/api.js';
import { runCli } from '../helpers/run-cli.js';
import { announceSkip, ensureRig, libvirtSkipped, type Rig } from '../rig/rig.js';
import { watchEvents, type EventWatch } from './events.js';
import { socketProxy, type SocketProxy } from './socket-proxy.js';
import { domstate, names, purge, virsh } from './virsh.js';
import { suiteUuid, writeTree, type TreeDomain } from './xend-tree.js';

const domains: TreeDomain[] = [
  { name: 'upg-f-web', uuid: suiteUuid('f0f0', 1), kind: 'pv-pygrub', autostart: true },
  { name: 'upg-f-db', uuid: suiteUuid('f0f0', 2), kind: 'pv-kernel' },
];

describe.skipIf(libvirtSkipped)('in-place upgrade behind one URI, switched by --switch-command', () => {
  let rig: Rig;
  let work: string;
  let proxy: SocketProxy;
  let holders: EventWatch[] = [];
  let flag: string;
  const socketOf = (uri: string) => /socket=([^&]+)/.exec(uri)![1];
  beforeAll(async () => {
    rig = await ensureRig();
    holders = [await watchEvents(rig.h1.testUri), await watchEvents(rig.h2.testUri)];
    work = mkdtempSync(path.join(tmpdir(), 'upg-f-'));
    flag = path.join(work, 'switched');
    proxy = socketProxy(path.join(work, 'xen.sock'), () => socketOf(existsSync(flag) ? rig.h2.testUri : rig.h1.testUri));
    await proxy.start();
    writeTree(path.join(work, 'domains'), domains);
    for (const d of domains) {
      for (const u of [rig.h1.testUri, rig.h2.testUri]) purge(u, d.name);
      const f = path.join(work, 'old.xml');
      writeFileSync(f, convertSxpText(readFileSync(path.join(work, 'domains', d.uuid, 'config.sxp')), { file: 'x' }).xml!);
      virsh(rig.h1.testUri, ['define', '--file', f]);
    }
    virsh(rig.h1.testUri, ['start', '--', 'upg-f-web']);
  });
  afterAll(async () => {
    for (const d of domains) for (const u of [rig.h1.testUri, rig.h2.testUri]) purge(u, d.name);
    await proxy?.stop();
    for (const h of holders) await h.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('shuts down on the old toolstack, switches once, defines and starts on the new one', async () => {
    const uri = `test+unix:///default?socket=${proxy.path}`;
    const backup = path.join(work, 'backup');
    // A switch command that does nothing is caught: the target still shows the old toolstack's domains.
    const noop = await runCli(['upgrade', '--xend-root', path.join(work, 'domains'), '--from', uri, '--to', uri, '--backup-dir', backup, '--switch-command', 'true', '--yes', '--json']);
    expect(noop.code).toBe(1);
    expect((JSON.parse(noop.stdout) as { switch: { detail: string } }).switch.detail).toMatch(/still lists upg-f-web, upg-f-db from the old toolstack/);
    expect(names(rig.h2.testUri).filter((n) => n.startsWith('upg-f-'))).toEqual([]);
    expect(domstate(rig.h1.testUri, 'upg-f-web')).toMatch(/^shut off/);

    // The admin fixes the command line; --resume runs it (once) and finishes.
    const count = path.join(work, 'switch-runs');
    const cmd = `echo run >> '${count}' && touch '${flag}'`;
    const r = await runCli(['upgrade', '--backup-dir', backup, '--resume', '--switch-command', cmd, '--yes']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(count, 'utf8')).toBe('run\n');
    expect(domstate(rig.h1.testUri, 'upg-f-web')).toMatch(/^shut off/);
    expect(domstate(rig.h2.testUri, 'upg-f-web')).toMatch(/^running/);
    expect(domstate(rig.h2.testUri, 'upg-f-db')).toMatch(/^shut off/);
    expect(names(rig.h2.testUri, ['--all', '--autostart'])).toContain('upg-f-web');
    expect(r.stdout).toMatch(/toolstack switch: done/);
    // Done is done: another --resume changes nothing and runs no command.
    expect((await runCli(['upgrade', '--backup-dir', backup, '--resume', '--yes'])).code).toBe(0);
    expect(readFileSync(count, 'utf8')).toBe('run\n');
  });
});

if (libvirtSkipped) announceSkip('in-place upgrade');
