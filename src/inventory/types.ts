/**
 * What the inventory reports about a xend host. Plain data: the CLI renders it
 * as a table or JSON, the upgrade orchestrator reads it to plan.
 */
import type { ConversionResult } from '../convert/api.js';
import type { OsType } from '../convert/model.js';

export type EntryStatus = 'ok' | 'warning' | 'error';

/**
 * Stable problem codes of the inventory itself (the converter's warning and
 * error codes are passed through unchanged next to these).
 */
export const INVENTORY_CODES = {
  /** config.sxp missing, a directory, or unreadable (permissions, I/O error). */
  UNREADABLE: 'INV_UNREADABLE',
  /** config.sxp is empty or ends inside an open list: xend crashed while rewriting it. */
  TRUNCATED: 'INV_TRUNCATED',
  /** config.sxp has a syntax error that is not a truncation. */
  SYNTAX: 'INV_SYNTAX',
  /** The uuid inside differs from the directory name: xend skipped the entry at start. */
  UUID_MISMATCH: 'INV_UUID_MISMATCH',
  /** checkpoint.chk present: xend suspended the domain; libxl cannot resume that image. */
  CHECKPOINT: 'INV_CHECKPOINT',
  /** The same disk is opened writable by this and another domain. */
  SHARED_DISK: 'INV_SHARED_DISK',
  DUPLICATE_NAME: 'INV_DUPLICATE_NAME',
  DUPLICATE_UUID: 'INV_DUPLICATE_UUID',
  DUPLICATE_MAC: 'INV_DUPLICATE_MAC',
  /** The converter threw something unexpected; the entry is reported instead of aborting the walk. */
  INTERNAL: 'INV_INTERNAL',
} as const;

export interface Problem {
  code: string;
  severity: 'warning' | 'error';
  message: string;
  /** Position in config.sxp when the problem is about one spot in it. */
  line?: number;
  column?: number;
}

export interface InventoryDisk {
  target: string;
  device: 'disk' | 'cdrom' | 'floppy';
  source?: string;
  /** xend mode: r, w or w! (shared). */
  mode: 'r' | 'w' | 'w!';
}

/** xend's power state as recorded in config.sxp `(status N)` at the last save; `suspended` also when checkpoint.chk exists. */
export type XendState = 'halted' | 'paused' | 'running' | 'suspended' | 'shutting-down' | 'crashed' | 'unknown';

/** Where a domain was found: xend's store (`xm new`), or an xm/xl config file in /etc/xen (`xm create`). */
export type EntrySource = 'store' | 'xm-config';

export interface InventoryEntry {
  /** Path of the entry's config.sxp (or, for an xm config, of the .cfg file). */
  path: string;
  /** Name of the entry directory: the uuid xend filed it under (for an xm config: the file name). */
  directoryUuid: string;
  /** Absent means `store`. */
  source?: EntrySource;
  /** xm configs: the /etc/xen/auto links that point at the file (xendomains started it at boot). */
  autoLinks?: string[];
  /** Store entries: .cfg files naming the same domain (not converted; the upgrade backs them up with the entry). */
  shadowedXmConfigs?: { path: string; autoLinks: string[] }[];
  /** Parsed values; undefined when the file could not be read. */
  name?: string;
  uuid?: string;
  type?: OsType;
  memoryMiB?: number;
  maxMemoryMiB?: number;
  vcpus?: number;
  disks: InventoryDisk[];
  macs: string[];
  autostart?: boolean;
  state: XendState;
  /** Size in bytes of checkpoint.chk when present. */
  checkpointBytes?: number;
  status: EntryStatus;
  problems: Problem[];
  /** The converter's full result, kept only when the scan was asked to (`keepConversion`), so callers need not convert again. */
  conversion?: ConversionResult;
}

export interface InventorySummary {
  root: string;
  /** The xm/xl config directory scanned too (absent when none was). */
  xmConfigDir?: string;
  /** Domains found there (not counting those the store also has). */
  xmConfigs?: number;
  xendConfig?: string;
  domains: number;
  ok: number;
  warning: number;
  error: number;
  pv: number;
  hvm: number;
  autostart: number;
  suspended: number;
}

export interface Inventory {
  domains: InventoryEntry[];
  summary: InventorySummary;
}

export function statusOf(problems: readonly Problem[]): EntryStatus {
  if (problems.some((p) => p.severity === 'error')) return 'error';
  return problems.length > 0 ? 'warning' : 'ok';
}
