// How a JWT verification ended, as one comparable string: for checking the fast path against jose.

/** 'ok', 'fallback' (undefined: jose decides), or the error's class and, for claim errors, `:claim`. */
export async function verificationOutcome(run: () => unknown): Promise<string> {
  try {
    const result = await run();
    return result === undefined ? 'fallback' : 'ok';
  } catch (error) {
    const claim = (error as { claim?: string }).claim;
    return `${(error as Error).constructor.name}${claim === undefined ? '' : `:${claim}`}`;
  }
}
