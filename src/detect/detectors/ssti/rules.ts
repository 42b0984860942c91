// biome-ignore-all lint/suspicious/noTemplateCurlyInString: descriptions quote literal `${…}` expressions.
// The server-side template injection rules.
import { ruleTable } from '../../rules.ts';

export const SSTI_RULES = ruleTable('ssti', {
  'ssti.object-walk': {
    paranoia: 1,
    score: 5,
    description:
      'a template expression that walks to classes, globals or the runtime (`{{config.__class__}}`, `${T(java.lang.Runtime)}`)',
  },
  'ssti.object-name': {
    paranoia: 1,
    score: 3,
    description: 'a template expression naming one dangerous object (`{{config}}`)',
  },
  'ssti.probe': {
    paranoia: 1,
    score: 5,
    description:
      "arithmetic on literals inside template delimiters (`{{7*7}}`, `${7*7}`), or a polyglot of engines' openers (`${{<%[%'\"}}%\\.`)",
  },
  'ssti.statement': {
    paranoia: 1,
    score: 5,
    description:
      'a template statement tag (`{% for %}`, `{% csrf_token %}`) or a Handlebars block helper on a value (`{{#with x}}`)',
  },
  'ssti.statement.unknown': {
    paranoia: 1,
    score: 3,
    description: 'another `{% … %}` tag or a Handlebars block end (`{{/each}}`)',
  },
  'ssti.expression': {
    paranoia: 1,
    documents: 2,
    score: 3,
    description:
      'a method call inside template delimiters (`{{ x.y() }}`), or an evaluating interpolation (`{{= x}}`)',
  },
  'ssti.filter': {
    paranoia: 2,
    score: 3,
    description: "a variable or literal through a filter inside `{{ }}` (`{{ value|e }}`, `{{ 'a'|upper }}`)",
  },
  'ssti.directive': {
    paranoia: 1,
    score: 5,
    description:
      'a Velocity, Freemarker, Smarty, Latte or Dust directive (`#set(`, `<#assign`, `?new()`, `{var $x=`, `{@math …}`)',
  },
});
