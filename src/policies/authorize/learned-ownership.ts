// Learned ownership: when a consumer creates an object (a configured create operation answered 2xx),
// the gateway records the new object's id with its creator on the shared state; later reads and
// changes of that object by another consumer are refused (404, or 403) unless a role exempts them.
// For APIs whose objects name no owner in the request (`GET /books/{title}`). First creator wins; a
// successful DELETE by the owner forgets the object. Objects the gateway never saw created are left
// to the other rules.
import { createHash } from 'node:crypto';
import { parseDuration } from '../../lib/durations.ts';
import { jsonOf } from '../../openapi/index.ts';
import type { StateStore } from '../../state/state.ts';
import {
  CONTINUE,
  type Deny,
  deny,
  type Identity,
  type MaybePromise,
  type PolicyContext,
  type Verdict,
} from '../policy.ts';
import { jsonMember } from '../request-fields.ts';
import type { LearnedOwnershipConfig } from './config.ts';
import { memberValue } from './object-rules.ts';
import { compilePathPattern, type PathPattern } from './path-pattern.ts';

/** What one request will teach the state once its answer is known. */
export interface OwnershipNote {
  readonly learned: CompiledLearned;
  readonly action: 'create' | 'delete';
  /** The id, when known before the answer (request body or path). */
  readonly id: string | undefined;
  readonly owner: string;
}

/** A compiled `learnOwnership` entry. */
export interface CompiledLearned {
  readonly name: string;
  readonly createMethods: ReadonlySet<string>;
  readonly createPath: PathPattern;
  readonly idFrom: 'request' | 'response';
  readonly idMember: string;
  readonly objectPath: PathPattern;
  readonly param: string;
  readonly objectMethods: ReadonlySet<string>;
  readonly exemptRoles: readonly string[];
  readonly rememberMs: number;
  readonly hide: 'not-found' | 'forbidden';
}

const MAX_ID = 128;

/** Compiles the entries (one, or a list); throws at load when the object path lacks its parameter. */
export function compileLearned(
  config: LearnedOwnershipConfig | readonly LearnedOwnershipConfig[] | undefined,
  caseSensitive: boolean,
): CompiledLearned[] {
  if (config === undefined) return [];
  const list: readonly LearnedOwnershipConfig[] = Array.isArray(config)
    ? config
    : [config as LearnedOwnershipConfig];
  return list.map((entry, index) => {
    const objectPath = compilePathPattern(entry.objects.path, caseSensitive);
    if (
      !entry.objects.path.includes(`:${entry.objects.param}`) &&
      !entry.objects.path.includes(`{${entry.objects.param}}`)
    )
      throw new Error(
        `learnOwnership: objects.path ${entry.objects.path} has no parameter ${entry.objects.param}`,
      );
    const dot = entry.create.id.indexOf('.');
    return {
      name: entry.name ?? `owned-${index}`,
      createMethods: new Set(entry.create.methods ?? ['POST']),
      createPath: compilePathPattern(entry.create.path, caseSensitive),
      idFrom: entry.create.id.slice(0, dot) as 'request' | 'response',
      idMember: entry.create.id.slice(dot + 1),
      objectPath,
      param: entry.objects.param,
      objectMethods: new Set(entry.objects.methods ?? ['GET', 'PUT', 'PATCH', 'DELETE']),
      exemptRoles: entry.exemptRoles ?? [],
      rememberMs: parseDuration(entry.remember ?? '365d'),
      hide: entry.hide ?? 'not-found',
    };
  });
}

/** Whether an entry reads the request body or the answer's. */
export function learnedNeeds(list: readonly CompiledLearned[]): {
  requestBody: boolean;
  responseBody: boolean;
} {
  return {
    requestBody: list.some((entry) => entry.idFrom === 'request'),
    responseBody: list.some((entry) => entry.idFrom === 'response'),
  };
}

/** The state key of an object: by entry name, the id itself when short, else its hash. */
function keyOf(entry: CompiledLearned, id: string): string {
  const part = id.length <= MAX_ID ? id : createHash('sha256').update(id, 'utf8').digest('base64url');
  return `ao:${entry.name}:${part}`;
}

