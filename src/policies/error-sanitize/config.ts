// The error-sanitize config: which upstream error statuses to hide, and when.
import { type Static, Type } from '@sinclair/typebox';

/** The error-sanitize policy block. */
export const errorSanitizeConfig = Type.Object(
  {
    statuses: Type.Array(
      Type.Union([Type.Integer({ minimum: 400, maximum: 599 }), Type.Literal('4xx'), Type.Literal('5xx')]),
      {
        minItems: 1,
        maxItems: 200,
        default: ['5xx'],
        description: 'upstream statuses whose bodies are replaced: codes such as 500, or "4xx" / "5xx"',
      },
    ),
    hide: Type.Union([Type.Literal('always'), Type.Literal('when-leaking')], {
      default: 'always',
      description:
        'always: replace every matching body; when-leaking: buffer it and replace it only when it shows stack traces, SQL errors, file paths or internal addresses',
    }),
    keepStatus: Type.Boolean({
      default: true,
      description: "answer with the upstream's status; false: answer 502",
    }),
  },
  { additionalProperties: false },
);

export type ErrorSanitizeConfig = Static<typeof errorSanitizeConfig>;
