import { Invalid } from '../errors.js';

/**
 * Checks a blob key: relative, `/`-separated, no empty, `.` or `..` segments, no backslash or NUL,
 * and no segment starting with `.tmp-` (the local store's in-flight files). Returns the key.
 * @example assertSafeKey('org_1/exp_2/1/file.csv')
 */
export function assertSafeKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024) throw new Invalid('Invalid storage key');
  if (key.startsWith('/') || key.includes('\\') || key.includes('\0') || /^[a-zA-Z]:/.test(key)) {
    throw new Invalid(`Invalid storage key: ${JSON.stringify(key)}`);
  }
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..' || segment.startsWith('.tmp-')) {
      throw new Invalid(`Invalid storage key: ${JSON.stringify(key)}`);
    }
  }
  return key;
}
