// Learns endpoints from exchanges: the spec's template when a contract documents the path, else the
// path tree's; facts accumulate per endpoint until they are taken (flushed to the store). Bounded:
// endpoints and parameters have caps, and whatever did not fit is counted and reported.
import type { Exchange } from './exchange.ts';
import { type EndpointFacts, endpointKey, mergeFacts, newFacts, paramCount } from './facts.ts';
import { PathTree, type PathTreeOptions, type TemplateParam } from './path-tree.ts';
import { recordExchange } from './record.ts';
import { NO_SPECS, type SpecSet } from './spec-set.ts';
import { segmentKind } from './values.ts';

/** Bodies inspected of an endpoint per flush interval before sampling them. */
const BODY_FIRST = 32;
/** Then one body in this many. */
const BODY_SAMPLE = 16;

/** Caps and budgets of a learner. */
export interface LearnerOptions {
  readonly specs?: SpecSet;
  /** Endpoints known at once (default 2000). */
  readonly maxEndpoints?: number;
  /** Parameters held in the facts not yet flushed (default 20 000). */
  readonly maxParameters?: number;
  /** Body bytes parsed and scanned per exchange (default 64 KiB). */
  readonly maxBodyBytes?: number;
  readonly tree?: PathTreeOptions;
}

/** What did not fit, since the learner started. */
export interface DroppedCounts {
  /** Exchanges of endpoints beyond the endpoint cap (or too deep a path, or a full path tree). */
  endpoints: number;
  /** Parameters beyond the parameter caps. */
  params: number;
}

/** The first exchange of an endpoint new to this learner (for the new-shadow event). */
export interface FirstCall {
  readonly requestId: string | undefined;
  readonly clientIp: string | undefined;
  readonly route: string | undefined;
}

/** What a flush takes: the facts learned since the last one and the templates collapsed meanwhile. */
export interface LearnedDelta {
  readonly endpoints: EndpointFacts[];
  readonly collapsed: string[];
  readonly firstCalls: ReadonlyMap<string, FirstCall>;
}

/** The learner's figures, for `inventory list` and the admin API. */
export interface LearnerStats {
  readonly endpoints: number;
  readonly maxEndpoints: number;
  readonly pendingParameters: number;
  readonly maxParameters: number;
  readonly treeNodes: number;
  readonly dropped: Readonly<DroppedCounts>;
}

