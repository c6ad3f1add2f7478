#!/usr/bin/env node
/*
 * Compiles the server and CLI into dist/cli/: src/cli/main.ts and everything it imports, dependencies
 * included, bundled into a few ES modules (each lazily imported command or format is its own chunk, so
 * `sluice --help` still loads only the CLI). `npm install` runs it through `prepare`; bin/sluice.js runs
 * the result. Type checking is `npm run typecheck`'s job; this only transpiles.
 *
 * Why a bundle and not tsc's one file per module: V8 keeps every loaded module's source text. tsc's
 * output plus node_modules (kysely alone is 262 ES modules) put ~7.5 MB of source text in the idle
 * server's old space; one whitespace-minified bundle brings `sluice serve`'s baseline RSS from 87–88 MB
 * to ~79 MB (bench/README.md). Identifiers are kept, so stack traces in logs still name functions; the
 * source maps beside the chunks are read when Node runs with --enable-source-maps.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/cli');

/** Left to node_modules, each for a reason of its own. */
const external = [
  // A native addon: `bindings` finds its .node file from the package's own folder.
  'better-sqlite3',
  // pg's optional native binding, required only when asked for (never here).
  'pg-native',
  // Serve files from their own package folders (swagger-ui's assets) by __dirname.
  '@fastify/swagger-ui',
  '@fastify/static',
  // Loaded on first use only (S3 storage and destinations, mail, XLSX); kept as npm installed them.
  '@aws-sdk/*',
  'nodemailer',
  'exceljs',
];

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src/cli/main.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'bundle',
  external,
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  // Bundled CommonJS dependencies call require() for Node's built-ins; an ES module has none of its own.
  banner: { js: "import { createRequire as __sluiceRequire } from 'node:module'; const require = __sluiceRequire(import.meta.url);" },
  logLevel: 'warning',
});
