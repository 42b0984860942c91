// The engine: compiles options once, then inspects a request's inputs, scores the findings
// against the paranoia level and threshold, and enforces the per-request inspection budget.
import { base64Text, embeddedJsonStrings, mayStartBase64Run } from './decode/embedded.ts';
import { viewsOf } from './decode/views.ts';
import { DETECTORS } from './detectors/index.ts';
import { excerptOf } from './excerpt.ts';
import { compileExclusions, type Exclusion } from './exclusions.ts';
import { inputsFromJson, inputsFromJsonValue } from './extract/json.ts';
import { isPlainJson } from './extract/json-screen.ts';
import {
  AMP,
  BACKSLASH,
  COMMA,
  CONTROL,
  charMask,
  EQ,
  GATES,
  type Gate,
  LBRACE,
  LBRACKET,
  OTHER,
  PERCENT,
  PLUS,
  SEMI,
  SLASH,
} from './gates.ts';
import type { Category, Confidence, Detector, Finding, Hit, Input, InputKind, Views } from './types.ts';

/** What to do when a request carries more bytes than the inspection budget. */
export type OverBudgetAction = 'block' | 'flag';

export interface DetectorOptions {
  /** 1 (default, fewest false positives) to 4 (most rules, most false positives). */
  readonly paranoia?: number;
  /** The anomaly score at which a request is blocked (default: by paranoia level, `thresholdFor`). */
  readonly threshold?: number;
  /** Only these categories run (default: all). */
  readonly categories?: readonly Category[];
  readonly exclusions?: readonly Exclusion[];
  /** Bytes of input values inspected per request (default 1 MiB); the rest is over budget. */
  readonly budgetBytes?: number;
  /** `block` (default): a request over budget is blocked; `flag`: reported, the inspected part decides. */
  readonly overBudget?: OverBudgetAction;
}

export interface InspectionResult {
  readonly score: number;
  /** The threshold the score was held against. */
  readonly threshold: number;
  readonly findings: Finding[];
  readonly blocked: boolean;
  readonly overBudget: boolean;
}

export interface ThreatDetector {
  inspect(inputs: readonly Input[]): InspectionResult;
}

export const DEFAULT_BUDGET_BYTES = 1024 * 1024;
/** Text that holds no markup, path, URL, shell or template syntax: only detectors that read words run. */
const PLAIN = /^[\p{L}\p{N} _,-]*$/u;
/** The blocking threshold at paranoia 1. */
export const DEFAULT_THRESHOLD = 5;
/** Default thresholds at paranoia 1–4: higher levels add rules and let weaker evidence decide. */
const THRESHOLDS = [5, 3, 3, 2] as const;

/** The default blocking threshold of a paranoia level (1–4). */
export function thresholdFor(paranoia: number): number {
  return THRESHOLDS[Math.min(4, Math.max(1, Math.trunc(paranoia))) - 1]!;
}
/**
 * Characters a decoding layer reads (percent, entities, escapes; NUL, NFKC and invisibles outside
 * ASCII): a value without them is its own decoded view.
 */
const DECODABLE = PERCENT | AMP | BACKSLASH | OTHER;
/**
 * A string of plain JSON that may be base64 (mixed case, 16+ characters; plain strings hold no
 * `+`, `/` or `=`): a text holding one is walked, so its decoded layer is inspected.
 */
const BASE64_SCREEN_BYTES = 16 * 1024;
const BASE64_RUN = /"(?=[a-z0-9_-]{0,256}[A-Z])(?=[A-Z0-9_-]{0,256}[a-z])[A-Za-z0-9_-]{16,}"/;
/** Values up to this length are memoized per request; at most this many entries. */
const MEMO_MAX_LENGTH = 256;
const MEMO_MAX_ENTRIES = 4096;

/** Scans of one request, by input kind and value. */
type Memo = Map<InputKind, Map<string, Scanned>>;

