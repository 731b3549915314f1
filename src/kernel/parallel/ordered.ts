// Up to `concurrency` items in work at once, their results handled strictly in input order (so that the file
// written is the same whatever the number of threads), and at most concurrency + 1 items read ahead.
export async function forEachOrdered<T, R>(
  items: AsyncIterable<T>, concurrency: number, work: (item: T) => Promise<R>, handle: (result: R, item: T) => Promise<void>,
): Promise<void> {
  const inFlight: { item: T; result: Promise<R> }[] = [];
  try {
    for await (const item of items) {
      const result = work(item);
      result.catch(() => {}); // handled in order below; never an unhandled rejection meanwhile
      inFlight.push({ item, result });
      while (inFlight.length >= Math.max(1, concurrency)) {
        const first = inFlight.shift()!;
        await handle(await first.result, first.item);
      }
    }
    while (inFlight.length > 0) {
      const first = inFlight.shift()!;
      await handle(await first.result, first.item);
    }
  } finally {
    await Promise.allSettled(inFlight.map((f) => f.result));
  }
}
