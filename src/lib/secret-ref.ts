// The config schema of a secret reference, shared by the config schema and policy configs.
import { Type } from '@sinclair/typebox';

/** A secret given as a reference, never inline: `env:NAME` or `file:PATH`. */
export const SecretRef = Type.String({
  pattern: '^(env|file):[^\\s]+$',
  description: 'a secret reference: "env:NAME" or "file:PATH"',
});
