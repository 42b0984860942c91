// The structured logger the modules below the wiring take (pino-compatible), so they log without
// depending on pino or on the policy contract.

/** The minimal structured logger (pino-compatible). */
export interface StructuredLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