/**
 * Values outside bodies repeat across requests (user agents, accept lists, a route's static path,
 * paging parameters): those up to this length that no detector hit are remembered with their kind and
 * location (some detectors read the name), at most this many per generation, two generations kept, so
 * a repeated clean value costs a lookup. Bounded per detector: about 0.5 MB at worst.
 */
const CLEAN_REPEAT_MAX_LENGTH = 256;
const CLEAN_REPEAT_ENTRIES = 1024;
const REPEATING_KINDS: ReadonlySet<InputKind> = new Set(['header', 'cookie', 'path', 'query']);
const EMPTY_VIEWS: Views = Object.freeze({ raw: '', decoded: '', lower: '', changed: false });
const CLEAN: Scanned = Object.freeze({
  views: EMPTY_VIEWS,
  hits: Object.freeze([]) as readonly ScannedHit[],
});

/** A detector's hit, its category, and the text it was found in when that is a decoded layer. */
interface ScannedHit {
  readonly hit: Hit;
  readonly category: Category;
  /** The views of an embedded layer (base64, JSON in a string) the hit was found in. */
  readonly layer?: Views;
}

/** One value's views and its detectors' hits, before paranoia, exclusions and location apply. */
interface Scanned {
  readonly views: Views;
  readonly hits: readonly ScannedHit[];
}

/** A value sent as at least this many lines, and this long, is a document (rules' `documents` level). */
const DOCUMENT_LINES = 5;
const DOCUMENT_LENGTH = 200;

/** Whether a value is a document: raw line breaks (encoded ones are no formatting), enough of them. */
function isDocument(value: string): boolean {
  if (value.length < DOCUMENT_LENGTH) return false;
  let lines = 0;
  for (let at = value.indexOf('\n'); at >= 0; at = value.indexOf('\n', at + 1))
    if (++lines >= DOCUMENT_LINES) return true;
  return false;
}

/**
 * Whether a value may be base64 (`base64Text`): letters, digits, `+ / _ - =` after trimming, or a
 * `data:…;base64,` URL. A run cut out of markup with its tail (`PHN2Zy…%3D%3D"/>`) is found by
 * `mayStartBase64Run`.
 */
function mayBeBase64(mask: number): boolean {
  return (
    (mask & ~(PLUS | SLASH | EQ | CONTROL | OTHER)) === 0 || ((mask & SEMI) !== 0 && (mask & COMMA) !== 0)
  );
}

/** Whether a value may be a JSON document (`embeddedJsonStrings`: it starts with `{` or `[`). */
function mayBeJson(mask: number): boolean {
  return (mask & (LBRACE | LBRACKET)) !== 0;
}

/** Base64 and JSON-in-string layers are opened this many levels deep. */
const MAX_LAYERS = 2;

function confidenceOf(score: number): Confidence {
  return score >= 5 ? 'high' : score >= 3 ? 'medium' : 'low';
}

/** Creates a detector; options are validated and compiled once. */
export function createDetector(options: DetectorOptions = {}): ThreatDetector {
  return createEngine(options, true);
}

/**
 * The detector, with or without the gates that skip detectors a value cannot interest
 * (`gates.ts`). Without them every detector reads every value: the reference the gates are held
 * to (`gates.test.ts`, `bench/detect-gates.ts`). Internal: not exported by the library.
 */
