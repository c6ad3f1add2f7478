/*
 * A blob store failing (full disk, read-only mount, S3 refusing or unreachable) fails one export attempt
 * with a message an operator can act on; the runner retries it with backoff, so the export succeeds
 * once space or the service returns.
 */

/** A storage failure worth retrying, with a message safe to show in the export's history. */
export class StorageFault extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageFault';
  }
}

/** Local file-system errors that are the disk's fault, not the export's, by errno code. */
const DISK: Record<string, string> = {
  ENOSPC: 'no space left on the export volume',
  EDQUOT: 'the disk quota of the export volume is used up',
  EROFS: 'the export volume is read-only',
  EIO: 'the export volume reported an I/O error',
  EACCES: 'Sluice may not write to the export directory',
  EPERM: 'Sluice may not write to the export directory',
  EMFILE: 'too many open files',
};

/**
 * The StorageFault a local write error stands for, or undefined when it is not a disk problem
 * (for example the database stream feeding the write failed).
 * @example catch (err) { throw diskFault(err) ?? err; }
 */
export function diskFault(err: unknown): StorageFault | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (!code || !(code in DISK)) return undefined;
  return new StorageFault(`Writing the export file failed: ${DISK[code]} (${code})`, { cause: err });
}

/**
 * The StorageFault an S3 SDK error stands for (a service answer or a network failure), else undefined;
 * `doing` says what failed (the upload, unless told otherwise).
 * @example catch (err) { throw s3Fault(err, 'Listing unfinished uploads in S3') ?? err; }
 */
export function s3Fault(err: unknown, doing = 'Uploading the export file to S3'): StorageFault | undefined {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } } | null;
  if (!e) return undefined;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return new StorageFault(`${doing} failed: ${e.name ?? 'error'} (HTTP ${status})`, { cause: err });
  if (e.code && /^E[A-Z]+$/.test(e.code) && !(e.code in DISK)) return new StorageFault(`${doing} failed: ${e.code}`, { cause: err });
  return undefined;
}
