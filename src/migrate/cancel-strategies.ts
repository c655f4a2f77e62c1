/** The ways a migration can be cancelled; a module of its own so option parsing need not load the migration stack. */
export type CancelStrategy = 'auto' | 'abort-job' | 'destroy-destination';
export const CANCEL_STRATEGIES: readonly CancelStrategy[] = ['auto', 'abort-job', 'destroy-destination'];
