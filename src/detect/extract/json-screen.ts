// A one-sweep screen of JSON texts: whether every string in it is plain (letters, digits, space,
// `_`, `,`, `-`), so that only the detectors that read words apply, on the text as a whole.

// Linear, also when it fails: the alternatives start with different characters (`"`, one syntax
// character, `t`, `f`, `n`), so each position has one way to be consumed and a failure unwinds
// without retrying (a `[…]+` inside the `*` would make it exponential on a failing text).
const PLAIN_JSON = /^(?:"[A-Za-z0-9 _,-]*"|[\s{}[\]:,0-9.eE+-]|true|false|null)*$/;

/** Whether `text` is JSON syntax whose strings (names and values) are all plain ASCII words. */
export function isPlainJson(text: string): boolean {
  try {
    return PLAIN_JSON.test(text);
  } catch {
    // The regular expression engine's backtrack stack is bounded; a huge text is screened the slow way.
    return false;
  }
}
