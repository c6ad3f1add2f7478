import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, loadVerifyConfig } from '../../config/config.js';

/** `sluice verify <manifest>`: files against a signed manifest (an export's, a scheduled run's or an S3 drain day's). */
export function verifyCommand(program: Command): void {
  program
    .command('verify <manifest>')
    .description(
      'Check files against a signed manifest (a scheduled run’s <file>.manifest.json, an S3 drain day’s <drain>_manifest.json, or GET /v1/exports/{id}/manifest): ' +
        'each file’s size and sha256, and the signature when the server secret is known',
    )
    .option('--dir <dir>', 'where the files are (default: the manifest’s directory)')
    .option('--secret <secret>', 'the server secret, to check the signature (default: SLUICE_SECRET, else the secret in the data dir)')
    .option('--data-dir <dir>', 'the server’s data dir, whose secret file is read when SLUICE_SECRET is unset (SLUICE_DATA_DIR, default ./data)')
    .addHelpText(
      'after',
      '\nPrints one line per file (ok / FAILED and why) and the signature (valid, invalid, or unchecked without a secret);\nexits 1 when any file or the signature does not match.\n' +
        '\nExamples:\n  curl -H "Authorization: Bearer $KEY" $URL/v1/exports/$ID/manifest > runs.manifest.json\n  sluice verify runs.manifest.json --dir ./downloads\n' +
        '  aws s3 sync s3://bucket/usage/2026/03/01/ ./day && sluice verify ./day/drn_123_manifest.json --data-dir /var/lib/sluice\n',
    )
    .action(async (file: string, flags: { dir?: string; secret?: string; dataDir?: string }) => {
      let secret: string | undefined;
      try {
        secret = loadVerifyConfig(process.env, { SLUICE_SECRET: flags.secret, SLUICE_DATA_DIR: flags.dataDir }).secret;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(err.problems.map((p) => `sluice: ${p}\n`).join(''));
        process.exit(2);
      }
      const { verifyManifest } = await import('../../schedules/verify.js');
      const result = await verifyManifest(JSON.parse(readFileSync(file, 'utf8')), flags.dir ?? dirname(file), secret);
      for (const f of result.files) process.stdout.write(`${f.ok ? 'ok     ' : 'FAILED '} ${f.name}${f.problem ? `: ${f.problem}` : ''}\n`);
      process.stdout.write(`signature: ${result.signature}\n`);
      process.exitCode = result.ok ? 0 : 1;
    });
}
