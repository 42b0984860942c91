// What authn policies leave for later ones on the same request: the challenges of methods whose
// credentials were absent (so the final 401 offers every accepted scheme) and the credential
// identifier a failure was about (for the brute-force guard). Keyed weakly by the request context.

interface Notes {
  challenges: string[];
  credentialId: string | undefined;
  failed: boolean;
}

const NOTES = new WeakMap<object, Notes>();

function notesOf(ctx: object): Notes {
  let notes = NOTES.get(ctx);
  if (notes === undefined) {
    notes = { challenges: [], credentialId: undefined, failed: false };
    NOTES.set(ctx, notes);
  }
  return notes;
}

/** Records that a method found no credential of its kind; its challenge joins the final 401. */
export function noteChallenge(ctx: object, challenge: string): void {
  const notes = notesOf(ctx);
  if (!notes.challenges.includes(challenge)) notes.challenges.push(challenge);
}

/** The challenges noted so far on this request, plus `own` last (deduplicated). */
export function challengesFor(ctx: object, own?: string): string {
  const noted = NOTES.get(ctx)?.challenges ?? [];
  if (own === undefined || noted.includes(own)) return noted.join(', ');
  return noted.length === 0 ? own : `${noted.join(', ')}, ${own}`;
}

/** Records which credential (key id, username, kid — never a secret) a failed attempt used. */
export function noteFailure(ctx: object, credentialId: string | undefined): void {
  const notes = notesOf(ctx);
  notes.failed = true;
  if (credentialId !== undefined) notes.credentialId = credentialId;
}

/** The failure noted on this request, if any. */
export function failureOf(ctx: object): { credentialId: string | undefined } | undefined {
  const notes = NOTES.get(ctx);
  return notes?.failed === true ? { credentialId: notes.credentialId } : undefined;
}
