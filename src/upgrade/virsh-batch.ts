/**
 * Coalesces concurrent libvirt operations of the domain pipelines into one
 * virsh invocation (virsh runs `cmd ; cmd ; …` over one connection). Opening a
 * libvirt connection is what a virsh call costs (~50 ms, and libvirtd serves
 * them barely faster in parallel), so fifty domains × six operations as one
 * process each is most of an upgrade's time; batched, it is a handful.
 *
 * Safety: a command goes into a batch only when every word is plainly safe
 * (names like `web-01`, our own temp file paths) — nothing that virsh's
 * tokenizer could read differently. Hostile names (`$(…)`, `;`, spaces,
 * quotes) always take the argv path of the libvirt layer. And a batch never
 * decides a failure: any command whose output does not show success is run
 * again on its own through the normal path, which yields the typed error
 * (all batched operations are idempotent: dumpxml, define of the same XML,
 * start/shutdown of an already started/stopping domain are handled).
 */
import { randomBytes } from 'node:crypto';
import type { Libvirt } from '../libvirt/index.js';

// No whitespace, quotes, backslash, ';' or '#': nothing virsh's command tokenizer treats specially.
const SAFE_WORD = /^[A-Za-z0-9_.:+@/=,-]+$/;
export const BATCH_TIMEOUT_MS = 180_000;

interface Job {
  words: string[];
  succeeded: (segment: string) => boolean;
  alone: () => Promise<string>;
  resolve: (out: string) => void;
  reject: (e: unknown) => void;
}

export function batchable(words: readonly string[]): boolean {
  return words.every((w) => SAFE_WORD.test(w));
}

export class VirshBatcher {
  private queue: Job[] = [];
  private timer: NodeJS.Timeout | undefined;
  private firstAt = 0;
  /** Batches run so far (tests and the bench look at it). */
  batches = 0;

  /**
   * A batch closes after `quietMs` without a new command, or `windowMs` after
   * its first one. Pipelines released together (by one journal write) enqueue
   * within the same tick, so the quiet period is short.
   */
  constructor(
    private readonly lv: Libvirt,
    private readonly windowMs = 40,
    private readonly quietMs = 4,
  ) {}

  /**
   * Run `words` (a virsh command) in the next batch; `succeeded` judges its
   * output; `alone` runs it on its own through the libvirt layer (argv path)
   * when it cannot be batched or did not visibly succeed.
   */
  run(words: string[], succeeded: (segment: string) => boolean, alone: () => Promise<string>): Promise<string> {
    if (!batchable(words)) return alone();
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) this.firstAt = Date.now();
      this.queue.push({ words, succeeded, alone, resolve, reject });
      if (this.timer) clearTimeout(this.timer);
      const left = Math.max(0, this.windowMs - (Date.now() - this.firstAt));
      this.timer = setTimeout(() => void this.flush(), Math.min(this.quietMs, left));
    });
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const jobs = this.queue.splice(0);
    if (jobs.length === 1) {
      const j = jobs[0];
      return j.alone().then(j.resolve, j.reject);
    }
    const mark = `@xend2libxl-batch-${randomBytes(6).toString('hex')}@`;
    const script = [...jobs.map((j, i) => `echo ${mark}${i} ; ${j.words.join(' ')}`), `echo ${mark}end`].join(' ; ');
    let segments: string[] | undefined;
    try {
      this.batches++;
      const out = (await this.lv.run('batch', [script], { timeoutMs: BATCH_TIMEOUT_MS })).stdout;
      segments = split(out, mark, jobs.length);
    } catch {
      segments = undefined; // no connection, timeout, …: each command finds out on its own
    }
    await Promise.all(
      jobs.map(async (j, i) => {
        const seg = segments?.[i];
        if (seg !== undefined && j.succeeded(seg)) return j.resolve(seg);
        try {
          j.resolve(await j.alone());
        } catch (e) {
          j.reject(e);
        }
      }),
    );
  }
}

/** The output of command i sits between the marker lines `${mark}${i}` and the next one. */
function split(out: string, mark: string, n: number): string[] | undefined {
  const lines = out.split('\n');
  const at = (tag: string) => lines.indexOf(`${mark}${tag}`);
  const segs: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = at(String(i));
    const b = at(i + 1 < n ? String(i + 1) : 'end');
    if (a < 0 || b < a) return undefined;
    segs.push(lines.slice(a + 1, b).join('\n'));
  }
  return segs;
}
