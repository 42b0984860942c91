// The OpenAPI library: load, index, compile and check against a 3.0/3.1 contract. Shared by the
// validation and response policies, the audit, the scanner and the inventory; no gateway imports.
export type { MultipartLimits } from './body-reader.ts';
export {
  type CompiledOperation,
  type Contract,
  type ContractOptions,
  compileContract,
  queryKeyNameOf,
} from './contract.ts';
export { isIssuedCredentialName, issuesCredentials, normalizeName } from './credential-operations.ts';
export { forgetJson, jsonOf, type ParsedJson, replaceJson } from './json-body.ts';
export { type BodyFormat, essenceOf, formatOf } from './media-type.ts';
export {
  HTTP_METHODS,
  indexOperations,
  listOperations,
  type Operation,
  type OperationIndex,
  type OperationMatch,
  type Parameter,
} from './operations.ts';
export { deref, isObject, isRef, pointerOf, resolvePointer } from './pointer.ts';
export { type DocumentedResponse, documentedResponse } from './responses.ts';
export { type Finding, type MemberFinding, SchemaWalker, type WalkOptions } from './schema-walk.ts';
export {
  loadSpecFile,
  MAX_SPEC_BYTES,
  type OpenApiDocument,
  type OpenApiVersion,
  parseSpecText,
  type SpecFile,
} from './spec-file.ts';
export { type ConfigWithPolicies, mainSpecFilesOf, SPEC_POLICIES, specFilesOf } from './spec-files.ts';
export {
  configSpecWarnings,
  formatSpecWarning,
  type SpecWarning,
  specWarnings,
} from './spec-warnings.ts';
export {
  checkRequest,
  type RequestCheck,
  type RequestCheckOptions,
  type RequestInput,
} from './validate-request.ts';
export { locationOf, memberSegment, type Violation } from './violations.ts';
