import { randomToken } from '../../auth/crypto.js';
import type { Destination } from '../../contract/drains.js';
import type { DestinationSecrets } from './types.js';

/**
 * Splits a destination into what is stored in the clear and what is sealed: an HTTP destination's
 * headers and a new whsec_ signing secret, an S3 destination's access keys (drains and schedules).
 * @example const { shown, secrets } = splitSecrets(body.destination); sealSecret(config.secret, JSON.stringify(secrets));
 */
export function splitSecrets(destination: Destination): { shown: Destination; secrets: DestinationSecrets } {
  if (destination.type === 'http') {
    const { headers, ...shown } = destination;
    return { shown, secrets: { signing_secret: randomToken('whsec_', 24), ...(headers ? { headers } : {}) } };
  }
  const { access_key_id, secret_access_key, ...shown } = destination;
  return { shown, secrets: { ...(access_key_id ? { access_key_id } : {}), ...(secret_access_key ? { secret_access_key } : {}) } };
}
