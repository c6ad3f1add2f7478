import { buildProgram } from '../../src/cli/program.js';

/**
 * The `--help` text of a command, by its path in the command tree (`['drains', 'replay']`), as the CLI
 * prints it — read from the program itself, without starting a process.
 * @example expect(helpText(['export'])).toContain('--url <url>');
 */
export function helpText(path: readonly string[]): string {
  let cmd = buildProgram();
  for (const name of path) cmd = cmd.commands.find((c) => c.name() === name)!;
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}
