import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { demoFilePath, type DemoFile } from '../../demo/demo-file.js';
import { configFrom, withConfigFlags } from '../context.js';

const HELP = `
What it does:
  Generates a synthetic AI-workflow platform — two organizations (Acme Robotics and Globex AI), about
  60 users, workspaces, workflows, agents, projects, 13 months of runs, agent interactions, LLM
  messages, credit logs and Humanloop-style LLM logs — through the normal ingest path, then starts
  the server (API, console and export worker) on it.

  The first run seeds the data dir (about 10 s at --scale 1 on SQLite); later runs on the same data
  dir reuse it and start at once. The URL and, for each org, an admin and a member login (email,
  password, API key) are printed and written to <data dir>/demo.json.

Examples:
  npm run demo                                  # ./data, port 8080
  npm run demo -- --scale 0.1 --port 18080 --data-dir /tmp/sluice-demo
  npm run demo -- --reset                       # throw the demo away and generate it again
  curl -H "Authorization: Bearer $(jq -r '.orgs[0].admin.apiKey' data/demo.json)" localhost:8080/v1/me
`;

/** `sluice demo`: seed (once) a demo platform and serve it. */
export function demoCommand(program: Command): void {
  withConfigFlags(program.command('demo'))
    .description('Start Sluice on a generated demo platform with ready-made logins (seeds the data dir on first run)')
    .option('-p, --port <port>', 'port to listen on (PORT, default 8080; 0 picks a free one)')
    .option('--scale <n>', 'data volume: 1 ≈ 200,000 workflow runs and 550,000 rows; 0.01 for a quick look', '1')
    .option('--seed <n>', 'random seed; the same seed gives the same data', '42')
    .option('--reset', 'delete the demo orgs and demo.json first, then generate them again')
    .addHelpText('after', HELP)
    .action(async (flags) => {
      const scale = Number(flags.scale);
      const seed = Number(flags.seed);
      if (!(scale > 0) || !Number.isInteger(seed)) throw new Error('--scale must be a positive number and --seed an integer');
      const config = configFrom(flags);
      // Loaded only when the command runs (see serve.ts).
      const [{ startDemo }, { createLogger }, { stopOnSignals }] = await Promise.all([
        import('../../demo/start.js'),
        import('../../log.js'),
        import('../../server.js'),
      ]);
      // Logs go to stderr so that stdout stays the readable banner.
      const logger = createLogger(config.logLevel, 2);
      const bar = new cliProgress.SingleBar(
        { format: 'seeding demo {bar} {percentage}% | {value}/{total} rows | {duration}s', hideCursor: true, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 2000 },
        cliProgress.Presets.shades_classic,
      );
      let barStarted = false;
      const demo = await startDemo(config, logger, {
        scale,
        seed,
        reset: Boolean(flags.reset),
        onSeedStart: () => process.stdout.write(`Seeding ${config.dataDir} with demo data (scale ${scale})…\n`),
        onProgress: (rows, expected) => {
          if (!barStarted) bar.start(expected, 0);
          barStarted = true;
          bar.setTotal(expected);
          bar.update(rows);
        },
      }).finally(() => barStarted && bar.stop());
      stopOnSignals(demo, logger);
      const how = demo.seeded ? `seeded in ${demo.seedSeconds.toFixed(1)} s` : 'reusing the existing demo data';
      process.stdout.write(banner(demo.file, how, demoFilePath(config.dataDir)));
    });
}

function banner(file: DemoFile, how: string, path: string): string {
  const lines = [``, `Sluice demo is running at ${file.url}  (${how})`, `  console:  ${file.url}/`, `  API docs: ${file.url}/docs`, ``];
  for (const org of file.orgs) {
    lines.push(`${org.name} (${org.id})`);
    for (const [label, l] of [['admin ', org.admin], ['member', org.member]] as const) {
      lines.push(`  ${label}  ${l.email}  password: ${l.password}  API key: ${l.apiKey}`);
    }
    lines.push(`  sample   workspace ${org.sample.workspaceId}, workflow ${org.sample.workflowId}, agent ${org.sample.agentId}, project ${org.sample.projectId}`);
  }
  lines.push(``, `All of this is in ${path}. Press Ctrl+C to stop.`, ``);
  return lines.join('\n');
}
