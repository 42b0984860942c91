// The SDL schema a route declares: built once per config version, with the roles that may read each
// field (`@rampart(roles: [...])` on fields and object types, plus the config's `roles` map). A field
// read through an interface or union carries the rules of every type that can answer it.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import {
  buildSchema,
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  Kind,
} from 'graphql';

/** The directive the SDL may use; declared for it when the file does not declare it. */
const DIRECTIVE = 'rampart';
const DECLARATION = `directive @${DIRECTIVE}(roles: [String!]!) on FIELD_DEFINITION | OBJECT | INTERFACE\n`;

/** Role sets a field needs: each set must be met (any one role of it). */
export type FieldRule = readonly (readonly string[])[];

/** What the policy knows from the schema. */
export interface SchemaRules {
  readonly schema: GraphQLSchema | undefined;
  /** `Type.field` → the role sets it needs; absent means anyone who reached the route may read it. */
  rulesOf(parent: string, field: string): FieldRule | undefined;
  readonly ruleCount: number;
}

function rolesOf(directives: readonly ConstDirectiveNode[] | undefined): string[] | undefined {
  const directive = directives?.find((d) => d.name.value === DIRECTIVE);
  const argument = directive?.arguments?.find((a) => a.name.value === 'roles');
  if (argument === undefined) return undefined;
  const value = argument.value;
  if (value.kind === Kind.STRING) return [value.value];
  if (value.kind !== Kind.LIST) return undefined;
  return value.values.flatMap((item) => (item.kind === Kind.STRING ? [item.value] : []));
}

/** Reads and builds the SDL; throws naming the file when it is not a valid schema. */
function loadSchema(file: string, baseDir: string): GraphQLSchema {
  const path = isAbsolute(file) ? file : join(baseDir, file);
  const sdl = readFileSync(path, 'utf8');
  const declared = sdl.includes(`directive @${DIRECTIVE}`);
  try {
    return buildSchema(declared ? sdl : DECLARATION + sdl);
  } catch (error) {
    throw new Error(`graphql schema ${file}: ${(error as Error).message}`);
  }
}

/** Builds the rules from the schema file (optional) and the config's `roles` map. */
export function compileSchemaRules(
  file: string | undefined,
  baseDir: string,
  configured: Readonly<Record<string, readonly string[]>>,
): SchemaRules {
  const schema = file === undefined ? undefined : loadSchema(file, baseDir);
  // Own rules: type-level and field-level, from directives and config.
  const own = new Map<string, string[][]>();
  const add = (key: string, roles: readonly string[] | undefined) => {
    if (roles === undefined || roles.length === 0) return;
    const list = own.get(key) ?? [];
    list.push([...roles]);
    own.set(key, list);
  };
  if (schema !== undefined) {
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      add(type.name, rolesOf(type.astNode?.directives));
      for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[])
        add(`${type.name}.${field.name}`, rolesOf(field.astNode?.directives));
    }
  }
  for (const [key, roles] of Object.entries(configured)) add(key, roles);

  const direct = (type: string, field: string): string[][] => [
    ...(own.get(type) ?? []),
    ...(own.get(`${type}.${field}`) ?? []),
  ];
  // Through an abstract type, every possible type's rules apply (the answer may come from any).
  const rules = new Map<string, FieldRule>();
  const possible = (type: GraphQLNamedType): readonly string[] =>
    schema !== undefined && isAbstractType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : [];
  const keys = new Set<string>();
  if (schema !== undefined) {
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      for (const field of Object.keys(type.getFields())) {
        const sets = [...direct(type.name, field), ...possible(type).flatMap((name) => direct(name, field))];
        if (sets.length > 0) rules.set(`${type.name}.${field}`, sets);
        keys.add(`${type.name}.${field}`);
      }
    }
  }
  // Config rules for types or fields the schema does not know (or without a schema) still apply.
  for (const key of own.keys()) {
    if (key.includes('.') && !keys.has(key)) rules.set(key, own.get(key)!);
  }
  const typeOnly = new Map([...own].filter(([key]) => !key.includes('.')));
  return {
    schema,
    ruleCount: own.size,
    rulesOf(parent, field) {
      return (
        rules.get(`${parent}.${field}`) ?? (keys.has(`${parent}.${field}`) ? undefined : typeOnly.get(parent))
      );
    },
  };
}
