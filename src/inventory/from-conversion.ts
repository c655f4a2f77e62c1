/** What an inventory entry shows of a conversion (store or xm config): the model's facts, then its findings as problems. */
import type { ConversionResult } from '../convert/api.js';
import type { InventoryDisk, InventoryEntry } from './types.js';

/** `withHint`: append the error's hint to its message (the xm --dryrun way out must reach the table). */
export function applyConversion(entry: InventoryEntry, result: ConversionResult, withHint = false): void {
  const d = result.domain;
  if (d) {
    entry.name = d.name;
    entry.uuid = d.uuid ?? entry.uuid;
    entry.type = d.osType;
    entry.memoryMiB = Math.round(d.memoryKiB / 1024);
    entry.maxMemoryMiB = Math.round(d.maxMemoryKiB / 1024);
    entry.vcpus = d.vcpus;
    entry.autostart = d.autostart;
    entry.disks = d.disks.map((k): InventoryDisk => ({ target: k.target, device: k.device, source: k.source, mode: k.readonly ? 'r' : k.shareable ? 'w!' : 'w' }));
    entry.macs = d.nics.map((n) => n.mac?.toLowerCase()).filter((m): m is string => m !== undefined);
  }
  for (const w of result.warnings) entry.problems.push({ code: w.code, severity: w.severity, message: w.message, line: w.line, column: w.column });
  if (!result.ok && result.error) {
    const pos = result.error.position;
    const message = withHint && result.error.hint ? `${result.error.message} (${result.error.hint})` : result.error.message;
    entry.problems.push({ code: result.error.code, severity: 'error', message, line: pos?.line, column: pos?.column });
  }
}
