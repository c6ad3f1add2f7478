/*
 * Text a database cannot store as it was given: NUL (PostgreSQL's text type refuses it outright, and
 * SQLite's C string functions stop at it) and unpaired UTF-16 surrogates (no UTF-8 form: drivers would
 * silently store U+FFFD instead). Refused at the edge with the field named, on every database alike.
 */

/** A string that cannot be stored, where it was found (path from the root of the value). */
export interface UnstorableText {
  readonly path: readonly (string | number)[];
  readonly reason: string;
}

const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * Why `s` cannot be stored as given, or null when it can.
 * @example unstorableReason('a\u0000b') // 'must not contain NUL (\\u0000) characters'
 */
export function unstorableReason(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  if (!isWellFormed(s)) return 'must not contain unpaired UTF-16 surrogates (invalid Unicode)';
  return null;
}

interface Node {
  readonly value: unknown;
  readonly key: string | number | null;
  readonly parent: Node | null;
}

const pathOf = (node: Node): (string | number)[] => {
  const path: (string | number)[] = [];
  for (let n: Node | null = node; n && n.key !== null; n = n.parent) path.push(n.key);
  return path.reverse();
};

/**
 * The first unstorable string anywhere in a JSON-like value, object keys included (the path then
 * ends at that key), or null. Walks with an explicit stack and parent links: a deeply nested body must
 * neither exhaust the call stack nor copy its path at every level.
 * @example findUnstorable({ a: ['ok', 'x\u0000'] }) // { path: ['a', 1], reason: … }
 */
export function findUnstorable(value: unknown): UnstorableText | null {
  const stack: Node[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      const reason = unstorableReason(v);
      if (reason) return { path: pathOf(node), reason };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: node });
    } else if (v !== null && typeof v === 'object') {
      for (const key of Object.keys(v).reverse()) {
        const child: Node = { value: (v as Record<string, unknown>)[key], key, parent: node };
        const reason = unstorableReason(key);
        if (reason) return { path: pathOf(child), reason };
        stack.push(child);
      }
    }
  }
  return null;
}
