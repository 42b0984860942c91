// Checks the schema cannot express: every upstream has url or targets (not both), every route's upstream
// exists, route names are unique, and the admin listener (which mints keys) is not reachable beyond
// loopback without a token.
import { compileOriginList } from '../lib/origin-list.ts';
import type { ConfigError } from './errors.ts';
import { type RampartConfig, SINK_MEMBERS, SINK_REQUIRED } from './schema.ts';
import { type ConfigSource, errorAt, positionOf } from './source.ts';
import { closestMatch } from './suggest.ts';

/** Whether a bind address only accepts local connections. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

/** Cross-reference checks on a schema-valid config; returns one error per problem. */
export function checkConfig(config: RampartConfig, source: ConfigSource): ConfigError[] {
  const errors: ConfigError[] = [];
  const admin = config.admin;
  if (admin?.enabled && !isLoopback(admin.host) && admin.token === undefined) {
    const message = `the admin listener on ${admin.host} can mint keys for anyone who reaches it: set admin.token (env:NAME), or bind it to 127.0.0.1`;
    errors.push(errorAt(source, ['admin', 'host'], message, 'admin-without-token'));
  }
  if (config.auditTrail?.enabled === true && config.store === undefined) {
    const message =
      'the audit trail is kept in the store: add a store: section (e.g. { sqlite: rampart.db })';
    errors.push(errorAt(source, ['auditTrail'], message, 'invalid', 'key'));
  }
  config.alerts?.rules.forEach((rule, index) => {
    rule.channels.forEach((name, at) => {
      if (Object.hasOwn(config.alerts?.channels ?? {}, name)) return;
      const message = `no alert channel named "${name}" in alerts.channels`;
      errors.push(errorAt(source, ['alerts', 'rules', index, 'channels', at], message, 'invalid'));
    });
  });
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    if (upstream.url === undefined && upstream.targets === undefined) {
      const message = 'missing required key "url" (or "targets" for several)';
      errors.push(errorAt(source, ['upstreams', name], message, 'schema-required'));
    } else if (upstream.url !== undefined && upstream.targets !== undefined) {
      errors.push(
        errorAt(source, ['upstreams', name, 'targets'], 'give url or targets, not both', 'schema-value'),
      );
    }
  }
  const upstreams = Object.keys(config.upstreams);
  const firstRoute = new Map<string, number>();
  config.routes.forEach((route, index) => {
    if (!Object.hasOwn(config.upstreams, route.upstream)) {
      const guess = closestMatch(route.upstream, upstreams);
      const hint = guess === undefined ? '' : `; did you mean "${guess}"?`;
      const message = `no upstream named "${route.upstream}" in upstreams${hint}`;
      errors.push(errorAt(source, ['routes', index, 'upstream'], message, 'unknown-upstream'));
    }
    const origins = route.websocket?.origins;
    if (origins !== undefined) {
      try {
        compileOriginList(origins);
      } catch (error) {
        const message = (error as Error).message;
        errors.push(errorAt(source, ['routes', index, 'websocket', 'origins'], message, 'schema-value'));
      }
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
  const sinkNames = new Set<string>();
  const common = new Set(['name', 'type', 'events', 'format', 'queue']);
  config.observability?.sinks.forEach((sink, index) => {
    const at = ['observability', 'sinks', index];
    if (sinkNames.has(sink.name)) {
      const message = `sink name "${sink.name}" is used twice; names label the sink metrics`;
      errors.push(errorAt(source, [...at, 'name'], message, 'duplicate-sink'));
    }
    sinkNames.add(sink.name);
    const members = SINK_MEMBERS[sink.type];
    for (const key of Object.keys(sink)) {
      if (common.has(key) || members.includes(key)) continue;
      const message = `${key} does not apply to a ${sink.type} sink (it takes ${members.join(', ')})`;
      errors.push(errorAt(source, [...at, key], message, 'schema-unknown-key'));
    }
    for (const key of SINK_REQUIRED[sink.type]) {
      if ((sink as Record<string, unknown>)[key] === undefined) {
        errors.push(errorAt(source, at, `a ${sink.type} sink needs ${key}`, 'schema-required'));
      }
    }
  });
  return errors;
}
