// The SQL injection rules: id, paranoia level, score and what each finds.
import { ruleTable } from '../../rules.ts';

export const SQLI_RULES = ruleTable('sqli', {
  'sqli.declare': {
    paranoia: 1,
    score: 5,
    description: 'a variable declaration (`DECLARE @x varchar(99)`): MSSQL batches',
  },
  'sqli.exec': { paranoia: 1, score: 3, description: 'dynamic execution (`EXEC(@x)`, `EXEC master.dbo.x`)' },
  'sqli.char-chain': {
    paranoia: 1,
    score: 5,
    description: 'a string spelled by concatenated character codes (`CHAR(113)+CHAR(118)`)',
  },
  'sqli.function.lone': {
    paranoia: 2,
    score: 3,
    description:
      'a value that is one SQL function call (`version()`, `sleep(5)`, `char(65)`, `current_user`)',
  },
  'sqli.catalog.name': {
    paranoia: 2,
    score: 3,
    description: 'a schema catalog named alone (`information_schema`, `sysobjects`)',
  },
  'sqli.union': { paranoia: 1, score: 5, description: '`UNION [ALL] SELECT` joining a second query' },
  'sqli.select': {
    paranoia: 1,
    score: 5,
    description: 'a `SELECT` projection reading `FROM` a table, nested or leading the value',
  },
  'sqli.select.fragment': {
    paranoia: 2,
    score: 3,
    description: 'a SQL-shaped `SELECT` without a source (`select 1`, `(select x from`)',
  },
  'sqli.function': {
    paranoia: 1,
    score: 5,
    description:
      'a time, file or error function called in an expression or after a breakout (`sleep(5)`, `extractvalue(…)`)',
  },
  'sqli.function.prose': {
    paranoia: 1,
    score: 3,
    description: 'a time/file function name written like prose (`benchmark (5 seconds)`)',
  },
  'sqli.function.call': {
    paranoia: 2,
    score: 2,
    description: 'a database function called near the start of an expression (`and ascii(x)`)',
  },
  'sqli.procedure': {
    paranoia: 1,
    score: 5,
    description: '`xp_cmdshell`, `sp_password` and other stored procedures attackers call',
  },
  'sqli.time': { paranoia: 1, score: 5, description: "`WAITFOR DELAY '0:0:5'` (MSSQL time-based blind)" },
  'sqli.catalog': {
    paranoia: 1,
    score: 5,
    description: 'schema catalog access (`information_schema.tables`, `FROM pg_catalog…`)',
  },
  'sqli.catalog.system': {
    paranoia: 1,
    score: 3,
    description: 'a system database qualified name (`master.dbo`, `mysql.user`, `sys.x`)',
  },
  'sqli.clause': {
    paranoia: 1,
    score: 5,
    description:
      '`ORDER BY <n>` / `GROUP BY <n>` with a comment (column-count probing), `1 LIMIT 1,1--` (row probing)',
  },
  'sqli.clause.order': {
    paranoia: 1,
    score: 3,
    description: '`ORDER BY <n>` leading the value, without a comment',
  },
  'sqli.stacked': {
    paranoia: 1,
    documents: 2,
    score: 5,
    description: 'a stacked statement after `;` (`; DROP TABLE`, `; EXEC`)',
  },
  'sqli.system-variable': {
    paranoia: 1,
    score: 3,
    description: 'a server variable (`@@version`, `@@datadir`)',
  },
  'sqli.subquery': {
    paranoia: 1,
    score: 5,
    description: 'a boolean condition comparing against a subquery (`and 1=(select …)`)',
  },
  'sqli.tautology': {
    paranoia: 1,
    score: 5,
    description:
      "an always-true/false condition appended after a value or breakout (`' or 1=1`, `1 and 2>1`)",
  },
  'sqli.tautology.weak': {
    paranoia: 1,
    score: 3,
    description: 'a condition on literals that prose can also write (`5 < 6 and 7 > 3`, `x or 1`)',
  },
  'sqli.comment-truncation': {
    paranoia: 1,
    score: 5,
    description: 'a quote breakout followed by a comment or `;` that cuts the query',
  },
  'sqli.breakout': {
    paranoia: 1,
    score: 5,
    description: "a quote breakout followed by a clause (`' union`, `' order by`, `' into outfile`)",
  },
  'sqli.breakout.boolean': {
    paranoia: 2,
    score: 2,
    description: 'a quote breakout followed by `or`/`and`/`not` without a condition',
  },
  'sqli.breakout.condition': {
    paranoia: 2,
    score: 3,
    description:
      "a quote breakout followed by `or`/`and` and a number or parenthesis (`' or (exists)`), `like` and a string, or `+`/`||` and a name",
  },
  'sqli.hex-string': {
    paranoia: 1,
    score: 5,
    description: 'a hex literal that spells SQL (`0x77616974666f722064656c6179…`, also UTF-16)',
  },
  'sqli.hex-text': {
    paranoia: 2,
    score: 3,
    description: 'a hex literal that spells text: a string written without quotes (`0x61646d696e`)',
  },
  'sqli.probe': {
    paranoia: 2,
    score: 3,
    description:
      "a number or nothing, then quotes and at most a comment mark (`1'`, `''`, `7\"--`): a syntax-error probe; arithmetic with a boolean literal (`1-false`); a number, quote or slash and only a comment (`1/*'*/`, `//*`)",
  },
});
