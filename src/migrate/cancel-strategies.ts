/**
 * The ways a migration can be cancelled; a module of its own so option parsing need not load the migration stack.
 * destroy-destination is qemu-only (refused on libxl, where the destroy can land on the guest that just arrived).
 */
export type CancelStrategy = 'auto' | 'abort-job' | 'destroy-destination';
export const CANCEL_STRATEGIES: readonly CancelStrategy[] = ['auto', 'abort-job', 'destroy-destination'];
