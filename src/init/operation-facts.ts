// What `rampart init` reads out of each operation of a spec: whether it is secured and by which
// schemes, whether it is a login, whether it must never be public (debug, reset, internal), whether it
// is for administrators only, and where its objects name their owner. Words are matched as whole
// tokens of identifiers and text (no regular expression runs over the spec's free text).

import type { Operation } from '../openapi/operations.ts';
import { deref, isObject } from '../openapi/pointer.ts';
import type { OpenApiDocument } from '../openapi/spec-file.ts';

/** Why an operation is kept from clients. */
export interface Denial {
  readonly reason: string;
}

/** Where a login's answer says it failed although its status is 2xx. */
export interface FailureSignal {
  readonly member: string;
  readonly equals: string;
}

/** A login operation and how to read it. */
export interface LoginFacts {
  readonly username: { readonly json: string } | { readonly form: string };
  /** Member of the 2xx answer that carries the issued token, when the spec names one. */
  readonly tokenMember: string | undefined;
  readonly failureStatuses: readonly number[];
  readonly failureSignal: FailureSignal | undefined;
}

/** Everything init decides from one operation. */
export interface OperationFacts {
  readonly operation: Operation;
  /** Security scheme names any of which the operation accepts (empty: public). */
  readonly schemes: readonly string[];
  readonly denial: Denial | undefined;
  readonly login: LoginFacts | undefined;
  readonly adminOnly: boolean;
  /** A path parameter naming the user the operation acts on (`/users/{username}/password`). */
  readonly userParam: string | undefined;
  /** A member of the 2xx answer naming the object's owner (`owner`, `user`, `createdBy`). */
  readonly ownerMember: string | undefined;
}

const DENY_WORDS = new Map([
  ['debug', 'a debug operation'],
  ['createdb', 'recreates the database'],
  ['reset', 'resets data'],
  ['seed', 'seeds data'],
  ['populate', 'populates the database'],
  ['purge', 'purges data'],
  ['drop', 'drops data'],
  ['truncate', 'truncates data'],
  ['wipe', 'wipes data'],
  ['internal', 'marked internal'],
  ['actuator', 'a framework management endpoint'],
  ['phpinfo', 'a server information page'],
]);
/** Words that make a test operation only where they lead the path (`/test/echo`, `/api/v1/testing`). */
const TEST_WORDS = new Set(['test', 'testing']);
/** Leading path words that say nothing about the operation (`/api/v2/…`). */
const PREFIX_WORDS = /^(api|v\d{1,3}|rest)$/;
const LOGIN_WORDS = new Set(['login', 'signin', 'logon', 'authenticate', 'token', 'session', 'sessions']);
const ADMIN_PHRASES = [
  'only admins',
  'only admin',
  'admins only',
  'admin only',
  'administrators only',
  'requires admin',
];
const USER_COLLECTIONS = new Set([
  'users',
  'user',
  'accounts',
  'account',
  'members',
  'member',
  'profiles',
  'profile',
]);
const USER_PARAMS = new Set([
  'username',
  'user',
  'userid',
  'user_id',
  'userName',
  'login',
  'account',
  'accountid',
  'account_id',
  'uid',
]);
const OWNER_MEMBERS = [
  'owner',
  'username',
  'user',
  'userId',
  'user_id',
  'createdBy',
  'created_by',
  'author',
  'ownerId',
  'owner_id',
];
const FAILURE_WORDS = new Set(['fail', 'failed', 'failure', 'error', 'invalid', 'denied']);

/** Splits identifiers and text into lower-case word tokens (`api_views.users.debug` → api, views, …). */
export function wordsOf(text: string): string[] {
  const words: string[] = [];
  let current = '';
  const flush = () => {
    if (current !== '') words.push(current.toLowerCase());
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const isLetter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    if (!isLetter) {
      flush();
      continue;
    }
    // camelCase boundary: a capital after a lower-case letter starts a word.
    const previous = text[i - 1];
    if (ch >= 'A' && ch <= 'Z' && previous !== undefined && previous >= 'a' && previous <= 'z') flush();
    current += ch;
  }
  flush();
  return words;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 2000) : '';
}

function denialOf(
  operation: Operation,
  facts: { pathWords: string[]; idWords: string[] },
): Denial | undefined {
  const raw = operation.raw;
  if (raw['x-internal'] === true) return { reason: 'x-internal: true' };
  const tags = Array.isArray(raw.tags) ? raw.tags.map(text) : [];
  if (tags.some((tag) => wordsOf(tag).includes('internal'))) return { reason: 'tagged internal' };
  // "test" leading the path is a test operation; as an action on a resource (`POST /webhooks/test`,
  // operationId `testWebhook`: "send a test event") it is the API's own feature, used by its clients.
  const lead = facts.pathWords.find((word) => !PREFIX_WORDS.test(word));
  if (lead !== undefined && TEST_WORDS.has(lead))
    return { reason: `a test operation ("${lead}" leads its path)` };
  const words = [...facts.pathWords, ...facts.idWords];
  for (const word of words) {
    // A password reset is a user's flow, not a data reset.
    if (word === 'reset' && words.includes('password')) continue;
    const why = DENY_WORDS.get(word);
    if (why !== undefined) return { reason: `${why} ("${word}" in its path or operationId)` };
  }
  return undefined;
}

