import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { execFileRunner, type VirshCall, type VirshRunner } from '../../src/libvirt/runner.js';
import { palette } from '../../src/ui/color.js';
import { detectHost, findXend, probeUri } from '../../src/wizard/detect-host.js';
import { argvFor } from '../../src/wizard/command-specs.js';
import { convertPlan } from '../../src/wizard/plan.js';
import { renderHostFacts } from '../../src/wizard/screens/host.js';
import { oneLiner, renderPlan } from '../../src/wizard/screens/plan.js';
import { renderSummary } from '../../src/wizard/screens/summary.js';
import type { Inventory } from '../../src/inventory/types.js';
import type { WizardPlan } from '../../src/wizard/types.js';

const plain = palette(false);

function fakeRunner(reply: (c: VirshCall) => { stdout?: string; stderr?: string; exitCode?: number }): VirshRunner & { calls: VirshCall[] } {
  const calls: VirshCall[] = [];
  return {
    calls,
    start(call) {
      calls.push(call);
      const r = reply(call);
      return {
        kill: () => undefined,
        result: Promise.resolve({ argv: ['virsh', ...call.args], stdout: r.stdout ?? '', stderr: r.stderr ?? '', exitCode: r.exitCode ?? 0, signal: null, timedOut: false, durationMs: 1 }),
      };
    },
  };
}

describe('host detection', () => {
  it('finds a running xend in /proc by its argv, and nothing when it is gone', async () => {
    const proc = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-proc-'));
    const mk = (pid: string, argv: string[]) => {
      fs.mkdirSync(path.join(proc, pid));
      fs.writeFileSync(path.join(proc, pid, 'cmdline'), `${argv.join('\0')}\0`);
    };
    mk('1', ['/sbin/init']);
    mk('77', ['/usr/bin/vim', 'xend.log']);
    expect(await findXend(proc)).toBeUndefined();
    mk('4242', ['/usr/bin/python2.7', '/usr/sbin/xend', 'start']);
    fs.mkdirSync(path.join(proc, 'self'));
    expect(await findXend(proc)).toBe(4242);
  });

  it('lists running guests on answering URIs (real virsh, libvirt\'s test driver)', async () => {
    const ok = await probeUri(execFileRunner(), 'test:///default', 10_000);
    // The stock test driver boots one running domain named "test".
    expect(ok).toEqual({ uri: 'test:///default', ok: true, running: ['test'] });
  });

  it('keeps libvirt\'s error for URIs that do not answer', async () => {
    const runner = fakeRunner(() => ({ exitCode: 1, stderr: 'error: failed to connect to the hypervisor\nerror: no connection driver available for xen:///system\n' }));
    const bad = await probeUri(runner, 'xen:///system', 1000);
    expect(bad).toMatchObject({ uri: 'xen:///system', ok: false, running: [] });
    expect(bad.error).toContain('no connection driver available for xen:///system');
  });

  it('combines store, process and URIs into one screen', async () => {
    const runner = fakeRunner(() => ({ exitCode: 1, stderr: 'error: failed to connect to the hypervisor\n' }));
    const f = await detectHost({ hostname: 'dom0-a', xendRoot: '/nonexistent', uris: ['xen:///system'], runner, procRoot: '/nonexistent' });
    expect(f).toMatchObject({ hostname: 'dom0-a', xendRootExists: false, xendPid: undefined });
    const text = renderHostFacts({ ...f, xendPid: 4242, uris: [{ uri: 'xen:///system', ok: true, running: ['web1', 'db1'] }, { uri: 'qemu:///system', ok: false, running: [], error: 'no daemon' }] }, plain);
    expect(text).toBe(
      'Host dom0-a\n' +
        '  xend store  /nonexistent  not found\n' +
        '  xend        running (pid 4242) — it keeps running until the toolstack switch\n' +
        '  libvirt     xen:///system  answers, 2 running: web1, db1\n' +
        '              qemu:///system  no answer (no daemon)\n',
    );
  });
});

