/** The per-domain steps, in order, as recorded in the journal. */
export const STEPS = ['planned', 'backed-up', 'shut-down', 'switched', 'defined', 'verified', 'started', 'done'] as const;
export type Step = (typeof STEPS)[number];

export function stepIndex(s: Step): number {
  return STEPS.indexOf(s);
}

/** Has a domain at `current` already completed `target`? */
export function reached(current: Step, target: Step): boolean {
  return stepIndex(current) >= stepIndex(target);
}

export function isStep(s: string): s is Step {
  return (STEPS as readonly string[]).includes(s);
}
