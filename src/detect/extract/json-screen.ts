// A one-sweep screen of JSON texts: whether every string in it is plain (letters, digits, space,
// `_`, `,`, `-`), so that only the detectors that read words apply, on the text as a whole.

// Linear: the alternatives start with different characters (`"`, syntax, `t`, `f`, `n`), so at most
// one applies at each position and nothing is retried.
const PLAIN_JSON = /^(?:"[A-Za-z0-9 _,-]*"|[\s{}[\]:,0-9.eE+-]+|true|false|null)*$/;

/** Whether `text` is JSON syntax whose strings (names and values) are all plain ASCII words. */
export function isPlainJson(text: string): boolean {
  try {
    return PLAIN_JSON.test(text);
  } catch {
    // The regular expression engine's backtrack stack is bounded; a huge text is screened the slow way.
    return false;
  }
}
