import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module on purpose (it must run on old Node); no types.
import { MINIMUM_NODE, nodeVersionProblem } from '../../bin/guards.js';
import { binPath } from '../helpers/run-cli.js';

describe('Node.js version check', () => {
  it('accepts the minimum and anything newer', () => {
    for (const v of [MINIMUM_NODE, '20.18.1', '22.0.0', '24.3.0']) expect(nodeVersionProblem(v)).toBeNull();
  });

  it('rejects older versions with what, why and what to do', () => {
    for (const v of ['20.16.9', '18.19.0', '12.22.12', '0.10.48']) {
      const msg = nodeVersionProblem(v) as string;
      expect(msg).toContain(`xend2libxl: error: Node.js ${v} is too old (need >= ${MINIMUM_NODE})`);
      expect(msg).toMatch(/^hint: install a current Node\.js LTS/m);
    }
  });

  it('the real binary prints it and exits 2 when process.versions says 18.19.0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-node-'));
    const fake = path.join(dir, 'old-node.mjs');
    fs.writeFileSync(fake, "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '18.19.0' } });\n");
    const r = await new Promise<{ code: number; stderr: string; stdout: string }>((resolve) =>
      execFile(process.execPath, ['--import', fake, binPath, '--help'], (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }),
      ),
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('xend2libxl: error: Node.js 18.19.0 is too old');
  });
});
