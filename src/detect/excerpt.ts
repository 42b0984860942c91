// Redacted excerpts: a short window around the evidence, controls made visible, credentials and long
// digit runs masked, never the whole value.

const MAX_EXCERPT = 32;

/** A window of at most 32 characters (and at most 60% of the value) around `at`. */
export function excerptOf(text: string, at: number): string {
  const limit = Math.min(MAX_EXCERPT, Math.max(1, Math.floor(text.length * 0.6)));
  const start = Math.max(0, Math.min(at - 8, text.length - limit));
  const slice = text
    .slice(start, start + limit)
    .replace(/[\u0000-\u001f\u007f]/g, '.')
    // Evidence must not leak secrets: URL credentials and long digit runs (cards, tokens) are masked.
    .replace(/\/\/[^/@\s]{1,64}@/g, '//***@')
    .replace(/\d{8,}/g, (digits) => '*'.repeat(digits.length));
  const head = start > 0 ? '…' : '';
  const tail = start + limit < text.length ? '…' : '';
  return `${head}${slice}${tail}`;
}
