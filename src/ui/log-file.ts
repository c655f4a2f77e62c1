/**
 * The `--log-file FILE` sink: everything, always, whatever the terminal shows —
 * debug messages, every step, and every virsh call with its argv, exit status,
 * duration and stderr. Written synchronously so a crash or kill -9 still leaves
 * the lines that led up to it. Appends, so several runs on one host (plan, run,
 * resume) read as one history; each run starts with a header line.
 *
 * virsh stdout is deliberately not logged: `dumpxml --security-info` carries
 * VNC/SPICE passwords, and a log file is exactly what gets pasted into tickets.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { VirshResult } from '../libvirt/runner.js';
import { shellQuote } from '../cli/option-spec.js';
import { stripAnsi } from './color.js';

export type LogLevel = 'INFO' | 'WARN' | 'DEBUG' | 'STEP' | 'OK' | 'FAIL' | 'VIRSH' | 'ERROR';

export interface LogSink {
  readonly path: string;
  write(level: LogLevel, message: string): void;
  /** Observer for `execFileRunner({ onFinish })`. */
  virsh(result: VirshResult): void;
  close(): void;
}

export function openLogFile(file: string, cwd: string, argv: readonly string[] = [], now: () => Date = () => new Date()): LogSink {
  const full = path.resolve(cwd, file);
  let fd: number;
  try {
    fd = fs.openSync(full, 'a', 0o600);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`cannot open log file ${full}: ${err.code ?? err.message}`, 'pass --log-file a path in a writable directory');
  }
  try {
    // The mode given to open(2) applies only to a new file: an existing log (maybe created 0644 by
    // another tool, or by an older version) is made private too, since it may quote configs. Only a
    // regular file: `--log-file /dev/stderr` or /dev/null must keep their modes.
    const st = fs.fstatSync(fd);
    if (st.isFile() && (st.mode & 0o077) !== 0) fs.fchmodSync(fd, 0o600);
  } catch (e) {
    fs.closeSync(fd);
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`cannot make log file ${full} private (0600): ${err.code ?? err.message}`, 'pass --log-file a file you own, or a new path');
  }
  let open = true;
  const emit = (level: LogLevel, message: string) => {
    if (!open) return;
    const stamp = now().toISOString();
    const lines = stripAnsi(message).split('\n');
    const text = lines.map((l, i) => (i === 0 ? `${stamp} ${level.padEnd(5)} ${l}` : `${' '.repeat(stamp.length)}       ${l}`)).join('\n');
    fs.writeSync(fd, `${text}\n`);
  };
  emit('INFO', `xend2libxl ${shellQuote(argv)} (pid ${process.pid})`);
  return {
    path: full,
    write: emit,
    virsh(r) {
      const status = r.timedOut ? 'timed out' : r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`;
      emit('VIRSH', `${shellQuote(r.argv)} → ${status} in ${r.durationMs} ms`);
      const stderr = r.stderr.trimEnd();
      if (stderr) emit('VIRSH', `stderr: ${stderr}`);
    },
    close() {
      if (!open) return;
      open = false;
      fs.closeSync(fd);
    },
  };
}
