/**
 * What the playbook suites share: ansible-core present, ansible-playbook runs,
 * and the PLAY RECAP. The ssh identity comes from test/remote/ssh-identity.ts.
 */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';

/** Fails the suite with what to do when ansible-core is missing. */
export function requireAnsible(): void {
  try {
    execFileSync('ansible-playbook', ['--version'], { stdio: 'pipe' });
  } catch {
    throw new Error('ansible-playbook is not installed: apt install ansible-core (.ci/run does), or set XEND2LIBXL_SKIP_LIBVIRT=1 to skip the rig suites');
  }
}

export interface Play {
  code: number;
  stdout: string;
  stderr: string;
}

export function runPlaybook(dir: string, args: string[]): Promise<Play> {
  return new Promise((resolve) => {
    execFile('ansible-playbook', args, {
      cwd: dir,
      timeout: 300_000,
      maxBuffer: 64 << 20,
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'True', ANSIBLE_LOCAL_TEMP: path.join(dir, 'ansible-tmp'), HOME: dir },
    }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

/** A host's line of the PLAY RECAP. */
export function recap(r: Play, host: string): { ok: number; changed: number; unreachable: number; failed: number } {
  const m = new RegExp(`^${host}\\s+:\\s+ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=(\\d+)\\s+failed=(\\d+)`, 'm').exec(r.stdout);
  if (!m) throw new Error(`no PLAY RECAP for ${host} in:\n${r.stdout}\n${r.stderr}`);
  return { ok: Number(m[1]), changed: Number(m[2]), unreachable: Number(m[3]), failed: Number(m[4]) };
}
