// The header map every layer passes around: lower-case names, as Node gives them.

/** A header map with lower-case names, as Node gives them. */
export type HeaderMap = Record<string, string | string[] | undefined>;
