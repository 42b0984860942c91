// The subset of RFC 8941 structured fields HTTP Message Signatures use: a dictionary whose members are
// inner lists of strings with parameters (Signature-Input) or byte sequences (Signature, Content-Digest).
// A single linear scan with bounded sizes; anything else is refused (undefined).

/** A parameter value: integer, string or token. */
export type SfValue = number | string | boolean;

/** One dictionary member. */
export interface SfMember {
  /** The member's value as written (for `@signature-params`, which must be reproduced exactly). */
  readonly raw: string;
  readonly items: readonly string[] | undefined;
  readonly bytes: Buffer | undefined;
  readonly params: ReadonlyMap<string, SfValue>;
}

const MAX_FIELD = 8192;
const MAX_MEMBERS = 16;
const KEY = /^[a-z*][a-z0-9_.*-]{0,63}$/;

class Scanner {
  pos = 0;
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  key(): string | undefined {
    const start = this.pos;
    while (/[a-z0-9_.*-]/.test(this.peek())) this.pos++;
    const key = this.text.slice(start, this.pos);
    return KEY.test(key) ? key : undefined;
  }
  string(): string | undefined {
    if (this.peek() !== '"') return undefined;
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++]!;
      if (c === '\\') {
        const next = this.text[this.pos++];
        if (next !== '"' && next !== '\\') return undefined;
        out += next;
      } else if (c === '"') {
        return out;
      } else if (c < ' ' || c > '~') {
        return undefined;
      } else {
        out += c;
      }
    }
    return undefined;
  }
  bareValue(): SfValue | undefined {
    const c = this.peek();
    if (c === '"') return this.string();
    if (c === '?') {
      this.pos++;
      const bit = this.text[this.pos++];
      return bit === '1' ? true : bit === '0' ? false : undefined;
    }
    const start = this.pos;
    if (c === '-' || (c >= '0' && c <= '9')) {
      this.pos++;
      while (this.peek() >= '0' && this.peek() <= '9' && this.pos - start < 16) this.pos++;
      const n = Number(this.text.slice(start, this.pos));
      return Number.isSafeInteger(n) ? n : undefined;
    }
    while (/[A-Za-z0-9_.:/*!#$%&'+^`|~-]/.test(this.peek())) this.pos++;
    return this.pos > start ? this.text.slice(start, this.pos) : undefined;
  }
  params(): Map<string, SfValue> | undefined {
    const params = new Map<string, SfValue>();
    while (this.peek() === ';') {
      this.pos++;
      this.skipSpaces();
      const key = this.key();
      if (key === undefined || params.size >= 16) return undefined;
      let value: SfValue | undefined = true;
      if (this.peek() === '=') {
        this.pos++;
        value = this.bareValue();
        if (value === undefined) return undefined;
      }
      params.set(key, value);
    }
    return params;
  }
}

/** Parses a dictionary field (`sig1=(...);created=1, sig2=:…:`); undefined when malformed. */
export function parseDictionary(field: string | undefined): Map<string, SfMember> | undefined {
  if (field === undefined || field.length > MAX_FIELD) return undefined;
  const s = new Scanner(field);
  const members = new Map<string, SfMember>();
  s.skipSpaces();
  while (s.pos < field.length) {
    const key = s.key();
    if (key === undefined || s.peek() !== '=' || members.size >= MAX_MEMBERS) return undefined;
    s.pos++;
    const start = s.pos;
    let items: string[] | undefined;
    let bytes: Buffer | undefined;
    if (s.peek() === '(') {
      s.pos++;
      items = [];
      for (;;) {
        s.skipSpaces();
        if (s.peek() === ')') break;
        const item = s.string();
        if (item === undefined || items.length >= 64) return undefined;
        // Component parameters (`;sf`, `;key`) are not supported: refuse rather than misread.
        if (s.peek() === ';') return undefined;
        items.push(item);
        if (s.peek() !== ' ' && s.peek() !== ')') return undefined;
      }
      s.pos++;
    } else if (s.peek() === ':') {
      const end = field.indexOf(':', s.pos + 1);
      if (end === -1) return undefined;
      const b64 = field.slice(s.pos + 1, end);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined;
      bytes = Buffer.from(b64, 'base64');
      s.pos = end + 1;
    } else {
      return undefined;
    }
    const params = s.params();
    if (params === undefined) return undefined;
    members.set(key, { raw: field.slice(start, s.pos), items, bytes, params });
    s.skipSpaces();
    if (s.pos >= field.length) break;
    if (s.peek() !== ',') return undefined;
    s.pos++;
    s.skipSpaces();
  }
  return members;
}
