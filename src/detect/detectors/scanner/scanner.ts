// Fingerprints of attack tools and out-of-band testing: scanner User-Agents and headers, and the
// callback domains that blind injection payloads make the server resolve or fetch.
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { SCANNER_RULES } from './rules.ts';

/** Tool names as they appear in their default User-Agent strings. */
const TOOLS = [
  'sqlmap',
  'nikto',
  'nmap',
  'masscan',
  'zgrab',
  'nuclei',
  'acunetix',
  'netsparker',
  'invicti',
  'wpscan',
  'joomscan',
  'dirbuster',
  'gobuster',
  'feroxbuster',
  'ffuf',
  'wfuzz',
  'havij',
  'commix',
  'xsstrike',
  'arachni',
  'w3af',
  'skipfish',
  'openvas',
  'nessus',
  'qualys',
  'burp collaborator',
  'zap/',
  'owasp zap',
  'jaeles',
  'dalfox',
  'fimap',
  'whatweb',
  'paros',
  'appscan',
  'webinspect',
  'grabber',
  'hydra',
  'brutus',
  'morfeus',
  'nsauditor',
];
const SCANNER_HEADERS = new Set([
  'header.acunetix-aspect',
  'header.acunetix-aspect-password',
  'header.acunetix-aspect-queries',
  'header.x-scanner',
  'header.x-wipp',
  'header.x-request-memo',
  'header.x-scan-memo',
  'header.x-ratproxy-loop',
  'header.bugbounty',
]);
/** Out-of-band interaction services: Burp Collaborator, interactsh, dnslog, canary and bin services. */
const CALLBACK_DOMAINS = [
  'burpcollaborator.net',
  'oastify.com',
  'interact.sh',
  'oast.pro',
  'oast.live',
  'oast.site',
  'oast.online',
  'oast.fun',
  'oast.me',
  'dnslog.cn',
  'ceye.io',
  'requestbin.net',
  'canarytokens.com',
  'xss.ht',
  'bxss.me',
  'pingb.in',
  'dnsbin.zhack.ca',
  'webhook.site',
  'pipedream.net',
  'r87.me',
];

export const CALLBACK = new RegExp(
  `(^|[.\\s/@"'=])(?:${CALLBACK_DOMAINS.map((d) => d.replaceAll('.', '\\.')).join('|')})(?![a-z0-9-])`,
);

function wordAt(text: string, at: number, length: number): boolean {
  const before = at > 0 ? text.charCodeAt(at - 1) : 32;
  const after = text.charCodeAt(at + length);
  const letter = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
  return !letter(before) && (Number.isNaN(after) || !letter(after) || text[at + length - 1] === '/');
}

/**
 * Whether the tool name at `at` stands where a User-Agent names its product (RFC 9110 §10.1.5):
 * leading the value, as `name/version`, inside a comment (`(Nikto/2.5)`, `(compatible; Nmap …)`),
 * or as a last bare token (`… SV1) Havij`). A sentence or a link that mentions the tool
 * (`` `ffuf -w list` ``, `https://github.com/ffuf/ffuf`) names it elsewhere.
 */
function asProduct(text: string, at: number, length: number): boolean {
  if (!wordAt(text, at, length)) return false;
  const before = text[at - 1];
  const after = text[at + length];
  if (at === text.length - text.trimStart().length) return true;
  if (before === '(' || before === ';' || (before === ' ' && text[at - 2] === ';')) return true;
  if (after === '/' && /[\dv]/.test(text[at + length + 1] ?? '')) return true;
  return before === ' ' && at + length === text.trimEnd().length;
}

/** The scanner / out-of-band fingerprint detector. */
export const scannerDetector: Detector = {
  category: 'scanner',
  rules: Object.values(SCANNER_RULES),
  detect(views, kind, location) {
    const text = views.lower;
    const hits: Hit[] = [];
    if (SCANNER_HEADERS.has(location)) hits.push(hit(SCANNER_RULES['scanner.header'], 0));
    if (location === 'header.user-agent') {
      for (const tool of TOOLS) {
        const at = text.indexOf(tool);
        if (at >= 0 && asProduct(text, at, tool.length)) {
          hits.push(hit(SCANNER_RULES['scanner.user-agent'], at));
          break;
        }
      }
    }
    // One search for all callback domains: the domain itself or a subdomain, ending at a boundary.
    const callback = kind !== 'key' && text.includes('.') ? CALLBACK.exec(text) : null;
    if (callback !== null)
      hits.push(hit(SCANNER_RULES['scanner.callback-domain'], callback.index + callback[1]!.length));
    return hits;
  },
};
