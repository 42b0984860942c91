// The `server.forwardAuth` config: where nginx / Traefik / Envoy send authorization requests, how
// denials are answered, and which headers carry the identity back to the proxy (docs/forward-auth.md).
import { type Static, Type } from '@sinclair/typebox';

const HEADER = (defaultValue: string, description: string) =>
  Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', default: defaultValue, description });
const PREFIX = "^/[A-Za-z0-9._~!$&'()*+,;=:@/-]{0,255}$";

/** The forward-auth settings. */
export const forwardAuthConfig = Type.Object(
  {
    path: Type.String({
      pattern: PREFIX,
      default: '/_rampart/auth',
      description:
        'nginx `auth_request` and Traefik ForwardAuth send here; the original request comes in X-Original-* / X-Forwarded-* headers, believed from trusted proxies only',
    }),
    envoyPrefix: Type.Optional(
      Type.String({
        pattern: PREFIX,
        description:
          'Envoy `ext_authz` (HTTP service) with this `path_prefix`: the original path follows it, the method and headers are the original ones',
      }),
    ),
    statuses: Type.Union([Type.Literal('exact'), Type.Literal('nginx')], {
      default: 'exact',
      description:
        "`nginx`: every denial is 401 or 403 (nginx turns other statuses into 500), the real status in `X-Rampart-Status`; `exact`: the policies' own statuses (Traefik and Envoy pass them on)",
    }),
    identityHeaders: Type.Object(
      {
        consumer: HEADER('x-rampart-consumer', 'the consumer name (or id when it has no name)'),
        consumerId: HEADER('x-rampart-consumer-id', 'the consumer id'),
        scopes: HEADER('x-rampart-scopes', 'roles and scopes, space-separated'),
        method: HEADER('x-rampart-authenticated-by', 'the authn policy that identified the caller'),
      },
      {
        additionalProperties: false,
        default: {},
        description: 'headers of an allow answer that carry the identity',
      },
    ),
  },
  {
    additionalProperties: false,
    description:
      "answer authorization requests (nginx auth_request, Traefik ForwardAuth, Envoy ext_authz): the matched route's request policies run, nothing is proxied",
  },
);

export type ForwardAuthConfig = Static<typeof forwardAuthConfig>;