/** Learns endpoints. */
export class Learner {
  /** The contracts whose templates documented paths take (replaced on a config reload). */
  specs: SpecSet;
  readonly tree: PathTree;
  readonly #maxEndpoints: number;
  readonly #maxParameters: number;
  readonly #maxBodyBytes: number;
  /** Every endpoint key known (learned here or read from the store), bounded by the endpoint cap. */
  readonly #known = new Set<string>();
  #pending = new Map<string, EndpointFacts>();
  #firstCalls = new Map<string, FirstCall>();
  #collapsed: string[] = [];
  #pendingParams = 0;
  #bodySkip = 0;
  readonly dropped: DroppedCounts = { endpoints: 0, params: 0 };
  readonly #admitParam = (): boolean => {
    if (this.#pendingParams >= this.#maxParameters) {
      this.dropped.params++;
      return false;
    }
    this.#pendingParams++;
    return true;
  };

  readonly #dropParam = (): void => {
    this.dropped.params++;
  };

  constructor(options: LearnerOptions = {}) {
    this.specs = options.specs ?? NO_SPECS;
    this.tree = new PathTree(options.tree);
    this.#maxEndpoints = options.maxEndpoints ?? 2000;
    this.#maxParameters = options.maxParameters ?? 20_000;
    this.#maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  }

  /** Makes endpoints learned before (by this or another instance) known, and their templates. */
  seed(endpoints: ReadonlyArray<{ method: string; template: string; documented: boolean }>): void {
    for (const endpoint of endpoints) {
      if (this.#known.size >= this.#maxEndpoints) break;
      this.#known.add(endpointKey(endpoint.method, endpoint.template));
      if (!endpoint.documented) this.tree.seed(endpoint.template);
    }
  }

  /** Learns one exchange. */
  learn(exchange: Exchange): void {
    const method = exchange.method.toUpperCase().slice(0, 16);
    const matched = this.specs.match(method, exchange.path);
    let template: string;
    let params: readonly TemplateParam[];
    if (matched !== undefined) {
      template = matched.template;
      params = Object.entries(matched.params).map(([name, value]) => ({
        name,
        kind: segmentKind(value),
        value,
      }));
    } else {
      const learned = this.tree.template(exchange.path);
      if (learned === undefined) {
        this.dropped.endpoints++;
        return;
      }
      ({ template, params } = learned);
      const collapsed = this.tree.drainCollapsed();
      if (collapsed.length > 0) this.#fold(collapsed);
    }
    const key = endpointKey(method, template);
    let facts = this.#pending.get(key);
    if (facts === undefined) {
      if (!this.#known.has(key)) {
        if (this.#known.size >= this.#maxEndpoints) {
          this.dropped.endpoints++;
          return;
        }
        this.#known.add(key);
        this.#firstCalls.set(key, {
          requestId: exchange.requestId,
          clientIp: exchange.clientIp,
          route: exchange.route,
        });
      }
      facts = newFacts(method, template, matched?.operation !== undefined, exchange.time);
      this.#pending.set(key, facts);
    }
    // Bodies cost the most (a parse, a scan): every one of an endpoint's first calls per flush
    // interval, then one in BODY_SAMPLE, so a busy endpoint's bodies cannot crowd out the event loop.
    const inspect = facts.count < BODY_FIRST || ++this.#bodySkip % BODY_SAMPLE === 0;
    recordExchange(facts, exchange, params, {
      maxBodyBytes: inspect ? this.#maxBodyBytes : 0,
      admitParam: this.#admitParam,
      dropParam: this.#dropParam,
    });
  }

  /** Re-keys the endpoints below collapsed templates (their literal became a parameter). */
  #fold(collapsed: readonly string[]): void {
    this.#collapsed.push(...collapsed);
    const under = (template: string) =>
      collapsed.some((prefix) => template === prefix || template.startsWith(`${prefix}/`));
    for (const key of [...this.#known]) {
      const space = key.indexOf(' ');
      const method = key.slice(0, space);
      const template = key.slice(space + 1);
      if (!under(template)) continue;
      const target = endpointKey(method, this.tree.retemplate(template));
      this.#known.delete(key);
      this.#known.add(target);
      const facts = this.#pending.get(key);
      if (facts !== undefined) {
        this.#pending.delete(key);
        facts.template = target.slice(space + 1);
        const held = this.#pending.get(target);
        this.#pending.set(target, held === undefined ? facts : mergeFacts(held, facts));
      }
      const first = this.#firstCalls.get(key);
      if (first !== undefined) {
        this.#firstCalls.delete(key);
        if (!this.#firstCalls.has(target)) this.#firstCalls.set(target, first);
      }
    }
  }

  /** Takes what was learned since the last call. */
  take(): LearnedDelta {
    const delta: LearnedDelta = {
      endpoints: [...this.#pending.values()],
      collapsed: this.#collapsed,
      firstCalls: this.#firstCalls,
    };
    this.#pending = new Map();
    this.#firstCalls = new Map();
    this.#collapsed = [];
    this.#pendingParams = 0;
    return delta;
  }

  /** The pending facts (not yet taken), for in-process reads. */
  pending(): EndpointFacts[] {
    return [...this.#pending.values()];
  }

  stats(): LearnerStats {
    let pendingParameters = 0;
    for (const facts of this.#pending.values()) pendingParameters += paramCount(facts);
    return {
      endpoints: this.#known.size,
      maxEndpoints: this.#maxEndpoints,
      pendingParameters,
      maxParameters: this.#maxParameters,
      treeNodes: this.tree.nodes,
      dropped: { ...this.dropped },
    };
  }
}
