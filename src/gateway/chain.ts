// Compiles a route's policy chain once per config version: defaults merged with the route's own
// blocks, `off` policies left out, ordered by stage then config order (STYLE.md §2, §5).
import {
  type PolicyDefinition,
  type PolicyDeps,
  type PolicyHandlers,
  type PolicyMode,
  STAGES,
  type Stage,
} from '../policies/policy.ts';

/** One policy instance in a chain. */
export interface ChainLink {
  readonly name: string;
  readonly mode: Exclude<PolicyMode, 'off'>;
  readonly failOpen: boolean;
  readonly handlers: PolicyHandlers;
  /** Its index in the chain: the slot of its per-request state. */
  readonly position: number;
  readonly stage: Stage;
}

/** A route's compiled chain: phase lists precomputed so empty phases cost nothing. */
export interface Chain {
  readonly links: readonly ChainLink[];
  /** Request phase, top down. */
  readonly onRequest: readonly ChainLink[];
  /**
   * Response phase: the deciding stages first, bottom up (threat … authn: owner checks, uniform login
   * failures judge the upstream's own answer), then the response stage bottom up, so what it removes,
   * masks, sanitizes and adds (security headers) applies to every answer, also a replaced one.
   */
  readonly onResponse: readonly ChainLink[];
  readonly onLog: readonly ChainLink[];
  readonly needsRequestBody: boolean;
  readonly responseBody: 'never' | 'errors' | 'always';
  /** The smallest request body limit a link declared, and which link. */
  readonly requestBodyLimit: { readonly bytes: number; readonly policy: string } | undefined;
}

/** A policy block could not be built; `path` points into the config for the error message. */
export class PolicyBuildError extends Error {
  readonly path: string;
  constructor(path: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'PolicyBuildError';
    this.path = path;
  }
}

type PolicyBlocks = Record<string, Record<string, unknown> | undefined>;

/**
 * Builds a chain. `defaults` blocks apply to every route; a route's block for the same policy replaces
 * the default block whole (no deep merge, so what a route says is all there is).
 */
export function compileChain(
  definitions: ReadonlyMap<string, PolicyDefinition>,
  blocks: { defaults: PolicyBlocks | undefined; route: PolicyBlocks | undefined; routePath: string },
  deps: PolicyDeps,
): Chain {
  const merged = new Map<string, { block: Record<string, unknown>; path: string }>();
  for (const [name, block] of Object.entries(blocks.defaults ?? {})) {
    if (block !== undefined) merged.set(name, { block, path: `defaults.policies.${name}` });
  }
  for (const [name, block] of Object.entries(blocks.route ?? {})) {
    if (block !== undefined) merged.set(name, { block, path: `${blocks.routePath}.policies.${name}` });
  }

  const links: Array<ChainLink & { order: number }> = [];
  let position = 0;
  for (const [name, { block, path }] of merged) {
    const definition = definitions.get(name);
    if (definition === undefined) throw new PolicyBuildError(path, `unknown policy "${name}"`);
    const { mode = 'enforce', ...config } = block as { mode?: PolicyMode };
    if (mode === 'off') continue;
    let handlers: PolicyHandlers;
    try {
      handlers = definition.create(config as never, deps);
    } catch (error) {
      throw new PolicyBuildError(path, (error as Error).message, error);
    }
    const order = STAGES.indexOf(definition.stage) * 10_000 + position++;
    links.push({
      name,
      mode,
      failOpen: definition.failOpen === true,
      handlers,
      order,
      position: 0,
      stage: definition.stage,
    });
  }
  links.sort((a, b) => a.order - b.order);
  links.forEach((link, index) => {
    (link as { position: number }).position = index;
  });

  const needsOf = (link: ChainLink) =>
    link.handlers.needs ?? definitions.get(link.name)?.needs ?? { requestBody: false, responseBody: false };
  let responseBody: Chain['responseBody'] = 'never';
  let requestBodyLimit: Chain['requestBodyLimit'];
  for (const link of links) {
    const wanted = needsOf(link).responseBody;
    if (wanted === true) responseBody = 'always';
    else if (wanted === 'errors' && responseBody === 'never') responseBody = 'errors';
    const limit = link.handlers.requestBodyLimit;
    if (limit !== undefined && (requestBodyLimit === undefined || limit < requestBodyLimit.bytes)) {
      requestBodyLimit = { bytes: limit, policy: link.name };
    }
  }
  return {
    links,
    onRequest: links.filter((link) => link.handlers.onRequest !== undefined),
    onResponse: [
      ...links
        .filter((link) => link.handlers.onResponse !== undefined && link.stage !== 'response')
        .reverse(),
      ...links
        .filter((link) => link.handlers.onResponse !== undefined && link.stage === 'response')
        .reverse(),
    ],
    onLog: links.filter((link) => link.handlers.onLog !== undefined),
    needsRequestBody: links.some((link) => needsOf(link).requestBody === true),
    responseBody,
    requestBodyLimit,
  };
}

/** Closes every link's resources (timers, connections) when a config version retires. */
export async function closeChain(chain: Chain): Promise<void> {
  await Promise.allSettled(chain.links.map((link) => link.handlers.close?.()));
}
