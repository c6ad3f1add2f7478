#!/usr/bin/env node
// Runs the TypeScript CLI in this very process (tsx as a loader), so a clean clone works without a
// build step and signals reach the program itself.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