export function createEngine(options: DetectorOptions, gated: boolean): ThreatDetector {
  const paranoia = options.paranoia ?? 1;
  if (!Number.isInteger(paranoia) || paranoia < 1 || paranoia > 4)
    throw new RangeError('paranoia must be 1 to 4');
  const threshold = options.threshold ?? thresholdFor(paranoia);
  const budget = options.budgetBytes ?? DEFAULT_BUDGET_BYTES;
  const overBudgetAction = options.overBudget ?? 'block';
  const wanted = options.categories === undefined ? undefined : new Set(options.categories);
  const detectors: Detector[] = DETECTORS.filter((d) => wanted === undefined || wanted.has(d.category));
  const excluded = compileExclusions(options.exclusions ?? []);
  // The one-sweep screen of plain JSON needs every plain-text detector to say where it could fire.
  // Detectors that can find something in plain text at this paranoia level.
  const plainDetectors = detectors.filter(
    (d) => d.plainText === true && (d.plainTextParanoia ?? 1) <= paranoia,
  );
  const readsPlain: readonly boolean[] = detectors.map((d) => plainDetectors.includes(d));
  const gates: readonly (Gate | undefined)[] = detectors.map((d) => (gated ? GATES[d.category] : undefined));
  const plainScreens = plainDetectors.every((d) => d.plainScreen !== undefined)
    ? plainDetectors.map((d) => {
        const screen = d.plainScreen!;
        return typeof screen === 'function' ? screen : (lower: string) => screen.test(lower);
      })
    : undefined;

  let cleanRecent = new Set<string>();
  let cleanOlder = new Set<string>();
  /** A value outside a body that no detector hit, seen on an earlier request. */
  function knownClean(key: string): boolean {
    if (cleanRecent.has(key)) return true;
    if (!cleanOlder.has(key)) return false;
    rememberClean(key);
    return true;
  }
  function rememberClean(key: string): void {
    if (cleanRecent.size >= CLEAN_REPEAT_ENTRIES) {
      cleanOlder = cleanRecent;
      cleanRecent = new Set();
    }
    cleanRecent.add(key);
  }

  /** Every detector's hits on one value (all paranoia levels: filtering comes after). */
  function scan(value: string, kind: InputKind, location: string, memo: Memo | undefined): Scanned {
    if (memo === undefined && REPEATING_KINDS.has(kind) && value.length <= CLEAN_REPEAT_MAX_LENGTH) {
      const key = `${kind}\u0000${location}\u0000${value}`;
      if (knownClean(key)) return CLEAN;
      const scanned = scanLayers(value, kind, location, 0);
      if (scanned.hits.length === 0) rememberClean(key);
      return scanned;
    }
    // Arrays of objects repeat member names and short values: each distinct one is scanned once
    // per request. Detectors read only the value and its kind, except the prototype-pollution
    // check of a `prototype` key, which reads the location and is never memoized. Other inputs
    // (query, headers, forms) rarely repeat: hashing them costs more than scanning them again.
    const memoized = memo !== undefined && value.length <= MEMO_MAX_LENGTH && value !== 'prototype';
    let byValue: Map<string, Scanned> | undefined;
    if (memoized) {
      byValue = memo!.get(kind);
      if (byValue === undefined) {
        byValue = new Map();
        memo!.set(kind, byValue);
      }
      const known = byValue.get(value);
      if (known !== undefined) return known;
    }
    const scanned = scanLayers(value, kind, location, 0);
    if (byValue !== undefined && byValue.size < MEMO_MAX_ENTRIES) byValue.set(value, scanned);
    return scanned;
  }

  /** A value's hits, and those of the texts it embeds (base64, a JSON document in a string). */
  function scanLayers(value: string, kind: InputKind, location: string, depth: number): Scanned {
    // Letters, digits, space, `_`, `,`, `-` only: no decoder can change it, and only detectors
    // that read words apply (the common case of identifiers, numbers-as-text and padding).
    const mask = charMask(value);
    const asciiPlain = (mask & ~COMMA) === 0;
    const views: Views =
      (mask & DECODABLE) === 0
        ? { raw: value, decoded: value, lower: value.toLowerCase(), changed: false }
        : viewsOf(value);
    // Text with punctuation other than `,` (when no decoding changed it) is not plain.
    const plain =
      asciiPlain || ((views.changed || (mask & ~(COMMA | OTHER)) === 0) && PLAIN.test(views.decoded));
    // A gate reads the value's characters: only where the detector reads the same text.
    const gate = !views.changed && (mask & OTHER) === 0;
    let hits: ScannedHit[] | undefined;
    for (let d = 0; d < detectors.length; d++) {
      const detector = detectors[d]!;
      if (plain && !readsPlain[d]) continue;
      if (gate && gates[d]?.(mask, views, kind, location) === false) continue;
      const found = detector.detect(views, kind, location);
      if (found.length === 0) continue;
      hits ??= [];
      for (const hit of found) hits.push({ hit, category: detector.category });
    }
    const base64 = mayBeBase64(mask) || (value.length >= 32 && mayStartBase64Run(value));
    if (depth < MAX_LAYERS && value.length >= 16 && (base64 || (!plain && mayBeJson(mask)))) {
      const inner: string[] = [];
      const decoded = base64 ? base64Text(value) : undefined;
      if (decoded !== undefined) inner.push(decoded);
      if (!plain && mayBeJson(mask)) inner.push(...embeddedJsonStrings(value.trim()));
      const found: ScannedHit[] = [];
      for (const text of inner) {
        // What a header or cookie embeds is a document, not a field value: its line breaks are text.
        const layer = scanLayers(
          text,
          kind === 'header' || kind === 'cookie' ? 'body' : kind,
          location,
          depth + 1,
        );
        for (const entry of layer.hits) found.push({ ...entry, layer: entry.layer ?? layer.views });
      }
      // The value and its layers show one payload twice: per category, the stronger view counts.
      if (found.length > 0) return { views, hits: strongerPerCategory(hits ?? [], found) };
    }
    // A value without hits needs no views (they serve excerpts): one shared answer.
    return hits === undefined ? CLEAN : { views, hits };
  }

  return {
    inspect(inputs) {
      const findings: Finding[] = [];
      const memo: Memo = new Map();
      let used = 0;
      let overBudget = false;
      function inspectOne(input: Input, memoized: boolean): void {
        let value = input.value;
        // Each input is inspected whole while the request budget lasts, so padding does not hide
        // a payload; what is left over is reported (and by default blocked), never passed unseen.
        if (used + value.length > budget) {
          overBudget = true;
          value = value.slice(0, Math.max(0, budget - used));
        }
        used += value.length;
        if (value.length === 0) return;
        const { views, hits } = scan(value, input.kind, input.location, memoized ? memo : undefined);
        const inDocument = hits.length > 0 && isDocument(value);
        for (const { hit, category, layer } of hits) {
          const level = inDocument && hit.documents !== undefined ? hit.documents : hit.paranoia;
          if (level > paranoia || excluded(input.location, hit.rule)) continue;
          const text = layer ?? views;
          findings.push({
            rule: hit.rule,
            category,
            confidence: confidenceOf(hit.score),
            score: hit.score,
            location: input.location,
            excerpt: excerptOf(hit.view === 'raw' ? text.raw : text.decoded, hit.at),
          });
        }
      }

      /**
       * A JSON text's screen: clean (no string has findings at this paranoia level), or the parsed
       * document to walk for locations (undefined when the text is not JSON).
       */
      function screen(
        text: string,
        jsonValue: Input['jsonValue'],
      ): { clean: true } | { clean: false; parsed?: unknown } {
        if (used + text.length > budget) return { clean: false };
        // Unpadded base64 without `+` or `/` is plain too: small texts holding a candidate are
        // walked so it is decoded; in large ones the search would cost every plain document.
        const candidate = text.length <= BASE64_SCREEN_BYTES && BASE64_RUN.test(text);
        if (plainScreens !== undefined && !candidate && isPlainJson(text)) {
          const lower = text.toLowerCase();
          if (!plainScreens.some((screen) => screen(lower))) return { clean: true };
        }
        let parsed: unknown;
        if (jsonValue !== undefined) {
          const given = jsonValue();
          if (!given.ok) return { clean: false };
          parsed = given.value;
        } else {
          try {
            parsed = JSON.parse(text);
          } catch {
            return { clean: false };
          }
        }
        const stack: unknown[] = [parsed];
        // The member names of the last object screened, all clean: an array of records repeats them.
        let cleanKeys: readonly string[] = [];
        while (stack.length > 0) {
          const value = stack.pop();
          if (typeof value === 'string') {
            if (hasHits(value, 'body')) return { clean: false, parsed };
          } else if (Array.isArray(value)) {
            for (const item of value) stack.push(item);
          } else if (typeof value === 'object' && value !== null) {
            const keys = Object.keys(value);
            const known = sameKeys(keys, cleanKeys);
            for (const key of keys) {
              if (!known && (key === 'prototype' || hasHits(key, 'key'))) return { clean: false, parsed };
              stack.push((value as Record<string, unknown>)[key]);
            }
            cleanKeys = keys;
          }
        }
        return { clean: true };
      }

      function hasHits(value: string, kind: InputKind): boolean {
        if (value.length === 0) return false;
        for (const { hit } of scan(value, kind, 'body', memo).hits) if (hit.paranoia <= paranoia) return true;
        return false;
      }

      for (const input of inputs) {
        if (input.json === true) {
          // Screened first; walked (for locations) only when something is found. The memo lets
          // the walk re-use the screen's scans.
          const screened = screen(input.value, input.jsonValue);
          if (screened.clean) {
            used += input.value.length;
            continue;
          }
          const leaves =
            screened.parsed === undefined
              ? inputsFromJson(input.value, input.location)
              : inputsFromJsonValue(screened.parsed, input.location);
          for (const leaf of leaves) {
            inspectOne(leaf, true);
            if (overBudget) break;
          }
        } else inspectOne(input, false);
        if (overBudget) break;
      }

      const merged = keepStrongest(findings);
      const score = anomalyScore(merged);
      const blocked = score >= threshold || (overBudget && overBudgetAction === 'block');
      merged.sort((a, b) => b.score - a.score);
      return { score, threshold, findings: merged, blocked, overBudget };
    },
  };
}

