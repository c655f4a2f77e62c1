/** Per-input results of a batch conversion: plain data (crosses worker threads, goes into JSON/JUnit). */
import type { OsType } from '../convert/model.js';

export interface ReportedWarning {
  code: string;
  message: string;
  line?: number;
  column?: number;
}

export interface ReportedError extends ReportedWarning {
  hint?: string;
}

export interface InputResult {
  /** The input path as the user named it (relative paths stay relative). */
  source: string;
  ok: boolean;
  domain?: { name: string; uuid?: string; autostart: boolean; type: OsType };
  /** Domain XML; kept only when it is printed or reported (not when written to a directory). */
  xml?: string;
  /** File the XML was written to (batch mode with an output directory). */
  output?: string;
  warnings: ReportedWarning[];
  error?: ReportedError;
  /** Wall time spent on this input, milliseconds. */
  durationMs: number;
  /**
   * The other domains of the same input (a multi-domain `xm list -l` dump), in
   * file order; the finisher reports each as a result of its own.
   */
  more?: InputResult[];
}

export interface BatchSummary {
  inputs: number;
  converted: number;
  failed: number;
  /** Inputs that converted with at least one warning. */
  withWarnings: number;
  warnings: number;
  written: number;
  durationMs: number;
  /** Set when the run was interrupted before all inputs were seen. */
  interrupted: boolean;
}

/** Stable codes for problems the batch itself finds (the converter's codes pass through). */
export const BATCH_CODES = {
  INPUT_UNREADABLE: 'INPUT_UNREADABLE',
  NAME_CLASH: 'OUTPUT_NAME_CLASH',
  OUTPUT_EXISTS: 'OUTPUT_EXISTS',
  OUTPUT_NAME_INVALID: 'OUTPUT_NAME_INVALID',
  OUTPUT_WRITE_FAILED: 'OUTPUT_WRITE_FAILED',
  DUPLICATE_UUID: 'DUPLICATE_UUID_IN_BATCH',
  STRICT_WARNINGS: 'STRICT_WARNINGS',
  SEVERAL_DOMAINS: 'INPUT_HOLDS_SEVERAL_DOMAINS',
  SCHEMA_INVALID: 'SCHEMA_INVALID',
  INTERNAL: 'INTERNAL',
} as const;
