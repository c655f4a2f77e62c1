/**
 * src/remote without a network: --host parsing, quoting for the remote shell
 * (checked by a real /bin/sh reading it back), the tar reader against archives
 * made by the real GNU tar (hostile ones included), and the ssh session's argv,
 * errors and clean-up through an injected runner.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHostSpec, xenSshUri } from '../../src/remote/host-spec.js';
import { shellCommand } from '../../src/remote/shell-quote.js';
import { TarExtractor } from '../../src/remote/tar-extract.js';
import { SshSession } from '../../src/remote/session.js';
import type { SshCall, SshResult, SshRunner } from '../../src/remote/runner.js';
import { useTempDirs } from '../batch/fixture-paths.js';

const tmp = useTempDirs();

describe('--host [USER@]HOST[:PORT]', () => {
  it.each([
    ['dom0', { host: 'dom0', label: 'dom0' }],
    ['root@dom0.example.org', { user: 'root', host: 'dom0.example.org', label: 'root@dom0.example.org' }],
    ['admin@10.0.0.5:2222', { user: 'admin', host: '10.0.0.5', port: 2222, label: 'admin@10.0.0.5' }],
    ['root@[2001:db8::1]:22', { user: 'root', host: '2001:db8::1', port: 22, label: 'root@[2001:db8::1]' }],
    ['fe80::1', { host: 'fe80::1', label: '[fe80::1]' }],
  ])('%s', (spec, want) => {
    expect(parseHostSpec(spec)).toEqual(want);
  });

  it.each([
    ['-oProxyCommand=touch x', 'must not start with "-"'],
    ['root@-oProxyCommand=x', 'must not start with "-"'],
    ['-l@dom0', 'user name'],
    ['dom0 -v', 'host name may hold only'],
    ['dom0;reboot', 'host name may hold only'],
    ['dom0:0', 'port must be'],
    ['dom0:99999', 'port must be'],
    ['dom0:22x', 'port must be'],
    ['[::1', 'must be closed'],
    ['', 'host name may hold only'],
  ])('refuses %j', (spec, why) => {
    expect(() => parseHostSpec(spec)).toThrow(why);
  });

  it('gives the xen+ssh URI of the host', () => {
    expect(xenSshUri(parseHostSpec('root@dom0:2222'))).toBe('xen+ssh://root@dom0:2222/system');
    expect(xenSshUri(parseHostSpec('[2001:db8::1]'))).toBe('xen+ssh://[2001:db8::1]/system');
  });
});

describe('quoting for the remote shell', () => {
  const hostile = ["it's", '$(touch /tmp/x)', '`id`', '"q"', 'a\\b', '*', 'a b', ';x', '$HOME', '!x', '~', 'ünï', ''];
  it('a real sh reads every word back literally', () => {
    const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${shellCommand(hostile)}`], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(hostile);
  });

  it('refuses what no quoting can carry', () => {
    expect(() => shellCommand(['a\nb'])).toThrow('line break');
    expect(() => shellCommand(['a\0b'])).toThrow('NUL');
  });
});

/** Feed `archive` to an extractor in small chunks (as a network stream arrives). */
function extract(archive: Buffer, dest: string, allowed: string[], linkDir?: string): TarExtractor {
  const x = new TarExtractor(dest, allowed, linkDir);
  for (let i = 0; i < archive.length; i += 700) x.push(archive.subarray(i, i + 700));
  x.end();
  return x;
}

