/**
 * The Libvirt client against a scripted runner: the exact argv it sends, how it
 * reads virsh's answers (real virsh 9.0 output), and how failures become typed.
 */
import { statSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Libvirt, LIBVIRT_TIMEOUTS } from '../../src/libvirt/client.js';
import { LibvirtError } from '../../src/libvirt/errors.js';
import { fakeRunner, on, virshError } from './fake-runner.js';

const URI = 'xen:///system';
const SECTION = '@xend2libxl-section@';
/** The filter of each list section after the first, in the client's order. */
const LIST_FLAGS = ['--state-running', '--state-paused', '--state-shutoff', '--persistent', '--autostart'];

async function failure(p: Promise<unknown>): Promise<LibvirtError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LibvirtError) return e;
    throw e;
  }
  throw new Error('expected a LibvirtError');
}

describe('Libvirt argv', () => {
  it('passes the URI, puts every domain after --, and gives each call a timeout', async () => {
    const runner = fakeRunner(() => ({ stdout: 'running (booted)\n' }));
    const lv = new Libvirt(runner, URI);
    await lv.domState('--all');
    await lv.start('a;b');
    await lv.shutdown('$(touch /tmp/pwned)', { mode: 'acpi' });
    await lv.destroy('../x', { graceful: true });
    await lv.undefine('with spaces', { managedSave: true });
    await lv.dumpXml('web1', { inactive: true, securityInfo: true });
    await lv.setAutostart('web1', false);
    expect(runner.calls.map((c) => c.args)).toEqual([
      ['domstate', '--reason', '--', '--all'],
      ['start', '--', 'a;b'],
      ['shutdown', '--mode', 'acpi', '--', '$(touch /tmp/pwned)'],
      ['destroy', '--graceful', '--', '../x'],
      ['undefine', '--managed-save', '--', 'with spaces'],
      ['dumpxml', '--inactive', '--security-info', '--', 'web1'],
      ['autostart', '--disable', '--', 'web1'],
    ]);
    expect(runner.calls.every((c) => c.uri === URI)).toBe(true);
    expect(runner.calls.map((c) => c.timeoutMs)).toEqual([
      LIBVIRT_TIMEOUTS.query,
      LIBVIRT_TIMEOUTS.start,
      LIBVIRT_TIMEOUTS.shutdown,
      LIBVIRT_TIMEOUTS.destroy,
      LIBVIRT_TIMEOUTS.query,
      LIBVIRT_TIMEOUTS.query,
      LIBVIRT_TIMEOUTS.query,
    ]);
  });

  it('sends any domain name as one argv element after --, untouched', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 80 }), async (name) => {
        const runner = fakeRunner(() => ({ stdout: '' }));
        await new Libvirt(runner, URI).destroy(name);
        expect(runner.calls[0].args).toEqual(['destroy', '--', name]);
      }),
    );
  });

  it('lets one timeout override every default', async () => {
    const runner = fakeRunner(() => ({ stdout: '' }));
    await new Libvirt(runner, URI, { timeoutMs: 1234 }).start('d');
    expect(runner.calls[0].timeoutMs).toBe(1234);
  });
});

describe('Libvirt.define', () => {
  it('hands virsh a 0600 file in a private 0700 directory and removes both afterwards', async () => {
    const xml = "<domain type='xen'><name>web1</name><devices><graphics type='vnc' passwd='s3cret'/></devices></domain>";
    let seen: { file: string; fileMode: number; dirMode: number; content: string } | undefined;
    const runner = fakeRunner(
      on('define', (call) => {
        const file = call.args[call.args.indexOf('--file') + 1];
        seen = { file, fileMode: statSync(file).mode & 0o777, dirMode: statSync(path.dirname(file)).mode & 0o777, content: readFileSync(file, 'utf8') };
        return { stdout: `Domain 'web1' defined from ${file}\n\n` };
      }),
    );
    const name = await new Libvirt(runner, URI).define(xml, { validate: true });
    expect(name).toBe('web1');
    expect(seen?.fileMode).toBe(0o600);
    expect(seen?.dirMode).toBe(0o700);
    expect(seen?.content).toBe(xml);
    expect(runner.calls[0].args.slice(0, 2)).toEqual(['define', '--validate']);
    expect(existsSync(path.dirname(seen!.file))).toBe(false);
  });

  it('removes the file on failure too and reports a rejected definition', async () => {
    let file = '';
    const runner = fakeRunner(
      on('define', (call) => {
        file = call.args[call.args.indexOf('--file') + 1];
        return virshError(`Failed to define domain from ${file}`, 'XML error: an os <type> must be specified');
      }),
    );
    const e = await failure(new Libvirt(runner, URI).define('<domain/>'));
    expect(e.kind).toBe('invalid-definition');
    expect(e.libvirtMessage).toContain('an os <type> must be specified');
    expect(existsSync(path.dirname(file))).toBe(false);
  });

  it('reports a name clash as a conflict', async () => {
    const runner = fakeRunner(on('define', virshError('Failed to define domain from x.xml', "operation failed: domain 'cfl' already exists with uuid 30592ff9-b0f1-4adf-be75-4b90944bbddc")));
    expect((await failure(new Libvirt(runner, URI).define('<domain/>'))).kind).toBe('conflict');
  });
});

