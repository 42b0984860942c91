// Java injection beyond JNDI: class names of gadget chains, serialized object streams (raw, hex,
// base64), expression languages (OGNL, SpEL, EL `${…}`/`#{…}`) that reach classes or the context,
// and Spring-style class loader manipulation through bean property paths (CVE-2022-22965).
import { hit } from '../../rules.ts';
import type { Detector, Hit, InputKind } from '../../types.ts';
import { JAVA_RULES } from './rules.ts';

/** Classes whose only business in a request is running code (ysoserial chains, EL/OGNL payloads). */
const GADGETS = [
  'java.lang.runtime',
  'java.lang.processbuilder',
  'java.lang.processimpl',
  'getruntime',
  'invokertransformer',
  'chainedtransformer',
  'instantiatetransformer',
  'constanttransformer',
  'templatesimpl',
  'jdbcrowsetimpl',
  'scriptenginemanager',
  'methodclosure',
  'bsh.interpreter',
  'java.beans.xmldecoder',
  'urlclassloader',
  'com.sun.org.apache.xalan',
  'org.apache.commons.collections.functors',
  'org.apache.commons.collections4.functors',
  'org.springframework.beans.factory.objectfactory',
  'org.codehaus.groovy.runtime',
  'ysoserial',
];
/** Packages and classes that are suspicious but also appear in stack traces and docs. */
const CLASSES = [
  'java.lang.reflect',
  'java.lang.system',
  'java.lang.class',
  'java.lang.classloader',
  'java.lang.thread',
  'javax.naming',
  'javax.script',
  'java.io.file',
  'java.net.url',
  'java.net.socket',
  'java.util.priorityqueue',
  'sun.misc.unsafe',
];
const REFLECTION =
  /getruntime\s*\(\s*\)\s*\.\s*exec\s*\(|class\.forname\s*\(|\.getdeclared(?:method|field|constructor)s?\s*\(|\.getmethod\s*\(\s*["']|\.newinstance\s*\(|\.invoke\s*\(\s*null|new\s+java\.(?:lang|io|net|util)\.[a-z]+\s*\(|new\s+processbuilder\s*\(/;
// OGNL context and member access (Struts), SpEL type references, EL implicit objects and class walks.
const EXPRESSION =
  /#_memberaccess|#context\s*\[|#attr\s*\[|@java\.lang\.|ognl\.(?:ognlcontext|memberaccess)|\bt\s*\(\s*java\.|\bt\s*\(\s*(?:org|javax|com)\.|\.getclass\s*\(\s*\)|''\.class|""\.class|\.class\.forname|(?:applicationscope|sessionscope|requestscope|pagecontext|facescontext|initparam)\b/;
const CLASSLOADER = /\bclass\s*(?:\.\s*module\s*)?\.\s*classloader\b|\[\s*["']?classloader["']?\s*\]/;

export const CLASS_STEMS =
  /java|runtime|transformer|impl|scriptengine|closure|interpreter|classloader|xalan|functors|objectfactory|groovy|ysoserial|sun\.|process|xmldecoder/;

function firstOf(text: string, words: readonly string[]): number {
  for (const word of words) {
    const at = text.indexOf(word);
    if (at >= 0) return at;
  }
  return -1;
}

/**
 * Whether the character before `rO0AB` ends what came before (a base64 stream starts there): not a
 * base64 character, or in a request path the `/` that starts a segment (`/api/session/rO0AB…`).
 */
function base64Boundary(before: string, kind: InputKind): boolean {
  return (kind === 'path' && before === '/') || !/[A-Za-z0-9+/]/.test(before);
}

/** Where an EL/OGNL expression opens: `${`, `#{`, `%{`, or an OGNL `(#` group. */
function expressionStart(text: string): number {
  for (const opener of ['${', '#{', '%{', '(#']) {
    const at = text.indexOf(opener);
    if (at >= 0) return at;
  }
  return -1;
}

/** The Java injection detector. */
export const javaDetector: Detector = {
  category: 'java',
  rules: Object.values(JAVA_RULES),
  // A serialized stream in hex or base64 is letters and digits only.
  plainText: true,
  plainScreen: /aced0005|ro0ab/,
  detect(views, kind) {
    const text = views.lower;
    const hits: Hit[] = [];
    // Serialized streams: raw magic bytes, the hex dump of them, or their base64 (`rO0AB`).
    const raw = views.raw;
    const magic = raw.indexOf('\u00ac\u00ed\u0000\u0005');
    const hex = text.indexOf('aced0005');
    const b64 = raw.indexOf('rO0AB');
    if (magic >= 0) hits.push(hit(JAVA_RULES['java.serialized'], magic, 'raw'));
    else if (hex >= 0 && (hex === 0 || !/[0-9a-z]/.test(text[hex - 1]!)))
      hits.push(hit(JAVA_RULES['java.serialized'], hex));
    else if (b64 >= 0 && (b64 === 0 || base64Boundary(raw[b64 - 1]!, kind)))
      hits.push(hit(JAVA_RULES['java.serialized'], b64, 'raw'));
    // Every gadget and class name holds one of a few stems: one search before the name lists.
    const hasDot = text.includes('.') || text.includes('[');
    const dotted = hasDot && CLASS_STEMS.test(text);
    const gadget = dotted ? firstOf(text, GADGETS) : -1;
    if (gadget >= 0) hits.push(hit(JAVA_RULES['java.gadget-class'], gadget));
    else if (dotted) {
      const named = firstOf(text, CLASSES);
      if (named >= 0) hits.push(hit(JAVA_RULES['java.class'], named));
    }
    if (hasDot && text.includes('(')) {
      const reflection = REFLECTION.exec(text);
      if (reflection !== null) hits.push(hit(JAVA_RULES['java.reflection'], reflection.index));
    }
    const open = expressionStart(text);
    if (open >= 0) {
      const expression = EXPRESSION.exec(text);
      if (expression !== null) hits.push(hit(JAVA_RULES['java.expression'], expression.index));
      else if (/^[$#%]\{[^}]{0,200}\.[a-z_]\w*\s*\(/.test(text.slice(open, open + 220)))
        hits.push(hit(JAVA_RULES['java.expression.probe'], open));
    }
    const loader = text.includes('classloader') ? CLASSLOADER.exec(text) : null;
    if (loader !== null) hits.push(hit(JAVA_RULES['java.classloader'], loader.index));
    return hits;
  },
};
