import { randomBytes } from 'node:crypto';
import { close as closeCallback, createReadStream, createWriteStream, fsync as fsyncCallback, open as openCallback } from 'node:fs';
import { promisify } from 'node:util';
import { mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDigestTap } from './digest.js';
import { flushBehind } from './flush-behind.js';
import { diskFault } from './faults.js';
import { assertSafeKey } from './keys.js';
import { signDownloadToken } from './signed-url.js';
import { BlobMissing, type BlobInfo, type IncompleteSweep, type BlobStore, type ByteRange, type DownloadOptions, type OpenedBlob, type PutMeta } from './types.js';

export interface LocalStoreOptions {
  /** Root directory; created when missing. */
  readonly dir: string;
  /** Keys the download tokens (the config secret). */
  readonly secret: string;
  /** Base of download links, e.g. `https://sluice.example.com` (no trailing slash needed). */
  readonly publicUrl: string;
  /** When false, links use the caller's origin (DownloadOptions.baseUrl) instead of `publicUrl`. */
  readonly publicUrlConfigured?: boolean;
}

/** A BlobStore over a directory. */
export interface LocalBlobStore extends BlobStore {
  readonly dir: string;
  /** The absolute path of `key` inside the root; throws `Invalid` for keys that could escape it. */
  resolvePath(key: string): string;
}

const openFd = promisify(openCallback);
const fsyncFd = promisify(fsyncCallback);
const closeFd = promisify(closeCallback);

/** Export files hold personal data: owner read/write, group read, nobody else. */
const FILE_MODE = 0o640;

/**
 * Creates a directory-backed store. `put` writes `.tmp-<random>` beside the target, fsyncs it and
 * renames it into place, so a reader sees the whole file or nothing.
 * @example const store = createLocalStore({ dir: '/data/exports', secret, publicUrl: 'http://localhost:8080' });
 */
export function createLocalStore(options: LocalStoreOptions): LocalBlobStore {
  const root = resolve(options.dir);
  const publicUrl = options.publicUrl.replace(/\/+$/, '');

  const resolvePath = (key: string): string => {
    const path = resolve(root, assertSafeKey(key));
    // Belt and braces: after resolution the path must still be strictly inside the root.
    const rel = relative(root, path);
    if (rel === '' || rel.startsWith('..') || resolve(root, rel) !== path) throw new Error(`key escapes the store: ${key}`);
    return path;
  };

  const statOf = async (key: string) => {
    try {
      const st = await stat(resolvePath(key));
      if (!st.isFile()) throw new BlobMissing(key);
      return { size: st.size, lastModified: st.mtime, etag: `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"` };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') throw new BlobMissing(key);
      throw err;
    }
  };

  return {
    dir: root,
    resolvePath,

    async put(key: string, body: Readable, meta: PutMeta): Promise<BlobInfo> {
      const target = resolvePath(key);
      const temp = join(dirname(target), `.tmp-${randomBytes(12).toString('hex')}`);
      try {
        const fd = await openTemp(temp);
        const tap = createDigestTap({ offThread: meta.hashOffThread });
        const behind = flushBehind(fd);
        try {
          // The writes go through a descriptor of their own (the write stream closes it, even mid-write on an
          // error); `fd`, which created the file, stays open for the flushes and the fsync until this ends.
          await pipeline(body, tap, behind, createWriteStream(temp, { flags: 'r+', highWaterMark: 64 * 1024 }));
          await behind.settled();
          // Data must be on disk before the rename makes it visible, or a crash could publish a hole.
          await fsyncFd(fd);
        } finally {
          await behind.settled().catch(() => {});
          await closeFd(fd);
        }
        await rename(temp, target);
        await fsyncPath(dirname(target), 'r').catch(() => {}); // directories cannot be fsynced everywhere
        return tap.info();
      } catch (err) {
        await rm(temp, { force: true }).catch(() => {});
        throw diskFault(err) ?? err;
      }
    },

    async downloadUrl(key: string, o: DownloadOptions): Promise<string> {
      assertSafeKey(key);
      const expiresAt = Math.floor(Date.now() / 1000 + o.ttlSeconds);
      const token = signDownloadToken(options.secret, { key, expiresAt, filename: o.filename, contentType: o.contentType });
      const base = options.publicUrlConfigured === false && o.baseUrl ? o.baseUrl.replace(/\/+$/, '') : publicUrl;
      return `${base}/v1/files/${token}`;
    },

    stat: statOf,

    async open(key: string, range?: ByteRange): Promise<OpenedBlob> {
      const info = await statOf(key);
      const body = createReadStream(resolvePath(key), { ...(range ? { start: range.start, end: range.end } : {}), highWaterMark: 64 * 1024 });
      return { body, ...info };
    },

    async delete(key: string): Promise<void> {
      const path = resolvePath(key);
      await rm(path, { force: true });
      await pruneEmptyDirs(root, dirname(path));
    },

    async deletePrefix(prefix: string): Promise<void> {
      // The whole directory: published file, earlier attempts' files and any temp a dead attempt left.
      const path = resolvePath(prefix.replace(/\/+$/, ''));
      await rm(path, { recursive: true, force: true });
      await pruneEmptyDirs(root, dirname(path));
    },

    async sweepIncomplete(o: IncompleteSweep): Promise<number> {
      let removed = 0;
      for (const temp of await listTemps(root)) {
        const dir = relative(root, dirname(temp)).split(sep).join('/');
        if (o.isLive(dir)) continue;
        try {
          // A writer keeps touching its temp; one untouched past the grace belongs to a dead attempt.
          if ((await stat(temp)).mtimeMs >= o.olderThan) continue;
          await rm(temp, { force: true });
          removed++;
          await pruneEmptyDirs(root, dirname(temp));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
      return removed;
    },

    async exists(key: string): Promise<boolean> {
      try {
        return (await stat(resolvePath(key))).isFile();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
    },
  };
}

/** Flushes a file's (or directory's) data to disk; fsync covers the inode whichever descriptor asks. */
async function fsyncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates the temp file (and its directories), retrying once if a concurrent `delete` pruned them meanwhile. */
async function openTemp(temp: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    await mkdir(dirname(temp), { recursive: true });
    try {
      // A plain descriptor for the flushes; `put` closes it once they are done.
      return await openFd(temp, 'wx', FILE_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw err;
    }
  }
}

/** Every `.tmp-*` file under the root (export directories are three levels deep; the walk does not assume it). */
async function listTemps(root: string): Promise<string[]> {
  try {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.startsWith('.tmp-')).map((e) => join(e.parentPath, e.name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Removes now-empty parents (`org/export/attempt`) up to, never including, the root. */
async function pruneEmptyDirs(root: string, dir: string): Promise<void> {
  let current = dir;
  while (current !== root && current.startsWith(root + sep)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (or already gone): stop climbing
    }
    current = dirname(current);
  }
}
