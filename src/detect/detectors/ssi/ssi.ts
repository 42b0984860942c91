// Server-side includes (Apache mod_include, nginx ssi) and Edge Side Includes: directives that make
// the server or a cache run a command, include a file or print variables into the page.
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { SSI_RULES } from './rules.ts';

const DIRECTIVES = [
  'exec',
  'include',
  'echo',
  'config',
  'printenv',
  'set',
  'fsize',
  'flastmod',
  'if',
  'elif',
];
const ESI = /<esi:(?:include|inline|vars|eval|assign|choose|debug|try|remove)\b/;

/** The SSI / ESI detector. */
export const ssiDetector: Detector = {
  category: 'ssi',
  rules: Object.values(SSI_RULES),
  detect(views) {
    const text = views.lower;
    const hits: Hit[] = [];
    if (!text.includes('<')) return hits;
    // Each search resumes after the previous `<!--`: linear.
    for (let at = text.indexOf('<!--'); at >= 0; at = text.indexOf('<!--', at + 4)) {
      let i = at + 4;
      while (text.charCodeAt(i) === 32) i++;
      if (text.charCodeAt(i) !== 35) continue;
      const word = /^[a-z]+/.exec(text.slice(i + 1, i + 12))?.[0] ?? '';
      if (DIRECTIVES.includes(word)) {
        hits.push(hit(SSI_RULES['ssi.directive'], at));
        break;
      }
    }
    const esi = text.includes('<esi:') ? ESI.exec(text) : null;
    if (esi !== null) hits.push(hit(SSI_RULES['ssi.esi'], esi.index));
    return hits;
  },
};
