import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoLogin } from './logins.js';
import type { DemoOrgSeed } from './seed.js';

/** `<data dir>/demo.json`: where the demo's URL, logins and sample ids are written for people and scripts. */
export interface DemoFile {
  url: string;
  orgs: {
    id: string;
    name: string;
    admin: DemoLogin;
    member: DemoLogin;
    sample: DemoOrgSeed['sample'];
  }[];
}

/** Path of the demo file in a data dir. */
export const demoFilePath = (dataDir: string): string => join(dataDir, 'demo.json');

/** The demo file of a data dir, or null when there is none (or it is not one we wrote). */
export function readDemoFile(dataDir: string): DemoFile | null {
  const path = demoFilePath(dataDir);
  if (!existsSync(path)) return null;
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as DemoFile;
    return Array.isArray(file.orgs) && file.orgs.every((o) => o.admin?.apiKey && o.member?.apiKey) ? file : null;
  } catch {
    return null;
  }
}

/**
 * Writes the demo file atomically (temp file + rename), readable by the owner only: it holds passwords
 * and API keys. A reader polling for it never sees half a file.
 */
export function writeDemoFile(dataDir: string, url: string, orgs: readonly DemoOrgSeed[] | DemoFile['orgs']): DemoFile {
  const file: DemoFile = {
    url,
    orgs: orgs.map((o) => ({ id: o.id, name: o.name, admin: pickLogin(o.admin), member: pickLogin(o.member), sample: o.sample })),
  };
  const path = demoFilePath(dataDir);
  writeFileSync(`${path}.tmp`, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  return file;
}

const pickLogin = (l: DemoLogin): DemoLogin => ({ id: l.id, email: l.email, password: l.password, apiKey: l.apiKey });
