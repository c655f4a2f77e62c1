/**
 * The xend source port built on the inventory (which walks the root the way
 * xend did and knows every per-entry problem) and the converter (which gives
 * us the XML and model to define). Entries with an error-level problem —
 * unreadable, truncated, uuid ≠ directory (xend itself skipped those) — are
 * reported, never upgraded. Read-only: nothing under the root is written.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { convertSxpText } from '../convert/api.js';
import { scanXendRoot } from '../inventory/scan.js';
import { loadXendConfig } from '../inventory/xend-config.js';
import type { XendEntry, XendSourcePort } from './ports.js';

/** `xmConfigDir`: also upgrade the `xm create` domains of that directory's *.cfg files (src/inventory/xm-configs.ts). */
export function xendSource(opts: { xmConfigDir?: string; pathOnHost?: (localPath: string) => string } = {}): XendSourcePort {
  return {
    async read(root, readOpts) {
      const config = await loadXendConfig(readOpts.xendConfig);
      const defaults = config?.defaults ?? {};
      const inv = await scanXendRoot({ root, defaults, xendConfig: config?.file, keepConversion: true, xmConfigDir: opts.xmConfigDir, pathOnHost: opts.pathOnHost });
      const out: XendEntry[] = [];
      for (const e of inv.domains) {
        const dir = path.dirname(e.path);
        const errors = e.problems.filter((p) => p.severity === 'error').map((p) => ({ code: p.code, message: at(e.path, p) }));
        const warnings = e.problems.filter((p) => p.severity === 'warning').map((p) => ({ code: p.code, message: p.message, severity: 'warning' as const, file: e.path, line: p.line, column: p.column }));
        const entry: XendEntry = {
          entry: e.directoryUuid,
          dir,
          configPath: e.path,
          checkpointPath: e.checkpointBytes !== undefined ? path.join(dir, 'checkpoint.chk') : undefined,
          name: e.name,
          uuid: e.uuid,
          warnings,
          errors,
        };
        const xm = [...(e.source === 'xm-config' ? [{ path: e.path, autoLinks: e.autoLinks ?? [] }] : []), ...(e.shadowedXmConfigs ?? [])];
        if (xm.length) entry.xmConfigs = xm;
        if (errors.length === 0) {
          // The inventory already converted the entry (with the same defaults); never convert twice.
          const r = e.conversion ?? convertSxpText(await readFile(e.path), { file: e.path, xendDefaults: defaults });
          if (r.ok && r.xml && r.domain) {
            entry.xml = r.xml;
            entry.model = r.domain;
          } else {
            entry.errors.push({ code: r.error?.code ?? 'CONVERSION_FAILED', message: r.error?.message ?? 'conversion failed' });
          }
        }
        out.push(entry);
      }
      return out;
    },
  };
}

function at(file: string, p: { message: string; line?: number; column?: number }): string {
  return p.line ? `${file}:${p.line}:${p.column ?? 1}: ${p.message}` : `${file}: ${p.message}`;
}
