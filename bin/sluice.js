#!/usr/bin/env node
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
