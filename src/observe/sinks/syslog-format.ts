// RFC 5424 syslog messages and their transport framing: octet counting on TCP and TLS (RFC 6587 §3.4.1,
// RFC 5425 §4.3), one message per datagram on UDP (RFC 5426).
import { hostname } from 'node:os';
import type { ExportItem } from '../export-item.ts';

/** RFC 5424 §6.2.1 facilities by name (the numeric code × 8 + severity is the PRI). */
export const FACILITIES = {
  kern: 0,
  user: 1,
  daemon: 3,
  auth: 4,
  authpriv: 10,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;

export type Facility = keyof typeof FACILITIES;

// RFC 5424 §6.2.1 severities: a block is a warning (4), a monitor-mode finding a notice (5), a
// critical finding critical (2), a finished request informational (6).
function severityOf(item: ExportItem): number {
  if (item.kind === 'request') return 6;
  if (item.event.severity === 'critical') return 2;
  return item.event.outcome === 'denied' ? 4 : 5;
}

// HOSTNAME, APP-NAME, PROCID and MSGID are PRINTUSASCII (33-126), bounded (§6.2.4-6.2.7); NILVALUE "-".
function printable(text: string, max: number): string {
  let out = '';
  for (let i = 0; i < text.length && out.length < max; i++) {
    const c = text.charCodeAt(i);
    if (c >= 33 && c <= 126) out += text[i];
  }
  return out === '' ? '-' : out;
}

/** The header fields that stay the same for every message of a process. */
export interface SyslogHeader {
  readonly facility: number;
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
}

/** The header of this process (hostname from the OS unless given). */
export function syslogHeader(facility: Facility, appName = 'rampart', host = hostname()): SyslogHeader {
  return {
    facility: FACILITIES[facility],
    hostname: printable(host, 255),
    appName: printable(appName, 48),
    procId: printable(String(process.pid), 128),
  };
}

/** One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG` (no structured data). */
export function syslogMessage(header: SyslogHeader, item: ExportItem, message: string): string {
  const pri = header.facility * 8 + severityOf(item);
  const time = item.kind === 'security' ? item.event.time : item.request.time;
  const msgId = item.kind === 'security' ? 'security' : 'access';
  // MSG is MSG-ANY here (no BOM): many receivers show a BOM as garbage. JSON.stringify leaves no raw
  // line break, so a receiver that splits on newlines still sees one message.
  return `<${pri}>1 ${new Date(time).toISOString()} ${header.hostname} ${header.appName} ${header.procId} ${msgId} - ${message}`;
}

/** Octet-counting framing: `MSG-LEN SP SYSLOG-MSG`, MSG-LEN counting bytes (RFC 6587 §3.4.1). */
export function octetCounted(message: string): Buffer {
  const body = Buffer.from(message);
  return Buffer.concat([Buffer.from(`${body.length} `), body]);
}
