// biome-ignore-all lint/suspicious/noTemplateCurlyInString: descriptions quote literal `${…}` expressions.
// The Java injection rules: gadget classes, serialized objects, expression languages, class loaders.
import { ruleTable } from '../../rules.ts';

export const JAVA_RULES = ruleTable('java', {
  'java.gadget-class': {
    paranoia: 1,
    score: 5,
    description:
      'a class used to run code in deserialization and expression payloads (`java.lang.Runtime`, `ProcessBuilder`, `InvokerTransformer`, `TemplatesImpl`)',
  },
  'java.class': {
    paranoia: 1,
    score: 3,
    description:
      'a sensitive JDK package or class named (`java.lang.reflect`, `javax.naming`, `java.io.File`)',
  },
  'java.reflection': {
    paranoia: 1,
    score: 5,
    description:
      'reflection or process calls (`getRuntime().exec(`, `Class.forName(`, `.getDeclaredMethod(`)',
  },
  'java.serialized': {
    paranoia: 1,
    score: 5,
    description: 'a Java serialized object stream: magic `AC ED 00 05` raw, in hex or in base64 (`rO0AB…`)',
  },
  'java.expression': {
    paranoia: 1,
    score: 5,
    description:
      'an OGNL, SpEL or EL expression that reaches classes or the context (`%{(#_memberAccess…`, `T(java.lang…)`, `${…getClass()}`)',
  },
  'java.expression.probe': {
    paranoia: 2,
    score: 3,
    description: 'an EL expression with a method call (`#{x.y()}`, `${a.b()}`)',
  },
  'java.classloader': {
    paranoia: 1,
    score: 5,
    description:
      'class loader manipulation through bean properties (`class.module.classLoader…`, Spring4Shell)',
  },
});
