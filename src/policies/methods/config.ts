// The methods config: the allow-list of request methods and whether HEAD follows GET.
import { type Static, Type } from '@sinclair/typebox';

/** The methods policy block. */
export const methodsConfig = Type.Object(
  {
    allow: Type.Array(
      Type.String({
        pattern: '^[A-Z]{1,16}$',
        description: 'a method name, upper case (methods are case-sensitive)',
      }),
      {
        minItems: 1,
        maxItems: 64,
        uniqueItems: true,
        default: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        description: 'methods this route accepts; any other is answered 405 with an Allow header',
      },
    ),
    headWithGet: Type.Boolean({
      default: true,
      description: 'accept HEAD wherever GET is accepted (RFC 9110 §9.3.2); false: HEAD only when listed',
    }),
  },
  { additionalProperties: false },
);

export type MethodsConfig = Static<typeof methodsConfig>;
