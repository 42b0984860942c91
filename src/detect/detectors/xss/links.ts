// Links that hide where they lead, and URL schemes of old browsers that reach local files or other
// programs: the address tricks of XSS and phishing markup (RSnake's XSS cheat sheet, "URL string
// evasion"; Microsoft's res:, mhtml: and ms-its: protocols). Each check is one bounded pass.

/** Authorities longer than this are not read (a host name is at most 253 characters). */
const MAX_AUTHORITY = 320;

function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A host part written as a number a resolver still accepts: decimal, `0x` hex or leading-zero octal. */
function numericLabel(label: string): 'decimal' | 'hex' | 'octal' | undefined {
  if (label.startsWith('0x')) return /^0x[0-9a-f]*$/.test(label) ? 'hex' : undefined;
  if (!isDigits(label)) return undefined;
  return label.length > 1 && label[0] === '0' ? 'octal' : 'decimal';
}

/**
 * Whether a URL (lower-cased) names its host in a disguise: credentials before the host
 * (`http://trusted.example@evil`), a port that is not a number (`http://google:evil.example`, or a
 * second scheme glued to the host, `http://www.gohttp://evil/`), or an IPv4 address as one integer
 * (`http://1113982867/`), in hex or octal parts (`http://0x42.0x66.0x7.0x93/`), or with fewer than
 * four parts; a host name with a trailing dot (`http://www.google.com./`), or a scheme-relative one
 * without a dot (`//google`). Browsers resolve all of these (WHATWG URL §3.5, IPv4 parser); a link a person wrote does
 * not need them, a filter that looks for a host name misses them.
 */
export function disguisedHost(url: string): boolean {
  const slashes = url.indexOf('//');
  if (slashes < 0) return false;
  let first = 0;
  while (first < slashes && url.charCodeAt(first) <= 32) first++;
  // Absolute (`scheme://`) or scheme-relative (`//host`).
  if (first < slashes && !isScheme(url, first, slashes)) return false;
  const start = slashes + 2;
  let end = start;
  let hostName = false;
  let at = false;
  let colon = -1;
  for (; end < url.length && end - start < MAX_AUTHORITY; end++) {
    const c = url.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35 || c === 92) break;
    if (c === 64) at = true;
    else if (c === 58 && colon < 0) colon = end;
    // Beyond digits, dots and the hex of `0x…`: a host name, not a number.
    else if (colon < 0 && !((c >= 48 && c <= 57) || c === 46 || c === 120 || (c >= 97 && c <= 102)))
      hostName = true;
  }
  if (at) return true;
  // IPv6 literals (`[::1]:8080`) carry colons of their own.
  if (url.charCodeAt(start) === 91) return false;
  if (colon >= 0 && !isDigits(url.slice(colon + 1, end))) return true;
  if (hostName) {
    const host = url.slice(start, colon < 0 ? end : colon);
    // `www.google.com.`: a name in its absolute DNS form; `//google`: a scheme-relative link to a
    // name without a dot, which resolvers complete with a search domain.
    return host.endsWith('.') || (first === slashes && !host.includes('.') && host !== 'localhost');
  }
  const labels = url.slice(start, colon < 0 ? end : colon).split('.');
  if (labels[labels.length - 1] === '') labels.pop();
  const kinds = labels.map(numericLabel);
  if (labels.length === 0 || kinds.includes(undefined)) return false;
  return labels.length < 4 || kinds.some((k) => k !== 'decimal');
}

/** Whether `url[from, to)` is a scheme and its colon (`https:`): a letter, then letters, digits, `+.-`. */
function isScheme(url: string, from: number, to: number): boolean {
  if (to - from < 2 || to - from > 22 || url.charCodeAt(to - 1) !== 58) return false;
  for (let i = from; i < to - 1; i++) {
    const c = url.charCodeAt(i);
    const letter = c >= 97 && c <= 122;
    if (!(letter || (i > from && ((c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45)))) return false;
  }
  return true;
}

// Microsoft's MHTML and compiled-help protocols, and the URL handlers of programs that took their
// command line from the URL (Firefox's `firefoxurl:`, AOL Instant Messenger's `aim:`): old
// browsers load a document of another origin or a local file, or start the program, through them.
const LEGACY_SCHEMES = ['mhtml:', 'ms-its:', 'mk:@msitstore:', 'firefoxurl:', 'aim:'];
/** One pass over the text before the per-scheme searches (an alternation of literals, linear). */
const LEGACY_SCREEN = /mhtml:|ms-its:|mk:@msitstore:|firefoxurl:|aim:|res:\/\//;

/**
 * Where a URL of a legacy local-resource scheme starts, or -1: `mhtml:`, `ms-its:`,
 * `mk:@MSITStore:`, `firefoxurl:` followed by an address, and IE's `res://` naming a resource of a
 * program file (`res://ieframe.dll/…`, `res://c:\…\acrobat.dll/#2/#210`). Godot's `res://` paths name
 * project files, not `.dll`/`.exe` modules, and pass.
 */
export function legacySchemeAt(lower: string): number {
  if (!LEGACY_SCREEN.test(lower)) return -1;
  for (const scheme of LEGACY_SCHEMES) {
    for (let at = lower.indexOf(scheme); at >= 0; at = lower.indexOf(scheme, at + 1)) {
      const before = at > 0 ? lower.charCodeAt(at - 1) : 32;
      const after = lower.charCodeAt(at + scheme.length);
      const wordBefore = (before >= 97 && before <= 122) || (before >= 48 && before <= 57);
      if (wordBefore) continue;
      // An address follows (prose names the protocol with a space: "MHTML: MIME HTML"), or, after
      // spaces, a command-line argument for the program (`aim: &c:\windows\…\calc.exe`).
      let k = at + scheme.length;
      while (lower.charCodeAt(k) === 32 && k - at < 16) k++;
      const argument = k > at + scheme.length && lower.charCodeAt(k) === 38;
      // `aim:` is also a word of prose and of data (`aim:true`): only its arguments count.
      if (scheme === 'aim:' ? argument : (!Number.isNaN(after) && after > 32) || argument) return at;
    }
  }
  // Each address is read once: the next search starts where it ended.
  for (let at = lower.indexOf('res://'); at >= 0; ) {
    let end = at + 6;
    // Windows paths hold spaces (`c:\program files\…`): the address runs to a quote, bracket or line end.
    while (end < lower.length && end - at < 400) {
      const c = lower.charCodeAt(end);
      if (c === 34 || c === 39 || c === 60 || c === 62 || c === 10) break;
      end++;
    }
    const address = lower.slice(at + 6, end);
    if (address.includes('.dll') || address.includes('.exe')) return at;
    at = lower.indexOf('res://', end);
  }
  return -1;
}
