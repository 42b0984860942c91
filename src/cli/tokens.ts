// `rampart tokens revoke|list`: JWT revocations in the store, by `jti` or by subject (every token of
// the subject issued before an instant). Gateways reread the store every `revocationRefresh` (jwt
// policy, default 5s); the admin API's POST /tokens/revoke also reaches them at once through the state.
import { parseArgs } from 'node:util';
import { revokeTokens, TokenRevocationError, tokenRevocation } from '../identity/token-revocations.ts';
import { parseDuration } from '../lib/durations.ts';
import type { CliIo } from './io.ts';
import { CliError, STORE_OPTIONS, withStore } from './store-args.ts';

const HELP = `Usage: rampart tokens <revoke|list> [options]

  revoke --jti ID [--ttl 30d]              refuse the JWT with this jti
  revoke --subject SUB [--before TIME] [--ttl 30d]
                                           refuse every JWT of SUB (the jwt policy's consumerClaim,
                                           default sub) issued before TIME (ISO 8601; default now)
  list                                     revocations in force

--ttl: how long the revocation is kept; longer than the lifetime of the tokens it refuses.
Store: -c FILE (the store the config names; default ./rampart.yaml) or --db PATH (a node:sqlite file) or --db postgres://… (PostgreSQL).
      --json   machine-readable output`;

const iso = (ms: number) => new Date(ms).toISOString();

/** Runs `rampart tokens`; resolves to the exit code. */
export async function runTokens(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      ...STORE_OPTIONS,
      jti: { type: 'string' },
      subject: { type: 'string' },
      before: { type: 'string' },
      ttl: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action] = positionals;
  if (values.help === true || action === undefined) {
    io.stdout.write(`${HELP}\n`);
    return action === undefined && values.help !== true ? 2 : 0;
  }
  return withStore(values, io, async (store) => {
    const now = Date.now();
    switch (action) {
      case 'revoke': {
        let ttlMs: number | undefined;
        if (values.ttl !== undefined) {
          try {
            ttlMs = parseDuration(values.ttl);
          } catch {
            throw new CliError('--ttl: a duration such as 30d or 12h', 2);
          }
        }
        const before = values.before === undefined ? undefined : Date.parse(values.before);
        if (before !== undefined && Number.isNaN(before))
          throw new CliError('--before: an ISO 8601 instant', 2);
        let revocation: ReturnType<typeof tokenRevocation>;
        try {
          revocation = tokenRevocation({ jti: values.jti, subject: values.subject, before, ttlMs }, now);
        } catch (error) {
          if (error instanceof TokenRevocationError) throw new CliError(error.message, 2);
          throw error;
        }
        await revokeTokens(store, undefined, revocation);
        const view = {
          ...revocation,
          issuedBefore: iso(revocation.issuedBefore),
          expiresAt: iso(revocation.expiresAt),
        };
        io.stdout.write(
          values.json === true
            ? `${JSON.stringify(view)}\n`
            : `revoked ${revocation.kind} ${revocation.value}${revocation.kind === 'subject' ? ` (tokens issued before ${view.issuedBefore})` : ''}\n`,
        );
        return 0;
      }
      case 'list': {
        const list = (await store.listTokenRevocations(0, now)).map((r) => ({
          kind: r.kind,
          value: r.value,
          issuedBefore: iso(r.issuedBefore),
          expiresAt: iso(r.expiresAt),
        }));
        if (values.json === true) io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else if (list.length === 0) io.stdout.write('no revocations\n');
        else for (const r of list) io.stdout.write(`${r.kind.padEnd(7)}  ${r.value}  until ${r.expiresAt}\n`);
        return 0;
      }
      default:
        throw new CliError(`unknown action "${action}"\n\n${HELP}`, 2);
    }
  });
}
