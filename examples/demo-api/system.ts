// The demo API's service endpoints: health, login, its contract, and a debug route that crashes on purpose.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { asObject, HttpError, type Router } from './http.ts';
import { checkPassword, findUserByEmail, type Store } from './store.ts';

const TOKEN_TTL_SECONDS = 3600;

/** The contract, served as JSON where API tooling (and `rampart discover`) looks for it. */
const CONTRACT = new URL('./openapi.yaml', import.meta.url);

/** Registers `/health`, `/login`, `/openapi.json` and the undocumented `/debug/crash`. */
export function registerSystemRoutes(router: Router, store: Store): void {
  router.add('GET', '/openapi.json', () => ({ status: 200, body: parse(readFileSync(CONTRACT, 'utf8')) }));

  router.add('GET', '/health', () => ({
    status: 200,
    body: { status: 'ok', uptimeSeconds: Math.floor((Date.now() - store.startedAt) / 1000) },
  }));

  // Deliberate weaknesses: no attempt limit, and the answers tell an unknown e-mail from a wrong
  // password (user enumeration).
  router.add('POST', '/login', async (ctx) => {
    const body = asObject(await ctx.json());
    const { email, password } = body;
    if (
      typeof email !== 'string' ||
      typeof password !== 'string' ||
      email.length > 254 ||
      password.length > 128
    ) {
      throw new HttpError(400, 'email and password are required');
    }
    const user = findUserByEmail(store, email);
    if (user === undefined) throw new HttpError(401, 'no user with this email');
    if (!checkPassword(password, user.passwordHash)) throw new HttpError(401, 'wrong password');
    // A token-ish value for the demo; the API never checks it (the gateway's authn policies will).
    const claims = Buffer.from(JSON.stringify({ sub: user.id, role: user.role })).toString('base64url');
    const token = `demo.${claims}.${randomBytes(16).toString('base64url')}`;
    return {
      status: 200,
      body: { token, tokenType: 'Bearer', expiresIn: TOKEN_TTL_SECONDS, userId: user.id },
    };
  });

  // Deliberate weakness: an undocumented (shadow) endpoint whose failure leaks a stack trace.
  router.add('GET', '/debug/crash', () => {
    throw new Error('connection pool exhausted: postgres://orders-db.internal:5432/orders');
  });
}
