/**
 * Turn whatever a step threw into the journal's problem record plus the next
 * thing the admin should do. Kinds matter: an unreachable daemon is retried by
 * `--resume`; a definition libvirt rejects needs a human.
 */
import { Xend2LibxlError } from '../errors.js';
import type { JournalProblem } from './journal.js';
import { HypervisorError } from './ports.js';

export function describeFailure(err: unknown, step: string, uri?: string): { error: JournalProblem; next: string } {
  if (err instanceof HypervisorError) {
    switch (err.kind) {
      case 'connection':
        return {
          error: { code: 'HYPERVISOR_UNREACHABLE', message: `${step}: cannot reach ${uri ?? 'libvirt'}: ${err.message}`, hint: 'check that libvirtd runs and the URI is right' },
          next: 'when the daemon is reachable again, run the same command with --resume',
        };
      case 'timeout':
        return {
          error: { code: 'HYPERVISOR_TIMEOUT', message: `${step}: libvirt did not answer in time (${err.operation}): ${err.message}` },
          next: 'check the daemon, then run with --resume',
        };
      case 'rejected':
      case 'unsupported':
      case 'invalid-state':
        return {
          error: { code: `LIBVIRT_${err.kind.toUpperCase().replace('-', '_')}`, message: `${step}: libvirt refused (${err.operation}): ${err.message}` },
          next: 'fix the cause (see the backup XML), then run with --resume; the other domains are unaffected',
        };
      default:
        return {
          error: { code: 'LIBVIRT_ERROR', message: `${step}: ${err.operation} failed: ${err.message}` },
          next: 'see the error, then run with --resume',
        };
    }
  }
  if (err instanceof Xend2LibxlError) {
    return { error: { code: err.code, message: `${step}: ${err.message}`, hint: err.hint }, next: 'see the error, then run with --resume' };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { error: { code: 'UNEXPECTED', message: `${step}: ${message}` }, next: 'this is unexpected; run with --resume, and report it if it repeats' };
}
