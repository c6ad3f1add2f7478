import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { openStore, type Store } from '../db/database.js';
import { startServer, type Running } from '../server.js';
import { readDemoFile, writeDemoFile, type DemoFile } from './demo-file.js';
import { demoState, resetDemo } from './reset.js';
import { seedDemo, type DemoOptions } from './seed.js';

export interface StartDemoOptions extends Pick<DemoOptions, 'scale' | 'seed' | 'onProgress'> {
  /** Delete the demo orgs (and demo.json) first and generate them again. */
  reset?: boolean;
  /** Told just before seeding starts (not called when an existing demo is reused). */
  onSeedStart?: () => void;
}

/** A running demo: the server, what demo.json says, and whether this start generated the data. */
export interface RunningDemo {
  running: Running;
  file: DemoFile;
  seeded: boolean;
  seedSeconds: number;
  /** Stops the server, then closes the store. */
  stop(): Promise<void>;
}

/**
 * Opens (and migrates) the store, seeds the demo unless this data dir already holds it, starts the
 * server with its worker, and writes `<data dir>/demo.json` with the URL and logins.
 * @example const demo = await startDemo(config, logger, { scale: 0.01 }); console.log(demo.file.url);
 */
export async function startDemo(config: Config, logger: Logger, opts: StartDemoOptions = {}): Promise<RunningDemo> {
  let store: Store = await openStore(config.database);
  try {
    if (opts.reset) store = await resetDemo(store, config);
    const existing = readDemoFile(config.dataDir);
    const state = await demoState(store, existing !== null);
    if (state === 'incomplete') {
      throw new Error(
        `${config.dataDir} holds demo orgs but no demo.json (was seeding interrupted?); run again with --reset to generate them anew`,
      );
    }
    let orgs = existing?.orgs;
    let seedSeconds = 0;
    if (state === 'fresh') {
      opts.onSeedStart?.();
      const started = performance.now();
      const seed = await seedDemo(store, { scale: opts.scale, seed: opts.seed, onProgress: opts.onProgress });
      seedSeconds = (performance.now() - started) / 1000;
      orgs = seed.orgs;
      // Written before listening so that the logins survive a failed start (port taken); rewritten below with the real URL.
      writeDemoFile(config.dataDir, config.publicUrl, orgs);
    }
    const running = await startServer(config, logger, { worker: true, store });
    // With PORT=0 the configured URL names port 0; the listening URL is the one to use, unless a public URL was set.
    const url = config.publicUrl === `http://localhost:${config.port}` ? running.url : config.publicUrl;
    const file = writeDemoFile(config.dataDir, url, orgs!);
    const demoStore = store;
    let stopping: Promise<void> | undefined;
    return {
      running,
      file,
      seeded: state === 'fresh',
      seedSeconds,
      stop: () =>
        (stopping ??= (async () => {
          try {
            await running.stop();
          } finally {
            await demoStore.close();
          }
        })()),
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
