import type { Destination } from '../contract/drains.js';
import { httpDriver } from './destinations/http.js';
import { s3Driver } from './destinations/s3.js';
import type { DestinationDriver, DestinationSecrets } from './destinations/types.js';
import type { Sender } from './sender.js';

export interface DriverDeps {
  readonly sender: Sender;
  /** First inline retry of an HTTP delivery waits this long, doubling (default 1 s). */
  readonly retryBaseMs?: number;
}

/** The driver for a destination: HTTP through the injected (guarded) sender, or an S3 bucket. */
export function driverFor(deps: DriverDeps, destination: Destination, secrets: DestinationSecrets, opts: { tries?: number } = {}): DestinationDriver {
  return destination.type === 'http' ? httpDriver(destination, secrets, { sender: deps.sender, retryBaseMs: deps.retryBaseMs, tries: opts.tries }) : s3Driver(destination, secrets, deps.sender);
}
