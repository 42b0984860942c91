// Node.js server-side JavaScript injection: injected code that reaches the process and module APIs,
// compiles strings into functions, or rides on node-serialize's function marker (CVE-2017-5941).
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { NODEJS_RULES } from './rules.ts';

const CHILD_PROCESS =
  /\brequire\s*\(\s*["'`](?:node:)?(?:child_process|fs|vm|net|os|process)["'`]\s*\)|\bprocess\s*\.\s*(?:mainmodule|binding|dlopen|kill|exit)\b|\bchild_process\b|\bmodule\s*\.\s*(?:require|constructor\s*\.\s*_load)\b|\bexecsync\s*\(/;
const FUNCTION_CONSTRUCTOR =
  /\bconstructor\s*\.\s*constructor\s*\(|\bnew\s+function\s*\(\s*["'`]|\bfunction\s*\(\s*["'`]\s*return\s+(?:process|this|global)/;
const GLOBALS =
  /\bprocess\s*\.\s*(?:env|argv|cwd|version)\b|\bglobal\s*\.\s*process\b|\b__dirname\b|\b__filename\b/;

/** The Node.js injection detector. */
export const nodejsDetector: Detector = {
  category: 'nodejs',
  rules: Object.values(NODEJS_RULES),
  detect(views) {
    const text = views.lower;
    const hits: Hit[] = [];
    const marker = text.indexOf('_$$nd_func$$_');
    if (marker >= 0) hits.push(hit(NODEJS_RULES['nodejs.serialized-function'], marker));
    if (!text.includes('(') && !text.includes('.') && !text.includes('__')) return hits;
    const process = CHILD_PROCESS.exec(text);
    if (process !== null) hits.push(hit(NODEJS_RULES['nodejs.child-process'], process.index));
    const compiled = text.includes('(') ? FUNCTION_CONSTRUCTOR.exec(text) : null;
    if (compiled !== null) hits.push(hit(NODEJS_RULES['nodejs.function-constructor'], compiled.index));
    else if (process === null) {
      const global = GLOBALS.exec(text);
      if (global !== null) hits.push(hit(NODEJS_RULES['nodejs.global-access'], global.index));
    }
    return hits;
  },
};
