/**
 * A scripted VirshRunner for unit tests: each call is answered by the first
 * rule whose matcher accepts its argv; every call is recorded.
 */
import type { RunningCall, VirshCall, VirshResult, VirshRunner } from '../../src/libvirt/runner.js';

export interface FakeAnswer {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  timedOut?: boolean;
}

export type FakeRule = (call: VirshCall) => FakeAnswer | undefined | Promise<FakeAnswer | undefined>;

export interface FakeRunner extends VirshRunner {
  calls: VirshCall[];
}

export function fakeRunner(...rules: FakeRule[]): FakeRunner {
  const calls: VirshCall[] = [];
  return {
    calls,
    start(call: VirshCall): RunningCall {
      calls.push(call);
      const result = (async (): Promise<VirshResult> => {
        let answer: FakeAnswer | undefined;
        for (const rule of rules) {
          answer = await rule(call);
          if (answer) break;
        }
        if (!answer) throw new Error(`fake runner: no rule for ${JSON.stringify(call.args)}`);
        return {
          argv: ['virsh', ...(call.uri ? ['-c', call.uri] : []), ...call.args],
          stdout: answer.stdout ?? '',
          stderr: answer.stderr ?? '',
          exitCode: answer.timedOut ? null : (answer.exitCode ?? 0),
          signal: answer.timedOut ? 'SIGKILL' : null,
          timedOut: answer.timedOut ?? false,
          durationMs: answer.timedOut ? (call.timeoutMs ?? 0) : 3,
        };
      })();
      return { result, kill: () => undefined };
    },
  };
}

/** Answer calls whose first argument is `command`. */
export function on(command: string, answer: FakeAnswer | ((call: VirshCall) => FakeAnswer)): FakeRule {
  return (call) => (call.args[0]?.split(' ')[0] === command ? (typeof answer === 'function' ? answer(call) : answer) : undefined);
}

/** A virsh failure as printed with LC_ALL=C: each line prefixed `error: `, exit code 1. */
export function virshError(...lines: string[]): FakeAnswer {
  return { exitCode: 1, stdout: '\n', stderr: lines.map((l) => `error: ${l}\n`).join('') };
}
