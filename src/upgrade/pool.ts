/**
 * Run `fn` over `items` with at most `limit` in flight. Never rejects: fn owns
 * its errors. Once `stop()` says so, no new item is started (the ones in
 * flight finish) — that is how Ctrl-C ends an upgrade at a journaled step.
 */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>, stop: () => boolean = () => false): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
