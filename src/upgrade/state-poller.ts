/**
 * Waits for domain states with one `list` per URI per tick for *all* waiting
 * domains, instead of one `domstate` per domain per tick: with fifty domains
 * shutting down in parallel that is the difference between fifty libvirt
 * connections every quarter second and one. A domain missing from the list
 * counts as "absent" (transient domains vanish when they stop).
 */
import type { Clock, DomainState, HypervisorPort } from './ports.js';

type Seen = DomainState | 'absent';

interface Waiter {
  name: string;
  done: (s: Seen) => boolean;
  start: number;
  timeoutMs: number;
  onTick?: (elapsedMs: number) => void;
  resolve: (r: { reached: boolean; state: Seen }) => void;
  reject: (e: unknown) => void;
}

export class StatePoller {
  private readonly waiters = new Map<string, Set<Waiter>>();

  constructor(
    private readonly hv: HypervisorPort,
    private readonly clock: Clock,
    private readonly pollMs: number,
    /** When aborted, waits end at the next tick as not reached (the caller checks the signal). */
    private readonly signal?: AbortSignal,
  ) {}

  wait(uri: string, name: string, done: (s: Seen) => boolean, timeoutMs: number, onTick?: (elapsedMs: number) => void): Promise<{ reached: boolean; state: Seen }> {
    return new Promise((resolve, reject) => {
      let set = this.waiters.get(uri);
      const idle = !set || set.size === 0;
      if (!set) this.waiters.set(uri, (set = new Set()));
      set.add({ name, done, start: this.clock.now(), timeoutMs, onTick, resolve, reject });
      if (idle) void this.loop(uri, set);
    });
  }

  private async loop(uri: string, set: Set<Waiter>): Promise<void> {
    while (set.size > 0) {
      let states: Map<string, Seen>;
      try {
        states = new Map((await this.hv.list(uri)).map((d) => [d.name, d.state]));
      } catch (e) {
        for (const w of set) w.reject(e);
        set.clear();
        return;
      }
      const now = this.clock.now();
      for (const w of [...set]) {
        const state = states.get(w.name) ?? 'absent';
        if (w.done(state)) {
          set.delete(w);
          w.resolve({ reached: true, state });
        } else if (now - w.start >= w.timeoutMs || this.signal?.aborted) {
          set.delete(w);
          w.resolve({ reached: false, state });
        } else w.onTick?.(now - w.start);
      }
      // Look quickly at first (test drivers and idle guests change state in milliseconds), then at the normal pace.
      const young = [...set].some((w) => this.clock.now() - w.start < 2_000);
      if (set.size > 0) await this.clock.sleep(young ? Math.min(this.pollMs, 100) : this.pollMs);
    }
  }
}