function schemaOf(document: OpenApiDocument, media: unknown): Record<string, unknown> | undefined {
  if (!isObject(media)) return undefined;
  const schema = deref<unknown>(document, media.schema);
  return isObject(schema) ? schema : undefined;
}

function propertiesOf(
  document: OpenApiDocument,
  schema: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (schema === undefined) return {};
  const items = schema.type === 'array' ? deref<unknown>(document, schema.items) : schema;
  if (!isObject(items) || !isObject(items.properties)) return {};
  return items.properties;
}

function loginOf(document: OpenApiDocument, operation: Operation, words: string[]): LoginFacts | undefined {
  if (operation.method !== 'POST') return undefined;
  const content = operation.requestBody?.content;
  if (!isObject(content)) return undefined;
  let username: LoginFacts['username'] | undefined;
  let oauth2 = false;
  for (const [type, media] of Object.entries(content)) {
    const members = Object.keys(propertiesOf(document, schemaOf(document, media)));
    if (!members.includes('password')) continue;
    oauth2 = members.includes('grant_type');
    const name = members.find((member) =>
      ['username', 'user', 'email', 'login', 'name'].includes(member.toLowerCase()),
    );
    if (name === undefined) continue;
    username = type.includes('x-www-form-urlencoded') ? { form: name } : { json: name };
    break;
  }
  // A body with a password makes a login only when the operation says so (a signup also has one).
  if (username === undefined || !words.some((word) => LOGIN_WORDS.has(word))) return undefined;
  let tokenMember: string | undefined;
  let failureSignal: FailureSignal | undefined;
  // An OAuth2 token endpoint refuses a wrong password with 400 invalid_grant (RFC 6749 §5.2).
  const failureStatuses: number[] = oauth2 ? [400] : [];
  for (const [status, response] of Object.entries(operation.responses)) {
    const code = Number(status);
    if (code === 401 || code === 403) failureStatuses.push(code);
    if (!(code >= 200 && code < 300) || !isObject(response.content)) continue;
    for (const media of Object.values(response.content)) {
      for (const [member, rawSchema] of Object.entries(propertiesOf(document, schemaOf(document, media)))) {
        const schema = deref<unknown>(document, rawSchema);
        const lower = member.toLowerCase();
        if (tokenMember === undefined && (lower.includes('token') || lower === 'jwt')) tokenMember = member;
        if (failureSignal === undefined && isObject(schema) && Array.isArray(schema.enum)) {
          const failing = schema.enum.find(
            (value) => typeof value === 'string' && FAILURE_WORDS.has(value.toLowerCase()),
          );
          if (typeof failing === 'string') failureSignal = { member, equals: failing };
        }
      }
    }
  }
  return { username, tokenMember, failureStatuses, failureSignal };
}

function userParamOf(operation: Operation): string | undefined {
  const segments = operation.path.split('/').filter((segment) => segment !== '');
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    if (!segment.startsWith('{') || !segment.endsWith('}')) continue;
    const name = segment.slice(1, -1);
    // The parameter follows a user collection, maybe past a version segment (`/users/v1/{username}`).
    const before = segments.slice(Math.max(0, i - 2), i).map((s) => s.toLowerCase());
    if (before.some((s) => USER_COLLECTIONS.has(s)) && USER_PARAMS.has(name.toLowerCase())) return name;
  }
  return undefined;
}

function ownerMemberOf(document: OpenApiDocument, operation: Operation): string | undefined {
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!status.startsWith('2') || !isObject(response.content)) continue;
    for (const media of Object.values(response.content)) {
      const members = Object.keys(propertiesOf(document, schemaOf(document, media)));
      const owner = OWNER_MEMBERS.find((name) => members.includes(name));
      if (owner !== undefined) return owner;
    }
  }
  return undefined;
}

/** Reads the facts init needs from `operation` of `document`. */
export function factsOf(document: OpenApiDocument, operation: Operation): OperationFacts {
  const pathWords = operation.path
    .split('/')
    .flatMap((segment) => (segment.startsWith('{') ? [] : wordsOf(segment)));
  const idWords = wordsOf(operation.operationId ?? '').slice(-3);
  const prose = `${text(operation.raw.summary)} ${text(operation.raw.description)}`.toLowerCase();
  const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
  const optional = (operation.security ?? []).some((requirement) => Object.keys(requirement).length === 0);
  const login = loginOf(document, operation, [...pathWords, ...idWords]);
  return {
    operation,
    schemes: optional ? [] : [...new Set(schemes)],
    denial: login === undefined ? denialOf(operation, { pathWords, idWords }) : undefined,
    login,
    adminOnly:
      ADMIN_PHRASES.some((phrase) => prose.includes(phrase)) ||
      (pathWords.includes('admin') && schemes.length > 0),
    userParam: schemes.length > 0 ? userParamOf(operation) : undefined,
    ownerMember:
      schemes.length > 0 && operation.method === 'GET' ? ownerMemberOf(document, operation) : undefined,
  };
}
