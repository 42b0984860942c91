// The `inventory:` section of rampart.yaml: traffic learning (off unless the section is present),
// the contracts it compares with, its caps, and the risk register's APIs (owner, review dates).
import { type Static, Type } from '@sinclair/typebox';
import { DURATION_PATTERN, parseDuration } from '../lib/durations.ts';
import { type ConfigWithPolicies, SPEC_POLICIES } from '../openapi/index.ts';
import type { SpecSource } from './spec-set.ts';

const DurationText = Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: DURATION_PATTERN })], {
  description: 'milliseconds, or a duration such as "5s", "90d"',
});

/** One API of the risk register. */
export const RiskApiSettings = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128, description: 'the API, as `rampart risk` lists it' }),
    spec: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: 'its OpenAPI file (relative to the config)',
      }),
    ),
    routes: Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), {
        maxItems: 256,
        description: 'gateway routes whose traffic belongs to it (default: endpoints its spec documents)',
      }),
    ),
    owner: Type.Optional(Type.String({ maxLength: 256, description: 'who answers for it (team, person)' })),
    reviewedAt: Type.Optional(
      Type.String({
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
        description: 'date of the last review (YYYY-MM-DD)',
      }),
    ),
    reviewEvery: Type.Union([DurationText], {
      default: '90d',
      description: 'a review is due this long after the last',
    }),
    scan: Type.Optional(
      Type.String({
        maxLength: 1024,
        description: 'the JSON report of its last `rampart scan` (relative to the config)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The `inventory:` section. */
export const InventorySettings = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'learn endpoints from the traffic' }),
    specs: Type.Optional(
      Type.Array(
        Type.Object(
          {
            spec: Type.String({ minLength: 1, maxLength: 1024 }),
            basePath: Type.Optional(Type.String({ pattern: '^/', maxLength: 1024 })),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 64,
          description: 'contracts to compare with (default: the specs the policies of the config name)',
        },
      ),
    ),
    maxEndpoints: Type.Integer({ minimum: 1, maximum: 100_000, default: 2000 }),
    maxParameters: Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      default: 20_000,
      description: 'parameters held between two flushes',
    }),
    maxBodyBytes: Type.Integer({
      minimum: 0,
      maximum: 16 * 1024 * 1024,
      default: 65_536,
      description: 'body bytes parsed and scanned per exchange (bodies the route buffers only)',
    }),
    queue: Type.Integer({
      minimum: 16,
      maximum: 1_000_000,
      default: 4096,
      description: 'finished requests waiting to be learned; past half full the learner samples',
    }),
    flushInterval: Type.Union([DurationText], {
      default: '5s',
      description: 'how often learned facts reach the store',
    }),
    apis: Type.Array(RiskApiSettings, { default: [], maxItems: 1000, description: 'the risk register' }),
  },
  { additionalProperties: false },
);

export type InventoryConfig = Static<typeof InventorySettings>;
export type RiskApiConfig = Static<typeof RiskApiSettings>;

/** The defaults of a section written as `inventory: {}`. */
export function inventoryDefaults(partial: Partial<InventoryConfig> = {}): InventoryConfig {
  return {
    enabled: true,
    maxEndpoints: 2000,
    maxParameters: 20_000,
    maxBodyBytes: 65_536,
    queue: 4096,
    flushInterval: '5s',
    apis: [],
    ...partial,
  };
}

/** The flush interval in milliseconds. */
export function flushIntervalOf(config: InventoryConfig): number {
  return parseDuration(config.flushInterval);
}

/** The contracts of a config: `inventory.specs`, else every spec a policy names (with its base path). */
export function specSourcesOf(
  config: ConfigWithPolicies,
  inventory: InventoryConfig | undefined,
): SpecSource[] {
  if (inventory?.specs !== undefined) return inventory.specs;
  const sources: SpecSource[] = [];
  const seen = new Set<string>();
  const collect = (policies: Readonly<Record<string, unknown>> | undefined) => {
    if (policies === undefined) return;
    for (const name of SPEC_POLICIES) {
      const block = policies[name] as { spec?: unknown; basePath?: unknown } | undefined;
      if (block === null || typeof block !== 'object' || typeof block.spec !== 'string') continue;
      const basePath = typeof block.basePath === 'string' ? block.basePath : undefined;
      const key = `${block.spec}\n${basePath ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      sources.push({ spec: block.spec, basePath });
    }
  };
  collect(config.defaults?.policies);
  for (const route of config.routes) collect(route.policies);
  return sources;
}
