/**
 * Turn whatever a step threw into the journal's problem record plus the next
 * thing the admin should do. Kinds matter: an unreachable daemon is retried by
 * `--resume`; a definition libvirt rejects needs a human.
 */
import { Xend2LibxlError } from '../errors.js';
import type { JournalProblem } from './journal.js';
import { HypervisorError } from './ports.js';

/** `resume`: the exact command that continues (named in every next step instead of a vague "run with --resume"). */
export function describeFailure(err: unknown, step: string, uri?: string, resume?: string): { error: JournalProblem; next: string } {
  const again = resume ? `run: ${resume}` : 'run with --resume';
  if (err instanceof HypervisorError) {
    switch (err.kind) {
      case 'connection':
        return {
          error: { code: 'HYPERVISOR_UNREACHABLE', message: `${step}: cannot reach ${uri ?? 'libvirt'}: ${err.message}`, hint: 'check that libvirtd runs and the URI is right' },
          next: `when the daemon is reachable again, ${again}`,
        };
      case 'timeout':
        return {
          error: { code: 'HYPERVISOR_TIMEOUT', message: `${step}: libvirt did not answer in time (${err.operation}): ${err.message}` },
          next: `check the daemon, then ${again}`,
        };
      case 'rejected':
      case 'unsupported':
      case 'invalid-state':
        return {
          error: { code: `LIBVIRT_${err.kind.toUpperCase().replace('-', '_')}`, message: `${step}: libvirt refused (${err.operation}): ${err.message}` },
          next: `fix the cause (see the backup XML), then ${again}; the other domains are unaffected`,
        };
      default:
        return {
          error: { code: 'LIBVIRT_ERROR', message: `${step}: ${err.operation} failed: ${err.message}` },
          next: `see the error, then ${again}`,
        };
    }
  }
  if (err instanceof Xend2LibxlError) {
    return { error: { code: err.code, message: `${step}: ${err.message}`, hint: err.hint }, next: `see the error, then ${again}` };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { error: { code: 'UNEXPECTED', message: `${step}: ${message}` }, next: `this is unexpected; ${again}, and report it if it repeats` };
}
