/**
 * `convert --host`: the inputs (and --xend-config) are paths on the host; they
 * are copied here in one archive, converted here, and the outputs and reports
 * are written here. Messages name the host's paths.
 */
import path from 'node:path';
import type { CliContext } from '../cli/context.js';
import { UsageError } from '../errors.js';
import { rewriting } from './cli-store.js';
import { fetchXendStore, makeCopyDir, removeCopy } from './fetch-store.js';
import { parseHostSpec } from './host-spec.js';
import { SshSession } from './session.js';

export async function convertOnHost<O extends { xendConfig?: string }>(
  hostArg: string,
  inputs: string[],
  opts: O,
  ctx: CliContext,
  run: (inputs: string[], opts: O, ctx: CliContext) => Promise<number>,
): Promise<number> {
  const host = parseHostSpec(hostArg);
  for (const i of inputs) {
    if (i === '-' || !path.posix.isAbsolute(i)) throw new UsageError(`with --host, ${JSON.stringify(i)} must be an absolute path on ${host.label}`, 'e.g. xend2libxl convert --host root@dom0 /var/lib/xend/domains -o out/');
    // A config without a uuid gets one derived from its path: only the host's own path gives the host's uuid.
    if (i.endsWith('.cfg')) throw new UsageError(`with --host, xm/xl config files (${i}) are read by inventory and upgrade, not convert`, 'use upgrade --host (or convert the file on the host itself)');
  }
  const copy = makeCopyDir();
  const root = path.join(copy, 'root');
  try {
    const session = await SshSession.open(host, { env: ctx.env });
    try {
      await fetchXendStore(session, { paths: inputs, configPath: opts.xendConfig }, root);
    } finally {
      await session.close();
    }
    const local = (p: string) => path.join(root, ...path.posix.normalize(p).split('/').filter(Boolean));
    const shown = { ...ctx, stdout: rewriting(ctx.stdout, root, `${host.label}:`), stderr: rewriting(ctx.stderr, root, `${host.label}:`) };
    const code = await run(inputs.map(local), { ...opts, xendConfig: opts.xendConfig === undefined ? undefined : local(opts.xendConfig) }, shown);
    ctx.exitCode = shown.exitCode;
    return code;
  } finally {
    removeCopy(copy);
  }
}
