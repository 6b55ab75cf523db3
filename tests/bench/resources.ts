// Everything a bench figure starts (rigs, servers, browsers) is registered here, so that it
// is stopped by its own handle when the figure ends, fails, or the run is interrupted:
// the rig's processes are detached and would otherwise outlive a Ctrl-C.

export interface Stoppable {
  stop(): Promise<void>;
}

const running = new Set<Stoppable>();

/** Runs `body`; whatever it registered with `use` is stopped afterwards, newest first. */
export async function scoped<T>(body: (use: <R extends Stoppable>(resource: R) => R) => Promise<T>): Promise<T> {
  const mine: Stoppable[] = [];
  const use = <R extends Stoppable>(resource: R): R => {
    mine.push(resource);
    running.add(resource);
    return resource;
  };
  try {
    return await body(use);
  } finally {
    for (const resource of mine.reverse()) {
      running.delete(resource);
      await resource.stop();
    }
  }
}

/** For an interrupted run: stop whatever is still registered. */
export async function stopEverything(): Promise<void> {
  const left = [...running].reverse();
  running.clear();
  await Promise.allSettled(left.map((resource) => resource.stop()));
}
