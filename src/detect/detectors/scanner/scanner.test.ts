import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import type { InputKind } from '../../types.ts';
import { scannerDetector } from './scanner.ts';

const rules = (value: string, location = 'header.user-agent', kind: InputKind = 'header') =>
  scannerDetector.detect(viewsOf(value), kind, location).map((h) => h.rule);

describe('scanner detector', () => {
  test('finds attack tool user agents, scanner headers and callback domains', () => {
    assert.deepEqual(rules('sqlmap/1.8.2#stable (https://sqlmap.org)'), ['scanner.user-agent']);
    assert.deepEqual(rules('Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)'), [
      'scanner.user-agent',
    ]);
    assert.deepEqual(
      rules('Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))'),
      ['scanner.user-agent'],
    );
    for (const ua of [
      'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)',
      'gobuster/3.6',
      'WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)',
      'Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 5.1; SV1) Havij',
      'Mozilla/4.0 (Hydra)',
    ])
      assert.deepEqual(rules(ua), ['scanner.user-agent'], ua);
    assert.deepEqual(rules('acunetix_wvs_security_test', 'header.acunetix-aspect'), ['scanner.header']);
    assert.deepEqual(rules('http://abc123.oastify.com/x', 'query.url', 'query'), ['scanner.callback-domain']);
    assert.deepEqual(rules('; nslookup x.c6ab1.interact.sh', 'body.host', 'body'), [
      'scanner.callback-domain',
    ]);
  });

  test('leaves browsers, clients and look-alike words alone', () => {
    for (const ua of [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'curl/8.11.0',
      'python-requests/2.32.3',
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    ])
      assert.deepEqual(rules(ua), [], ua);
    // Documentation and links that mention a tool are not its User-Agent.
    for (const text of [
      'Scan a list of URLs from a file: `dalfox file path/to/file`',
      'https://github.com/ffuf/ffuf#usage',
      'http://cirt.net/nikto/',
      "Of their own choice: one's Junius Brutus,",
    ])
      assert.deepEqual(rules(text), [], text);
    assert.deepEqual(rules('the sqlmap manual', 'body.text', 'body'), []);
    assert.deepEqual(rules('mail me at a@notoastify.com', 'body.text', 'body'), []);
  });
});
