// A raw HTTP/2 client for tests that must send what node:http2 refuses to send (CR/LF in values,
// connection-specific headers, pseudo-header abuse, DATA that disagrees with content-length) and see
// what comes back per stream: a status, a RST_STREAM code, or a GOAWAY. HPACK is written as literals
// without indexing; the client announces a header table of 0 so the answers use static entries only.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const FRAME = { data: 0, headers: 1, rstStream: 3, settings: 4, ping: 6, goaway: 7 } as const;
const FLAG = { endStream: 0x1, ack: 0x1, endHeaders: 0x4 } as const;

/** What came back on one stream. */
export interface StreamOutcome {
  readonly status?: number;
  readonly rstCode?: number;
}

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
}

function hpackInteger(value: number, prefixBits: number, first: number): number[] {
  const max = (1 << prefixBits) - 1;
  if (value < max) return [first | value];
  const out = [first | max];
  let rest = value - max;
  while (rest >= 128) {
    out.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

function hpackString(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  return Buffer.concat([Buffer.from(hpackInteger(bytes.length, 7, 0)), bytes]);
}

/** A header block of literals without indexing, in the order given (names as given: no lower-casing). */
export function headerBlock(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  return Buffer.concat(
    fields.flatMap(([name, value]) => [Buffer.from([0]), hpackString(name), hpackString(value)]),
  );
}

// RFC 7541 Appendix B codes for the digits, enough to read a :status.
const DIGIT_CODES: ReadonlyArray<readonly [number, number]> = [
  [0b00000, 5],
  [0b00001, 5],
  [0b00010, 5],
  [0b011001, 6],
  [0b011010, 6],
  [0b011011, 6],
  [0b011100, 6],
  [0b011101, 6],
  [0b011110, 6],
  [0b011111, 6],
];

function huffmanDigits(bytes: Buffer): string {
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  let out = '';
  let at = 0;
  while (bits.length - at >= 5) {
    const digit = DIGIT_CODES.findIndex(
      ([code, length]) =>
        at + length <= bits.length && Number.parseInt(bits.slice(at, at + length), 2) === code,
    );
    if (digit === -1) break;
    out += String(digit);
    at += DIGIT_CODES[digit]![1];
  }
  return out;
}

const STATIC_STATUS: Record<number, number> = { 8: 200, 9: 204, 10: 206, 11: 304, 12: 400, 13: 404, 14: 500 };

/** The :status of a response header block (the first field, as nghttp2 writes it). */
function statusOf(block: Buffer): number | undefined {
  let at = 0;
  while (at < block.length && (block[at]! & 0xe0) === 0x20) at++; // dynamic table size updates
  const first = block[at]!;
  if (first & 0x80) return STATIC_STATUS[first & 0x7f];
  // A literal whose name is static entry 8 (:status), with or without indexing.
  const nameIndex = (first & 0x40) !== 0 ? first & 0x3f : first & 0x0f;
  if (nameIndex !== 8) return undefined;
  const lengthByte = block[at + 1]!;
  const value = block.subarray(at + 2, at + 2 + (lengthByte & 0x7f));
  return Number((lengthByte & 0x80) !== 0 ? huffmanDigits(value) : value.toString('latin1'));
}

/** A raw HTTP/2 connection. */
export interface RawHttp2 {
  /** Sends HEADERS (END_HEADERS; END_STREAM when `endStream`). */
  headers(stream: number, fields: ReadonlyArray<readonly [string, string]>, endStream: boolean): void;
  data(stream: number, payload: Buffer, endStream: boolean): void;
  reset(stream: number, code: number): void;
  /** Resolves with the first status or RST_STREAM on `stream` (or a GOAWAY, as rstCode -1 with its code). */
  outcome(stream: number): Promise<StreamOutcome & { readonly goaway?: number }>;
  /** Resolves with the GOAWAY error code once one arrives. */
  readonly goaway: Promise<number>;
  close(): void;
}

/** Opens a raw HTTP/2 connection (h2c, or TLS with ALPN h2 when `tls`). */
export async function connectRawHttp2(port: number, tls = false): Promise<RawHttp2> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = tls
      ? tlsConnect({ port, host: '127.0.0.1', ALPNProtocols: ['h2'], rejectUnauthorized: false }, () =>
          resolve(s),
        )
      : netConnect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  socket.on('error', () => {});
  const outcomes = new Map<number, StreamOutcome & { goaway?: number }>();
  const waiters = new Map<number, Array<(outcome: StreamOutcome & { goaway?: number }) => void>>();
  let goawayCode: number | undefined;
  let resolveGoaway: (code: number) => void = () => {};
  const goaway = new Promise<number>((resolve) => {
    resolveGoaway = resolve;
  });
  const settle = (stream: number, outcome: StreamOutcome & { goaway?: number }) => {
    if (outcomes.has(stream)) return;
    outcomes.set(stream, outcome);
    for (const wake of waiters.get(stream) ?? []) wake(outcome);
    waiters.delete(stream);
  };
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 9) {
      const length = buffered.readUIntBE(0, 3);
      if (buffered.length < 9 + length) break;
      const type = buffered[3]!;
      const flags = buffered[4]!;
      const stream = buffered.readUInt32BE(5) & 0x7fffffff;
      const payload = buffered.subarray(9, 9 + length);
      buffered = buffered.subarray(9 + length);
      if (type === FRAME.settings && (flags & FLAG.ack) === 0)
        socket.write(frame(FRAME.settings, FLAG.ack, 0, Buffer.alloc(0)));
      else if (type === FRAME.ping && (flags & FLAG.ack) === 0)
        socket.write(frame(FRAME.ping, FLAG.ack, 0, payload));
      else if (type === FRAME.headers) {
        const status = statusOf(payload);
        if (status !== undefined) settle(stream, { status });
      } else if (type === FRAME.rstStream) settle(stream, { rstCode: payload.readUInt32BE(0) });
      else if (type === FRAME.goaway) {
        goawayCode = payload.readUInt32BE(4);
        resolveGoaway(goawayCode);
        for (const [id] of waiters) settle(id, { goaway: goawayCode });
      }
    }
  });
  socket.on('close', () => {
    for (const [id] of waiters) settle(id, { goaway: goawayCode ?? -1 });
  });
  // SETTINGS_HEADER_TABLE_SIZE (1) = 0: the server's answers then index the static table only.
  const settings = Buffer.from([0, 1, 0, 0, 0, 0]);
  socket.write(Buffer.concat([PREFACE, frame(FRAME.settings, 0, 0, settings)]));
  return {
    headers(stream, fields, endStream) {
      const flags = FLAG.endHeaders | (endStream ? FLAG.endStream : 0);
      socket.write(frame(FRAME.headers, flags, stream, headerBlock(fields)));
    },
    data(stream, payload, endStream) {
      socket.write(frame(FRAME.data, endStream ? FLAG.endStream : 0, stream, payload));
    },
    reset(stream, code) {
      const payload = Buffer.alloc(4);
      payload.writeUInt32BE(code);
      socket.write(frame(FRAME.rstStream, 0, stream, payload));
    },
    outcome(stream) {
      const known = outcomes.get(stream);
      if (known !== undefined) return Promise.resolve(known);
      if (socket.destroyed) return Promise.resolve({ goaway: goawayCode ?? -1 });
      return new Promise((resolve) => {
        const list = waiters.get(stream) ?? [];
        list.push(resolve);
        waiters.set(stream, list);
      });
    },
    goaway,
    close() {
      socket.destroy();
    },
  };
}
