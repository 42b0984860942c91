// Recognizes JSON media types: application/json and structured `+json` suffixes (RFC 6839 §3.1).

const MAX_MEDIA_TYPE = 256;

/** Whether a Content-Type header names JSON (`application/json`, `application/problem+json`, …). */
export function isJsonMediaType(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  if (value === undefined) return false;
  const semicolon = value.indexOf(';');
  const essence = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  if (essence.length > MAX_MEDIA_TYPE || !essence.startsWith('application/')) return false;
  return essence === 'application/json' || essence.endsWith('+json');
}
