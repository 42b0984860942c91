// Server-side template injection: template expressions of Jinja2/Twig (`{{ }}`, `{% %}`), EL/SpEL/
// Freemarker/Velocity (`${ }`, `#{ }`, `*{ }`, `<#…>`, `#set`), ERB/EJS (`<%= %>`) and Razor (`@( )`),
// whose contents are tokenized: object-graph walks, code execution names, or arithmetic probes.
import { hit, type Rule } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { SSTI_RULES } from './rules.ts';

const OPENERS: readonly [string, string][] = [
  ['{php}', '{/php}'],
  ['{$smarty', '}'],
  ['{{', '}}'],
  ['{%', '%}'],
  ['${', '}'],
  ['#{', '}'],
  ['*{', '}'],
  ['@{', '}'],
  ['<%', '%>'],
  ['@(', ')'],
  ['[[', ']]'],
  ['[=', ']'],
];
const MAX_EXPRESSION = 1024;
/** Every opener and directive holds one of these: text without them has nothing to read. */
const TEMPLATE_CHARS = /[{%([#]/;
// Names that walk from a template object to the runtime, or run code.
const DANGEROUS = new Set([
  '__class__',
  '__mro__',
  '__subclasses__',
  '__globals__',
  '__builtins__',
  '__import__',
  '__init__',
  '__base__',
  '__bases__',
  '__getattribute__',
  '__dict__',
  'getclass',
  'forname',
  'getruntime',
  'runtime',
  'processbuilder',
  'exec',
  'popen',
  'system',
  'eval',
  'subprocess',
  'getdeclaredconstructors',
  'newinstance',
  'classloader',
  'getclassloader',
  'invoke',
  'getmethod',
  'freemarker',
  'objectconstructor',
  'execute',
  'spawn',
  'child_process',
  'require',
  'process',
  'mainmodule',
  'constructor',
  'getenv',
  'readfile',
  'file_get_contents',
  'passthru',
  'shell_exec',
  'system_exec',
  'registerundefinedfiltercallback',
  'getfilter',
  'lipsum',
  'cycler',
  'joiner',
  'url_for',
  'get_flashed_messages',
  'config',
  'request',
  'self',
  '_self',
  'application',
  'settings',
  'environment',
  'dump',
  'app',
  'os',
  'java',
  'javax',
  'org',
  'getattribute',
  'setattribute',
  'session',
  'include',
  'import',
  'range',
  'attr',
  'globals',
  'builtins',
  'namespace',
  'kernel',
  'string',
  'class',
  'sys',
  'jsp',
  'pageContext',
  'file',
  'open3',
  'open4',
  'popen3',
  'popen4',
  'readline',
  'this',
  'smarty',
  'php',
  'gettext',
  'tourl',
  'createnewfile',
  // Django's signing objects: `{{ messages.storages.0.signer.key }}` reads SECRET_KEY.
  'signer',
  'secret_key',
]);
// Template objects that probes print on their own (`{{self}}`, `{{ request }}`).
const SELF_OBJECTS = new Set(['self', '_self', 'this', 'config', 'request', 'settings', 'app']);
const STRONG = new Set([
  '__class__',
  '__mro__',
  '__subclasses__',
  '__globals__',
  '__builtins__',
  '__import__',
  '__init__',
  '__base__',
  '__bases__',
  '__getattribute__',
  'getclass',
  'forname',
  'getruntime',
  'processbuilder',
  'popen',
  'subprocess',
  'getdeclaredconstructors',
  'newinstance',
  'getclassloader',
  'objectconstructor',
  'child_process',
  'mainmodule',
  'registerundefinedfiltercallback',
  'shell_exec',
  'passthru',
  'file_get_contents',
  'lipsum',
  'cycler',
  'joiner',
  'get_flashed_messages',
  'url_for',
  'freemarker',
  'getenv',
  'open3',
  'open4',
  'popen3',
  'popen4',
  'smarty',
]);
const STATEMENTS = new Set([
  'for',
  'if',
  'set',
  'include',
  'import',
  'extends',
  'block',
  'macro',
  'raw',
  'debug',
  'print',
  'filter',
  'with',
  'from',
  'call',
  'autoescape',
  'sandbox',
  'embed',
  'assign',
  'eval',
  // Django's built-in tags.
  'load',
  'url',
  'static',
  'csrf_token',
  'now',
  'cycle',
  'firstof',
  'lorem',
  'regroup',
  'spaceless',
  'templatetag',
  'widthratio',
  'verbatim',
  'trans',
  'blocktrans',
  'translate',
  'blocktranslate',
  'ifchanged',
  'comment',
  'get_admin_log',
  // Liquid's and Nunjucks' tags.
  'capture',
  'case',
  'unless',
  'tablerow',
  'render',
  'liquid',
  'increment',
  'decrement',
]);
/** Handlebars' built-in block helpers: `{{#with x as |y|}}` opens a block on a value. */
const BLOCK_HELPERS = /^#(?:each|with|if|unless|lookup|log|let)\s+\S/;
/** A block helper's tag without a value (`{{/each}}`, `{{#if}}`). */
const BLOCK_TAGS = /^[#/](?:each|with|if|unless|lookup|log|let)\b/;
/** The openers a polyglot probe strings together to make some engine fail (`${{<%[%'"}}%\.`). */
const PROBE_OPENERS = ['{{', '${', '<%', '[%', '#{', '{%', '*{', '@('] as const;
const POLYGLOT_LENGTH = 64;
/**
 * `{{ value|e }}`, `{{ name|upper }}`, `{{ 'a'|e('js') }}`: a variable or a literal through a filter
 * (Jinja2, Twig, Django, Liquid).
 */
const FILTERED =
  /^\s*(?:[a-z_][\w.]{0,40}|'[^']{0,40}'|"[^"]{0,40}")\s*\|\s*[a-z_]\w{0,20}(?::[^|}]{0,20}|\([^|}]{0,40}\))?\s*$/;

/** `{{= name}}`, `{{= it.user.name }}`: an interpolation that evaluates a JavaScript expression. */
const DOT_INTERPOLATION = /^=\s*[a-z_$][\w.$]{0,60}\s*$/;

/** Which rule an expression body matches, if any. */
function classify(body: string, opener: string): Rule | undefined {
  const words = body.match(/[a-z_$][\w$]*/g) ?? [];
  let dangerous = 0;
  let strong = false;
  for (const w of words) {
    if (STRONG.has(w)) strong = true;
    if (DANGEROUS.has(w)) dangerous++;
  }
  const structured = /[.([]/.test(body);
  // Smarty's `{php}` block and `$smarty` object, lodash's `_` in `{{= _.x }}`, Ruby's `%x|cmd|`,
  // and ERB calls on Ruby's file and process classes.
  if (opener === '{php}' || opener === '{$smarty' || /^\s*=\s*_\./.test(body) || /%x[|({[]/.test(body))
    return SSTI_RULES['ssti.object-walk'];
  if (opener === '<%' && /\b(?:dir|file|io|kernel|open3|process)\s*\.\s*[a-z_]+/.test(body))
    return SSTI_RULES['ssti.object-walk'];
  // `{{'a'.toUpperCase()}}`, `{{364|add:733}}`: a method or filter on literals, a probe.
  if (
    /^\s*=?\s*(?:'[^']{0,40}'|"[^"]{0,40}")\s*\.\s*[a-z_]\w*\s*\(/.test(body) ||
    /^\s*\d+\s*\|\s*add\s*:\s*\d+\s*$/.test(body)
  )
    return SSTI_RULES['ssti.probe'];
  if (strong || (dangerous > 0 && structured)) return SSTI_RULES['ssti.object-walk'];
  const trimmed = body.trim();
  if (body.includes('`') && (opener === '<%' || opener === '{{')) return SSTI_RULES['ssti.object-walk'];
  // `${new File("…")}`, `${new URL(…).getText()}`: object construction inside an expression.
  if (/\bnew\s+[a-z_][\w.]*\s*\(/.test(body)) return SSTI_RULES['ssti.object-walk'];
  if (words.length === 1 && SELF_OBJECTS.has(words[0]!) && /^[\w\s]*$/.test(trimmed))
    return SSTI_RULES['ssti.object-walk'];
  // `{{7*7}}`, `${7*'7'}`, `<%= 7*7 %>`: arithmetic on literals only a template engine would evaluate.
  if (/^=?\s*[\d'"]+\s*[-+*/%]\s*[\d'"]+\s*$/.test(trimmed)) return SSTI_RULES['ssti.probe'];
  if (opener === '{%' && words.length > 0)
    return SSTI_RULES[
      STATEMENTS.has(words[0]!) || words[0]!.startsWith('end') ? 'ssti.statement' : 'ssti.statement.unknown'
    ];
  if (opener === '{{' && BLOCK_HELPERS.test(trimmed)) return SSTI_RULES['ssti.statement'];
  if (opener === '{{' && BLOCK_TAGS.test(trimmed)) return SSTI_RULES['ssti.statement.unknown'];
  if (/\.\w+\s*\(/.test(body)) return SSTI_RULES['ssti.expression'];
  if (dangerous > 0 && words.length === 1 && opener !== '${') return SSTI_RULES['ssti.object-name'];
  if (opener === '<%' && /^=?\s*\S/.test(trimmed) && structured) return SSTI_RULES['ssti.expression'];
  if (opener === '{{' && FILTERED.test(body)) return SSTI_RULES['ssti.filter'];
  // `{{= username}}`: doT's and Underscore-style interpolation evaluates what follows the `=`.
  if (opener === '{{' && DOT_INTERPOLATION.test(body)) return SSTI_RULES['ssti.expression'];
  return undefined;
}

/**
 * `${{<%[%'"}}%\.`, `{{7*7}}${7*7}<%=7*7%>`: three or more engines' openers in one short value
 * without a word, a probe for an error or an evaluation (a document comparing engines has words).
 */
function isPolyglot(text: string): boolean {
  if (text.length > POLYGLOT_LENGTH || /[a-z]/.test(text)) return false;
  let kinds = 0;
  for (const opener of PROBE_OPENERS) if (text.includes(opener)) kinds++;
  return kinds >= 3;
}

/** The SSTI detector. */
export const sstiDetector: Detector = {
  category: 'ssti',
  rules: Object.values(SSTI_RULES),
  detect(views) {
    const text = views.lower;
    const hits: Hit[] = [];
    if (!TEMPLATE_CHARS.test(text)) return hits;
    if (isPolyglot(text)) {
      hits.push(hit(SSTI_RULES['ssti.probe'], 0));
      return hits;
    }
    for (const [open, close] of OPENERS) {
      let i = text.indexOf(open);
      // Expressions are read one after another (the next search starts after this one's closer),
      // so the total work stays linear however many openers the value has.
      while (i >= 0) {
        const start = i + open.length;
        const end = text.indexOf(close, start);
        const body = text.slice(
          start,
          end < 0 ? Math.min(text.length, start + MAX_EXPRESSION) : Math.min(end, start + MAX_EXPRESSION),
        );
        const rule = classify(body, open);
        if (rule !== undefined) {
          hits.push(hit(rule, i));
          if (rule.score >= 5) return hits;
        }
        if (end < 0) break;
        i = text.indexOf(open, end + close.length);
      }
    }
    // Directives outside delimiters: Velocity `#set(`/`#foreach(`, Freemarker `<#assign`, `?new()`.
    // Smarty and Latte tags that assign or evaluate: `{var $x = …}`, `{assign var=x value=…}`, `{math equation=…}`;
    // Dust helpers that evaluate (`{@math key="5" method="add" …/}`, `{@if cond="…"}`).
    const directive =
      /#(?:set|foreach|evaluate|include|parse)\s*\(|<#(?:assign|list|if|include)\b|\?new\s*\(|\{var\s+\$[a-z_]\w{0,30}\s*=|\{(?:assign|eval|fetch|math)\s+(?:var|file|equation)\s*=|\{@(?:if|math|eq|select|contextdump)\s/.exec(
        text,
      );
    if (directive !== null) hits.push(hit(SSTI_RULES['ssti.directive'], directive.index));
    return hits;
  },
};
