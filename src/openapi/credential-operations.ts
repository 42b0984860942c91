// Recognizes operations that issue credentials to their caller — logins and token endpoints — from
// what the spec says of them: a path segment or operationId naming a login or a token, a request body
// with a password member, or the tokenUrl of an OAuth2 flow. Their answers carry the caller's own
// token, which no default may rewrite or remove (response-filter's never-leave list, sensitive-data).
import type { Operation } from './operations.ts';
import { deref, isObject } from './pointer.ts';

/** Words that name a login or token operation, compared with path segments and operationIds. */
const WORDS = [
  'login',
  'signin',
  'logon',
  'token',
  'tokens',
  'oauth',
  'oauth2',
  'authenticate',
  'auth',
  'session',
  'sessions',
];

/** Lower-cases and drops `_`, `-` and `.`, so `password_hash`, `passwordHash` and `Password-Hash` compare equal. */
export function normalizeName(name: string): string {
  let out = '';
  for (const c of name.toLowerCase()) if (c !== '_' && c !== '-' && c !== '.') out += c;
  return out;
}

/**
 * Whether a member name (normalized) holds a credential issued to the caller in a login or token
 * answer: `token`, `access_token`, `auth_token`, `id_token`, `refresh_token`, `jwt`.
 */
export function isIssuedCredentialName(normalized: string): boolean {
  return normalized.endsWith('token') || normalized === 'jwt';
}

const PASSWORD = new Set(['password', 'passwd', 'pass', 'pwd']);

function bodyHasPassword(document: unknown, operation: Operation): boolean {
  const content = operation.requestBody?.content;
  if (!isObject(content)) return false;
  for (const media of Object.values(content)) {
    if (!isObject(media)) continue;
    let schema: unknown;
    try {
      schema = deref(document, media.schema);
    } catch {
      continue;
    }
    const properties = isObject(schema) ? deref<unknown>(document, schema.properties) : undefined;
    if (isObject(properties) && Object.keys(properties).some((name) => PASSWORD.has(normalizeName(name))))
      return true;
  }
  return false;
}

/** The tokenUrls of the document's OAuth2 security schemes (path parts only). */
function tokenPaths(document: unknown): Set<string> {
  const paths = new Set<string>();
  const schemes =
    isObject(document) && isObject(document.components) ? document.components.securitySchemes : undefined;
  if (!isObject(schemes)) return paths;
  for (const scheme of Object.values(schemes)) {
    const flows = isObject(scheme) ? scheme.flows : undefined;
    if (!isObject(flows)) continue;
    for (const flow of Object.values(flows)) {
      const url = isObject(flow) ? flow.tokenUrl : undefined;
      if (typeof url !== 'string') continue;
      try {
        paths.add(new URL(url, 'http://spec.invalid').pathname);
      } catch {
        // An unparsable tokenUrl names no path.
      }
    }
  }
  return paths;
}

/** Whether `operation` is a login or a token operation whose answer holds the caller's credential. */
export function issuesCredentials(document: unknown, operation: Operation): boolean {
  if (operation.method !== 'POST' && operation.method !== 'PUT') return false;
  const words = new Set(WORDS);
  for (const segment of operation.path.split('/')) if (words.has(normalizeName(segment))) return true;
  const id = operation.operationId === undefined ? '' : normalizeName(operation.operationId);
  if (id !== '' && ['login', 'signin', 'logon', 'token', 'authenticate'].some((word) => id.includes(word)))
    return true;
  if (tokenPaths(document).has(operation.path)) return true;
  return bodyHasPassword(document, operation);
}