/** The refusal for another consumer's object. */
export function hidden(
  hide: 'not-found' | 'forbidden',
  rule: string,
  reason: string,
  location: string,
): Deny {
  return hide === 'forbidden'
    ? deny('RAMPART_AUTHZ_FORBIDDEN', { detail: 'You are not allowed to do this.', reason, rule, location })
    : deny('RAMPART_AUTHZ_OBJECT_NOT_FOUND', { reason, rule, location });
}

/** The learned-ownership side of authorize, over the shared state. */
export class LearnedOwnership {
  readonly #entries: readonly CompiledLearned[];
  readonly #state: StateStore;

  constructor(entries: readonly CompiledLearned[], state: StateStore) {
    this.#entries = entries;
    this.#state = state;
  }

  get size(): number {
    return this.#entries.length;
  }

  /**
   * Request phase: refuses another consumer's recorded object; notes creations and deletions to
   * learn from once the answer is in.
   */
  check(
    ctx: PolicyContext,
    identity: Identity,
    method: string,
    segments: readonly string[],
    notes: OwnershipNote[],
  ): MaybePromise<Verdict> {
    const pending: Array<{ entry: CompiledLearned; key: string; id: string }> = [];
    for (const entry of this.#entries) {
      const exempt = entry.exemptRoles.some((role) => identity.scopes.includes(role));
      if (entry.createMethods.has(method) && entry.createPath.match(segments) !== undefined) {
        const id = entry.idFrom === 'request' ? jsonMember(ctx.body, entry.idMember) : undefined;
        if (entry.idFrom === 'response' || id !== undefined)
          notes.push({ learned: entry, action: 'create', id, owner: identity.consumerId });
      }
      if (!entry.objectMethods.has(method)) continue;
      const id = entry.objectPath.match(segments)?.[entry.param];
      if (id === undefined) continue;
      if (method === 'DELETE')
        notes.push({ learned: entry, action: 'delete', id, owner: identity.consumerId });
      if (!exempt) pending.push({ entry, key: keyOf(entry, id), id });
    }
    if (pending.length === 0) return CONTINUE;
    const decide = (owners: ReadonlyArray<string | undefined>): Verdict => {
      for (let i = 0; i < pending.length; i++) {
        const owner = owners[i];
        if (owner !== undefined && owner !== identity.consumerId) {
          const { entry } = pending[i]!;
          return hidden(
            entry.hide,
            entry.name,
            `${identity.consumerId} is not the creator of this object`,
            `path.${entry.param}`,
          );
        }
      }
      return CONTINUE;
    };
    const owners = pending.map(({ key }) => this.#state.get(key));
    return owners.some((owner) => owner instanceof Promise)
      ? Promise.all(owners).then(decide)
      : decide(owners as Array<string | undefined>);
  }

  /** Response phase: records the creator of a created object, forgets a deleted one (2xx answers only). */
  async learn(ctx: PolicyContext, notes: readonly OwnershipNote[]): Promise<void> {
    const response = ctx.response;
    if (response === undefined || response.local || response.status < 200 || response.status > 299) return;
    for (const note of notes) {
      const entry = note.learned;
      if (note.action === 'delete') {
        // The delete was authorized and the upstream did it: the object (and its owner) is gone.
        await this.#state.delete(keyOf(entry, note.id!));
        continue;
      }
      let id = note.id;
      if (id === undefined && response.body !== undefined) {
        const parsed = jsonOf(response.body);
        id = parsed.ok ? memberValue(parsed.value, entry.idMember) : undefined;
      }
      if (id === undefined || id === '') {
        ctx.emit({
          rule: `${entry.name}-unlearned`,
          severity: 'low',
          reason: 'created object has no id to learn',
        });
        continue;
      }
      const key = keyOf(entry, id);
      // First creator wins: a second "create" of an existing id never takes the object over.
      if ((await this.#state.get(key)) === undefined)
        await this.#state.set(key, note.owner, entry.rememberMs);
    }
  }
}
