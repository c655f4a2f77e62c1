import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module on purpose (bin/ stays dependency-free); no types.
import { exitOnUnhandledSignals } from '../../bin/guards.js';

/**
 * A stand-in for `process`: real listener bookkeeping, recorded exits and
 * self-signals. (The real path is exercised by test/migrate/rig-cancel.test.ts,
 * whose second SIGINT can land after the migration finished and its listener
 * was removed — before this guard, that run died by the signal.)
 */
function fakeProcess() {
  const p = new EventEmitter() as EventEmitter & { pid: number; exitCode?: number; exits: number[]; kills: string[]; exit: (code: number) => void; kill: (pid: number, s: string) => void };
  p.pid = 4242;
  p.exits = [];
  p.kills = [];
  p.exit = (code: number) => void p.exits.push(code);
  p.kill = (pid: number, s: string) => void p.kills.push(`${pid} ${s}`);
  return p;
}

describe('Ctrl-C or SIGTERM when no command is listening', () => {
  it('after the command finished: exits at once with its exit code', () => {
    const p = fakeProcess();
    const finish = exitOnUnhandledSignals(p);
    finish(1);
    // No signal was handled: Node is left to wind down by itself.
    expect(p.exits).toEqual([]);
    expect(p.exitCode).toBe(1);
    p.emit('SIGTERM', 'SIGTERM');
    p.emit('SIGINT', 'SIGINT');
    expect(p.exits).toEqual([1, 1]);
    expect(p.kills).toEqual([]);
  });

  it('after a handled signal, exits the moment the command finishes (no wind-down a late press could land in)', () => {
    const p = fakeProcess();
    const finish = exitOnUnhandledSignals(p);
    const command = () => undefined;
    p.on('SIGINT', command);
    p.emit('SIGINT', 'SIGINT');
    p.off('SIGINT', command);
    expect(p.exits).toEqual([]);
    finish(130);
    expect(p.exits).toEqual([130]);
  });

  it('leaves the signal to a command that listens, and exits 130 on a later press once it stopped listening', () => {
    const p = fakeProcess();
    exitOnUnhandledSignals(p);
    const seen: string[] = [];
    const command = (s: string) => void seen.push(s);
    p.on('SIGINT', command);
    p.emit('SIGINT', 'SIGINT');
    expect(p.exits).toEqual([]);
    expect(seen).toEqual(['SIGINT']);
    p.off('SIGINT', command);
    p.emit('SIGINT', 'SIGINT');
    expect(p.exits).toEqual([130]);
    expect(p.kills).toEqual([]);
  });

  it('otherwise steps aside: Node’s default (death by the signal) still ends a hung read-only command', () => {
    const p = fakeProcess();
    exitOnUnhandledSignals(p);
    p.emit('SIGINT', 'SIGINT');
    expect(p.exits).toEqual([]);
    expect(p.kills).toEqual(['4242 SIGINT']);
    expect(p.listenerCount('SIGINT') + p.listenerCount('SIGTERM')).toBe(0);
  });
});
