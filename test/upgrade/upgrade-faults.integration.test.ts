/**
 * (d) Faults, each isolated to its domain, each with a clear report, and a
 * re-run that converges: a definition the target rejects, a guest that ignores
 * ACPI (`acpi=0`) hitting the shutdown timeout, and the target daemon going
 * away in the middle of the run.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';
import { readJournal } from '../../src/upgrade/journal.js';
import { binPath, repoRoot, runCli } from '../helpers/run-cli.js';
import { announceSkip, ensureRig, libvirtSkipped, type Rig } from '../rig/rig.js';
import { watchEvents, type EventWatch } from './events.js';
import { socketProxy, type SocketProxy } from './socket-proxy.js';
import { domstate, names, purge, virsh } from './virsh.js';
import { suiteUuid, writeTree, type TreeDomain } from './xend-tree.js';

interface Report {
  domains: { name: string; status: string; step: string; error?: { code: string; message: string }; next?: string }[];
}

describe.skipIf(libvirtSkipped)('upgrade faults on real libvirtd (d)', () => {
  let rig: Rig;
  let work: string;
  beforeAll(async () => {
    rig = await ensureRig();
    work = mkdtempSync(path.join(tmpdir(), 'upg-d-'));
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('a rejected definition and a guest that ignores ACPI', () => {
    const OK = 'upg-d-ok';
    const DEAF = 'upg-d-deaf';
    const XEN = 'upg-d-xen';
    afterAll(() => {
      for (const n of [OK, DEAF, XEN]) for (const h of [rig.h1, rig.h2]) purge(h.uri, n);
    });

    it('isolates both, reports them, and converges on --resume --force', async () => {
      for (const n of [OK, DEAF, XEN]) for (const h of [rig.h1, rig.h2]) purge(h.uri, n);
      const root = path.join(work, 'xend');
      writeTree(root, [{ name: XEN, uuid: suiteUuid('d0d0', 1), kind: 'pv-pygrub' }]);
      for (const [n, cmdline, i] of [[OK, '', 2], [DEAF, 'acpi=0', 3]] as const) {
        const f = path.join(work, `${n}.xml`);
        writeFileSync(f, rig.guestXml({ name: n, cmdline, uuid: suiteUuid('d0d0', i) }));
        virsh(rig.h1.uri, ['define', '--file', f]);
        virsh(rig.h1.uri, ['start', '--', n]);
      }
      await rig.waitForReady(rig.h1, OK, 60_000);
      await rig.waitForReady(rig.h1, DEAF, 60_000);
      const backup = path.join(work, 'backup-d1');
      const common = ['--from', rig.h1.uri, '--to', rig.h2.uri, '--backup-dir', backup, '--shutdown-timeout', '4', '--yes'];
      const r = await runCli(['upgrade', '--xend-root', root, '--include-unmanaged', '--domain', OK, '--domain', DEAF, '--domain', XEN, ...common]);
      expect(r.code).toBe(1);
      // The human report names each domain's state, the cause and what to do.
      expect(r.stdout).toMatch(new RegExp(`${XEN}: error\\[LIBVIRT_REJECTED\\]: .*bootloader is not supported by QEMU`));
      expect(r.stdout).toMatch(new RegExp(`${DEAF}: error\\[SHUTDOWN_TIMEOUT\\]: ${DEAF} did not shut down within 4 s`));
      expect(r.stdout).toMatch(new RegExp(`^${DEAF}\\s+unmanaged\\s+held\\s+backed-up\\s+shut it down inside the guest \\(or re-run with --force`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^${OK}\\s+unmanaged\\s+done\\s+done`, 'm'));
      expect(domstate(rig.h2.uri, OK)).toMatch(/^running/);
      expect(domstate(rig.h1.uri, DEAF)).toMatch(/^running/); // held: untouched
      expect(names(rig.h2.uri)).not.toContain(DEAF);
      expect(names(rig.h2.uri)).not.toContain(XEN);

      const again = await runCli(['upgrade', '--backup-dir', backup, '--resume', '--force', '--shutdown-timeout', '4', '--yes', '--json']);
      expect(again.code).toBe(1); // the rejected one still is
      const rep = JSON.parse(again.stdout) as Report;
      const by = Object.fromEntries(rep.domains.map((d) => [d.name, d]));
      expect(by[OK].status).toBe('done');
      expect(by[DEAF].status).toBe('done');
      expect(by[XEN]).toMatchObject({ status: 'failed', error: { code: 'LIBVIRT_REJECTED' } });
      expect(domstate(rig.h1.uri, DEAF)).toBe('shut off (destroyed)');
      expect(domstate(rig.h2.uri, DEAF)).toMatch(/^running/);
      const j = (await readJournal(backup))!;
      expect(j.domains.find((d) => d.name === OK)!.history.filter((h) => h.event === 'define-requested')).toHaveLength(1);
    }, 240_000);
  });

  describe('Ctrl-C while a guest is shutting down', () => {
    const INT = 'upg-d-sigint';
    afterAll(() => {
      for (const h of [rig.h1, rig.h2]) purge(h.uri, INT);
    });

    it('exits 130 at a journaled step without switching or defining; --resume --force finishes', async () => {
      for (const h of [rig.h1, rig.h2]) purge(h.uri, INT);
      const f = path.join(work, `${INT}.xml`);
      writeFileSync(f, rig.guestXml({ name: INT, cmdline: 'acpi=0', uuid: suiteUuid('d0d0', 9) }));
      virsh(rig.h1.uri, ['define', '--file', f]);
      virsh(rig.h1.uri, ['start', '--', INT]);
      await rig.waitForReady(rig.h1, INT, 60_000);
      const root = path.join(work, 'xend-int');
      mkdirSync(root);
      const backup = path.join(work, 'backup-int');
      const child = spawn(process.execPath, [binPath, 'upgrade', '--xend-root', root, '--from', rig.h1.uri, '--to', rig.h2.uri, '--include-unmanaged', '--domain', INT, '--backup-dir', backup, '--shutdown-timeout', '120', '--yes'], {
        env: { PATH: process.env.PATH },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
      await new Promise<void>((resolve) =>
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          err += d;
          if (err.includes(`${INT}: shutting down`)) resolve();
        }),
      );
      const t0 = Date.now();
      child.kill('SIGINT');
      expect(await exited, err).toBe(130);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(err).toMatch(/interrupted: finishing the steps in flight/);
      expect(out).toMatch(/next: interrupted: every step in flight was finished and journaled; continue with: .*--resume/);
      const j = (await readJournal(backup))!;
      expect(j.domains[0]).toMatchObject({ name: INT, step: 'backed-up', status: 'in-progress', stoppedByUs: true });
      expect(names(rig.h2.uri)).not.toContain(INT);
      const r = await runCli(['upgrade', '--backup-dir', backup, '--resume', '--force', '--shutdown-timeout', '2', '--yes']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(domstate(rig.h2.uri, INT)).toMatch(/^running/);
    }, 240_000);
  });

  describe('the target daemon goes away mid-run', () => {
    const tree: TreeDomain[] = [1, 2, 3, 4].map((i) => ({ name: `upg-e-${i}`, uuid: suiteUuid('e0e0', i), kind: 'pv-kernel' as const }));
    let proxy: SocketProxy;
    let events: EventWatch;
    const target = () => `test+unix:///default?socket=${proxy.path}`;
    beforeAll(async () => {
      // The watcher also holds the test driver's state open on the real socket.
      events = await watchEvents(rig.h2.testUri);
      for (const d of tree) purge(rig.h2.testUri, d.name);
      const sock = /socket=([^&]+)/.exec(rig.h2.testUri)![1];
      proxy = socketProxy(path.join(work, 'proxy.sock'), sock);
      await proxy.start();
    });
    afterAll(async () => {
      for (const d of tree) purge(rig.h2.testUri, d.name);
      await proxy?.stop();
      await events?.close();
    });

    it('fails the remaining domains with a connection error, and --resume finishes without defining anything twice', async () => {
      const root = path.join(work, 'xend-e');
      mkdirSync(root);
      writeTree(root, tree);
      const backup = path.join(work, 'backup-e');
      let stderr = '';
      let stopped: Promise<void> | undefined;
      const ctx: CliContext = {
        stdout: { write: () => true },
        stderr: {
          write: (s: string) => {
            stderr += s;
            // The daemon "dies" right after the first definition landed.
            if (!stopped && /upg-e-\d: defined on/.test(s)) stopped = proxy.stop();
            return true;
          },
        },
        env: { PATH: process.env.PATH },
        cwd: repoRoot,
        exitCode: 0,
      };
      const code = await main(['upgrade', '--xend-root', root, '--to', target(), '--backup-dir', backup, '--parallel', '1', '--yes'], ctx);
      await stopped;
      expect(code).toBe(1);
      const j = (await readJournal(backup))!;
      expect(j.domains.every((d) => d.status === 'failed')).toBe(true);
      for (const d of j.domains) {
        expect(d.error!.code).toBe('HYPERVISOR_UNREACHABLE');
        // The exact command that continues (the same command line would be refused: a journal exists).
        expect(d.next).toBe(`when the daemon is reachable again, run: xend2libxl upgrade --backup-dir ${backup} --resume`);
      }
      expect(j.domains.filter((d) => d.step === 'defined')).toHaveLength(1);
      expect(stderr).toMatch(/cannot reach test\+unix/);

      await proxy.start();
      const r = await runCli(['upgrade', '--backup-dir', backup, '--resume', '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as Report).domains.map((d) => d.status)).toEqual(['done', 'done', 'done', 'done']);
      for (const d of tree) {
        expect(names(rig.h2.testUri)).toContain(d.name);
        expect(events.defines(d.name)).toBe(1);
      }
    }, 120_000);
  });
});

if (libvirtSkipped) announceSkip('upgrade faults (d)');
