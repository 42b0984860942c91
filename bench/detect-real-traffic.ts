// A benign set of real API traffic for the detection eval: request and response examples of the
// GitHub REST API spec (@octokit/openapi) sent as JSON bodies and query values, multipart uploads as
// browsers and curl send them, and browser headers from front ends on localhost and intranets.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import {
  type Input,
  inputsFromAllHeaders,
  inputsFromBody,
  inputsFromCookies,
  inputsFromHeaders,
  inputsFromProtocolHeaders,
  inputsFromQuery,
} from '../src/detect/index.ts';
import type { Placement } from './detect-placements.ts';

/** One benign request: which set, where its text sits, and the engine's inputs. */
export interface RealRequest {
  readonly set: string;
  readonly placement: Placement;
  readonly inputs: Input[];
  /** What the request carried, for printing false positives. */
  readonly shown: string;
}

/** Every header an ordinary browser sends, inspected at paranoia ≥ 2 (the allowlist still applies). */
const BROWSER: Record<string, string> = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'accept-language': 'en-US,en;q=0.9,de;q=0.8',
  'accept-encoding': 'gzip, deflate, br, zstd',
  'user-agent':
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'sec-ch-ua': '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Windows"',
  'sec-fetch-dest': 'empty',
  'sec-fetch-mode': 'cors',
  'sec-fetch-site': 'same-site',
  'cache-control': 'no-cache',
  pragma: 'no-cache',
  connection: 'keep-alive',
};

/** Front ends during development and on intranets: their Origin and Referer name private hosts. */
const FRONT_ENDS = [
  'http://localhost:3000',
  'http://localhost:5173',
  'http://127.0.0.1:8080',
  'http://[::1]:4200',
  'http://0.0.0.0:8000',
  'http://192.168.1.20:8080',
  'http://10.0.12.7',
  'https://172.16.4.2:8443',
  'http://intranet.corp.local',
  'https://wiki.internal',
  'http://dev-box.lan:3000',
  'http://host.docker.internal:8081',
];

const USER_AGENTS = [
  BROWSER['user-agent']!,
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
  'curl/8.11.0',
  'PostmanRuntime/7.43.0',
  'python-requests/2.32.3',
  'Go-http-client/2.0',
  'okhttp/4.12.0',
  'axios/1.7.9',
  'node',
  'Wget/1.24.5',
];

const COOKIES = [
  '_ga=GA1.1.1234567890.1733212345; _gid=GA1.1.987654321.1733212345',
  'session=eyJ1c2VyIjoiYWxpY2UiLCJleHAiOjE3MzMyMTIzNDV9.ZXhhbXBsZXNpZw; theme=dark',
  'csrftoken=Zq2x9Y8w7V6u5T4s3R2q1P0o; sessionid=8f14e45fceea167a5a36dedd4bea2543',
  'cart=%7B%22items%22%3A%5B%7B%22id%22%3A12%2C%22qty%22%3A2%7D%5D%7D; lang=en-US',
  'prefs={"tz":"Europe/Berlin","compact":true}; consent=necessary,analytics',
  'JSESSIONID=1A2B3C4D5E6F7A8B9C0D1E2F3A4B5C6D; Path=/; remember-me=YWxpY2U6MTczMzIxMjM0NTpzaWc',
  'XSRF-TOKEN=eyJpdiI6IjR4dG5HZz09IiwidmFsdWUiOiJhYmMiLCJtYWMiOiIxMjMifQ%3D%3D',
  'redirect_to=https%3A%2F%2Fapp.example.com%2Fsettings%3Ftab%3Dprofile',
];