describe('Libvirt.list', () => {
  const all = [
    '6695eb01-f6a4-8304-79aa-97f2502e193f 1 test',
    '4f2a3b1c-1111-2222-3333-444455556667 - pvgrub',
    '11111111-2222-3333-4444-555555555555 7 name with  spaces',
    '22222222-2222-3333-4444-555555555555 - other',
  ].join('\n');
  const sections = [
    all,
    '6695eb01-f6a4-8304-79aa-97f2502e193f\n11111111-2222-3333-4444-555555555555',
    '',
    '4f2a3b1c-1111-2222-3333-444455556667',
    '6695eb01-f6a4-8304-79aa-97f2502e193f\n4f2a3b1c-1111-2222-3333-444455556667',
    '4f2a3b1c-1111-2222-3333-444455556667',
  ];

  it('reads names, UUIDs, ids, states, persistence and autostart from one virsh call', async () => {
    const runner = fakeRunner(on('list', { stdout: sections.join(`\n${SECTION}`) + '\n' }));
    const domains = await new Libvirt(runner, URI).list();
    expect(runner.calls).toHaveLength(1);
    expect(domains).toEqual([
      { name: 'test', uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', id: 1, state: 'running', persistent: true, autostart: false },
      { name: 'pvgrub', uuid: '4f2a3b1c-1111-2222-3333-444455556667', id: null, state: 'shut off', persistent: true, autostart: true },
      { name: 'name with  spaces', uuid: '11111111-2222-3333-4444-555555555555', id: 7, state: 'running', persistent: false, autostart: false },
      { name: 'other', uuid: '22222222-2222-3333-4444-555555555555', id: null, state: 'other', persistent: false, autostart: false },
    ]);
  });

  it('falls back to one call per query when a domain name contains the section marker', async () => {
    const hostile = `33333333-2222-3333-4444-555555555555 - a${SECTION}b`;
    const perQuery = [`${all}\n${hostile}`, ...sections.slice(1)];
    let i = 0;
    const runner = fakeRunner(
      on('list', (call) => (call.args.length === 1 ? { stdout: [perQuery[0], ...sections.slice(1)].join(SECTION) } : { stdout: perQuery[i++] })),
    );
    const domains = await new Libvirt(runner, URI).list();
    expect(runner.calls).toHaveLength(7);
    expect(runner.calls[1].args).toEqual(['list', '--all', '--uuid', '--id', '--name']);
    expect(domains.map((d) => d.name)).toContain(`a${SECTION}b`);
  });

  it('falls back to per-domain lookups on a virsh that refuses --uuid with --name', async () => {
    const runner = fakeRunner(
      (call) => (call.args.length === 1 ? virshError('Only one argument from --table, --name and --uuid may be specified.') : undefined),
      (call) => (call.args.join(' ') === 'list --all --uuid' ? { stdout: '6695eb01-f6a4-8304-79aa-97f2502e193f\n4f2a3b1c-1111-2222-3333-444455556667\n77777777-2222-3333-4444-555555555555\n' } : undefined),
      on('domname', (call) =>
        call.args[2] === '77777777-2222-3333-4444-555555555555' ? virshError("failed to get domain '77777777-2222-3333-4444-555555555555'") : { stdout: call.args[2].startsWith('6695') ? 'test\n\n' : 'pvgrub\n\n' },
      ),
      on('domid', (call) => ({ stdout: call.args[2].startsWith('6695') ? '1\n\n' : '-\n\n' })),
      on('list', (call) => ({ stdout: sections[LIST_FLAGS.indexOf(call.args[3]) + 1] ?? '' })),
    );
    const domains = await new Libvirt(runner, URI).list();
    expect(domains.map((d) => [d.name, d.id, d.state, d.autostart])).toEqual([
      ['test', 1, 'running', false],
      ['pvgrub', null, 'shut off', true],
    ]);
  });

  it('rejects output it does not understand instead of guessing', async () => {
    const runner = fakeRunner(on('list', { stdout: ['garbage line', ...sections.slice(1)].join(SECTION) }));
    await expect(new Libvirt(runner, URI).list()).rejects.toThrow(/unexpected virsh list line/);
  });
});

describe('Libvirt queries', () => {
  it('parses domstate --reason, dominfo autostart, capabilities and lookups', async () => {
    const runner = fakeRunner(
      on('domstate', { stdout: 'shut off (shutdown)\n\n' }),
      on('dominfo', { stdout: 'Id:             -\nName:           web1\nPersistent:     yes\nAutostart:      enable\nManaged save:   no\n\n' }),
      on('capabilities', { stdout: '<capabilities/>\n' }),
      on('domuuid', { stdout: '6695EB01-F6A4-8304-79AA-97F2502E193F\n\n' }),
      on('domname', { stdout: 'web 1\n\n' }),
    );
    const lv = new Libvirt(runner, URI);
    expect(await lv.domState('web1')).toEqual({ state: 'shut off', reason: 'shutdown' });
    expect(await lv.getAutostart('web1')).toBe(true);
    expect((await lv.domInfo('web1')).get('Persistent')).toBe('yes');
    expect(await lv.capabilities()).toBe('<capabilities/>\n');
    expect(await lv.uuidOf('web1')).toBe('6695eb01-f6a4-8304-79aa-97f2502e193f');
    expect(await lv.nameOf('6695eb01-f6a4-8304-79aa-97f2502e193f')).toBe('web 1');
  });

  it('exists() is false only for not-found; other failures still throw', async () => {
    const lv = (a: ReturnType<typeof virshError>) => new Libvirt(fakeRunner(on('domuuid', a)), URI);
    expect(await lv(virshError("failed to get domain 'x'")).exists('x')).toBe(false);
    expect(await new Libvirt(fakeRunner(on('domuuid', { stdout: '6695eb01-f6a4-8304-79aa-97f2502e193f\n' })), URI).exists('x')).toBe(true);
    const e = await failure(lv(virshError('failed to connect to the hypervisor', "Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory")).exists('x'));
    expect(e.kind).toBe('connection');
  });

  it('turns unparseable answers into typed errors', async () => {
    const e = await failure(new Libvirt(fakeRunner(on('domstate', { stdout: 'flying\n' })), URI).domState('x'));
    expect(e.kind).toBe('other');
    expect(e.message).toContain('unexpected domstate output');
  });

  it('reports a killed call as kind timeout', async () => {
    const e = await failure(new Libvirt(fakeRunner(on('start', { timedOut: true })), URI, { timeoutMs: 500 }).start('slow'));
    expect(e.kind).toBe('timeout');
    expect(e.domain).toBe('slow');
    expect(e.operation).toBe('start');
  });
});

describe('Libvirt.waitForState', () => {
  it('polls until the domain reaches one of the states', async () => {
    const answers = ['running (booted)', 'in shutdown (user)', 'shut off (shutdown)'];
    const runner = fakeRunner(on('domstate', () => ({ stdout: `${answers.shift() ?? 'shut off (shutdown)'}\n` })));
    const s = await new Libvirt(runner, URI).waitForState('d', ['shut off', 'crashed'], 5_000, { pollMs: 1 });
    expect(s).toEqual({ state: 'shut off', reason: 'shutdown' });
    expect(runner.calls).toHaveLength(3);
  });

  it('times out with the last state seen', async () => {
    const runner = fakeRunner(on('domstate', { stdout: 'running (booted)\n' }));
    const e = await failure(new Libvirt(runner, URI).waitForState('stubborn', ['shut off'], 60, { pollMs: 10 }));
    expect(e.kind).toBe('timeout');
    expect(e.message).toContain('still "running (booted)"');
    expect(runner.calls.length).toBeGreaterThan(1);
  });

  it('treats a vanished domain as reached only when asked to', async () => {
    const gone = () => fakeRunner(on('domstate', virshError("failed to get domain 'tr'")));
    expect(await new Libvirt(gone(), URI).waitForState('tr', ['shut off'], 1_000, { goneCounts: true })).toBeNull();
    expect((await failure(new Libvirt(gone(), URI).waitForState('tr', ['shut off'], 1_000))).kind).toBe('not-found');
  });

  it('stops when its signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const runner = fakeRunner(on('domstate', { stdout: 'running (booted)\n' }));
    expect((await failure(new Libvirt(runner, URI).waitForState('d', ['shut off'], 10_000, { signal: ac.signal }))).kind).toBe('aborted');
  });
});
