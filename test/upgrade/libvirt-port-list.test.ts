import { describe, expect, it } from 'vitest';
import type { VirshCall, VirshResult, VirshRunner } from '../../src/libvirt/runner.js';
import { libvirtPort } from '../../src/upgrade/libvirt-port.js';

/** `virsh list` sections as libvirt 9's libxl driver printed them on the Xen rig right after a PV guest powered off. */
function listRunner(rows: { uuid: string; id: string; name: string; state: 'running' | 'shutoff' }[]): VirshRunner {
  return {
    start(call: VirshCall) {
      const queries = call.args[0].split(/ ; echo \S+ ; /);
      const sections = queries.map((q) => {
        if (q.includes('--id --name')) return rows.map((r) => `${r.uuid} ${r.id} ${r.name}`).join('\n');
        const want = /--state-(\w+)/.exec(q)?.[1];
        return rows.filter((r) => want === undefined ? q.includes('--persistent') : r.state === want).map((r) => r.uuid).join('\n');
      });
      const stdout = `${sections.join('\n@xend2libxl-section@\n')}\n`;
      const result: VirshResult = { argv: ['virsh', ...call.args], stdout, stderr: '', exitCode: 0, signal: null, timedOut: false, durationMs: 1 };
      return { result: Promise.resolve(result), kill: () => {} };
    },
  };
}

describe('listing domains through the port', () => {
  it('a "shut off" domain that still has a runtime id (libxl tearing it down) is not down yet', async () => {
    const port = libvirtPort(
      listRunner([
        { uuid: '5e5e0000-0000-4000-8000-000000000001', id: '19', name: 'dying', state: 'shutoff' },
        { uuid: '5e5e0000-0000-4000-8000-000000000002', id: '-', name: 'off', state: 'shutoff' },
        { uuid: '5e5e0000-0000-4000-8000-000000000003', id: '7', name: 'up', state: 'running' },
      ]),
    );
    const states = Object.fromEntries((await port.list('xen:///system')).map((d) => [d.name, d.state]));
    expect(states).toEqual({ dying: 'in shutdown', off: 'shut off', up: 'running' });
  });
});