/** A multipart body as a browser or `curl -F` writes it. */
function multipart(
  parts: readonly { name: string; value: string | Buffer; filename?: string; type?: string }[],
): {
  body: Buffer;
  type: string;
} {
  const boundary = '----WebKitFormBoundary7MA4YWxkTrZu0gW';
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined)
      head += `; filename="${p.filename}"\r\nContent-Type: ${p.type ?? 'application/octet-stream'}`;
    chunks.push(Buffer.from(`${head}\r\n\r\n`), Buffer.from(p.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

/** Ordinary uploads: form fields, text files, images and documents (binary bytes are skipped). */
function uploads(): RealRequest[] {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61', 'hex');
  const pdf = Buffer.from(
    '%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n',
    'latin1',
  );
  const forms: Parameters<typeof multipart>[0][] = [
    [{ name: 'name', value: 'John' }],
    [
      { name: 'name', value: 'John' },
      { name: 'email', value: 'john.doe+test@example.com' },
    ],
    [{ name: 'avatar', value: png, filename: 'me.png', type: 'image/png' }],
    [
      { name: 'title', value: 'Q3 report (final) — v2' },
      { name: 'file', value: pdf, filename: 'Q3 report.pdf', type: 'application/pdf' },
    ],
    [
      {
        name: 'file',
        value: 'id,name,email\n1,Alice,alice@example.com\n2,"O\'Brien, Bob",bob@example.com\n',
        filename: 'users.csv',
        type: 'text/csv',
      },
    ],
    [
      {
        name: 'file',
        value: '{"name":"demo","version":"1.0.0","scripts":{"test":"node --test"}}\n',
        filename: 'package.json',
        type: 'application/json',
      },
    ],
    [{ name: 'notes', value: 'Meeting at 10:00 -- bring the slides; budget < 5k & timeline > 2 weeks.' }],
    [
      {
        name: 'file',
        value: '# Title\n\nSome *markdown* with `code` and a [link](https://example.com/a?b=c).\n',
        filename: 'README.md',
        type: 'text/markdown',
      },
    ],
    [
      {
        name: 'photo',
        value: Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
        filename: 'Фото 2024-06-01 12.30.45.jpg',
        type: 'image/jpeg',
      },
    ],
    [
      {
        name: 'metadata',
        value: '{"folder":"/shared/team","tags":["q3","finance"]}',
        type: 'application/json',
      },
      {
        name: 'document',
        value: 'plain text body\r\nwith CRLF line breaks\r\n',
        filename: 'letter.txt',
        type: 'text/plain',
      },
    ],
    [
      {
        name: 'key',
        value:
          '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBFayYZ0BCAC4hScoJXXpyR+MXGcrBxElqw3FzCVvkViuyeko+Jp76QJhg8kr\n=+OzK\n-----END PGP PUBLIC KEY BLOCK-----\n',
      },
    ],
    [
      {
        name: 'file',
        value: 'server {\n  listen 80;\n  location / { proxy_pass http://127.0.0.1:3000; }\n}\n',
        filename: 'nginx.conf',
        type: 'text/plain',
      },
    ],
  ];
  const formRequests = forms.map((parts) => {
    const { body, type } = multipart(parts);
    return {
      set: 'uploads',
      placement: 'multipart' as const,
      inputs: [...inputsFromBody(body, type), ...inputsFromProtocolHeaders({ 'content-type': type })],
      shown: parts.map((p) => `${p.name}${p.filename === undefined ? '' : `@${p.filename}`}`).join(','),
    };
  });
  return [...formRequests, ...otherMultipart()];
}

/** Multipart bodies that are not forms: resumable uploads, batch requests, a mail with text and HTML. */
function otherMultipart(): RealRequest[] {
  const jpeg = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex');
  const bodies: { type: string; parts: (readonly [string, string | Buffer])[]; shown: string }[] = [
    {
      type: 'multipart/related; boundary=foo_bar_baz',
      shown: 'related: metadata + image',
      parts: [
        ['Content-Type: application/json; charset=UTF-8', '{"name":"holiday.jpg","parents":["0AFolder"]}'],
        ['Content-Type: image/jpeg', jpeg],
      ],
    },
    {
      type: 'multipart/mixed; boundary=batch_foobarbaz',
      shown: 'mixed: batch of two requests',
      parts: [
        [
          'Content-Type: application/http\r\nContent-ID: <item1:12930812@example.com>',
          'GET /farm/v1/animals/pony?fields=name,age HTTP/1.1\r\nAccept: application/json\r\n',
        ],
        [
          'Content-Type: application/http\r\nContent-ID: <item2:12930812@example.com>',
          'PUT /farm/v1/animals/sheep\r\nContent-Type: application/json\r\nIf-Match: "etag/sheep"\r\n\r\n{"animalName":"sheep","animalAge":"5"}',
        ],
      ],
    },
    {
      type: 'multipart/alternative; boundary="=_alt_7f3a"',
      shown: 'alternative: text and HTML mail',
      parts: [
        ['Content-Type: text/plain; charset=utf-8', 'Hi Ana,\r\nthe invoice is attached.\r\n-- \r\nBilling'],
        ['Content-Type: text/html; charset=utf-8', '<p>Hi Ana,</p><p>the <b>invoice</b> is attached.</p>'],
      ],
    },
  ];
  return bodies.map(({ type, parts, shown }) => {
    const boundary = type.slice(type.indexOf('boundary=') + 9).replaceAll('"', '');
    const chunks: Buffer[] = [];
    for (const [headers, content] of parts)
      chunks.push(
        Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`),
        Buffer.from(content),
        Buffer.from('\r\n'),
      );
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    const body = Buffer.concat(chunks);
    return {
      set: 'uploads',
      placement: 'multipart' as const,
      inputs: [...inputsFromBody(body, type), ...inputsFromProtocolHeaders({ 'content-type': type })],
      shown,
    };
  });
}

/** Browser requests from front ends on local and intranet hosts: Origin, Referer, cookies, all headers. */
/** The header inputs the detect policy builds: default headers at paranoia 1, all non-benign from 2. */
function headerInputs(headers: Record<string, string>, paranoia: number): Input[] {
  return [
    ...(paranoia >= 2 ? inputsFromAllHeaders(headers) : inputsFromHeaders(headers)),
    ...inputsFromProtocolHeaders(headers),
  ];
}

function browserHeaders(paranoia: number): RealRequest[] {
  const out: RealRequest[] = [];
  for (const [i, front] of FRONT_ENDS.entries()) {
    const headers: Record<string, string> = {
      ...BROWSER,
      'user-agent': USER_AGENTS[i % USER_AGENTS.length]!,
      origin: front,
      referer: `${front}/app/orders?page=2&sort=-created`,
      host: 'api.example.com',
    };
    out.push({
      set: 'browser',
      placement: 'header',
      inputs: inputsFromHeaders(headers, Object.keys(headers)),
      shown: front,
    });
  }
  for (const ua of USER_AGENTS)
    out.push({
      set: 'browser',
      placement: 'header',
      inputs: headerInputs({ ...BROWSER, 'user-agent': ua }, paranoia),
      shown: ua,
    });
  for (const cookie of COOKIES)
    out.push({ set: 'browser', placement: 'cookie', inputs: inputsFromCookies(cookie), shown: cookie });
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Example values of a media type object (`example`, `examples.*.value`). */
function examplesOf(media: unknown): unknown[] {
  if (!isObject(media)) return [];
  const out: unknown[] = [];
  if (media.example !== undefined) out.push(media.example);
  if (isObject(media.examples))
    for (const e of Object.values(media.examples))
      if (isObject(e) && e.value !== undefined) out.push(e.value);
  return out;
}

/**
 * The GitHub REST API's examples: request bodies as JSON bodies, response bodies as JSON bodies
 * (clients send such documents back: webhooks, imports, mirrors), parameter examples as query values.
 */
function githubExamples(): RealRequest[] {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@octokit/openapi/package.json'));
  const spec = JSON.parse(readFileSync(join(dir, 'generated', 'api.github.com.deref.json'), 'utf8')) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const out: RealRequest[] = [];
  const seen = new Set<string>();
  function addJson(set: string, value: unknown): void {
    const text = JSON.stringify(value);
    if (text === undefined || seen.has(text)) return;
    seen.add(text);
    out.push({
      set,
      placement: 'json',
      inputs: inputsFromBody(text, 'application/json', { screenJson: true }),
      shown: text,
    });
  }
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(item)) {
      if (!isObject(op)) continue;
      const body = isObject(op.requestBody) ? op.requestBody.content : undefined;
      if (isObject(body))
        for (const media of Object.values(body))
          for (const e of examplesOf(media)) addJson('github-requests', e);
      if (isObject(op.responses))
        for (const response of Object.values(op.responses))
          if (isObject(response) && isObject(response.content))
            for (const media of Object.values(response.content))
              for (const e of examplesOf(media)) addJson('github-responses', e);
      for (const p of Array.isArray(op.parameters) ? op.parameters : []) {
        if (!isObject(p)) continue;
        const schema = isObject(p.schema) ? p.schema : {};
        const example = p.example ?? schema.example ?? schema.default;
        if (typeof example !== 'string' || example.length === 0 || p.in === 'header') continue;
        const key = `${String(p.name)}=${example}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          set: 'github-parameters',
          placement: p.in === 'path' ? 'path' : 'query',
          inputs: inputsFromQuery(`${encodeURIComponent(String(p.name))}=${encodeURIComponent(example)}`),
          shown: key,
        });
      }
    }
  }
  return out;
}

