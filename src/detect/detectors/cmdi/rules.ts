// biome-ignore-all lint/suspicious/noTemplateCurlyInString: a description quotes the literal `${IFS}`.
// The OS command injection rules.
import { ruleTable } from '../../rules.ts';

export const CMDI_RULES = ruleTable('cmdi', {
  'cmdi.chained-command': {
    paranoia: 1,
    score: 5,
    description:
      'a known command after a separator (`;`, `|`, `&&`, newline) that leads the value or takes a system argument',
  },
  'cmdi.chained-command.weak': {
    paranoia: 1,
    score: 3,
    description: 'a command after a separator in multi-line or documentation-like text',
  },
  'cmdi.chained-command.filter': {
    paranoia: 2,
    score: 2,
    description: 'a text filter (`grep`, `sort`, `head`) after a pipe',
  },
  'cmdi.substitution': {
    paranoia: 1,
    documents: 2,
    score: 5,
    description: 'a command in `$( )` or backtick substitution',
  },
  'cmdi.substitution.weak': {
    paranoia: 1,
    score: 3,
    description: 'a text filter in a substitution (`$(grep …)`)',
  },
  'cmdi.substitution.filter': {
    paranoia: 2,
    score: 2,
    description: 'a text filter in a substitution inside prose',
  },
  'cmdi.separator-probe': {
    paranoia: 2,
    score: 3,
    description:
      'a value that is only shell separators (`&& `, `|| `, `; `, a line break): a probe of whether the value reaches a shell',
  },
  'cmdi.documented': {
    paranoia: 3,
    score: 5,
    description: 'a command in a code span or on its own line of documentation-like text, weighed fully',
  },
  'cmdi.code-span': {
    paranoia: 1,
    documents: 2,
    score: 1,
    description: 'a command in a Markdown code span (`` `ls -la` `` after prose): needs other evidence',
  },
  'cmdi.ifs': { paranoia: 1, score: 5, description: '`$IFS` / `${IFS}` used as a word separator' },
  'cmdi.shell-idiom': {
    paranoia: 1,
    score: 5,
    description:
      'a reverse-shell or Shellshock idiom (`/dev/tcp/`, `bash -i`, `() {`, `cmd /c`, `mkfifo /tmp`)',
  },
  'cmdi.shell-idiom.documented': {
    paranoia: 1,
    documents: 2,
    score: 3,
    description: 'such an idiom inside a Markdown code span',
  },
  'cmdi.windows-idiom': {
    paranoia: 1,
    score: 5,
    description:
      'a cmd.exe idiom (`for /f … in (…)`, `if %X% equ`, `cmd /c`, `certutil -urlcache`, `wmic process`, `regsvr32 /s /i:`)',
  },
  'cmdi.caret-obfuscation': {
    paranoia: 1,
    score: 5,
    description: 'cmd.exe escape carets splitting a word (`w^h^o^a^m^i`)',
  },
  'cmdi.powershell': {
    paranoia: 1,
    score: 5,
    description:
      'PowerShell download, decode or execution (`iex(`, `Invoke-Expression`, `-enc <base64>`, `Net.WebClient`, `-ep bypass`)',
  },
  'cmdi.glob-path': {
    paranoia: 1,
    score: 5,
    description: 'a file name spelled with shell globs (`/???/c?t /??c/p??s??`, `/bin/c[a]t`)',
  },
  'cmdi.brace-expansion': {
    paranoia: 1,
    score: 5,
    description: 'brace expansion that builds a command line (`{cat,/etc/passwd}`)',
  },
  'cmdi.encoded-command': {
    paranoia: 1,
    score: 5,
    description:
      'a command written as escapes or piped through a decoder to a shell (`$(printf "\\x69\\x64")`, `base64 -d | sh`)',
  },
  'cmdi.variable-slice': {
    paranoia: 1,
    score: 5,
    description: 'substring or pattern expansion spelling characters (`${PATH:0:1}`, `${g//x/}`)',
  },
  'cmdi.variable-exec': {
    paranoia: 1,
    score: 5,
    description: "a command stored in a variable and run by name (`CMD=$'…';$CMD`)",
  },
  'cmdi.here-string': {
    paranoia: 1,
    score: 5,
    description: 'a bash here-string feeding a command (`$(tr … <<< "WHOAMI")`)',
  },
  'cmdi.exec-call': {
    paranoia: 1,
    score: 5,
    description: 'a call that hands a string to a shell (`system("…")`, `os.system(`, `subprocess.run(`)',
  },
  'cmdi.command-line': {
    paranoia: 1,
    score: 5,
    description:
      'a value that is itself a command line with shell-shaped arguments (`cat /etc/passwd`, `ping -c 4 10.0.0.1`)',
  },
  'cmdi.command-line.filter': {
    paranoia: 1,
    score: 3,
    description: 'a text-filter command line without system arguments',
  },
});
