// Idioms of cmd.exe, PowerShell and obfuscated Unix shells for the command injection detector:
// bounded patterns, each tried only when one of its literal triggers is in the text.
import type { CMDI_RULES } from './rules.ts';

/** Characters one of the IDIOMS needs. */
export const IDIOM_SYNTAX = /[-/\\%^[{$<:.|&;(]/;

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * `$(printf "\\x69\\x64")`, `echo -e '\\x63…'`, `$'\\x77\\x68'`, `base64 -d | sh`: command text written as
 * escapes or piped through a decoder, read on the raw value (the decoded view has turned escapes into letters);
 * a hex or base64 decoder fed an inline literal inside a substitution (`` `xxd -r -p <<< 2f6574…` ``), a
 * reversed string in one (`$(echo …|rev)`).
 */
export const ENCODED_COMMAND =
  /(?:\bprintf\s+|\becho\s+-e\s+|\$)["']?(?:\\x[0-9a-f]{2}|\\[0-7]{3}){2,}|\$'[^'\\]{1,40}(?:\\x[0-9a-f]{2}|\\[0-7]{3}){2,}|\bbase64\s+(?:-d|--decode|-di)\b[^|]{0,20}\|\s*(?:ba|z|k|da)?sh\b|(?:`|\$\()[^`)]{0,60}\b(?:xxd\s+-r|base64\s+(?:-d|--decode|-di)\b)[^`)|;<]{0,12}<|\$\([^)]{0,60}\|\s*rev\s*\)/;

/**
 * `${u}` or `$(u)` between word characters: an unset variable, or a command that prints nothing,
 * splits a word for filters, not for the shell.
 */
export const EMPTY_EXPANSION =
  /(?<=[a-z/.])\$(?:\{[a-z_][a-z0-9_]{0,15}\}|\([a-z_][a-z0-9_]{0,15}\))(?=[a-z/.])/g;

/**
 * Idioms of cmd.exe, PowerShell and obfuscated Unix shells, each a rule of its own. Every pattern
 * is a chain of literals and bounded classes: linear in the input.
 */
export const IDIOMS: readonly (readonly [keyof typeof CMDI_RULES, RegExp])[] = [
  [
    'cmdi.windows-idiom',
    new RegExp(
      [
        // `for /f "tokens=*" %i in ('whoami') do …`, `if %X% equ y (…)`
        '\\bfor\\s+/[fldr]\\s+(?:"[^"]{0,80}"\\s+)?%%?[a-z]\\s+in\\s*\\(',
        '\\bif\\s+(?:not\\s+)?(?:/i\\s+)?(?:%[a-z_]{1,30}%|"[^"]{0,40}")\\s*(?:equ|neq|lss|leq|gtr|geq|==)\\s',
        '\\bcmd(?:\\.exe)?["\\s]+/[ckr]\\b',
        '\\bcertutil(?:\\.exe)?\\s+-(?:urlcache|decode|encode|verifyctl)\\b',
        '\\bbitsadmin(?:\\.exe)?\\s+/(?:transfer|create|addfile)\\b',
        '\\bwmic(?:\\.exe)?\\s+(?:/node:\\S{1,64}\\s+)?(?:process|os|useraccount|shadowcopy|service|startup)\\b',
        '\\bregsvr32(?:\\.exe)?\\s+/[sniu]\\b',
        '\\bmshta(?:\\.exe)?\\s+["\']?(?:https?:|vbscript:|javascript:|\\\\\\\\)',
        '\\brundll32(?:\\.exe)?\\s+[^\\s]{0,60}(?:javascript:|,\\s*#?\\d|url\\.dll)',
        '\\bset\\s+/[ap]\\s+\\w{1,30}\\s*=',
      ].join('|'),
    ),
  ],
  ['cmdi.caret-obfuscation', /(?:[a-z]\^){2,}[a-z]|\^[a-z]\^[a-z]/],
  [
    'cmdi.powershell',
    new RegExp(
      [
        '\\biex\\s*\\(',
        '\\binvoke-(?:expression|webrequest|restmethod|command|item|shellcode|mimikatz)\\b',
        '\\bnew-object\\s+(?:-typename\\s+)?(?:system\\.)?net\\.(?:webclient|sockets)',
        '\\.download(?:string|file|data)\\s*\\(',
        '::frombase64string\\s*\\(',
        '\\bstart-process\\s+\\S',
        '\\s-(?:enc|encodedcommand|ec)\\s+[a-z0-9+/=]{12,}',
        '\\s-(?:executionpolicy|ep|exec)\\s+(?:bypass|unrestricted)\\b',
        '\\s-(?:w|windowstyle)\\s+hidden\\b',
        '\\[(?:system\\.)?(?:convert|text\\.encoding|reflection\\.assembly)\\]::',
      ].join('|'),
    ),
  ],
  // `/???/c?t /??c/p??s??`, `/bin/c[a]t`: file names matched by globs the shell expands.
  [
    'cmdi.glob-path',
    /\/(?:\?{2,}|[a-z]{0,4}[?*][a-z?*]{0,6})\/[a-z]{0,6}[?*[]|\/[a-z]{1,8}\/[a-z]{0,6}\[[a-z]{1,3}\][a-z]{0,6}\b/,
  ],
  // `{cat,/etc/passwd}`, `{ls,-la}`: brace expansion builds a command line without spaces.
  [
    'cmdi.brace-expansion',
    /\{(?:cat|ls|id|nc|wget|curl|bash|sh|echo|rm|uname|whoami|ping|python|perl|php)(?:,[^{}\s,]{1,64}){1,6}\}/,
  ],
  // `${PATH:0:1}` (a slash), `${HOME:0:1}`: substring expansion that spells characters.
  ['cmdi.variable-slice', /\$\{[a-z_]{1,20}(?::-?\d{1,3}(?::\d{1,3})?|\/\/[^}]{0,40}\/[^}]{0,40})\}/],
  // `CMD=$'…';$CMD`, `X=$'uname\x20-a'&&$X`: a command stored in a variable, then run by name.
  [
    'cmdi.variable-exec',
    // The quotes may come escaped (`CMD=$\'…\';$CMD`) for a payload written into a quoted context.
    /\b([a-z_][a-z0-9_]{0,15})=\$?\\?(?:'[^']{0,80}'|"[^"]{0,80}")\s*(?:;|&&|\|\||&)\s*\$\{?\1\b/,
  ],
  ['cmdi.here-string', /\$\([^)]{0,80}<<<|<<<\s*["']?[a-z$]/],
];

/** Literals each idiom's pattern needs: without one of them its pattern cannot match. */
export const IDIOM_TRIGGERS: Partial<Record<keyof typeof CMDI_RULES, readonly string[]>> = {
  'cmdi.windows-idiom': [
    'for ',
    ' equ',
    ' neq',
    ' lss',
    ' leq',
    ' gtr',
    ' geq',
    '==',
    'cmd',
    'certutil',
    'bitsadmin',
    'wmic',
    'regsvr32',
    'mshta',
    'rundll32',
    'set ',
  ],
  'cmdi.caret-obfuscation': ['^'],
  'cmdi.powershell': [
    'iex',
    'invoke-',
    'new-object',
    '.download',
    'frombase64string',
    'start-process',
    ' -e',
    ' -w',
    ']::',
  ],
  'cmdi.glob-path': ['?/', '*/', ']'],
  'cmdi.brace-expansion': [
    '{cat',
    '{ls',
    '{id',
    '{nc',
    '{wget',
    '{curl',
    '{bash',
    '{sh',
    '{echo',
    '{rm',
    '{uname',
    '{whoami',
    '{ping',
    '{python',
    '{perl',
    '{php',
  ],
  'cmdi.variable-slice': ['${'],
  'cmdi.variable-exec': ['=$', "='", '="', "=\\'", '=\\"'],
  'cmdi.here-string': ['<<<'],
};

/** Any idiom's trigger: one search decides whether the idioms are tried at all. */
export const IDIOM_PREFILTER = new RegExp(
  [...new Set(Object.values(IDIOM_TRIGGERS).flat())]
    .map((t) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('|'),
);
