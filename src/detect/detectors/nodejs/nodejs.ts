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
  /\bprocess\s*\.\s*(?:env|argv|cwd|version)\b|\bglobal\s*\.\s*process\b|\b__dirname\b|\b__filename\b/g;

/**
 * Where a Node global is named, or -1. `process.env.NODE_ENV` is left out: build tools and
 * documentation name it everywhere (`--define:process.env.NODE_ENV="production"`), and it holds
 * no secret.
 */
function globalAccess(text: string): number {
  GLOBALS.lastIndex = 0;
  for (let match = GLOBALS.exec(text); match !== null; match = GLOBALS.exec(text)) {
    if (!/^process\s*\.\s*env\s*\.\s*node_env\b/.test(text.slice(match.index, match.index + 40)))
      return match.index;
  }
  return -1;
}

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
      const global = globalAccess(text);
      if (global >= 0) hits.push(hit(NODEJS_RULES['nodejs.global-access'], global));
    }
    return hits;
  },
};
