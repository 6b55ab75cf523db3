// How many cases each property test runs: 1,000 in `npm test`; `npm run fuzz` sets
// FEDCHECK_FUZZ_RUNS=100000 for many more.
export const RUNS = Number(process.env.FEDCHECK_FUZZ_RUNS ?? 1000);
/** Generous per-test budget: about 2 ms per case, at least 30 s. */
export const TIMEOUT = Math.max(30_000, RUNS * 2);
