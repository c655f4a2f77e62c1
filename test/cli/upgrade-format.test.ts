/**
 * The upgrade's human report prints names, paths and messages that come from configs and
 * virsh: a control character in them must not reach the terminal raw, and no value may start
 * a line of its own (a forged `file:1:1: error:` line).
 */
import { describe, expect, it } from 'vitest';
import { formatUpgradeReport } from '../../src/cli/commands/upgrade-format.js';
import type { UpgradeReport } from '../../src/upgrade/report.js';

const hostile = 'web\u001b[31m\nfile:1:1: error: forged';

function report(action: UpgradeReport['action']): UpgradeReport {
  return {
    action,
    backupDir: '/root/b',
    xendRoot: '/var/lib/xend/domains',
    to: 'xen:///system',
    paused: false,
    domains: [
      {
        name: hostile,
        origin: 'store',
        entry: `e\u0007ntry`,
        step: 'defined',
        status: 'failed',
        plannedSteps: [`define ${hostile}`],
        warnings: [{ code: 'UNKNOWN_KEY', message: `key ${hostile}` }],
        error: { code: 'VERIFY_MISMATCH', message: `disk ${hostile}`, hint: `see ${hostile}` },
      } as unknown as UpgradeReport['domains'][number],
    ],
    warnings: [{ code: 'INV_WARN', message: hostile, hint: hostile } as unknown as UpgradeReport['warnings'][number]],
    counts: { total: 1, done: 0, failed: 1, held: 0 },
    next: `resume ${hostile}`,
  };
}

describe('upgrade report on the terminal', () => {
  it.each(['dry-run', 'upgrade', 'rollback'] as const)('%s: no raw control character, no forged line', (action) => {
    const text = formatUpgradeReport(report(action));
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(text.split('\n').some((l) => l.startsWith('file:1:1'))).toBe(false);
    expect(text).toContain('web\\x1b[31m\\nfile:1:1: error: forged');
  });

  it('keeps the hint on its own indented line', () => {
    const lines = formatUpgradeReport(report('upgrade')).split('\n');
    expect(lines.some((l) => l.startsWith('  hint: see web'))).toBe(true);
  });
});
