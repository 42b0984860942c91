// Accounts the scan makes and learns: the spec's signup operation registers throw-away identities
// (so destructive checks only touch what the scan created), a `/me`-like operation tells who an
// identity is, and logins with other credentials confirm password changes.
import {
  call,
  collectionOf,
  createdKey,
  idOf,
  isAdminOperation,
  ok,
  pathParams,
  type ScanContext,
} from './context.ts';
import {
  createIdentity,
  type Identity,
  type LoginFlow,
  login,
  loginFields,
  PASS_FIELD,
  sendLogin,
  tokenOf,
  USER_FIELD,
} from './identities.ts';
import { propertiesOf, successSchema } from './spec.ts';
import type { Exchange, ScanOperation } from './types.ts';
import { exampleOf, uniqueTag } from './values.ts';

/** At most this many throw-away accounts per scan. */
export const MAX_THROWAWAY = 8;
const SELF_PATH = /\/(me|self|whoami|profile|account|current[-_]?user|userinfo)$/i;
const SIGNUP_WORDS = /regist|sign[-_ ]?up|create[-_ ]?(user|account)|new (user|account)|enrol/i;

/** The operation that tells the caller who it is (`GET /me`, `/profile`, `/userinfo`). */
export function selfOperation(ctx: ScanContext): ScanOperation | undefined {
  return ctx.operations.find(
    (o) => o.method === 'GET' && pathParams(o.path).length === 0 && SELF_PATH.test(o.path),
  );
}

/** The spec's signup operation: a POST without path parameters taking a name and a password. */
export function signupOperation(ctx: ScanContext): ScanOperation | undefined {
  return ctx.operations.find((o) => {
    if (
      o.method !== 'POST' ||
      pathParams(o.path).length > 0 ||
      o.path === ctx.loginPath ||
      isAdminOperation(o)
    )
      return false;
    const names = Object.keys(propertiesOf(o.body));
    const text = `${o.path} ${o.operationId ?? ''} ${o.summary}`;
    return (
      names.some((n) => /pass/i.test(n)) &&
      names.some((n) => /user|name|login|mail/i.test(n)) &&
      (SIGNUP_WORDS.test(text) || /\/(users|accounts|members)$/i.test(o.path))
    );
  });
}

/**
 * The login flow used as the template for throw-away accounts: a profile user's, else one read
 * from the spec (its login operation and the token-like member of its answer).
 */
export function loginTemplate(ctx: ScanContext): LoginFlow | undefined {
  return profileLogin(ctx) ?? specLogin(ctx);
}

function profileLogin(ctx: ScanContext): LoginFlow | undefined {
  return [ctx.userA, ctx.userB, ctx.admin].find((i) => i?.spec.login !== undefined)?.spec.login;
}

const TOKEN_MEMBER = /^(access_?token|auth_?token|id_?token|token|jwt)$/i;

function specLogin(ctx: ScanContext): LoginFlow | undefined {
  const request = specLoginRequest(ctx);
  if (request === undefined) return undefined;
  const answer = successSchema(request.op);
  const top = propertiesOf(answer);
  let token = Object.keys(top).find((k) => TOKEN_MEMBER.test(k));
  for (const [name, schema] of Object.entries(top)) {
    const inner = Object.keys(propertiesOf(schema)).find((k) => TOKEN_MEMBER.test(k));
    if (token === undefined && inner !== undefined) token = `${name}.${inner}`;
  }
  if (token === undefined) return undefined;
  return {
    method: 'POST',
    path: request.op.path,
    body: request.body,
    encoding: request.op.form ? 'form' : 'json',
    token,
    tokenHeader: undefined,
    tokenCookie: undefined,
    userId: undefined,
    userName: undefined,
    header: 'authorization',
    scheme: 'Bearer',
  };
}

/** Credentials and the signup body of a fresh account. */
export function freshAccount(op: ScanOperation): {
  body: Record<string, unknown>;
  name: string;
  password: string;
} {
  const tag = uniqueTag();
  const name = `rampart${tag}`;
  const password = `Rp-${tag}-${uniqueTag()}9`;
  const body = { ...(exampleOf(op.body) as Record<string, unknown>) };
  for (const [member, schema] of Object.entries(propertiesOf(op.body))) {
    if (schema.readOnly === true) continue;
    if (/pass/i.test(member)) body[member] = password;
    else if (/mail/i.test(member)) body[member] = `${name}@example.com`;
    else if (/user|login|handle|^name$/i.test(member)) body[member] = name;
    else if (/name/i.test(member) && body[member] === undefined) body[member] = name;
  }
  return { body, name, password };
}

