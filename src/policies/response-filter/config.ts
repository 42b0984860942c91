// The response-filter config: the contract responses are held to, and what to do with extra members.
import { type Static, Type } from '@sinclair/typebox';
import { NEVER_LEAVE_DEFAULT } from './never-leave.ts';

/** The response-filter policy block. */
export const responseFilterConfig = Type.Object(
  {
    spec: Type.String({ minLength: 1, description: 'OpenAPI 3.0/3.1 file, relative to the config file' }),
    basePath: Type.Optional(
      Type.String({
        pattern: '^/[^?#]*$',
        description: 'request path prefix the spec paths are relative to',
      }),
    ),
    undeclared: Type.Union([Type.Literal('remove'), Type.Literal('block'), Type.Literal('report')], {
      default: 'remove',
      description:
        'members the response schema does not declare: remove them, block the response (502), or only report',
    }),
    undocumented: Type.Union([Type.Literal('pass'), Type.Literal('block')], {
      default: 'pass',
      description:
        'a status or media type the operation does not document: pass with an event, or block (502)',
    }),
    selfParam: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'path parameter naming the object owner: the role `self` holds when it equals the consumer id',
      }),
    ),
    neverLeave: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
      default: [...NEVER_LEAVE_DEFAULT],
      maxItems: 256,
      description:
        'members removed from every JSON answer whatever the spec declares (names compare without case, _ or -); [] switches it off',
    }),
    allowOn: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
      default: [],
      maxItems: 256,
      description:
        'operations (operationId, or "METHOD /spec/path") whose answers keep never-leave members (e.g. an API key issued once)',
    }),
    maxFindings: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 1000,
      description: 'most members removed and evented per response; beyond it the response is blocked',
    }),
  },
  { additionalProperties: false },
);

export type ResponseFilterConfig = Static<typeof responseFilterConfig>;
