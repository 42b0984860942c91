// Redaction of secrets in evidence: tokens, passwords and keys are cut to a short prefix.

const SECRET_KEYS =
  /^(password|passwd|pass|secret|token|access_?token|refresh_?token|api_?key|client_?secret|authorization)$/i;
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'x-api-key', 'proxy-authorization']);
const JWT = /\beyJ[\w-]{4,}\.[\w-]*\.[\w-]*/g;

/** Keeps the first characters of a secret so two values can be told apart, never the whole. */
export function mask(value: string): string {
  if (value.length <= 4) return '[redacted]';
  return `${value.slice(0, Math.min(6, Math.floor(value.length / 4)))}…[redacted ${value.length} chars]`;
}

/** Masks the credential part of a header value (`Bearer eyJh…[redacted]`). */
export function redactHeader(name: string, value: string): string {
  if (!SECRET_HEADERS.has(name.toLowerCase())) return redactText(value);
  const space = value.indexOf(' ');
  return space > 0 && space < 16 ? `${value.slice(0, space)} ${mask(value.slice(space + 1))}` : mask(value);
}

/** Masks password/token members of a JSON value, recursively (bounded depth). */
export function redactJson(value: unknown, depth = 0): unknown {
  if (depth > 16) return '[deep]';
  if (Array.isArray(value)) return value.map((item) => redactJson(item, depth + 1));
  if (value === null || typeof value !== 'object')
    return typeof value === 'string' ? redactText(value) : value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) && typeof item === 'string' ? mask(item) : redactJson(item, depth + 1);
  }
  return out;
}

/** Masks JWT-looking strings inside free text. */
export function redactText(text: string): string {
  return text.replace(JWT, (token) => mask(token));
}

/** Redacts a body text: JSON members by name, JWTs anywhere; cut to `max` characters. */
export function redactBody(text: string | undefined, max = 600): string {
  if (text === undefined || text === '') return '';
  let out: string;
  try {
    out = JSON.stringify(redactJson(JSON.parse(text)));
  } catch {
    out = redactText(text);
  }
  return out.length > max ? `${out.slice(0, max)}… (${text.length} chars)` : out;
}
