import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { testLogDir } from './test-log.js';

const root = join(import.meta.dirname, '../..');

/** A `sluice` CLI child process with its output collected (for failure messages). */
export interface CliProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) once it ends. */
  exited: Promise<number | string>;
}

/** tsx's import hook by absolute URL, so that the CLI can run in any folder (an empty one, say). */
const tsxLoader = import.meta.resolve('tsx');

/**
 * Runs `sluice <args>` from the source tree as one real process (tsx as an import hook, not its CLI,
 * which would put the program in a grandchild that a SIGKILL to the child does not reach), in the
 * repository root unless `cwd` is given. `compiled` runs it as users do instead: `bin/sluice.js` as a
 * program (its `#!` line's Node flags included) on the bundle `npm run build` wrote to dist/.
 */
export function spawnSluice(args: string[], env: Record<string, string>, opts: { cwd?: string; compiled?: boolean } = {}): CliProcess {
  const [command, argv] = opts.compiled ? [join(root, 'bin/sluice.js'), args] : [process.execPath, ['--import', tsxLoader, join(root, 'src/cli/main.ts'), ...args]];
  const child = spawn(command, argv, {
    cwd: opts.cwd ?? root,
    env: { ...process.env, SLUICE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  // Its log lines (not the CLI's own output, which may rightly print a new key) join the suite's logs.
  child.on('close', () => {
    const lines = out.split('\n').filter((l) => l.startsWith('{"level":'));
    if (lines.length === 0) return;
    mkdirSync(testLogDir(), { recursive: true });
    appendFileSync(join(testLogDir(), `child-${child.pid}.log`), `${lines.join('\n')}\n`);
  });
  return { child, output: () => out, exited };
}