/** Registers an account (with extra members, for mass assignment) and logs it in; undefined if refused. */
export async function register(
  ctx: ScanContext,
  label: string,
  extra: Readonly<Record<string, unknown>> = {},
): Promise<{ identity: Identity | undefined; answer: Exchange; sent: Record<string, unknown> } | undefined> {
  const op = signupOperation(ctx);
  const template = loginTemplate(ctx);
  if (op === undefined || template === undefined || ctx.throwaway.length >= MAX_THROWAWAY) return undefined;
  const account = freshAccount(op);
  const sent = { ...account.body, ...extra };
  let answer = await call(ctx, op, undefined, { json: sent });
  // Some APIs let only signed-in callers create accounts.
  if ((answer.status === 401 || answer.status === 403) && ctx.userA !== undefined)
    answer = await call(ctx, op, ctx.userA, { json: sent });
  if (!ok(answer)) return { identity: undefined, answer, sent };
  const userMember = Object.keys(account.body).find((k) => /mail/i.test(k) && !/user/i.test(k));
  const fields = loginFields(template);
  const body: Record<string, unknown> = { ...template.body };
  const loginName =
    fields.user !== undefined && /mail/i.test(fields.user) && userMember !== undefined
      ? `${account.name}@example.com`
      : account.name;
  if (fields.user !== undefined) body[fields.user] = loginName;
  if (fields.pass !== undefined) body[fields.pass] = account.password;
  const identity = createIdentity(
    {
      name: `${label}-${account.name}`,
      role: 'user',
      headers: {},
      login: { ...template, body },
      userId: undefined,
      userName: account.name,
    },
    true,
  );
  identity.email = `${account.name}@example.com`;
  const id = idOf(answer);
  if (id !== undefined) identity.userId = id;
  ctx.throwaway.push(identity);
  try {
    await login(ctx.client, identity);
  } catch {
    return { identity: undefined, answer, sent };
  }
  await learnSelf(ctx, identity);
  return { identity, answer, sent };
}

/** Whether the account's login works with a password (a fresh login; the identity is unchanged). */
export async function logsInWith(
  ctx: ScanContext,
  identity: Identity,
  password: string,
): Promise<Exchange | undefined> {
  const flow = identity.spec.login;
  if (flow === undefined) return undefined;
  const { pass } = loginFields(flow);
  if (pass === undefined) return undefined;
  const res = await sendLogin(ctx.client, flow, identity.name, { ...flow.body, [pass]: password });
  return tokenOf(flow, res) === undefined ? undefined : res;
}

/** Changes the password a throw-away identity logs in with (after the scan changed it). */
export function setPassword(identity: Identity, password: string): void {
  const flow = identity.spec.login;
  const { pass } = flow === undefined ? { pass: undefined } : loginFields(flow);
  if (flow !== undefined && pass !== undefined) (flow.body as Record<string, unknown>)[pass] = password;
}

/** Reads the self operation as an identity and fills in its id, name and e-mail when unknown. */
export async function learnSelf(ctx: ScanContext, identity: Identity): Promise<Exchange | undefined> {
  const op = selfOperation(ctx);
  const signedIn = identity.spec.login !== undefined || Object.keys(identity.spec.headers).length > 0;
  if (op === undefined || !signedIn) return undefined;
  const res = await call(ctx, op, identity);
  if (!ok(res)) return undefined;
  const facts = selfFacts(res.json);
  identity.userId ??= facts.id;
  identity.userName ??= facts.name;
  identity.email ??= facts.email;
  return res;
}

