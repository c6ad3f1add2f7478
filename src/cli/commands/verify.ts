import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';

export function verifyCommand(program: Command): void {
  program
    .command('verify <manifest>')
    .description('Check downloaded files against a signed manifest (sizes, sha256; the signature too when SLUICE_SECRET or --secret is given)')
    .option('--dir <dir>', 'where the files are (default: the manifest’s directory)')
    .option('--secret <secret>', 'the server secret, to check the signature (default: SLUICE_SECRET)')
    .addHelpText('after', '\nExamples:\n  curl -H "Authorization: Bearer $KEY" $URL/v1/exports/$ID/manifest > runs.manifest.json\n  sluice verify runs.manifest.json --dir ./downloads\n')
    .action(async (file: string, flags: { dir?: string; secret?: string }) => {
      const { verifyManifest } = await import('../../schedules/verify.js');
      const result = await verifyManifest(JSON.parse(readFileSync(file, 'utf8')), flags.dir ?? dirname(file), flags.secret ?? process.env.SLUICE_SECRET);
      for (const f of result.files) process.stdout.write(`${f.ok ? 'ok     ' : 'FAILED '} ${f.name}${f.problem ? `: ${f.problem}` : ''}\n`);
      process.stdout.write(`signature: ${result.signature}\n`);
      process.exitCode = result.ok ? 0 : 1;
    });
}