describe('the tar reader', () => {
  function tree(): string {
    const src = tmp();
    mkdirSync(path.join(src, 'var/lib/xend/domains/u1'), { recursive: true });
    writeFileSync(path.join(src, 'var/lib/xend/domains/u1/config.sxp'), '(domain (name a))\n');
    const long = 'l'.repeat(150);
    mkdirSync(path.join(src, 'var/lib/xend/domains', long), { recursive: true });
    writeFileSync(path.join(src, 'var/lib/xend/domains', long, 'config.sxp'), '(domain (name long))\n');
    mkdirSync(path.join(src, 'etc/xen/auto'), { recursive: true });
    writeFileSync(path.join(src, 'etc/xen/web.cfg'), 'name = "web"\n');
    symlinkSync('../web.cfg', path.join(src, 'etc/xen/auto/web.cfg'));
    symlinkSync('/etc/shadow', path.join(src, 'etc/xen/auto/evil.cfg'));
    symlinkSync('/etc/xen/web.cfg', path.join(src, 'etc/xen/auto/abs.cfg'));
    execFileSync('mkfifo', [path.join(src, 'var/lib/xend/domains/u1/fifo')]);
    return src;
  }

  it.each(['gnu', 'posix', 'ustar'])('extracts files, long names and safe auto/ links from a %s archive; skips the rest', (format) => {
    const src = tree();
    const names = ['var/lib/xend/domains', 'etc/xen/web.cfg', 'etc/xen/auto/web.cfg', 'etc/xen/auto/evil.cfg', 'etc/xen/auto/abs.cfg'];
    let archive: Buffer;
    try {
      archive = execFileSync('tar', ['-C', src, `--format=${format}`, '-cf', '-', ...names]);
    } catch (e) {
      // ustar cannot hold the 150-character directory name: GNU tar says so and still writes the rest.
      if (format !== 'ustar') throw e;
      archive = (e as { stdout: Buffer }).stdout;
    }
    const dest = tmp();
    const x = extract(archive, dest, ['var/lib/xend/domains', 'etc/xen'], 'etc/xen/auto');
    expect(readFileSync(path.join(dest, 'var/lib/xend/domains/u1/config.sxp'), 'utf8')).toBe('(domain (name a))\n');
    if (format !== 'ustar') expect(readFileSync(path.join(dest, 'var/lib/xend/domains', 'l'.repeat(150), 'config.sxp'), 'utf8')).toContain('long');
    expect(statSync(path.join(dest, 'var/lib/xend/domains/u1/config.sxp')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dest, 'var/lib/xend/domains/u1')).mode & 0o777).toBe(0o700);
    expect(readlinkSync(path.join(dest, 'etc/xen/auto/web.cfg'))).toBe('../web.cfg');
    expect(readlinkSync(path.join(dest, 'etc/xen/auto/abs.cfg'))).toBe('../web.cfg');
    expect(existsSync(path.join(dest, 'etc/xen/auto/evil.cfg'))).toBe(false);
    expect(lstatSync(path.join(dest, 'etc/xen/auto')).isDirectory()).toBe(true);
    expect(x.skipped.sort()).toEqual(['2 etc/xen/auto/evil.cfg', '6 var/lib/xend/domains/u1/fifo']);
  });

  it.each([
    ['../escape', '--transform=s,^,../,', 'not a plain relative path'],
    ['/etc/passwd', '--absolute-names', 'not a plain relative path'],
    ['a path outside what was asked for', '--transform=s,^var,srv,', 'outside what was asked for'],
  ])('refuses %s', (_what, option, why) => {
    const src = tree();
    const args = option === '--absolute-names' ? ['--absolute-names', '-cf', '-', path.join(src, 'etc/xen/web.cfg')] : ['-C', src, option, '-cf', '-', 'var/lib/xend/domains/u1/config.sxp'];
    const archive = execFileSync('tar', args);
    const dest = tmp();
    expect(() => extract(archive, dest, ['var/lib/xend/domains'])).toThrow(why);
    expect(existsSync(path.join(dest, '..', 'escape'))).toBe(false);
  });

  it('fails on a stream cut short and on garbage, not with a smaller store', () => {
    const archive = execFileSync('tar', ['-C', tree(), '-cf', '-', 'var/lib/xend/domains/u1/config.sxp']);
    expect(() => extract(archive.subarray(0, 700), tmp(), ['var/lib/xend/domains'])).toThrow('ended early');
    expect(() => extract(Buffer.from('Welcome to dom0!\n'.repeat(64)), tmp(), ['var/lib/xend/domains'])).toThrow('wrong checksum');
  });

  it('never writes over a file that is already there', () => {
    const archive = execFileSync('tar', ['-C', tree(), '-cf', '-', 'var/lib/xend/domains/u1/config.sxp']);
    const dest = tmp();
    mkdirSync(path.join(dest, 'var/lib/xend/domains/u1'), { recursive: true });
    writeFileSync(path.join(dest, 'var/lib/xend/domains/u1/config.sxp'), 'mine');
    expect(() => extract(archive, dest, ['var/lib/xend/domains'])).toThrow(/EEXIST/);
    expect(readFileSync(path.join(dest, 'var/lib/xend/domains/u1/config.sxp'), 'utf8')).toBe('mine');
  });
});

