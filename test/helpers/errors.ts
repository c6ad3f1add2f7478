import { AppError } from '../../src/errors.js';

/** The AppError `fn` throws (any other outcome fails the test). */
export function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an error');
}
