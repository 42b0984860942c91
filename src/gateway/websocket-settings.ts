// A route's WebSocket settings, compiled once per config version and route: message sizes, the
// message rate, the idle timeout, the origins a browser handshake may come from, and the upstream's
// WebSocket origin.

import { parseBytes } from '../lib/bytes.ts';
import { parseDuration } from '../lib/durations.ts';
import { compileOriginList, type OriginList } from '../lib/origin-list.ts';
import { upstreamUrl } from './upstream/upstream.ts';
import type { CompiledRoute, ConfigVersion } from './version.ts';

/** What a WebSocket session on a route runs with. */
export interface WebSocketSettings {
  readonly maxMessageBytes: number;
  readonly maxUpstreamMessageBytes: number;
  readonly idleTimeoutMs: number;
  /** Client messages per millisecond and the burst above it; undefined: no rate limit. */
  readonly rate: { readonly perMs: number; readonly burst: number } | undefined;
  /** Cross-origin browsers allowed; undefined: same-origin only. */
  readonly origins: OriginList | undefined;
  /** `ws://host:port` or `wss://host:port` of the route's upstream. */
  readonly upstreamOrigin: string;
}

type CorsBlocks = Record<string, { origins?: readonly string[]; mode?: string } | undefined> | undefined;

// Keyed by the compiled route, which lives exactly as long as its config version.
const compiled = new WeakMap<CompiledRoute, WebSocketSettings>();

function corsOrigins(route: CompiledRoute, version: ConfigVersion): readonly string[] | undefined {
  const own = (route.config.policies as CorsBlocks)?.cors;
  const block = own ?? (version.config.defaults?.policies as CorsBlocks)?.cors;
  return block === undefined || block.mode === 'off' ? undefined : block.origins;
}

/** The WebSocket settings of `route`, or undefined when the route does not proxy WebSockets. */
export function websocketSettings(
  route: CompiledRoute,
  version: ConfigVersion,
): WebSocketSettings | undefined {
  const config = route.config.websocket;
  if (config === undefined) return undefined;
  let settings = compiled.get(route);
  if (settings !== undefined) return settings;
  const origins = config.origins ?? corsOrigins(route, version);
  const url = new URL(upstreamUrl(version.config.upstreams[route.config.upstream]!));
  const perSecond = config.messagesPerSecond;
  settings = {
    maxMessageBytes: parseBytes(config.maxMessageBytes),
    maxUpstreamMessageBytes: parseBytes(config.maxUpstreamMessageBytes),
    idleTimeoutMs: parseDuration(config.idleTimeout),
    rate:
      perSecond === undefined
        ? undefined
        : { perMs: perSecond / 1000, burst: config.messageBurst ?? Math.max(1, Math.ceil(perSecond)) },
    // Checked at load (config/semantic.ts), so compiling cannot throw here.
    origins: origins === undefined ? undefined : compileOriginList(origins),
    upstreamOrigin: `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`,
  };
  compiled.set(route, settings);
  return settings;
}

/** A token bucket over client messages, on the gateway's clock. */
export class MessageRate {
  readonly #perMs: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;

  constructor(rate: { readonly perMs: number; readonly burst: number }, now: number) {
    this.#perMs = rate.perMs;
    this.#burst = rate.burst;
    this.#tokens = rate.burst;
    this.#last = now;
  }

  /** Takes one message's token; false when the bucket is empty. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perMs);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
