/**
 * What `convert` checks and reads before a batch starts: the accepted warning
 * codes (--allow, --allow-file), standard input for `-`, and inputs that do
 * not exist at all (then nothing is created, not even the output directory).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { BATCH_CODES } from '../../batch/types.js';
import { Xend2LibxlError, UsageError } from '../../errors.js';
import { ConfigReadError, readConfigFile, readConfigStream } from '../../sxp/read-file.js';
import type { CliContext } from '../context.js';

/** Warning codes that --strict accepts: --allow lists and the lines of --allow-file files. */
export async function allowedCodes(ctx: CliContext, allow: readonly string[] = [], files: readonly string[] = []): Promise<Set<string>> {
  const codes: { code: string; from: string }[] = allow.flatMap((a) => splitCodes(a).map((code) => ({ code, from: '--allow' })));
  for (const f of files) {
    let text: string;
    try {
      text = (await readConfigFile(path.resolve(ctx.cwd, f))).toString('utf8');
    } catch (e) {
      const err = e as ConfigReadError;
      throw new UsageError(err instanceof ConfigReadError ? err.describe(`--allow-file ${f}`) : String(e), 'name a file with one warning code per line (# starts a comment)');
    }
    // One code per line (commas work too); `#` starts a comment, so the file can say why each is accepted.
    for (const line of text.split('\n')) codes.push(...splitCodes(line.replace(/#.*/, '')).map((code) => ({ code, from: f })));
  }
  const known = await knownWarningCodes();
  for (const { code, from } of codes) {
    if (!known.has(code)) {
      throw new UsageError(`unknown warning code '${code}' (from ${from})`, 'the codes are the WORD in warning[WORD] lines; docs/warnings.md lists them all');
    }
  }
  return new Set(codes.map((c) => c.code));
}

function splitCodes(s: string): string[] {
  return s
    .split(/[,\s]+/)
    .map((c) => c.trim())
    .filter((c) => c !== '');
}

async function knownWarningCodes(): Promise<Set<string>> {
  const { WARNING_CODES } = await import('../../convert/warning-codes.js');
  return new Set<string>([...WARNING_CODES, BATCH_CODES.DUPLICATE_UUID]);
}

/** Standard input, read whole (at most 16 MiB) when `-` is among the inputs. */
export async function stdinIfNamed(ctx: CliContext, inputs: readonly string[]): Promise<Buffer | undefined> {
  const dashes = inputs.filter((i) => i === '-').length;
  if (dashes === 0) return undefined;
  if (dashes > 1) throw new UsageError('`-` (standard input) is named more than once', 'name `-` once');
  if (!ctx.stdin) throw new UsageError('standard input is not available here');
  return readConfigStream(ctx.stdin, '<stdin>');
}

/**
 * Refuse a run in which no input exists at all (a typo in the only path): it
 * would otherwise create the output directory and report one unreadable input.
 */
export async function checkSomeInputExists(ctx: CliContext, inputs: readonly string[]): Promise<void> {
  const missing: string[] = [];
  for (const i of inputs) {
    if (i === '-') return;
    const st = await stat(path.resolve(ctx.cwd, i)).catch((e: NodeJS.ErrnoException) => e);
    if (!(st instanceof Error) || (st.code !== 'ENOENT' && st.code !== 'ENOTDIR')) return;
    missing.push(i);
  }
  throw new Xend2LibxlError('INPUT_NOT_FOUND', `no such file or directory: ${missing.join(', ')}`, {
    hint: "check the path; xend's domain configs are in /var/lib/xend/domains/<uuid>/config.sxp",
  });
}
