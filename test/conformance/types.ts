/*
 * The shape of a conformance corpus: documented vendor requests, sent verbatim over HTTP, with the answer
 * the vendor documents written out (never computed from Sluice's catalogue). `{{KEY}}`, `{{USER}}`,
 * `{{FROM}}`, `{{TO}}` in headers, paths and bodies are the only substitutions (key, user, a recent period).
 */

/** One documented request and its documented answer. */
export interface CorpusCase {
  readonly name: string;
  /** Where it is documented (a seed file or the vendor's public page). */
  readonly source: string;
  readonly method: 'GET' | 'POST' | 'OPTIONS';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is: a string verbatim, anything else as its JSON. */
  readonly body?: unknown;
  readonly expect: {
    readonly status: number;
    /** Header → exact value or pattern. */
    readonly headers?: Readonly<Record<string, string | RegExp>>;
    /** A subset the JSON body must match (patterns allowed as values). */
    readonly json?: unknown;
    /** Keys the JSON body has exactly (in any order). */
    readonly keys?: readonly string[];
  };
  /** After a 200: fetch the file the answer points to and check its CSV header row. */
  readonly file?: { readonly via: 'gumloop' | 'langdock'; readonly columns: readonly string[] };
}