/** The whole benign real-traffic set. */
/** The set of whole documents (reported on a line of its own). */
export const DOCUMENTS_SET = 'documents';
/** Documents per kind of file in the `documents` set (the first ones by path, for a stable set). */
const DOCUMENTS_PER_KIND = 60;
/** Text files of the installed packages that APIs receive as documents: prose, code, manifests. */
const DOCUMENT_KINDS = ['README.md', 'CHANGELOG.md', 'LICENSE', 'package.json', 'index.d.ts'];
const DOCUMENT_MAX_BYTES = 64 * 1024;

/** Real documents written by other people, found in node_modules (deterministic with the lock file). */
function documentFiles(): { name: string; text: string }[] {
  const root = join(import.meta.dirname, '../node_modules');
  const packages: string[] = [];
  for (const entry of readdirSync(root).sort()) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@'))
      for (const inner of readdirSync(join(root, entry)).sort()) packages.push(join(root, entry, inner));
    else packages.push(join(root, entry));
  }
  const files: { name: string; text: string }[] = [];
  for (const kind of DOCUMENT_KINDS) {
    let taken = 0;
    for (const dir of packages) {
      if (taken >= DOCUMENTS_PER_KIND) break;
      const file = join(dir, kind);
      let text: string;
      try {
        if (statSync(file).size > DOCUMENT_MAX_BYTES) continue;
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      if (text.trim().length === 0) continue;
      files.push({ name: `${basename(dir)}/${kind}`, text });
      taken++;
    }
  }
  return files;
}

