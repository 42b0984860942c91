// The detection engine's public API: a library of its own, usable without the gateway.

export { decodeLayers } from './decode/views.ts';
export {
  createDetector,
  DEFAULT_BUDGET_BYTES,
  DEFAULT_THRESHOLD,
  type DetectorOptions,
  type InspectionResult,
  type OverBudgetAction,
  type ThreatDetector,
  thresholdFor,
} from './engine.ts';
export type { Exclusion } from './exclusions.ts';
export { inputsFromBody } from './extract/body.ts';
export {
  BENIGN_HEADERS,
  DEFAULT_HEADERS,
  inputsFromAllHeaders,
  inputsFromCookies,
  inputsFromHeaders,
  inputsFromProtocolHeaders,
  isBenignHeader,
  PROTOCOL_HEADERS,
} from './extract/headers.ts';
export { inputsFromJson, inputsFromJsonValue } from './extract/json.ts';
export {
  inputsFromPath,
  inputsFromPathSegments,
  inputsFromQuery,
  inputsFromUrlencoded,
} from './extract/query.ts';
export { inputsFromXml } from './extract/xml.ts';
export type { Paranoia, Rule } from './rules.ts';
export {
  CATEGORIES,
  type Category,
  type Confidence,
  type Finding,
  type Input,
  type InputKind,
} from './types.ts';
