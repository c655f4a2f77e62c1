/**
 * Admission control for migrations: at most N outgoing per source host and N
 * incoming per destination host (default 1/1, like Nova's
 * max_concurrent_live_migrations; vdsm uses 2/2). Waiting jobs are queued in
 * FIFO order and can be cancelled while queued — they then never touch a host.
 */
export interface SlotRequest {
  source: string;
  dest: string;
}

export class QueueCancelled extends Error {
  constructor() {
    super('cancelled while queued');
  }
}

interface Waiter {
  req: SlotRequest;
  grant: (release: () => void) => void;
  reject: (e: Error) => void;
}

export class HostSlots {
  private readonly out = new Map<string, number>();
  private readonly inc = new Map<string, number>();
  private queue: Waiter[] = [];

  constructor(
    private readonly maxOutgoing = 1,
    private readonly maxIncoming = 1,
  ) {
    if (maxOutgoing < 1 || maxIncoming < 1) throw new RangeError('host slot limits must be at least 1');
  }

  /** Number of jobs still waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Wait for a slot; resolves to the release function. `signal` cancels a queued
   * request (rejects with QueueCancelled); once granted, cancelling is the job's business.
   */
  acquire(req: SlotRequest, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new QueueCancelled());
    return new Promise((resolve, reject) => {
      const w: Waiter = { req, grant: resolve, reject };
      this.queue.push(w);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) {
            this.queue.splice(i, 1);
            reject(new QueueCancelled());
          }
        },
        { once: true },
      );
      this.pump();
    });
  }

  private fits(r: SlotRequest): boolean {
    return (this.out.get(r.source) ?? 0) < this.maxOutgoing && (this.inc.get(r.dest) ?? 0) < this.maxIncoming;
  }

  private pump(): void {
    // FIFO per host pair, but a job for an idle pair may overtake one blocked on a busy host.
    for (let i = 0; i < this.queue.length; ) {
      const w = this.queue[i];
      if (!this.fits(w.req)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.out.set(w.req.source, (this.out.get(w.req.source) ?? 0) + 1);
      this.inc.set(w.req.dest, (this.inc.get(w.req.dest) ?? 0) + 1);
      let released = false;
      w.grant(() => {
        if (released) return;
        released = true;
        this.out.set(w.req.source, (this.out.get(w.req.source) ?? 1) - 1);
        this.inc.set(w.req.dest, (this.inc.get(w.req.dest) ?? 1) - 1);
        this.pump();
      });
    }
  }
}