/** The id, name and e-mail a self answer carries (top level or one level down, e.g. `data`). */
export function selfFacts(json: unknown): { id?: string; name?: string; email?: string } {
  const objects = [json, ...Object.values((json ?? {}) as object)].filter(
    (v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v),
  );
  const text = (v: unknown): string | undefined =>
    typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  const out: { id?: string; name?: string; email?: string } = {};
  for (const o of objects) {
    const id = text(o.id ?? o.userId ?? o.user_id ?? o._id);
    const name = text(o.username ?? o.login ?? o.userName ?? o.handle);
    const email = text(o.email);
    if (id !== undefined) out.id ??= id;
    if (name !== undefined) out.name ??= name;
    if (email !== undefined) out.email ??= email;
  }
  return out;
}

/** The DELETE of a user collection's item, if the spec has one (to remove throw-away accounts). */
export function userDeleteOperation(ctx: ScanContext): ScanOperation | undefined {
  return ctx.operations.find(
    (o) =>
      o.method === 'DELETE' &&
      pathParams(o.path).length === 1 &&
      o.path.endsWith('}') &&
      /\/(users?|accounts?|members?)(\/v\d+)?$/i.test(collectionOf(o.path) ?? ''),
  );
}

/** Records what a successful create made (an object, or an account through the signup) for the clean-up. */
export function keepCreated(
  ctx: ScanContext,
  op: ScanOperation,
  res: Exchange,
  body: Readonly<Record<string, unknown>>,
  owner: Identity | undefined,
): void {
  if (op === signupOperation(ctx)) {
    const member = Object.keys(body).find((k) => /user|login|handle|^name$/i.test(k));
    const name = member === undefined ? undefined : body[member];
    if (typeof name !== 'string') return;
    const account = createIdentity(
      {
        name: `created-${name.slice(0, 16)}`,
        role: 'user',
        headers: {},
        login: undefined,
        userId: undefined,
        userName: name,
      },
      true,
    );
    ctx.throwaway.push(account);
    return;
  }
  const id = createdKey(ctx, op.path, res, body);
  if (id !== undefined && owner !== undefined)
    ctx.objects.push({
      collection: op.path,
      id,
      owner,
      data: res.json,
      deleted: false,
      createdByScan: true,
      sent: body,
    });
}

const LOGIN_WORDS = /log-?in|sign-?in|token|auth|session/i;

/**
 * The login request the burst and enumeration checks vary: the profile's login flow, else the
 * spec's login operation (a POST taking a name and a password) with its example body.
 */
export function loginRequest(
  ctx: ScanContext,
): { op: ScanOperation; body: Record<string, unknown>; user: string; pass: string } | undefined {
  const flow = profileLogin(ctx);
  if (flow !== undefined) {
    const op = ctx.operations.find((o) => o.method === flow.method && o.path === flow.path);
    const { user, pass } = loginFields(flow);
    return op === undefined || user === undefined || pass === undefined
      ? undefined
      : { op, body: { ...flow.body }, user, pass };
  }
  return specLoginRequest(ctx);
}

function specLoginRequest(
  ctx: ScanContext,
): { op: ScanOperation; body: Record<string, unknown>; user: string; pass: string } | undefined {
  const signup = signupOperation(ctx);
  for (const op of ctx.operations) {
    if (op.method !== 'POST' || pathParams(op.path).length > 0 || op === signup) continue;
    if (!LOGIN_WORDS.test(`${op.path} ${op.operationId ?? ''} ${op.summary}`)) continue;
    const names = Object.keys(propertiesOf(op.body));
    const user = names.find((n) => USER_FIELD.test(n) && n !== 'client_id');
    const pass = names.find((n) => PASS_FIELD.test(n) && n !== 'client_secret');
    if (user !== undefined && pass !== undefined)
      return { op, body: { ...(exampleOf(op.body) as Record<string, unknown>) }, user, pass };
  }
  return undefined;
}

/** Registers an account without logging it in (kept for the clean-up); its login name, if accepted. */
export async function registerOnly(ctx: ScanContext, email: boolean): Promise<string | undefined> {
  const op = signupOperation(ctx);
  if (op === undefined || ctx.throwaway.length >= MAX_THROWAWAY) return undefined;
  const account = freshAccount(op);
  const res = await call(ctx, op, undefined, { json: account.body });
  if (!ok(res)) return undefined;
  keepCreated(ctx, op, res, account.body, undefined);
  return email ? `${account.name}@example.com` : account.name;
}
