/**
 * A safe `Content-Disposition: attachment` value: an ASCII `filename` fallback (quotes, backslashes,
 * control and non-ASCII characters replaced) plus RFC 5987 `filename*` carrying the exact UTF-8 name.
 * Path separators are dropped from both, so a name can never point into a directory.
 * @example contentDisposition('usage ü.csv') // `attachment; filename="usage _.csv"; filename*=UTF-8''usage%20%C3%BC.csv`
 */
export function contentDisposition(filename: string): string {
  const name =
    filename
      .replace(/[/\\]/g, '_')
      .replace(/[\u0000-\u001f\u007f]/g, '')
      // Lone surrogates would make encodeURIComponent throw.
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD') || 'download';
  const ascii = name.replace(/[^\x20-\x7e]|["%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

/** Percent-encodes everything outside RFC 5987's attr-char set. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
