import { randomToken } from '../../auth/crypto.js';
import type { Destination } from '../../contract/drains.js';
import { Unprocessable } from '../../errors.js';
import type { DestinationSecrets } from './types.js';

/**
 * Splits a destination into what is stored in the clear and what is sealed: an HTTP destination's
 * headers and a new whsec_ signing secret, an S3 destination's access keys (drains and schedules), which
 * it must have (422 otherwise).
 * @example const { shown, secrets } = splitSecrets(body.destination); sealSecret(config.secret, JSON.stringify(secrets));
 */
export function splitSecrets(destination: Destination): { shown: Destination; secrets: DestinationSecrets } {
  if (destination.type === 'http') {
    const { headers, ...shown } = destination;
    return { shown, secrets: { signing_secret: randomToken('whsec_', 24), ...(headers ? { headers } : {}) } };
  }
  const { access_key_id, secret_access_key, ...shown } = destination;
  return { shown, secrets: ownS3Keys({ access_key_id, secret_access_key }) };
}

/**
 * An S3 destination's own access keys, or a 422 naming the missing one. Without keys of its own the SDK
 * would write with the server's credentials (its role, its environment), which can reach buckets no org
 * admin was given, the export store included: checked when a destination is created, and again when its
 * bucket is opened (a destination stored before keys were required).
 * @example const { access_key_id, secret_access_key } = ownS3Keys(secrets);
 */
export function ownS3Keys(keys: Pick<DestinationSecrets, 'access_key_id' | 'secret_access_key'>): { access_key_id: string; secret_access_key: string } {
  for (const field of ['access_key_id', 'secret_access_key'] as const) {
    if (!keys[field]) throw new Unprocessable(`destination.${field} is required: an S3 destination is written with its own access key, never with the server's credentials`, { field: `destination.${field}` });
  }
  return { access_key_id: keys.access_key_id!, secret_access_key: keys.secret_access_key! };
}