/** A runner that answers from a script and records every call. */
function fakeRunner(answer: (call: SshCall) => Partial<SshResult> | Error): SshRunner & { calls: SshCall[] } {
  const calls: SshCall[] = [];
  return {
    calls,
    async run(call) {
      calls.push(call);
      const a = answer(call);
      if (a instanceof Error) throw a;
      if (call.stderrFile && a.stderr) writeFileSync(call.stderrFile, a.stderr);
      return { argv: ['ssh', ...call.args], exitCode: 0, signal: null, timedOut: false, stdout: Buffer.alloc(0), ...a, stderr: call.stderrFile ? '' : (a.stderr ?? '') };
    },
  };
}

describe('the ssh session', () => {
  const host = parseHostSpec('admin@dom0:2222');

  it('connects once with BatchMode and strict host keys, runs quoted commands through the master, and removes its socket directory', async () => {
    const runner = fakeRunner(() => ({}));
    const s = await SshSession.open(host, { runner, env: {} });
    const dir = s.socketDir;
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    await s.run(['echo', "it's"], { what: 'testing' });
    await s.close();
    expect(existsSync(dir)).toBe(false);
    const [master, call, exit] = runner.calls.map((c) => c.args);
    for (const args of [master, call, exit]) {
      expect(args).toEqual(expect.arrayContaining(['BatchMode=yes', 'StrictHostKeyChecking=yes', `ControlPath=${path.join(dir, 'master')}`, '-l', 'admin', '-p', '2222']));
    }
    expect(master).toEqual(expect.arrayContaining(['ControlMaster=yes', '-f', '-N']));
    expect(master.slice(-2)).toEqual(['--', 'dom0']);
    expect(call).toContain('ControlMaster=no');
    expect(call.slice(-3)).toEqual(['--', 'dom0', `'echo' 'it'\\''s'`]);
    expect(exit.slice(-4)).toEqual(['-O', 'exit', '--', 'dom0']);
    expect(runner.calls.every((c) => c.timeoutMs > 0)).toBe(true);
  });

  it.each([
    ['No ED25519 host key is known for [dom0]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n', 'SSH_HOST_KEY_UNKNOWN'],
    ['@@@@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\nHost key verification failed.\r\n', 'SSH_HOST_KEY_CHANGED'],
    ['admin@dom0: Permission denied (publickey,password).\r\n', 'SSH_AUTH_REFUSED'],
    ['ssh: connect to host dom0 port 2222: Connection refused\r\n', 'SSH_UNREACHABLE'],
    ['ssh: Could not resolve hostname dom0: Name or service not known\r\n', 'SSH_UNREACHABLE'],
    ['something new\r\n', 'SSH_FAILED'],
  ])('classifies %j', async (stderr, code) => {
    const runner = fakeRunner((c) => (c.args.includes('-O') ? {} : { exitCode: 255, stderr }));
    const err = await SshSession.open(host, { runner, env: {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code });
    expect((err as { hint?: string }).hint).toBeTruthy();
    // The failed connection still cleaned up: the socket directory of the attempt is gone.
    const dir = path.dirname(runner.calls[0].args.find((a) => a.startsWith('ControlPath='))!.slice('ControlPath='.length));
    expect(dir).toMatch(/xend2libxl-ssh-/);
    expect(existsSync(dir)).toBe(false);
  });

  it('a call that does not finish in time is a timeout error; no ssh at all says what to install', async () => {
    const runner = fakeRunner((c) => (c.args.includes('ControlMaster=no') ? { exitCode: null, signal: 'SIGKILL', timedOut: true } : {}));
    const s = await SshSession.open(host, { runner, env: { XEND2LIBXL_SSH_TIMEOUT: '7' } });
    await expect(s.run(['true'], { what: 'waiting' })).rejects.toMatchObject({ code: 'SSH_TIMEOUT', message: expect.stringContaining('within 7 s (waiting)') });
    expect(runner.calls.at(-1)!.timeoutMs).toBe(7000);
    await s.close();
    const none = fakeRunner(() => Object.assign(new Error('spawn ssh ENOENT'), { code: 'ENOENT' }));
    await expect(SshSession.open(host, { runner: none, env: {} })).rejects.toMatchObject({ code: 'SSH_NOT_INSTALLED' });
  });
});
