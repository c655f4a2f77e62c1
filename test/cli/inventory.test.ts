import { describe, expect, it } from 'vitest';
import { inventoryOptionSpecs } from '../../src/cli/commands/inventory.js';
import { toArgv } from '../../src/cli/option-spec.js';
import { domainsFixture, UUIDS, xendConfigFixture } from '../batch/fixture-paths.js';
import { runCli } from '../helpers/run-cli.js';

const args = ['inventory', '--xend-root', domainsFixture, '--xend-config', xendConfigFixture];

describe('inventory command', () => {
  it('prints an aligned table, every problem in full and a summary line; exit 1 because of errors', async () => {
    const r = await runCli([...args, '--quiet']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+UUID\s+TYPE\s+MEM\s+VCPUS\s+STATE\s+STATUS\s+PROBLEMS$/);
    const rows = lines.slice(1, 13);
    // Columns line up: every row has UUID at the header's offset.
    const uuidCol = lines[0].indexOf('UUID');
    for (const row of rows) expect(row.slice(uuidCol, uuidCol + 36)).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows.find((l) => l.startsWith('web01 '))).toMatch(/web01\s+3f2a1c7e-\S+\s+pv\s+1024M\s+2\s+halted\+auto\s+ok\s+-$/);
    expect(rows.find((l) => l.startsWith('mail01 '))).toMatch(/suspended\s+warning\s+INV_CHECKPOINT$/);
    expect(r.stdout).toMatch(/config\.sxp: warning\[INV_CHECKPOINT\]: .*xm resume mail01/);
    expect(lines.at(-2)).toBe(`12 domains in ${domainsFixture}: 2 ok, 5 with warnings, 5 with errors (10 PV, 1 HVM, 2 autostart, 1 suspended)`);
    expect(r.stderr).toBe('');
  });

  it('--json prints {domains, summary} with path, uuid, name, status and coded problems', async () => {
    const r = await runCli([...args, '--json']);
    expect(r.code).toBe(1);
    const inv = JSON.parse(r.stdout);
    expect(Object.keys(inv)).toEqual(['domains', 'summary']);
    expect(inv.domains).toHaveLength(12);
    for (const d of inv.domains) {
      expect(Object.keys(d).slice(0, 5)).toEqual(['path', 'uuid', 'name', 'status', 'problems']);
      expect(['ok', 'warning', 'error']).toContain(d.status);
      for (const p of d.problems) expect(p).toMatchObject({ code: expect.stringMatching(/^[A-Z0-9_]+$/), message: expect.any(String) });
    }
    const build = inv.domains.find((d: { directoryUuid: string }) => d.directoryUuid === UUIDS.build01);
    expect(build).toMatchObject({ name: 'build01', uuid: '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d', status: 'error', problems: [{ code: 'INV_UUID_MISMATCH' }] });
    expect(inv.summary).toMatchObject({ domains: 12, ok: 2, warning: 5, error: 5, xendConfig: xendConfigFixture });
    expect(r.stderr).toBe('');
  });

  it('exits 0 on a clean store', async () => {
    const { mkdtempSync, cpSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'xend2libxl-inv-'));
    try {
      for (const u of [UUIDS.web01, UUIDS.db01]) cpSync(path.join(domainsFixture, u), path.join(dir, u), { recursive: true });
      const r = await runCli(['inventory', '--xend-root', dir, '-q']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('2 domains in');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains a missing domain store (exit 1) and honours $XEND_CONFIG for the defaults', async () => {
    const r = await runCli(['inventory', '--xend-root', '/nonexistent/domains']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: xend domain directory does not exist (/nonexistent/domains)");
    expect(r.stderr).toContain('hint:');
    const bad = await runCli(['inventory', '--xend-root', domainsFixture], { env: { PATH: process.env.PATH, XEND_CONFIG: '/nonexistent/xend-config.sxp' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('cannot read xend configuration');
  });

  it('exports option specs that render back to the same command line', () => {
    expect(toArgv(inventoryOptionSpecs, { xendRoot: '/srv/xend', json: true })).toEqual(['--xend-root', '/srv/xend', '--json']);
  });
});