const inv: Inventory = {
  domains: [
    { path: '/x/a/config.sxp', directoryUuid: 'a', name: 'web1', disks: [], macs: [], state: 'halted', status: 'ok', problems: [] },
    {
      path: '/x/b/config.sxp',
      directoryUuid: 'b',
      name: 'db 1',
      disks: [],
      macs: [],
      state: 'halted',
      status: 'warning',
      problems: [{ code: 'INV_SHARED_DISK', severity: 'warning', message: 'disk shared with web1' }],
    },
  ],
  summary: { root: '/x', domains: 2, ok: 1, warning: 1, error: 0, pv: 2, hvm: 0, autostart: 0, suspended: 0 },
};

describe('plan', () => {
  it('convert: the chosen domains become inputs of the convert command, options from its own specs', () => {
    const plan = convertPlan(inv, ['/x/b/config.sxp'], { outDir: 'out dir', strict: true });
    expect(plan.commands).toEqual([
      { command: 'convert', argv: ['convert', '--out-dir', 'out dir', '--strict', '--', '/x/b/config.sxp'], destructive: false, purpose: 'write 1 libvirt domain XML file(s) to out dir' },
    ]);
    expect(plan.warnings).toEqual(['db 1: warning[INV_SHARED_DISK] disk shared with web1']);
    expect(oneLiner(plan)).toBe("xend2libxl convert --out-dir 'out dir' --strict -- /x/b/config.sxp");
  });

  it('convert: every domain chosen → the store directory itself is the input', () => {
    const plan = convertPlan(inv, ['/x/a/config.sxp', '/x/b/config.sxp'], { outDir: 'out', strict: false });
    expect(plan.commands[0].argv).toEqual(['convert', '--out-dir', 'out', '--', '/x']);
  });

  it('refuses option keys a command does not declare (a renamed flag breaks here, not silently)', () => {
    expect(() => argvFor('convert', { outputDirectory: 'x' })).toThrow(/convert has no option for outputDirectory/);
  });

  it('renders every command, every warning and where things end up', () => {
    const plan: WizardPlan = {
      path: 'evacuate',
      commands: [
        { command: 'migrate', argv: ['migrate', '--from', 'xen:///system', '--to', 'xen+ssh://b/system', '--', 'web1'], destructive: true, purpose: 'live-migrate web1' },
        { command: 'upgrade', argv: ['upgrade', '--backup-dir', '/root/bk'], destructive: true, purpose: 'upgrade in place' },
      ],
      warnings: ['web1: warning[X] y'],
      artefacts: ['backup: /root/bk'],
    };
    expect(renderPlan(plan, plain)).toBe(
      'Plan\n' +
        '  1. live-migrate web1  [changes this host]\n' +
        '     $ xend2libxl migrate --from xen:///system --to xen+ssh://b/system -- web1\n' +
        '  2. upgrade in place  [changes this host]\n' +
        '     $ xend2libxl upgrade --backup-dir /root/bk\n' +
        '\nWarnings (1)\n  ⚠ web1: warning[X] y\n\nAfterwards\n  backup: /root/bk\n',
    );
    const summary = renderSummary(plan, [{ command: plan.commands[0], exitCode: 0 }, { command: plan.commands[1], exitCode: 3 }], plain);
    expect(summary).toContain('  1. migrate  done\n  2. upgrade  paused on purpose (awaiting the toolstack switch)');
    expect(summary).toContain('    xend2libxl upgrade --backup-dir /root/bk --resume');
    expect(summary).toContain('The same, without the wizard (for the next host):\n  xend2libxl migrate --from xen:///system --to xen+ssh://b/system -- web1 && xend2libxl upgrade --backup-dir /root/bk\n');
    const stopped = renderSummary(plan, [{ command: plan.commands[0], exitCode: 130 }], plain);
    expect(stopped).toContain('  1. migrate  cancelled; safe state reached\n  2. upgrade  not run');
  });

  it('shows a control character from a config escaped, never raw, and no value starts a line', () => {
    const hostile = 'web\u001b[2J\nfile:1:1: error: forged';
    const plan: WizardPlan = {
      path: 'convert',
      commands: [{ command: 'convert', argv: ['convert', '--', hostile], destructive: false, purpose: `convert ${hostile}` }],
      warnings: [`${hostile}: warning[X] y`],
      artefacts: [`output: ${hostile}`],
    };
    const text = renderPlan(plan, plain);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text.split('\n').some((l) => l.startsWith('file:1:1'))).toBe(false);
    expect(text).toContain('web\\x1b[2J\\nfile:1:1: error: forged: warning[X] y');
  });
});