/**
 * Whole documents as APIs receive them: uploaded as a file (multipart), and as the string value of
 * a JSON member (an issue or comment body, a note, a gist). Lines of prose pass one by one; a
 * document gathers many weak signs (code, markup, commands in a README), and must pass too.
 */
function documents(): RealRequest[] {
  const requests: RealRequest[] = [];
  for (const { name, text } of documentFiles()) {
    const upload = multipart([
      { name: 'file', value: text, filename: name.split('/')[1]!, type: 'text/plain' },
    ]);
    requests.push({
      set: DOCUMENTS_SET,
      placement: 'multipart',
      inputs: inputsFromBody(upload.body, upload.type),
      shown: name,
    });
    requests.push({
      set: DOCUMENTS_SET,
      placement: 'json',
      inputs: inputsFromBody(JSON.stringify({ title: name, body: text }), 'application/json'),
      shown: name,
    });
  }
  return requests;
}

/**
 * OAuth 2.0 and SAML sign-in traffic of an authorization server: a native app's loopback redirect
 * (RFC 8252 §7.3: `gh`, `gcloud`, `rclone` listen on 127.0.0.1), a development front end's, PKCE,
 * the token request, a logout and a SAML RelayState back to an intranet page.
 */
const REGISTRATION = JSON.stringify({
  client_name: 'Example CLI',
  application_type: 'native',
  redirect_uris: ['http://127.0.0.1/callback', 'http://[::1]/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'none',
});

function signIn(): RealRequest[] {
  const queries = [
    'response_type=code&client_id=cli&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2F&state=4Kx0&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&scope=openid%20profile%20offline_access',
    'response_type=code&client_id=spa-dev&redirect_uri=http%3A%2F%2Flocalhost%3A5173%2Fauth%2Fcallback&scope=openid%20email&nonce=n-0S6_WzA2Mj&state=af0ifjsldkj',
    'client_id=desktop&redirect_uri=http%3A%2F%2F%5B%3A%3A1%5D%3A49152%2Fcallback&response_type=code&prompt=consent',
    'post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A3000%2F&id_token_hint=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
    'return_to=http%3A%2F%2F192.168.1.20%3A8080%2Fdashboard',
  ];
  const forms = [
    'grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2F&client_id=cli&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    'SAMLResponse=PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6bmFtZXM6dGM6U0FNTDoyLjA6cHJvdG9jb2wiIElEPSJfOGU4ZGM1ZiIgVmVyc2lvbj0iMi4wIj48L3NhbWxwOlJlc3BvbnNlPg%3D%3D&RelayState=https%3A%2F%2Fwiki.corp.local%2Fstart',
  ];
  return [
    ...queries.map((query) => ({
      set: 'sign-in',
      placement: 'query' as const,
      inputs: inputsFromQuery(query),
      shown: query,
    })),
    ...forms.map((form) => ({
      set: 'sign-in',
      placement: 'form' as const,
      inputs: inputsFromBody(form, 'application/x-www-form-urlencoded'),
      shown: form,
    })),
    {
      set: 'sign-in',
      placement: 'json' as const,
      // Dynamic client registration (RFC 7591) of a native app with loopback redirects.
      inputs: inputsFromBody(REGISTRATION, 'application/json'),
      shown: REGISTRATION,
    },
  ];
}

/** Symbol sets of password generators: Bitwarden's and LastPass's, and every printable ASCII symbol. */
const PASSWORD_SYMBOLS = ['!@#$%^&*', '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
const PASSWORDS_PER_SET = 2000;

/**
 * Sign-ups and logins with generated passwords (16–24 characters of letters, digits and symbols):
 * random punctuation must not read as an attack. Deterministic: a fixed seed.
 */
function generatedPasswords(): RealRequest[] {
  // mulberry32: 32-bit integer arithmetic, so every machine draws the same sequence.
  let state = 7;
  const next = (n: number) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
  };
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const requests: RealRequest[] = [];
  for (const symbols of PASSWORD_SYMBOLS) {
    const alphabet = letters + symbols;
    for (let i = 0; i < PASSWORDS_PER_SET; i++) {
      let password = '';
      for (let length = 16 + next(9); password.length < length; ) password += alphabet[next(alphabet.length)];
      requests.push({
        set: 'passwords',
        placement: 'json',
        inputs: inputsFromBody(JSON.stringify({ email: 'alice@example.com', password }), 'application/json'),
        shown: password,
      });
    }
  }
  return requests;
}

/** Query languages APIs accept: Strapi's filters, a Mongo-style JSON filter, a CouchDB selector. */
function queryLanguages(): RealRequest[] {
  const queries = [
    'filters[title][$containsi]=release&filters[publishedAt][$notNull]=true&sort[0]=publishedAt:desc&pagination[page]=1&pagination[pageSize]=25',
    'filters[$or][0][price][$lt]=100&filters[$or][1][category][slug][$eq]=sale&populate=*',
  ];
  const bodies = [
    { filter: { $and: [{ status: 'active' }, { age: { $gte: 18 } }] }, sort: { createdAt: -1 }, limit: 50 },
    { selector: { year: { $gt: 2010 }, tags: { $elemMatch: { $eq: 'db' } } }, fields: ['_id', 'title'] },
  ];
  return [
    ...queries.map((query) => ({
      set: 'query-languages',
      placement: 'query' as const,
      inputs: inputsFromQuery(query),
      shown: query,
    })),
    ...bodies.map((body) => {
      const text = JSON.stringify(body);
      return {
        set: 'query-languages',
        placement: 'json' as const,
        inputs: inputsFromBody(text, 'application/json'),
        shown: text,
      };
    }),
  ];
}

export function realTraffic(paranoia: number): RealRequest[] {
  return [
    ...queryLanguages(),
    ...githubExamples(),
    ...uploads(),
    ...browserHeaders(paranoia),
    ...signIn(),
    ...generatedPasswords(),
    ...documents(),
  ];
}
