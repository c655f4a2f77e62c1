/**
 * Driving a rig script (test/rig/libvirt-rig.sh, test/xen-rig/xen-rig.sh) from tests: run one of
 * its commands with a timeout, and read what its `env` command prints.
 */
import { execFile } from 'node:child_process';

export interface RigScript {
  /** `libvirt test rig`, `Xen rig`: how errors name it. */
  label: string;
  path: string;
}

/** Run `bash SCRIPT ARGS…` (LC_ALL=C); reject with the command, why, and the end of its stderr. */
export function runRigScript(script: RigScript, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/bash', [script.path, ...args], { timeout: timeoutMs, maxBuffer: 16 << 20, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err) {
        const why = (err as { killed?: boolean }).killed ? `timed out after ${timeoutMs / 1000} s` : `failed (${err.message.split('\n')[0]})`;
        reject(new Error(`${script.label}: \`${script.path} ${args.join(' ')}\` ${why}\n${stderr.trim().split('\n').slice(-20).join('\n')}`));
      } else resolve(stdout);
    });
  });
}

/** `[export ]KEY='value'` lines → a map; a missing key is an error naming the script. */
export function parseRigEnv(script: RigScript, text: string): (key: string) => string {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(?:export )?([A-Z0-9_]+)='(.*)'$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return (key) => {
    const v = env[key];
    if (!v) throw new Error(`${script.label}: \`${script.path} env\` did not print ${key}`);
    return v;
  };
}
