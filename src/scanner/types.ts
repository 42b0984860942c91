// The scanner's shared shapes: operations as the scanner sees them, exchanges, findings and checks.

/** How bad a finding is; `--fail-on` compares against this order. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A parameter with its schema resolved. */
export interface ScanParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required: boolean;
  readonly schema: Schema;
}

/** A JSON Schema object with every `$ref` resolved (bounded depth). */
export type Schema = Readonly<Record<string, unknown>>;

/** One operation of the spec, reduced to what the scanner needs. */
export interface ScanOperation {
  readonly method: string;
  readonly path: string;
  /** `GET /users/{id}`: how reports name the operation. */
  readonly key: string;
  readonly operationId: string | undefined;
  readonly tags: readonly string[];
  readonly summary: string;
  readonly parameters: readonly ScanParameter[];
  /** The request body schema (JSON, else form-encoded), when the operation takes one. */
  readonly body: Schema | undefined;
  /** Whether the body is sent form-encoded (the spec offers no JSON body). */
  readonly form: boolean;
  readonly bodyRequired: boolean;
  /** JSON response schemas by status key (`200`, `4XX`, `default`). */
  readonly responses: Readonly<Record<string, Schema | undefined>>;
  /** Whether the operation declares a non-empty security requirement. */
  readonly secured: boolean;
  /** OAuth2/OpenID scopes its security requirements name. */
  readonly scopes: readonly string[];
}

/** One request the scanner sent and what came back (kept for evidence and passive checks). */
export interface Exchange {
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly requestBody: string | undefined;
  readonly status: number;
  readonly responseHeaders: Readonly<Record<string, string>>;
  /** The response body text, at most the client's cap. */
  readonly body: string;
  /** The body parsed as JSON, when it is JSON. */
  readonly json: unknown;
  readonly ms: number;
  /** The identity whose credentials the request carried. */
  readonly identity: string | undefined;
  /** The operation the request exercised. */
  readonly operation: string | undefined;
}

/** What a finding shows as proof: redacted excerpts and what was observed. */
export interface Evidence {
  readonly note: string;
  readonly request?: string;
  readonly response?: string;
}

/** One confirmed weakness. */
export interface Finding {
  readonly check: string;
  readonly title: string;
  readonly severity: Severity;
  /** OWASP API Security Top 10 (2023) category, e.g. `API1:2023`. */
  readonly owasp: string;
  readonly cwe: number;
  readonly operation: string;
  readonly description: string;
  readonly evidence: readonly Evidence[];
  /** A curl command reproducing the decisive request (credentials as shell variables). */
  readonly curl: string;
  /** Response members the finding is about (`people[].password`), when it names some. */
  readonly members?: readonly string[];
  /** The Rampart route policy block that would refuse the decisive request. */
  readonly fix?: FixBlock;
}

/** A Rampart config fragment for one route (merged by `rampart init --from-scan`). */
export interface FixBlock {
  /** The route it belongs to: method and path template of the operation (`*` for all). */
  readonly route: { readonly methods: readonly string[]; readonly path: string };
  /** Policy name → its config, as in `routes[].policies` of rampart.yaml. */
  readonly policies: Readonly<Record<string, unknown>>;
  /** Why this block refuses the exploit. */
  readonly note: string;
  /** A Rampart feature the block needs that the gateway does not have yet (absent: it loads today). */
  readonly requires?: string;
  /** Blocks for other routes the same fix needs (the login route of a token shield). */
  readonly also?: readonly FixBlock[];
}

/** OWASP API Security Top 10 (2023) category names. */
export const OWASP: Readonly<Record<string, string>> = {
  'API1:2023': 'Broken Object Level Authorization',
  'API2:2023': 'Broken Authentication',
  'API3:2023': 'Broken Object Property Level Authorization',
  'API4:2023': 'Unrestricted Resource Consumption',
  'API5:2023': 'Broken Function Level Authorization',
  'API6:2023': 'Unrestricted Access to Sensitive Business Flows',
  'API7:2023': 'Server Side Request Forgery',
  'API8:2023': 'Security Misconfiguration',
  'API9:2023': 'Improper Inventory Management',
  'API10:2023': 'Unsafe Consumption of APIs',
};
