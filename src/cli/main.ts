#!/usr/bin/env node
import { buildProgram } from './program.js';

buildProgram().parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`sluice: ${err.message}\n`);
  process.exit(1);
});
