/**
 * Colour decisions made by us, not by chalk: chalk's supports-color ignores
 * NO_COLOR (see docs/ecosystem-anchors §2.2), so every coloured byte the CLI
 * writes goes through a {@link Palette} built from this one decision.
 *
 * Precedence (https://no-color.org, https://force-color.org):
 * `--no-color` > `NO_COLOR` (non-empty) > `FORCE_COLOR` > stream is a TTY and `TERM` is not `dumb`.
 */
import type { OutStream } from '../cli/context.js';

export interface ColorInputs {
  env: NodeJS.ProcessEnv;
  stream: OutStream;
  /** `false` when `--no-color` was given. */
  flag?: boolean;
}

export function shouldUseColor({ env, stream, flag }: ColorInputs): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export interface Palette {
  readonly enabled: boolean;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

export function palette(enabled: boolean): Palette {
  const id = (s: string) => s;
  return {
    enabled,
    red: enabled ? sgr(31, 39) : id,
    green: enabled ? sgr(32, 39) : id,
    yellow: enabled ? sgr(33, 39) : id,
    cyan: enabled ? sgr(36, 39) : id,
    bold: enabled ? sgr(1, 22) : id,
    dim: enabled ? sgr(2, 22) : id,
  };
}

/** Remove ANSI escape sequences (for widths, log files and tests). */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g, '');
}
