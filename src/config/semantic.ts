// Checks the schema cannot express: every route's upstream exists, route names are unique.
import type { ConfigError } from './errors.ts';
import type { RampartConfig } from './schema.ts';
import { type ConfigSource, errorAt, positionOf } from './source.ts';
import { closestMatch } from './suggest.ts';

/** Cross-reference checks on a schema-valid config; returns one error per problem. */
export function checkConfig(config: RampartConfig, source: ConfigSource): ConfigError[] {
  const errors: ConfigError[] = [];
  const upstreams = Object.keys(config.upstreams);
  const firstRoute = new Map<string, number>();
  config.routes.forEach((route, index) => {
    if (!Object.hasOwn(config.upstreams, route.upstream)) {
      const guess = closestMatch(route.upstream, upstreams);
      const hint = guess === undefined ? '' : `; did you mean "${guess}"?`;
      const message = `no upstream named "${route.upstream}" in upstreams${hint}`;
      errors.push(errorAt(source, ['routes', index, 'upstream'], message, 'unknown-upstream'));
    }
    const first = firstRoute.get(route.name);
    if (first === undefined) {
      firstRoute.set(route.name, index);
    } else {
      const { line } = positionOf(source, ['routes', first, 'name']);
      const message = `route name "${route.name}" is already used by routes[${first}] (line ${line})`;
      errors.push(errorAt(source, ['routes', index, 'name'], message, 'duplicate-route'));
    }
  });
  return errors;
}
