// Rampart's public API, listed deliberately: start a gateway in-process, and the contract for authors
// of custom policies. Everything else under src/ is internal and may change.

export type { ErrorCode } from './errors/codes.ts';
export { ERROR_CODES } from './errors/codes.ts';
export {
  type ConfigInput,
  ConfigRefusedError,
  type Rampart,
  type RampartOptions,
  startRampart,
} from './instance/start.ts';
export type { FinishedRequest } from './observe/gateway-records.ts';
export {
  type AuthnAttempt,
  type AuthnOutcome,
  type ClientCertificate,
  type Clock,
  CONTINUE,
  type Continue,
  type Deny,
  definePolicy,
  deny,
  type HeaderMap,
  type Identity,
  type LogContext,
  type MaybePromise,
  type OperationMatcher,
  POLICY_MODES,
  type PolicyAdminReply,
  type PolicyAdminRequest,
  type PolicyAdminRoute,
  type PolicyContext,
  type PolicyDefinition,
  type PolicyDeps,
  type PolicyHandlers,
  type PolicyLogger,
  type PolicyMode,
  type PolicyNeeds,
  type ResponseView,
  type RouteInfo,
  type SecurityEvent,
  STAGES,
  type Stage,
  type StaticConfig,
  type Verdict,
  type VersionCache,
} from './policies/policy.ts';
