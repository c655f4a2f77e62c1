/**
 * How progress is shown: live spinners/bars on an interactive terminal, plain
 * timestamped lines on pipes and in CI, nothing with --quiet/--json.
 * Same rule as ora's is-interactive (TTY, TERM not dumb, no CI) so that the
 * decision is ours and visible in one place.
 */
import type { CliContext } from '../cli/context.js';

export type OutputMode = 'live' | 'plain' | 'silent';

export function isInteractiveStream(ctx: Pick<CliContext, 'env'>, stream: { isTTY?: boolean }): boolean {
  return Boolean(stream.isTTY) && ctx.env.TERM !== 'dumb' && !isCi(ctx.env);
}

/** `CI` set to anything but an explicit false counts (GitHub, GitLab, Jenkins set it). */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const v = env.CI;
  return v !== undefined && !['0', 'false', ''].includes(v.toLowerCase());
}

export function outputMode(ctx: Pick<CliContext, 'env' | 'stderr'>, opts: { quiet?: boolean; json?: boolean }): OutputMode {
  if (opts.quiet || opts.json) return 'silent';
  return isInteractiveStream(ctx, ctx.stderr) ? 'live' : 'plain';
}
