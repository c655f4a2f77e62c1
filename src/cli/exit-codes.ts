/** Exit codes, documented in the README. The CLI is the only place that uses them. */
export const EXIT = {
  /** Everything asked for was done. */
  OK: 0,
  /** The job failed for at least one input/domain (others were still processed). */
  FAILED: 1,
  /** Bad command line or configuration: nothing was done. */
  USAGE: 2,
  /** The job stopped on purpose before finishing and can be continued (e.g. upgrade awaiting the toolstack switch). */
  PAUSED: 3,
  /** Cancelled by the user (Ctrl-C / SIGTERM) after cleaning up; safe state reached. */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
