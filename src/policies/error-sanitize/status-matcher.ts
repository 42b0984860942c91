// Compiles a list of statuses (`500`, `"5xx"`) into a lookup table.
import type { ErrorSanitizeConfig } from './config.ts';

/** Whether a status is selected; built once, one array read per response. */
export type StatusMatcher = (status: number) => boolean;

/** Builds the matcher; only 400–599 can be selected. */
export function compileStatuses(statuses: ErrorSanitizeConfig['statuses']): StatusMatcher {
  const table = new Uint8Array(600);
  for (const entry of statuses) {
    if (entry === '4xx') table.fill(1, 400, 500);
    else if (entry === '5xx') table.fill(1, 500, 600);
    else table[entry] = 1;
  }
  return (status) => table[status] === 1;
}

/** Whether any 4xx status is selected (the pipeline buffers only 5xx bodies for `needs: 'errors'`). */
export function selectsClientErrors(matches: StatusMatcher): boolean {
  for (let status = 400; status < 500; status++) if (matches(status)) return true;
  return false;
}
