/**
 * Options are declared once (the npm-check-updates pattern): the same spec
 * registers flags on commander, documents them in --help and completion, and
 * turns a typed options object back into the equivalent command line — which
 * the wizard prints so the next host can be done non-interactively.
 */
import { Command, InvalidArgumentError, Option } from './commander.js';

export interface OptionSpec {
  /** Property on the command's typed options object (commander's camelCase of the long flag). */
  key: string;
  /** commander flags, e.g. `-o, --out-dir <dir>` or `--strict`. */
  flags: string;
  description: string;
  default?: string | number | boolean | string[];
  /** Restrict a value option to these choices. */
  choices?: readonly string[];
  /** Parse/validate a value; throw InvalidArgumentError with a clear message. */
  parse?: (value: string, previous: unknown) => unknown;
  /** Value may be given several times; collected into an array. */
  repeatable?: boolean;
}

export function addOptions(cmd: Command, specs: readonly OptionSpec[]): Command {
  for (const s of specs) {
    const opt = new Option(s.flags, s.description);
    if (s.choices) opt.choices(s.choices as string[]);
    if (s.repeatable) opt.argParser((v: string, prev: unknown) => [...((prev as string[] | undefined) ?? []), s.parse ? (s.parse(v, prev) as string) : v]);
    else if (s.parse) opt.argParser(s.parse);
    if (s.default !== undefined) opt.default(s.default);
    cmd.addOption(opt);
  }
  return cmd;
}

/** The long flag of a spec, e.g. `--out-dir`. */
export function longFlag(s: OptionSpec): string {
  const m = /--[a-z0-9-]+/i.exec(s.flags);
  if (!m) throw new Error(`option spec ${s.key} has no long flag`);
  return m[0];
}

/** Does the spec take a value (`<x>` or `[x]`)? */
export function takesValue(s: OptionSpec): boolean {
  return /[<[]/.test(s.flags);
}

/**
 * Render the flags for every value that differs from its default, in spec order.
 * Values are returned as separate argv elements; {@link shellQuote} joins them for display.
 */
export function toArgv(specs: readonly OptionSpec[], values: Record<string, unknown>): string[] {
  const argv: string[] = [];
  for (const s of specs) {
    const v = values[s.key];
    if (v === undefined || v === null || v === s.default) continue;
    const flag = longFlag(s);
    if (!takesValue(s)) {
      if (v === true) argv.push(flag);
      // `--no-x` flags: commander stores false under key x.
      else if (v === false && flag.startsWith('--no-')) argv.push(flag);
      continue;
    }
    for (const item of Array.isArray(v) ? v : [v]) argv.push(flag, String(item));
  }
  return argv;
}

/** Quote for a POSIX shell so a printed command can be pasted back safely. */
export function shellQuote(args: readonly string[]): string {
  return args.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Parser for a whole number in [min, max], with a message naming the flag. */
export function intInRange(flag: string, min: number, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v: string) => {
    if (!/^\d+$/.test(v.trim())) throw new InvalidArgumentError(`${flag} needs a whole number, got '${v}'`);
    const n = Number(v);
    if (n < min || n > max) throw new InvalidArgumentError(`${flag} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}
