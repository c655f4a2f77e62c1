/**
 * Classification of libvirt's real error texts: captured from virsh 9.0
 * (LC_ALL=C) against the rig's daemons, or, for the libxl driver (no Xen host
 * here), libvirt's own format strings (libxl_domain.c, virtypedparam.c,
 * domain_conf.c) filled in as users have reported them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyLibvirtMessage, LibvirtError, libvirtErrorFromResult, virshErrorMessage } from '../../src/libvirt/errors.js';
import { Xend2LibxlError } from '../../src/errors.js';
import type { VirshResult } from '../../src/libvirt/runner.js';

const result = (stderr: string, extra: Partial<VirshResult> = {}): VirshResult => ({
  argv: ['virsh'],
  stdout: '',
  stderr,
  exitCode: 1,
  signal: null,
  timedOut: false,
  durationMs: 20,
  ...extra,
});

describe('classifyLibvirtMessage', () => {
  const cases: Array<[string, string, string]> = [
    ['domstate', "failed to get domain 'errs'", 'not-found'],
    ['dumpxml', "Domain not found: no domain with matching name 'web1'", 'not-found'],
    ['start', "Failed to start domain 'x': Domain not found: no domain with matching uuid '11111111-2222-3333-4444-555555555555'", 'not-found'],
    ['shutdown', "Failed to shutdown domain 'errs': Requested operation is not valid: domain is not running", 'invalid-state'],
    ['start', 'Domain is already active', 'invalid-state'],
    ['shutdown', "Failed to shutdown domain 'test': internal error: domain 'test' not running", 'invalid-state'],
    ['destroy', "Failed to destroy domain 'x': Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainMigratePerform3Params)", 'invalid-state'],
    ['domjobinfo', 'this function is not supported by the connection driver: virDomainGetJobInfo', 'unsupported'],
    ['domjobabort', 'this function is not supported by the connection driver: virDomainAbortJob', 'unsupported'],
    ['migrate', "argument unsupported: parameter 'bandwidth' not supported", 'unsupported'],
    ['list', "failed to connect to the hypervisor: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory", 'connection'],
    ['list', "failed to connect to the hypervisor: unable to connect to server at '127.0.0.99:16509': Connection refused", 'connection'],
    ['list', 'End of file while reading data: Input/output error', 'connection'],
    ['list', "no connection driver available for xen:///system", 'connection'],
    ['define', 'Failed to define domain from /tmp/bad.xml: XML error: an os <type> must be specified', 'invalid-definition'],
    ['define', 'Failed to define domain from v.xml: XML document failed to validate against schema: Unable to validate doc against /usr/share/libvirt/schemas/domain.rng: Extra element devices in interleave', 'invalid-definition'],
    ['define', "Call to virDomainDefineXML failed: unsupported configuration: domain configuration does not support video model 'qxl'", 'invalid-definition'],
    ['start', "unsupported configuration: domain configuration does not support video model 'qxl'", 'unsupported'],
    ['define', "Failed to define domain from cfl2.xml: operation failed: domain 'cfl' already exists with uuid 30592ff9-b0f1-4adf-be75-4b90944bbddc", 'conflict'],
    ['define', "operation failed: domain 'cfl' is already defined with uuid 30592ff9-b0f1-4adf-be75-4b90944bbddc", 'conflict'],
    ['migrate', "operation aborted: job 'migration out' canceled by client", 'aborted'],
    ['domjobabort', 'Requested operation is not valid: no job is active on the domain', 'job-inactive'],
    ['list', "failed to connect to the hypervisor: authentication failed: Failed to start SASL negotiation", 'permission'],
    ['start', "Failed to start domain api-1: internal error: libxenlight failed to create new domain 'api-1'", 'other'],
  ];
  it.each(cases)('%s: %s -> %s', (operation, message, kind) => {
    expect(classifyLibvirtMessage(message, operation)).toBe(kind);
  });
});

describe('virshErrorMessage', () => {
  it('joins the summary line, the reason, and continuation lines of schema errors', () => {
    const stderr =
      'error: Failed to define domain from v.xml\n' +
      'error: XML document failed to validate against schema: Unable to validate doc against /usr/share/libvirt/schemas/domain.rng\n' +
      'Extra element devices in interleave\nElement domain failed to validate content\n\n';
    expect(virshErrorMessage(stderr)).toBe(
      'Failed to define domain from v.xml: XML document failed to validate against schema: Unable to validate doc against /usr/share/libvirt/schemas/domain.rng: Extra element devices in interleave: Element domain failed to validate content',
    );
  });
  it('skips carriage-return progress output before the first error line', () => {
    const stderr = "Migration: [  3 %]\rMigration: [ 41 %]\rerror: operation aborted: job 'migration out' canceled by client\n";
    expect(virshErrorMessage(stderr)).toBe("operation aborted: job 'migration out' canceled by client");
  });
  it('falls back to the whole stderr when there is no error line', () => {
    expect(virshErrorMessage('  something odd\n')).toBe('something odd');
  });
});

describe('libvirtErrorFromResult', () => {
  it('returns null for success', () => {
    expect(libvirtErrorFromResult(result('', { exitCode: 0 }), { operation: 'list' })).toBeNull();
  });
  it('makes a typed, coded error naming operation, domain and URI', () => {
    const e = libvirtErrorFromResult(result("error: Failed to shutdown domain 'web1'\nerror: Requested operation is not valid: domain is not running\n"), {
      operation: 'shutdown',
      uri: 'xen:///system',
      domain: 'web1',
    });
    expect(e).toBeInstanceOf(LibvirtError);
    expect(e).toBeInstanceOf(Xend2LibxlError);
    expect(e?.kind).toBe('invalid-state');
    expect(e?.code).toBe('LIBVIRT_INVALID_STATE');
    expect(e?.operation).toBe('shutdown');
    expect(e?.domain).toBe('web1');
    expect(e?.message).toBe('shutdown (domain "web1" on xen:///system): Failed to shutdown domain \'web1\': Requested operation is not valid: domain is not running');
  });
  it('reports a killed call as a timeout, whatever stderr holds', () => {
    const e = libvirtErrorFromResult(result('', { exitCode: null, signal: 'SIGKILL', timedOut: true, durationMs: 1500 }), { operation: 'start', domain: 'd' });
    expect(e?.kind).toBe('timeout');
    expect(e?.message).toContain('did not answer within 1.5 s');
    expect(e?.hint).toMatch(/timeout/);
  });
  it('does not let a hostile domain name steer the classification', () => {
    const e = libvirtErrorFromResult(result("error: failed to get domain 'Failed to connect socket'\n"), { operation: 'domstate', domain: 'Failed to connect socket' });
    expect(e?.kind).toBe('not-found');
    const e2 = libvirtErrorFromResult(result("error: failed to get domain 'Domain is already active'\n"), { operation: 'start', domain: 'Domain is already active' });
    expect(e2?.kind).toBe('not-found');
  });
  it('turns an unrunnable virsh into a connection error with a hint', () => {
    const e = libvirtErrorFromResult(result('error: cannot run virsh: spawn virsh ENOENT\n', { exitCode: 127 }), { operation: 'list', uri: 'xen:///system' });
    expect(e?.kind).toBe('connection');
    expect(e?.hint).toContain("virsh -c 'xen:///system' list");
  });
});

describe('hostile names, any name', () => {
  it('a not-found answer stays not-found whatever the domain is called', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }).filter((n) => !/[\r\n]/.test(n)), (name) => {
        const e = libvirtErrorFromResult(result(`error: failed to get domain '${name}'\n`), { operation: 'start', domain: name });
        expect(e?.kind).toBe('not-found');
        expect(e?.domain).toBe(name);
      }),
    );
  });
});
