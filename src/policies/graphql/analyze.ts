// One walk over a parsed document that decides what the limits, the cost model, introspection and
// field roles say about it, and collects the inline arguments for detection. Fragments are walked
// once and their facts reused at every spread (a fragment "bomb" costs its size, not its expansion);
// the walk stops as soon as a limit is passed, so its recursion is bounded by `maxDepth`.
import {
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { ErrorCode } from '../../errors/codes.ts';
import type { CostConfig } from './config.ts';
import type { SchemaRules } from './schema-rules.ts';

/** One string an argument carries, with its GraphQL path (`graphql.user(id)`, `graphql.search(filter).name`). */
export interface ArgumentInput {
  readonly location: string;
  readonly value: string;
}

/** Everything the analysis needs besides the document. */
export interface AnalysisLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  readonly maxCost: number;
  readonly cost: CostConfig;
  /** Who may query `__schema` and `__type`: everyone, no one, or callers with one of these roles. */
  readonly introspection: boolean | readonly string[];
  readonly rules: SchemaRules;
}

/** A refusal found by the analysis. */
export interface Refusal {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly rule: string;
  readonly reason: string;
  readonly location?: string;
}

export interface Analysis {
  readonly ok: true;
  /** The operation types that may run (`query`, `mutation`, `subscription`). */
  readonly operations: readonly string[];
  readonly depth: number;
  readonly cost: number;
  readonly aliases: number;
  readonly directives: number;
  readonly arguments: readonly ArgumentInput[];
}

class Refused extends Error {
  readonly refusal: Refusal;
  constructor(refusal: Omit<Refusal, 'ok'>) {
    super(refusal.reason);
    this.refusal = { ok: false, ...refusal };
  }
}

const INTROSPECTION = new Set(['__schema', '__type']);
const ROOT_NAMES = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;
/** Arguments kept for detection per document; beyond this the document is refused as too large. */
const MAX_ARGUMENT_INPUTS = 4096;

interface Facts {
  readonly depth: number;
  readonly cost: number;
}

/** Counts aliases and directives in the document as written. */
function countAliasesAndDirectives(document: DocumentNode): { aliases: number; directives: number } {
  let aliases = 0;
  let directives = 0;
  const stack: SelectionSetNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION)
      continue;
    directives += definition.directives?.length ?? 0;
    stack.push(definition.selectionSet);
  }
  while (stack.length > 0) {
    const set = stack.pop()!;
    for (const selection of set.selections) {
      directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias !== undefined) aliases++;
        if (selection.selectionSet !== undefined) stack.push(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        stack.push(selection.selectionSet);
      }
    }
  }
  return { aliases, directives };
}

