// Shared types of the detection engine: inputs, findings, categories and detector shape.
import type { Rule } from './rules.ts';

/** Where an input came from; detectors weigh evidence by it. */
export type InputKind = 'query' | 'path' | 'header' | 'cookie' | 'body' | 'key';

/** One part of a request to inspect, with its location (`query.q`, `body.user.name`, `header.user-agent`). */
export interface Input {
  readonly location: string;
  readonly value: string;
  readonly kind: InputKind;
  /**
   * A whole JSON text (from `inputsFromBody(…, { screenJson: true })`): the engine screens its
   * strings in one sweep and walks it into member names and leaves only when one has findings.
   */
  readonly json?: boolean;
  /**
   * With `json`: the text's parsed value when another part of the gateway already parsed it (the
   * body shared by the request's policies), so the engine does not parse the text again.
   */
  readonly jsonValue?: () => ParsedJsonValue;
}

/** A JSON text's parsed value, or the fact that it is not JSON. */
export type ParsedJsonValue = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

/** The threat categories the engine knows. */
export const CATEGORIES = [
  'sqli',
  'nosqli',
  'xss',
  'cmdi',
  'traversal',
  'ssrf',
  'xxe',
  'ssti',
  'ldapi',
  'crlf',
  'proto',
  'jndi',
  'php',
  'java',
  'rfi',
  'ssi',
  'scanner',
  'protocol',
  'nodejs',
] as const;
export type Category = (typeof CATEGORIES)[number];

export type Confidence = 'low' | 'medium' | 'high';

/** A detector's observation inside one input, before scoring and location are attached. */
export interface Hit {
  /** Stable rule id, `<category>.<name>` (e.g. `sqli.tautology`). */
  readonly rule: string;
  /** Anomaly points: 5 decides alone at the default threshold, 3 and 2 need company. */
  readonly score: number;
  /** The lowest paranoia level (1–4) at which this hit counts. */
  readonly paranoia: number;
  /** The level from which it counts in a document, when higher (the rule's `documents`). */
  readonly documents?: number;
  /** Offset in the inspected text where the evidence starts (for the excerpt). */
  readonly at: number;
  /** Which text `at` refers to: the decoded view (default) or the raw value. */
  readonly view?: 'raw' | 'decoded';
}

/** A reported finding. */
export interface Finding {
  readonly rule: string;
  readonly category: Category;
  readonly confidence: Confidence;
  readonly score: number;
  readonly location: string;
  /** A short redacted excerpt around the evidence; never the whole payload. */
  readonly excerpt: string;
}

/** The texts a detector sees for one input. */
export interface Views {
  readonly raw: string;
  /** Layered-decoded (percent, entities, escapes, overlong UTF-8), NFKC, nulls removed. */
  readonly decoded: string;
  /** `decoded` lower-cased. */
  readonly lower: string;
  /** Whether any decoding layer changed the text (obfuscation is itself a weak signal). */
  readonly changed: boolean;
}

/** A detector: a pure function of one input's views, linear in their length. */
export interface Detector {
  readonly category: Category;
  /** Every rule it can report (its table in the catalogue). */
  readonly rules: readonly Rule[];
  /** Whether text of only letters, digits, spaces, `_`, `,` and `-` can carry this attack (SQL keywords can). */
  readonly plainText?: boolean;
  /**
   * With `plainText`: the lowest paranoia level at which plain text can give this detector a hit (1
   * when absent). Below it the engine neither screens nor scans plain text with it.
   */
  readonly plainTextParanoia?: number;
  /**
   * With `plainText`: a test on lower-cased plain text that matches wherever this detector could
   * find something. The engine clears a JSON body whose strings are all plain in one sweep with it.
   */
  readonly plainScreen?: RegExp | ((lower: string) => boolean);
  detect(views: Views, kind: InputKind, location: string): Hit[];
}
