/** The wizard's control flow with scripted answers and a recording executor (no terminal, no libvirt). */
import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/inventory/types.js';
import { palette } from '../../src/ui/color.js';
import { createReporter } from '../../src/ui/reporter.js';
import { runWizard, type WizardDeps } from '../../src/wizard/run-wizard.js';
import type { HostFacts } from '../../src/wizard/types.js';

const inv: Inventory = {
  domains: [{ path: '/xend/u1/config.sxp', directoryUuid: 'u1', uuid: 'u1', name: 'web1', disks: [], macs: [], state: 'halted', status: 'ok', problems: [] }],
  summary: { root: '/xend', domains: 1, ok: 1, warning: 0, error: 0, pv: 1, hvm: 0, autostart: 0, suspended: 0 },
};
const facts: HostFacts = { hostname: 'dom0-a', xendRoot: '/xend', xendRootExists: true, uris: [] };

/** Answers in order; each prompt's validate() is applied, as the real prompt would. */
function scripted(answers: unknown[], asked: string[]): WizardDeps['prompts'] {
  const next = async (cfg: { message: string; validate?: (v: never) => unknown }) => {
    asked.push(cfg.message);
    if (answers.length === 0) throw new Error(`no scripted answer for: ${cfg.message}`);
    const v = answers.shift();
    const ok = cfg.validate ? await cfg.validate(v as never) : true;
    if (ok !== true) throw new Error(`scripted answer ${String(v)} rejected: ${String(ok)}`);
    return v;
  };
  return { input: next, select: next, checkbox: next, confirm: next } as unknown as WizardDeps['prompts'];
}

function deps(answers: unknown[], exitCodes: number[]) {
  const asked: string[] = [];
  const ran: string[][] = [];
  let out = '';
  const d: WizardDeps = {
    prompts: scripted(answers, asked),
    write: (t) => void (out += t),
    colors: palette(false),
    reporter: () => createReporter({ stdout: { write: () => 0 }, stderr: { write: () => 0 }, env: {}, cwd: '/', exitCode: 0 }, { quiet: true }),
    detect: async () => facts,
    scan: async () => inv,
    execute: async (argv) => {
      ran.push(argv);
      return exitCodes.shift() ?? 0;
    },
    cwd: '/tmp',
    now: () => new Date('2026-11-22T00:00:00Z'),
    xendRoot: '/xend',
  };
  return { d, asked, ran, out: () => out };
}

// path, domains, backup dir, target (select), shutdown timeout, parallel, switch mode.
const upgradeAnswers = () => ['upgrade', ['/xend/u1/config.sxp'], '/root/bk', 'xen:///system', '300', '4', 'pause'];

describe('runWizard', () => {
  it('a dry run reporting held domains (exit 1) still lets the admin confirm; the run follows', async () => {
    const w = deps([...upgradeAnswers(), 'dom0-a'], [1, 3]);
    expect(await runWizard(w.d)).toBe(3);
    expect(w.ran).toEqual([
      ['upgrade', '--dry-run', '--xend-root', '/xend', '--backup-dir', '/root/bk', '--yes', '--pause-for-switch'],
      ['upgrade', '--xend-root', '/xend', '--backup-dir', '/root/bk', '--yes', '--pause-for-switch'],
    ]);
    expect(w.out()).toContain('The dry run reports domains that need attention (above)');
    expect(w.out()).toContain('  Next: switch the toolstack (stop xend, start libvirtd with libxl), then continue with:\n    xend2libxl upgrade --backup-dir /root/bk --resume');
    expect(w.asked.at(-1)).toContain('Type the host name');
  });

  it('a dry run refusing the options (exit 2) stops before the confirmation, nothing run', async () => {
    const w = deps(upgradeAnswers(), [2]);
    expect(await runWizard(w.d)).toBe(2);
    expect(w.ran).toHaveLength(1);
    expect(w.asked.some((m) => m.includes('Type the host name'))).toBe(false);
    expect(w.out()).toContain('The plan check failed (exit 2); nothing was changed.');
  });

  it('the typed host name is checked: another host\'s name is rejected', async () => {
    const w = deps([...upgradeAnswers(), 'dom0-b'], [0]);
    await expect(runWizard(w.d)).rejects.toThrow(/that is not this host's name \(dom0-a\)/);
    expect(w.ran).toHaveLength(1); // only the dry run
  });

  it('convert: declining runs nothing and prints the command for later', async () => {
    const w = deps(['convert', ['/xend/u1/config.sxp'], 'out', false, false], []);
    expect(await runWizard(w.d)).toBe(0);
    expect(w.ran).toEqual([]);
    expect(w.out()).toContain('Nothing was changed. To run it later without the wizard:\n  xend2libxl convert --out-dir out -- /xend');
  });

  it('a failing step stops the chain and the summary says which ran', async () => {
    const w = deps(['convert', ['/xend/u1/config.sxp'], 'out', false, true], [1]);
    expect(await runWizard(w.d)).toBe(1);
    expect(w.out()).toContain('  1. convert  failed for at least one domain (see above)');
  });
});

describe('xend2libxl wizard outside a terminal', () => {
  it('refuses with exit 2 and names the commands to use instead', async () => {
    const { runCli } = await import('../helpers/run-cli.js');
    const r = await runCli(['wizard'], { tty: false });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('xend2libxl: error: the wizard needs an interactive terminal (stdin and stdout a TTY, CI not set)');
    expect(r.stderr).toContain('hint: in scripts run the commands directly: xend2libxl inventory, then convert / upgrade / evacuate');
    expect(r.stdout).toBe('');
  });
});

describe('evacuate path preflight', () => {
  it('a failed migration preflight (exit 1) blocks: the upgrade would otherwise stop guests meant to leave', async () => {
    const running: HostFacts = { ...facts, uris: [{ uri: 'xen:///system', ok: true, running: ['web1'] }] };
    // path, guests, destination, parallel (migrate), then the upgrade options.
    const w = deps(['evacuate', ['web1'], 'xen+ssh://dom0-b/system', '1', '/root/bk', 'xen:///system', 'xen:///system', '300', '4', 'pause'], [1]);
    w.d.detect = async () => running;
    w.d.scan = async () => ({ ...inv, domains: [...inv.domains, { ...inv.domains[0], path: '/xend/u2/config.sxp', directoryUuid: 'u2', uuid: 'u2', name: 'db1' }] });
    expect(await runWizard(w.d)).toBe(1);
    expect(w.ran).toEqual([['evacuate', '--dry-run', '--from', 'xen:///system', '--to', 'xen+ssh://dom0-b/system']]);
    expect(w.out()).toContain('The plan check failed (exit 1); nothing was changed.');
    expect(w.asked.some((m) => m.includes('Type the host name'))).toBe(false);
  });
});
