// References to general entities (`&name;`, XML 1.0 §4.1) that no DTD of the request declares:
// neither one of XML's five predefined entities nor a character reference HTML names. They resolve
// only against a DTD: one the attacker injects elsewhere, or the document the value lands in.

// HTML 4's 252 named references (the ones text uses: Latin-1, symbols, Greek, typography) and
// HTML5's names of ASCII punctuation (`&colon;`, `&lpar;`), compared lower-cased.
const HTML_NAMES = new Set(
  [
    'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2',
    'sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest agrave aacute acirc',
    'atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve',
    'oacute ocirc otilde ouml times oslash ugrave uacute ucirc uuml yacute thorn szlig divide yuml fnof',
    'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma sigmaf',
    'tau upsilon phi chi psi omega thetasym upsih piv bull hellip prime oline frasl weierp image real',
    'trade alefsym larr uarr rarr darr harr crarr forall part exist empty nabla isin notin ni prod sum',
    'minus lowast radic prop infin ang and or cap cup int there4 sim cong asymp ne equiv le ge sub sup',
    'nsub sube supe oplus otimes perp sdot lceil rceil lfloor rfloor lang rang loz spades clubs hearts',
    'diams quot amp lt gt apos oelig scaron circ tilde ensp emsp thinsp zwnj zwj lrm rlm ndash mdash',
    'lsquo rsquo sbquo ldquo rdquo bdquo dagger permil lsaquo rsaquo euro tab newline colon sol bsol',
    'lpar rpar equals period comma semi excl num dollar percnt lsqb rsqb lcub rcub lbrack rbrack lbrace',
    'rbrace grave verbar vert plus ast quest commat lowbar hyphen dash check cross star starf',
  ]
    .join(' ')
    .split(' '),
);

const MAX_REFERENCES = 256;
const MAX_NAME = 64;

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

/** A reference to an entity neither XML nor HTML predefines: where its `&` is and where it ends. */
export interface EntityReference {
  readonly at: number;
  readonly end: number;
}

/**
 * The references to undeclared general entities in `text` (`&systemEntity;`), each not glued to a
 * word before it (`a&b;` is code or a query string, not a reference). Linear in `text`.
 */
export function undeclaredReferences(text: string): EntityReference[] {
  const found: EntityReference[] = [];
  let guard = 0;
  for (let at = text.indexOf('&'); at >= 0 && guard++ < MAX_REFERENCES; at = text.indexOf('&', at + 1)) {
    if (at > 0 && isNameChar(text.charCodeAt(at - 1))) continue;
    if (!isNameStart(text.charCodeAt(at + 1))) continue;
    let j = at + 2;
    while (j < text.length && j - at <= MAX_NAME && isNameChar(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== 59) continue;
    if (HTML_NAMES.has(text.slice(at + 1, j).toLowerCase())) continue;
    found.push({ at, end: j + 1 });
  }
  return found;
}
