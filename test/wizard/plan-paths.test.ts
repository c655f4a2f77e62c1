/** Upgrade and evacuate plans built against the real option specs of upgrade, migrate and evacuate. */
import { describe, expect, it } from 'vitest';
import type { Inventory, InventoryEntry } from '../../src/inventory/types.js';
import { evacuatePlan, upgradePlan } from '../../src/wizard/plan.js';
import type { UpgradeAnswers } from '../../src/wizard/screens/options.js';
import type { HostFacts } from '../../src/wizard/types.js';

const e = (name: string, uuid: string, over: Partial<InventoryEntry> = {}): InventoryEntry => ({
  path: `/xend/${uuid}/config.sxp`,
  directoryUuid: uuid,
  uuid,
  name,
  disks: [],
  macs: [],
  state: 'running',
  status: 'ok',
  problems: [],
  ...over,
});

const inv: Inventory = {
  domains: [
    e('web1', 'u1'),
    e('db1', 'u2'),
    e('cut', 'u3', { status: 'error', problems: [{ code: 'INV_TRUNCATED', severity: 'error', message: 'truncated' }] }),
  ],
  summary: { root: '/xend', domains: 3, ok: 2, warning: 0, error: 1, pv: 3, hvm: 0, autostart: 0, suspended: 0 },
};
const facts: HostFacts = { hostname: 'dom0-a', xendRoot: '/xend', xendRootExists: true, xendPid: 99, uris: [{ uri: 'xen:///system', ok: true, running: ['web1', 'db1', 'adhoc'] }] };
const upgrade: UpgradeAnswers = { backupDir: '/root/bk', to: 'xen:///system', from: 'xen:///system', shutdownTimeout: 300, parallel: 2, switchMode: 'command', switchCommand: 'systemctl stop xend && systemctl restart libvirtd' };

describe('upgrade plan', () => {
  it('all upgradable domains chosen: no --domain, flag defaults left out, --yes from the typed confirmation', () => {
    const p = upgradePlan(facts, inv, upgrade, undefined, ['/xend/u1/config.sxp', '/xend/u2/config.sxp']);
    expect(p.commands[0].argv).toEqual([
      'upgrade', '--xend-root', '/xend', '--from', 'xen:///system', '--backup-dir', '/root/bk', '--yes', '--parallel', '2',
      '--switch-command', 'systemctl stop xend && systemctl restart libvirtd',
    ]);
    expect(p.warnings).toContain('cut: error[INV_TRUNCATED] truncated');
    expect(p.warnings).toContain('1 domain(s) have errors: the upgrade holds them and reports them; fix them first if they matter');
    expect(p.warnings).toContain('xend (pid 99) is running: the switch command must stop it');
  });

  it('a subset becomes --domain UUID… and the ones left behind are named in a warning', () => {
    const p = upgradePlan(facts, inv, { ...upgrade, switchMode: 'pause' }, undefined, ['/xend/u2/config.sxp']);
    expect(p.commands[0].argv).toEqual(['upgrade', '--xend-root', '/xend', '--from', 'xen:///system', '--backup-dir', '/root/bk', '--yes', '--parallel', '2', '--pause-for-switch', '--domain', 'u2']);
    expect(p.warnings.some((w) => w.startsWith('web1 not chosen: after the switch they are defined nowhere'))).toBe(true);
  });
});

describe('evacuate-then-upgrade plan', () => {
  it('a subset of running guests: migrate NAME… then an upgrade of only what stays', () => {
    const p = evacuatePlan(facts, inv, ['web1'], { from: 'xen:///system', to: 'xen+ssh://dom0-b/system', parallel: 2 }, upgrade);
    expect(p.commands.map((c) => c.argv)).toEqual([
      ['migrate', '--from', 'xen:///system', '--to', 'xen+ssh://dom0-b/system', '--parallel', '2', '--', 'web1'],
      ['upgrade', '--xend-root', '/xend', '--from', 'xen:///system', '--backup-dir', '/root/bk', '--yes', '--parallel', '2', '--switch-command', 'systemctl stop xend && systemctl restart libvirtd', '--domain', 'u2'],
    ]);
    expect(p.warnings).toContain('migrated domains are left out of the upgrade (they are defined on xen+ssh://dom0-b/system now); their config.sxp stays in the store untouched');
    expect(p.warnings).toContain('db1 stay(s) on this host: the upgrade shuts them down for the switch');
    expect(p.warnings).toContain('adhoc stays on this host and is not in the xend store: the upgrade leaves it alone, and after the switch it is gone unless you migrate it too or run upgrade --include-unmanaged');
  });

  it('every running guest: the evacuate command; nothing left means no upgrade step, and it says so', () => {
    const p = evacuatePlan(facts, inv, ['web1', 'db1', 'adhoc'], { from: 'xen:///system', to: 'xen+ssh://dom0-b/system', parallel: 1 }, upgrade);
    expect(p.commands.map((c) => c.argv)).toEqual([['evacuate', '--from', 'xen:///system', '--to', 'xen+ssh://dom0-b/system']]);
    expect(p.warnings).toContain('adhoc: not in the xend store; after migration it is defined only on xen+ssh://dom0-b/system');
    expect(p.warnings).toContain('no domain is left for the in-place upgrade: after the migration, switch the toolstack yourself (stop xend, start libvirtd)');
  });
});
