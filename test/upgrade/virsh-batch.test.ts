import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { VirshCall, VirshResult, VirshRunner } from '../../src/libvirt/runner.js';
import { HypervisorError } from '../../src/upgrade/ports.js';
import { libvirtPort } from '../../src/upgrade/libvirt-port.js';
import { batchable } from '../../src/upgrade/virsh-batch.js';

/**
 * A virsh stand-in that understands what the port sends: single commands as
 * argv, and `cmd ; cmd ; …` scripts as one argument (the batch path), with
 * libvirt's output texts. Domains listed in `broken` fail every operation.
 */
function fakeVirsh(domains: Set<string>, broken = new Set<string>()) {
  const calls: string[][] = [];
  const one = (words: string[]): { out: string; err: string } => {
    const [op] = words;
    const name = words[words.indexOf('--') + 1];
    if (op === 'echo') return { out: `${words.slice(1).join(' ')}\n`, err: '' };
    if (op === 'define') {
      const file = words[words.indexOf('--file') + 1];
      const n = /<name>(.*)<\/name>/.exec(readFileSync(file, 'utf8'))![1];
      if (broken.has(n)) return { out: '', err: `error: Failed to define domain from ${file}\nerror: unsupported configuration: nope\n` };
      domains.add(n);
      return { out: `Domain '${n}' defined from ${file}\n\n`, err: '' };
    }
    if (!domains.has(name) || broken.has(name)) return { out: '', err: `error: failed to get domain '${name}'\n` };
    if (op === 'dumpxml') return { out: `<domain type='xen'>\n  <name>${name}</name>\n</domain>\n\n`, err: '' };
    if (op === 'start') return { out: `Domain '${name}' started\n\n`, err: '' };
    if (op === 'shutdown') return { out: `Domain '${name}' is being shutdown\n\n`, err: '' };
    if (op === 'autostart') return { out: `Domain '${name}' marked as autostarted\n\n`, err: '' };
    return { out: '', err: `error: unknown ${op}\n` };
  };
  const runner: VirshRunner = {
    start(call: VirshCall) {
      calls.push(call.args);
      let out = '';
      let err = '';
      let code = 0;
      // A script is one argument holding `;`-separated commands (as virsh reads it).
      const cmds = call.args.length === 1 && call.args[0].includes(' ; ') ? call.args[0].split(' ; ').map((c) => c.split(' ')) : [call.args];
      for (const c of cmds) {
        const r = one(c);
        out += r.out;
        err += r.err;
        code = r.err ? 1 : 0; // virsh's status is the last command's
      }
      const result: VirshResult = { argv: ['virsh', ...call.args], stdout: out, stderr: err, exitCode: code, signal: null, timedOut: false, durationMs: 1 };
      return { result: Promise.resolve(result), kill: () => {} };
    },
  };
  return { runner, calls };
}

const xml = (n: string) => `<domain type='xen'><name>${n}</name></domain>`;

describe('batched virsh calls', () => {
  it('runs concurrent operations as one virsh script and hands each caller its own output', async () => {
    const { runner, calls } = fakeVirsh(new Set(['a', 'b', 'c']));
    const port = libvirtPort(runner);
    const out = await Promise.all(['a', 'b', 'c'].map((n) => port.dumpXml('test:///x', n, { inactive: true })));
    expect(out.map((x) => /<name>(.*)<\/name>/.exec(x)![1])).toEqual(['a', 'b', 'c']);
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toMatch(/^echo @xend2libxl-batch-\w+@0 ; dumpxml --inactive --security-info -- a ; echo .*@1 ; dumpxml/);
    await Promise.all(['d', 'e'].map((n) => port.define('test:///x', xml(n))));
    expect(calls).toHaveLength(2);
    await Promise.all(['d', 'e'].map((n) => port.start('test:///x', n)));
    expect(calls).toHaveLength(3);
    expect(port.batches()).toBe(3);
  });

  it('re-runs a command alone when the batch does not show its success, so failures keep their typed error', async () => {
    const { runner, calls } = fakeVirsh(new Set(['a', 'b']), new Set(['bad']));
    const port = libvirtPort(runner);
    const results = await Promise.allSettled([port.define('u', xml('a2')), port.define('u', xml('bad')), port.start('u', 'a'), port.start('u', 'missing')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    const defineErr = (results[1] as PromiseRejectedResult).reason as HypervisorError;
    expect(defineErr).toBeInstanceOf(HypervisorError);
    expect(defineErr.kind).toBe('rejected');
    expect(((results[3] as PromiseRejectedResult).reason as HypervisorError).kind).toBe('not-found');
    // One batch per operation kind would be 2 (define, start) … plus the two failures alone, as argv.
    const alone = calls.filter((c) => c.length > 1);
    expect(alone.map((c) => c[0]).sort()).toEqual(['define', 'start']);
    expect(alone.find((c) => c[0] === 'start')).toEqual(['start', '--', 'missing']);
  });

  it('never puts a word virsh would tokenize differently into a script: hostile names go alone, as argv', async () => {
    const hostile = ["a b", "x;y", "$(touch p)", "it's", 'q"uote', 'back\\slash', '#hash', 'new\nline'];
    for (const h of hostile) expect(batchable(['start', '--', h]), h).toBe(false);
    expect(batchable(['dumpxml', '--inactive', '--security-info', '--', 'web-01.example.com'])).toBe(true);
    const { runner, calls } = fakeVirsh(new Set(['ok1', 'ok2', ...hostile]));
    const port = libvirtPort(runner);
    await Promise.all([...hostile, 'ok1', 'ok2'].map((n) => port.shutdown('u', n)));
    for (const h of hostile) expect(calls).toContainEqual(['shutdown', '--', h]);
    expect(calls.filter((c) => c.length === 1)).toHaveLength(1);
  });

  it('a batch that cannot connect falls back to single calls, which report the connection error', async () => {
    const runner: VirshRunner = {
      start: (call) => ({
        result: Promise.resolve({ argv: ['virsh', ...call.args], stdout: '', stderr: "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/x': Connection refused\n", exitCode: 1, signal: null, timedOut: false, durationMs: 1 }),
        kill: () => {},
      }),
    };
    const port = libvirtPort(runner);
    const r = await Promise.allSettled([port.start('u', 'a'), port.start('u', 'b')]);
    for (const x of r) expect(((x as PromiseRejectedResult).reason as HypervisorError).kind).toBe('connection');
  });
});
