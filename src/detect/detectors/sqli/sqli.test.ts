import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import type { InputKind } from '../../types.ts';
import { sqliDetector } from './sqli.ts';

/** The strongest score per rule for one value. */
function scores(value: string, kind: InputKind = 'query', location = 'query.q'): Map<string, number> {
  const out = new Map<string, number>();
  for (const hit of sqliDetector.detect(viewsOf(value), kind, location))
    out.set(hit.rule, Math.max(out.get(hit.rule) ?? 0, hit.score));
  return out;
}

function strongest(value: string, kind?: InputKind, location?: string): number {
  return Math.max(0, ...scores(value, kind, location).values());
}

describe('sqli detector', () => {
  test('finds tautologies after a quote breakout and in numeric context', () => {
    assert.equal(scores("' or '1'='1").get('sqli.tautology'), 5);
    assert.equal(scores("admin' OR 1=1-- ").get('sqli.tautology'), 5);
    assert.equal(scores('1 or 1=1').get('sqli.tautology'), 5);
    assert.equal(
      scores('1) and 8407=(select count(*) from generate_series(1,5000000))').get('sqli.subquery'),
      5,
    );
  });

  test('finds UNION and stacked queries, also with comments between the words', () => {
    assert.equal(scores("' UNION/**/ALL SELECT null,null--").get('sqli.union'), 5);
    assert.equal(scores('1; DROP TABLE users').get('sqli.stacked'), 5);
    assert.equal(scores("1'; exec master..xp_cmdshell 'ping 10.0.0.1'--").get('sqli.procedure'), 5);
  });

  test('finds comment truncation after a breakout', () => {
    assert.equal(scores("admin'--").get('sqli.comment-truncation'), 5);
    assert.equal(scores('admin" #').get('sqli.comment-truncation'), 5);
  });

  test('finds time- and error-based functions across dialects', () => {
    assert.equal(strongest("1' AND SLEEP(5)#"), 5);
    assert.equal(strongest("1;waitfor delay '0:0:5'--"), 5);
    assert.equal(strongest('1 AND pg_sleep(5)'), 5);
    assert.equal(strongest("' and extractvalue(1,concat(0x7e,version()))--"), 5);
    assert.equal(strongest('1" and 8312=dbms_pipe.receive_message(chr(69),5)--'), 5);
  });

  test('reads MySQL executable comments as code', () => {
    assert.equal(scores('1 /*!50000UNION*/ /*!50000SELECT*/ 1,2').get('sqli.union'), 5);
  });

  test('lets names with apostrophes, prose and colors through', () => {
    for (const benign of [
      "O'Brien",
      "D'Angelo-Smith",
      "It's a select few who came from the union hall",
      'Please select a file from the list, or drop it here',
      "I'll be there -- or not",
      'Upon his palm!--How now, you wanton calf!',
      '#00FF00',
      'SELECT your seat and ORDER BY price',
      'you and I or 2 of them',
    ]) {
      assert.ok(strongest(benign) < 5, benign);
    }
  });

  test('finds batches, dynamic execution, char chains and extended procedures', () => {
    assert.equal(scores('DECLARE @x varchar(99) SET @x=0x77 EXEC(@x)').get('sqli.declare'), 5);
    assert.equal(scores('DECLARE @x varchar(99) SET @x=0x77 EXEC(@x)').get('sqli.exec'), 3);
    assert.equal(scores('CHAR(113)+CHAR(118)').get('sqli.char-chain'), 5);
    assert.equal(scores("EXEC master.dbo.xp_dirtree '\\\\x\\a'").get('sqli.procedure'), 5);
  });

  test('counts short fragments from paranoia 2: a lone call, a catalog name', () => {
    const lone = sqliDetector
      .detect(viewsOf('version()'), 'query', 'query.q')
      .find((h) => h.rule === 'sqli.function.lone');
    assert.equal(lone?.paranoia, 2);
    assert.equal(scores('information_schema').get('sqli.catalog.name'), 3);
    assert.equal(scores('sqlite_master').get('sqli.catalog.name'), 3);
    assert.equal(scores('pg_shadow').get('sqli.catalog.name'), 3);
    assert.equal(scores('current_user').get('sqli.function.lone'), 3);
    assert.equal(scores('the current_user field').get('sqli.function.lone'), undefined);
    // A JSON member named like one is a name (`_links.current_user` in GitHub's API).
    assert.equal(
      scores('current_user', 'key', 'body._links.current_user').get('sqli.function.lone'),
      undefined,
    );
    assert.equal(scores('information_schema', 'key', 'body.x').get('sqli.catalog.name'), undefined);
    for (const value of [
      'Please declare your income',
      'execute the order',
      'the version (2) notes',
      'char is a type',
    ])
      assert.equal(strongest(value, 'body', 'body.text'), 0, value);
  });

  test('finds conditions that open the value, literal WHERE clauses and statements after a quote', () => {
    assert.equal(scores(' AND 1=1-- ').get('sqli.tautology'), 5);
    assert.equal(scores('or true--').get('sqli.tautology'), 5);
    assert.equal(scores(' AND 5650=CONVERT(INT,(SELECT 1))').get('sqli.tautology'), 5);
    assert.equal(scores("1')) as x where 5274=5274").get('sqli.tautology'), 5);
    assert.equal(scores("'=0--+").get('sqli.tautology'), 5);
    assert.equal(scores("') or ('x')=('x").get('sqli.tautology'), 5);
    assert.equal(scores("x' AND members.email IS NULL; --").get('sqli.tautology'), 5);
    assert.equal(scores("'; drop table users").get('sqli.stacked'), 5);
    assert.equal(scores("' create user bob identified by 'x' --").get('sqli.breakout'), 5);
  });

  test('leaves prose that opens with or/and and quoted statements deep in documents alone', () => {
    for (const value of [
      'or maybe later',
      'And then there were none',
      'Update a layer: `ogrinfo input.geojson -sql "UPDATE input SET name = \'foo\'"`',
      "where's my order?",
    ])
      assert.equal(strongest(value, 'body', 'body.text') < 5, true, value);
  });

  test('a diff hunk header and a branch named master are not SQL', () => {
    assert.equal(scores('@@ -1 +1 @@\n-test\n+test change').get('sqli.system-variable'), undefined);
    assert.equal(
      scores('https://api.github.com/repos/o/r/contents/x?ref=master').get('sqli.catalog.name'),
      undefined,
    );
    assert.equal(scores('select @@version').get('sqli.system-variable'), 3);
  });

  test('typographic quotes break out where an application folds them into apostrophes', () => {
    assert.equal(strongest('x’ or ‘a’=‘a'), 5);
    assert.equal(strongest('‘ and 2=2 --'), 5);
    // Prose with curly apostrophes stays prose.
    assert.equal(strongest('Don’t worry — it’s fine, or so they say'), 0);
  });

  test('a keyword split by a comment is read as a filter that drops comments reads it', () => {
    assert.equal(strongest('0 un/*x*/ion se/**/lect pass from users'), 5);
    // Comments between words change nothing: that text was already read.
    assert.equal(strongest('see /* the note */ below'), 0);
  });

  test('CASE WHEN over a comparison of literals is a boolean oracle', () => {
    assert.equal(
      scores('9 rlike (select (case when (41=41) then 9 else 0x28 end))').get('sqli.tautology'),
      5,
    );
    assert.equal(scores('case when 2>1 then 1 end').get('sqli.tautology'), 5);
    assert.equal(strongest('in case when you arrive then call me'), 0);
  });

  test('an ORDER BY ordinal as the whole value probes the column count', () => {
    assert.equal(scores(' order by 7 ').get('sqli.clause'), 5);
    assert.equal(scores('order by 2,3').get('sqli.clause'), 5);
    assert.equal(scores('order by 2 items per box').get('sqli.clause'), undefined);
    assert.equal(scores('1 LIMIT 1,1--').get('sqli.clause'), 5);
    assert.equal(scores('5 limit 3 per person -- see rules').get('sqli.clause'), undefined);
  });

  test('a condition that closes the string, and opens one again for the query to close', () => {
    assert.equal(scores("zz' or email like '%").get('sqli.tautology'), 5);
    assert.equal(scores("7' and role = 'admin").get('sqli.tautology'), 5);
    // Prose with apostrophes does not balance a query's quotes.
    assert.equal(strongest("It's late or so they like 'em"), 0);
  });

  test('IF over a comparison of literals, as a function or a statement', () => {
    assert.equal(scores('1 and if(3=3,sleep(0),0)').get('sqli.tautology'), 5);
    assert.equal(scores('IF(5=6) SELECT 1 ELSE SELECT 2').get('sqli.tautology'), 5);
    assert.equal(strongest('If (you = me) we agree'), 0);
  });

  test('a value that is one whole statement of a shape words never take', () => {
    assert.equal(scores('select system_user;').get('sqli.stacked'), 5);
    assert.equal(scores('create table t1 (c1 text);').get('sqli.stacked'), 5);
    assert.equal(scores("copy t1 from '/etc/hostname';").get('sqli.stacked'), 5);
    for (const prose of ['Delete from the cart;', 'Copy this;', 'Select your seat;', 'Create a table;'])
      assert.equal(strongest(prose), 0, prose);
  });

  test('conditions nested in the parentheses the query opened, and server functions compared', () => {
    assert.equal(scores("z')) and (('q'))=(('q").get('sqli.tautology'), 5);
    assert.equal(scores(') and (b=b').get('sqli.tautology'), 5);
    assert.equal(scores("5 or db_name() = 'master'").get('sqli.function'), 5);
    assert.equal(strongest('we (you or (me = me)) go'), 0);
  });

  test('a leading condition cut off by a comment; typographic dashes are punctuation', () => {
    assert.equal(scores(' AND p=q-- ').get('sqli.tautology'), 5);
    assert.equal(scores("' or k=k\u2014").get('sqli.tautology'), 5);
    assert.equal(strongest('or maybe this=that -- said Bob'), 0);
  });

  test('from paranoia 2, a short value of quotes and comment marks with no words is a probe', () => {
    const probe = (value: string) =>
      sqliDetector
        .detect(viewsOf(value), 'query', 'query.q')
        .some((h) => h.rule === 'sqli.probe' && h.paranoia === 2);
    for (const value of ["7'", "''", "1' --", '"', '5"#']) assert.equal(probe(value), true, value);
    // Words, numbers with a quote as thousands separator, colours, a media range.
    for (const value of ["O'Neil", "1'000.00", '#000000', '*/*', "l'été", '--1'])
      assert.equal(probe(value), false, value);
    // A code span's backtick left on a path segment of Markdown (`192.168.0.1/24\``).
    assert.ok(!sqliDetector.detect(viewsOf('24`'), 'path', 'path').some((h) => h.rule === 'sqli.probe'));
    assert.ok(sqliDetector.detect(viewsOf("24'"), 'path', 'path').some((h) => h.rule === 'sqli.probe'));
  });

  test('reads a keyword written against a number, as MySQL and MSSQL end the number there', () => {
    assert.equal(scores('1or1=1').get('sqli.tautology'), 5);
    assert.equal(scores('1union select 1,2').get('sqli.union'), 5);
    for (const value of ['2nd floor or 3rd', '3in or 5in screens', '0x1f and 0x2f', '1e5 or so'])
      assert.ok(strongest(value) < 5, value);
  });

  test('finds strings joined to the reopened quote, conditions after a semicolon or cut by a comment', () => {
    for (const payload of ["' or '' '", "' or ''&'", '" or ""^"', "; or '1'='1'", 'hi or 1=1 --'])
      assert.equal(scores(payload).get('sqli.tautology'), 5, payload);
    assert.equal(scores(' or isNULL(1/0) /*').get('sqli.tautology'), 5);
    // Quoted alternatives are prose, also from paranoia 2.
    assert.equal(scores("Do you mean 'apples' or 'Naples'").get('sqli.tautology.weak'), undefined);
    assert.equal(scores('" or isNULL(1/0) /*').get('sqli.function'), 5);
    for (const prose of [
      "Rock 'n' roll or 'jazz' 'blues",
      'you or me -- said Bob',
      'or coffee(later)',
      "Do you mean 'apples' or 'Naples'",
    ])
      assert.ok(strongest(prose) < 5, prose);
  });

  test('finds Oracle packages, MySQL descriptions after a standard-SQL breakout, backups and procedures in comments', () => {
    assert.equal(scores("'||UTL_HTTP.REQUEST('http://x')").get('sqli.function'), 5);
    assert.equal(scores("\\'; desc users; --").get('sqli.stacked'), 5);
    assert.equal(
      scores("'; show tables --").get('sqli.breakout') ?? scores("'; show tables --").get('sqli.stacked'),
      5,
    );
    assert.equal(scores("BACKUP database master to disk='\\\\h\\s\\x.bak'").get('sqli.stacked'), 5);
    assert.equal(scores('--sp_password').get('sqli.procedure'), 5);
    assert.equal(scores('sleep(__TIME__)#').get('sqli.function'), 5);
    assert.equal(scores('@var select @var as var into temp end --').get('sqli.select'), 5);
    for (const prose of [
      'Tell us about you; describe yourself',
      'sort: name asc; desc order',
      'Back up your database nightly to S3',
      'I slept (well) # not really',
      'Use natural language to execute commands.',
    ])
      assert.ok(strongest(prose) < 5, prose);
  });

  test('reads words joined by + as a URL space, calls concatenated between quotes, PROCEDURE ANALYSE', () => {
    assert.equal(scores("1'+or+'1'='1").get('sqli.tautology'), 5);
    assert.equal(scores("'+convert(int,@@version)+'").get('sqli.function'), 5);
    assert.equal(scores("'||version()||'").get('sqli.function'), 5);
    assert.equal(scores('1 procedure analyse()').get('sqli.function'), 5);
    for (const value of ['C++or+Java', '1+1=2', 'tom+and+jerry', "rock+'n'+roll", 'procedure analyse (this)'])
      assert.equal(strongest(value), 0, value);
  });

  test('finds a call compared after a breakout, full-text matches, UDFs from libraries and backtick identifiers', () => {
    assert.equal(scores("1' and json_extract('{\"a\":1}','$.a')=1--").get('sqli.function'), 5);
    assert.equal(scores("1' and char_length(database())>3#").get('sqli.function'), 5);
    assert.equal(scores("1 or match(password) against('a*' in boolean mode)").get('sqli.function'), 5);
    assert.equal(
      scores("create function sys_exec returns string soname 'lib_mysqludf_sys.so'").get('sqli.stacked'),
      5,
    );
    assert.equal(scores("1'or`1`=`1").get('sqli.tautology'), 5);
    for (const prose of [
      "it's and match(this) against (that)",
      "Don't or ask(me)>2 #tag",
      'use `backticks` or `quotes`',
      'returns string soname',
    ])
      assert.ok(strongest(prose) < 5, prose);
  });

  test('reads the text a hex literal spells: SQL decides, other text counts from paranoia 2', () => {
    const utf16 = '0x770061006900740066006F0072002000640065006C00610079002000270030003A0030003A';
    assert.equal(scores(utf16).get('sqli.hex-string'), 5);
    assert.equal(scores('0x77616974666f722064656c61792027303a303a3527').get('sqli.hex-string'), 5);
    const text = sqliDetector.detect(viewsOf('1 and name=0x61646d696e'), 'query', 'query.q');
    assert.ok(text.some((h) => h.rule === 'sqli.hex-text' && h.paranoia === 2));
    for (const value of ['0x7fff5fbff8c0', '0x742d35cc6634c0532925a3b844bc454e4438f44e', 'color 0xffffff'])
      assert.equal(strongest(value), 0, value);
  });

  test('from paranoia 2: boolean arithmetic, comment probes, pattern matches and conditions after a breakout', () => {
    const p2 = (value: string) =>
      sqliDetector
        .detect(viewsOf(value), 'query', 'query.q')
        .filter((h) => h.paranoia === 2 || h.score < 5)
        .map((h) => h.rule);
    for (const value of ['1-false', "1/*'*/", "1/*!1111'*/", '//*', "')/*"])
      assert.ok(p2(value).includes('sqli.probe'), value);
    for (const value of ["' or (EXISTS)", "'LIKE'", "'+sqlvuln"])
      assert.ok(p2(value).includes('sqli.breakout.condition'), value);
    assert.ok(p2(" like '%'").includes('sqli.tautology.weak'));
    assert.ok(p2(' OR x=y').includes('sqli.tautology.weak'));
    assert.ok(p2('1 exec sp_ (or exec xp_)').includes('sqli.exec'));
    for (const value of [
      '*/*',
      '/*',
      'a/*',
      "And yet 'not proud,' mistress",
      "Ha' not you seen",
      'Select tmux (default) or screen',
    ]) {
      // Below the paranoia-2 threshold (3) all together.
      const points = sqliDetector
        .detect(viewsOf(value), 'query', 'query.q')
        .filter((h) => h.paranoia <= 2)
        .reduce((sum, h) => sum + h.score, 0);
      assert.ok(points < 3, value);
    }
  });

  test('the plain-JSON screen passes keywords always, hex literals and boolean arithmetic in shorter texts', () => {
    const screen = sqliDetector.plainScreen as (lower: string) => boolean;
    assert.equal(screen('{"q":"1-false"}'), true);
    assert.equal(screen('{"id":"0x61646d696e"}'), true);
    assert.equal(screen('{"q":"plain words only","n":1,"ok":true}'), false);
    const large = `{"pad":"${'x'.repeat(5000)}","q":"1-false"}`;
    assert.equal(screen(large), false);
    assert.equal(screen(`{"pad":"${'x'.repeat(5000)}","q":"1 or 2"}`), true);
  });
});

test('a stacked CALL or COPY needs its SQL shape; prose after a semicolon goes on', () => {
  const detector = (value: string) =>
    sqliDetector.detect(viewsOf(value), 'query', 'query.q').some((h) => h.paranoia === 1 && h.score >= 5);
  for (const prose of [
    'We are closed today; call us tomorrow',
    'AT&T; call me back',
    'Done; copy the report to Ann',
  ])
    assert.equal(detector(prose), false, prose);
  for (const attack of [
    "1');call regexp_substring(repeat('a',500000000),null)--",
    "1; copy users to '/tmp/x'--",
  ])
    assert.equal(detector(attack), true, attack);
});