/** Analyzes `document` for the operation `operationName` (all of them when absent and ambiguous). */
export function analyzeDocument(
  document: DocumentNode,
  operationName: string | undefined,
  variables: Readonly<Record<string, unknown>> | undefined,
  roles: ReadonlySet<string>,
  limits: AnalysisLimits,
): Analysis | Refusal {
  const { aliases, directives } = countAliasesAndDirectives(document);
  if (aliases > limits.maxAliases)
    return {
      ok: false,
      code: 'RAMPART_GRAPHQL_TOO_MANY_ALIASES',
      rule: 'aliases',
      reason: `${aliases} aliases > ${limits.maxAliases}`,
    };
  if (directives > limits.maxDirectives)
    return {
      ok: false,
      code: 'RAMPART_GRAPHQL_TOO_MANY_DIRECTIVES',
      rule: 'directives',
      reason: `${directives} directives > ${limits.maxDirectives}`,
    };

  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
    else
      return {
        ok: false,
        code: 'RAMPART_GRAPHQL_REQUEST_INVALID',
        rule: 'definition',
        reason: `${definition.kind} in an executable document`,
      };
  }
  let chosen = operations;
  if (operationName !== undefined) {
    chosen = operations.filter((operation) => operation.name?.value === operationName);
    if (chosen.length === 0)
      return {
        ok: false,
        code: 'RAMPART_GRAPHQL_REQUEST_INVALID',
        rule: 'operation',
        reason: 'operationName names no operation',
      };
  }
  if (chosen.length === 0)
    return { ok: false, code: 'RAMPART_GRAPHQL_REQUEST_INVALID', rule: 'operation', reason: 'no operation' };

  const { schema, rulesOf } = limits.rules;
  const allowed = limits.introspection;
  const introspectionAllowed =
    typeof allowed === 'boolean' ? allowed : allowed.some((role) => roles.has(role));
  const cost = limits.cost;
  const listArguments = new Set(cost.listArguments);
  const argumentInputs: ArgumentInput[] = [];
  const memo = new Map<string, Facts>();
  const visiting = new Set<string>();

  function typeNamed(name: string): GraphQLNamedType | undefined {
    return schema?.getType(name) ?? undefined;
  }

  function collectValue(value: ValueNode, location: string): void {
    if (argumentInputs.length >= MAX_ARGUMENT_INPUTS)
      throw new Refused({
        code: 'RAMPART_GRAPHQL_TOO_COMPLEX',
        rule: 'arguments',
        reason: 'too many argument values',
      });
    if (value.kind === Kind.STRING) {
      if (value.value.length > 0) argumentInputs.push({ location, value: value.value });
    } else if (value.kind === Kind.LIST) {
      value.values.forEach((item, index) => {
        collectValue(item, `${location}[${index}]`);
      });
    } else if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) collectValue(field.value, `${location}.${field.name.value}`);
    }
  }

  function listSize(args: readonly ArgumentNode[] | undefined, isList: boolean): number {
    let size: number | undefined;
    for (const argument of args ?? []) {
      if (!listArguments.has(argument.name.value)) continue;
      const value = argument.value;
      let n: number | undefined;
      if (value.kind === Kind.INT) n = Number(value.value);
      else if (value.kind === Kind.VARIABLE) {
        const given = variables?.[value.name.value];
        if (typeof given === 'number') n = given;
      }
      if (n !== undefined && Number.isFinite(n)) size = Math.max(size ?? 0, Math.max(0, n));
    }
    return size ?? (isList ? cost.defaultListSize : 1);
  }

  function checkRoles(parent: string, field: string, location: string): void {
    const rule = rulesOf(parent, field);
    if (rule === undefined) return;
    for (const anyOf of rule) {
      if (!anyOf.some((role) => roles.has(role)))
        throw new Refused({
          code: 'RAMPART_GRAPHQL_FIELD_FORBIDDEN',
          rule: 'field-roles',
          reason: `${parent}.${field} needs one of ${anyOf.join(', ')}`,
          location,
        });
    }
  }

  function walk(
    set: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    parentName: string,
    level: number,
    path: string,
  ): Facts {
    if (level > limits.maxDepth)
      throw new Refused({
        code: 'RAMPART_GRAPHQL_TOO_DEEP',
        rule: 'depth',
        reason: `depth over ${limits.maxDepth}`,
        location: path,
      });
    let depth = 0;
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const key = selection.alias?.value ?? name;
        const location = `${path}.${key}`;
        depth = Math.max(depth, 1);
        if (name === '__typename') continue;
        if (INTROSPECTION.has(name) && !introspectionAllowed)
          throw new Refused({
            code: 'RAMPART_GRAPHQL_INTROSPECTION_DISABLED',
            rule: 'introspection',
            reason: `${name} queried`,
            location,
          });
        checkRoles(parentName, name, location);
        for (const argument of selection.arguments ?? [])
          collectValue(argument.value, `${location}(${argument.name.value})`);
        const definition =
          parent !== undefined && (isObjectType(parent) || isInterfaceType(parent))
            ? parent.getFields()[name]
            : undefined;
        const childType = definition === undefined ? undefined : getNamedType(definition.type);
        const isList = definition !== undefined && isListType(getNullableType(definition.type));
        const child =
          selection.selectionSet === undefined
            ? { depth: 0, cost: 0 }
            : walk(selection.selectionSet, childType, childType?.name ?? '', level + 1, location);
        const own =
          cost.fields[`${parentName}.${name}`] ??
          cost.fields[name] ??
          (selection.selectionSet === undefined ? cost.scalar : cost.object);
        total += listSize(selection.arguments, isList) * (own + child.cost);
        depth = Math.max(depth, 1 + child.depth);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value;
        const type = condition === undefined ? parent : typeNamed(condition);
        const facts = walk(selection.selectionSet, type, condition ?? parentName, level, path);
        depth = Math.max(depth, facts.depth);
        total += facts.cost;
      } else {
        const facts = spread(selection.name.value, level);
        depth = Math.max(depth, facts.depth);
        total += facts.cost;
      }
    }
    if (level - 1 + depth > limits.maxDepth)
      throw new Refused({
        code: 'RAMPART_GRAPHQL_TOO_DEEP',
        rule: 'depth',
        reason: `depth over ${limits.maxDepth}`,
        location: path,
      });
    return { depth, cost: total };
  }

  function spread(name: string, level: number): Facts {
    const known = memo.get(name);
    if (known !== undefined) {
      if (level - 1 + known.depth > limits.maxDepth)
        throw new Refused({
          code: 'RAMPART_GRAPHQL_TOO_DEEP',
          rule: 'depth',
          reason: `depth over ${limits.maxDepth}`,
        });
      return known;
    }
    const fragment = fragments.get(name);
    if (fragment === undefined)
      throw new Refused({
        code: 'RAMPART_GRAPHQL_REQUEST_INVALID',
        rule: 'fragment',
        reason: `unknown fragment ${name}`,
      });
    if (visiting.has(name))
      throw new Refused({
        code: 'RAMPART_GRAPHQL_REQUEST_INVALID',
        rule: 'fragment',
        reason: `fragment ${name} spreads itself`,
      });
    visiting.add(name);
    const condition = fragment.typeCondition.name.value;
    const facts = walk(fragment.selectionSet, typeNamed(condition), condition, level, `graphql.${name}`);
    visiting.delete(name);
    memo.set(name, facts);
    return facts;
  }

  try {
    let depth = 0;
    let total = 0;
    for (const operation of chosen) {
      const rootName = rootTypeName(schema, operation.operation);
      const facts = walk(operation.selectionSet, typeNamed(rootName), rootName, 1, 'graphql');
      for (const definition of operation.variableDefinitions ?? []) {
        if (definition.defaultValue !== undefined)
          collectValue(definition.defaultValue, `graphql.variables.${definition.variable.name.value}`);
      }
      if (facts.cost > limits.maxCost)
        throw new Refused({
          code: 'RAMPART_GRAPHQL_TOO_COSTLY',
          rule: 'cost',
          reason: `cost ${facts.cost} > ${limits.maxCost}`,
        });
      depth = Math.max(depth, facts.depth);
      total = Math.max(total, facts.cost);
    }
    return {
      ok: true,
      operations: chosen.map((operation) => operation.operation),
      depth,
      cost: total,
      aliases,
      directives,
      arguments: argumentInputs,
    };
  } catch (error) {
    if (error instanceof Refused) return error.refusal;
    throw error;
  }
}

function rootTypeName(schema: GraphQLSchema | undefined, operation: keyof typeof ROOT_NAMES): string {
  const root =
    operation === 'query'
      ? schema?.getQueryType()
      : operation === 'mutation'
        ? schema?.getMutationType()
        : schema?.getSubscriptionType();
  return root?.name ?? ROOT_NAMES[operation];
}
