import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

/** A `sluice` CLI child process with its output collected (for failure messages). */
export interface CliProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) once it ends. */
  exited: Promise<number | string>;
}

/** Runs `sluice <args>` from the source tree as a real process. */
export function spawnSluice(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [tsxCli, join(root, 'src/cli/main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, SLUICE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => out, exited };
}
