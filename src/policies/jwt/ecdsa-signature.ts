// ECDSA signatures: JWS carries r‖s as fixed-length big-endian integers (RFC 7518 §3.4, IEEE P1363);
// node:crypto verifies fastest from the DER form (a SEQUENCE of two INTEGERs, ITU-T X.690 §8.3, §10.1).

/** Where the unsigned big-endian integer in `bytes[from, to)` starts once leading zeros are dropped. */
function significantStart(bytes: Buffer, from: number, to: number): number {
  let start = from;
  while (start < to - 1 && bytes[start] === 0) start++;
  return start;
}

/**
 * The DER form of a P1363 signature whose integers are `size` bytes each, or undefined when the
 * signature is not exactly 2 × `size` bytes long (jose and WebCrypto refuse any other length).
 */
export function derFromP1363(signature: Buffer, size: number): Buffer | undefined {
  if (signature.length !== size * 2) return undefined;
  const rStart = significantStart(signature, 0, size);
  const sStart = significantStart(signature, size, 2 * size);
  // A DER INTEGER is signed: a leading byte with the high bit set gets a zero byte before it.
  const rPad = signature[rStart]! & 0x80 ? 1 : 0;
  const sPad = signature[sStart]! & 0x80 ? 1 : 0;
  const rLength = size - rStart + rPad;
  const sLength = 2 * size - sStart + sPad;
  const body = 4 + rLength + sLength;
  // P-521 integers reach 67 bytes, so the sequence can pass 127 bytes: long-form length (X.690 §8.1.3.5).
  const head = body < 0x80 ? 2 : 3;
  const der = Buffer.allocUnsafe(head + body);
  der[0] = 0x30;
  if (head === 2) der[1] = body;
  else {
    der[1] = 0x81;
    der[2] = body;
  }
  let at = head;
  der[at++] = 0x02;
  der[at++] = rLength;
  if (rPad === 1) der[at++] = 0;
  at += signature.copy(der, at, rStart, size);
  der[at++] = 0x02;
  der[at++] = sLength;
  if (sPad === 1) der[at++] = 0;
  signature.copy(der, at, sStart, 2 * size);
  return der;
}
