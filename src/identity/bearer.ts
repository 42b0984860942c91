// Reading a Bearer credential (RFC 6750 §2.1) from one header value; the scheme is case-insensitive
// (RFC 9110 §11.1) and the token bounded, so nothing unbounded is hashed or stored.

/** The longest bearer token read; longer ones are refused as malformed. */
export const MAX_BEARER_LENGTH = 16 * 1024;

/** The token of `Bearer <token>`, or undefined when the value is not a Bearer credential. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ')
    return undefined;
  const token = header.slice(7).trim();
  return token.length === 0 ? undefined : token;
}
