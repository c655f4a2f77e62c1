/** Direct virsh calls for test setup and assertions (argv only, timeouts), independent of the code under test. */
import { execFileSync } from 'node:child_process';

export function virsh(uri: string, args: string[], opts: { allowFail?: boolean; input?: string } = {}): string {
  try {
    return execFileSync('virsh', ['-q', '-c', uri, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LC_ALL: 'C' }, input: opts.input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    if (opts.allowFail) return '';
    const err = e as { stderr?: string; message: string };
    throw new Error(`virsh ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
  }
}

export function names(uri: string, flags: string[] = ['--all']): string[] {
  return virsh(uri, ['list', ...flags, '--name']).split('\n').filter((l) => l.trim() !== '');
}

/** Remove a domain wherever it is in its life cycle; quiet when it does not exist. */
export function purge(uri: string, name: string): void {
  virsh(uri, ['destroy', '--', name], { allowFail: true });
  virsh(uri, ['undefine', '--', name], { allowFail: true });
}

export function domstate(uri: string, name: string): string {
  return virsh(uri, ['domstate', '--reason', '--', name]).trim();
}