/** Whether two lists of member names are the same. */
function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Per category, the hits of whichever side (the value, or its decoded layers) scores higher. */
function strongerPerCategory(outer: readonly ScannedHit[], inner: readonly ScannedHit[]): ScannedHit[] {
  const best = (hits: readonly ScannedHit[], category: Category) =>
    hits.reduce((max, h) => (h.category === category ? Math.max(max, h.hit.score) : max), 0);
  const categories = new Set([...outer, ...inner].map((h) => h.category));
  const out: ScannedHit[] = [];
  for (const category of categories) {
    const fromInner = best(inner, category) > best(outer, category);
    for (const h of fromInner ? inner : outer) if (h.category === category) out.push(h);
  }
  return out;
}

/**
 * The request's anomaly score. A payload lives in one place, so evidence adds up per location: the
 * highest per-category sum there plus half of the other categories' points (unrelated weak hints,
 * like a URL and a code span in one documentation text, do not decide alone). The request scores
 * its worst location, so many harmless fields (private IPs across a JSON document) do not add up.
 */
function anomalyScore(findings: readonly Finding[]): number {
  const perLocation = new Map<string, Map<Category, number>>();
  for (const f of findings) {
    let categories = perLocation.get(f.location);
    if (categories === undefined) {
      categories = new Map();
      perLocation.set(f.location, categories);
    }
    categories.set(f.category, (categories.get(f.category) ?? 0) + f.score);
  }
  let worst = 0;
  for (const categories of perLocation.values()) {
    let top = 0;
    let total = 0;
    for (const points of categories.values()) {
      total += points;
      top = Math.max(top, points);
    }
    worst = Math.max(worst, top + (total - top) / 2);
  }
  return worst;
}

/** One finding per rule and location: the strongest. */
function keepStrongest(findings: Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.rule}\u0000${f.location}`;
    const old = byKey.get(key);
    if (old === undefined || f.score > old.score) byKey.set(key, f);
  }
  return [...byKey.values()];
}
