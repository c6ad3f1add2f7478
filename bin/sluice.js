#!/usr/bin/env -S node --max-semi-space-size=1 --v8-pool-size=1 --heap-growing-percent=30
// V8 flags (measured with `sluice serve` on an empty SQLite data dir, RSS 8 s after start, Node 20):
//   --max-semi-space-size=1  the young generation may otherwise grow to 2 × 16 MB semi-spaces (heap
//                            statistics showed new_space at 32 MB of a 59 MB heap right after start);
//                            the export fast path moves text and allocates little, so a 1 MB nursery
//                            costs it nothing measurable: RSS 93–104 MB → 89–90 MB
//   --v8-pool-size=1         one V8 background thread instead of four (fewer thread stacks and malloc
//                            arenas; concurrent marking of a ~25 MB heap needs no more): → 84–85 MB
//   --heap-growing-percent=30 after a full GC the old generation may grow by 30 % before the next one,
//                            instead of V8's dynamic factor (up to 4×): the row path's short-lived rows,
//                            promoted early by the 1 MB nursery, were collected only once ~100 MB of
//                            them had piled up. A 1M-row Parquet export peaked at 237 MB → 135 MB and an
//                            XLSX one at 206 MB → 129 MB, in the same time (measured through `sluice
//                            serve`; bench/README.md). Accepted by Node 20, 22 and 24.
// They apply when bin/sluice.js is run as a program (`sluice …`, `npm start`, `npm run demo`, the
// benchmarks); `node bin/sluice.js …` runs without them.
// Runs the compiled CLI from dist/ (built by `npm install` through `prepare`, or by `npm run build`):
// no TypeScript compiler at start, so commands start in a fraction of a second and the server's
// baseline memory is the program's own. Development runs the sources with `npm run dev -- …` (tsx).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('sluice: dist/ is missing; run `npm run build` (npm install runs it too)\n');
  process.exit(1);
}
await import(main.href);
