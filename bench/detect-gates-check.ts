// The engine with gates against the engine without them (src/detect/gates.ts): the same requests,
// paranoia 1–4, compared on blocked, score and findings (rule, location, score). Used by
// src/detect/gates.test.ts (a sample) and bench/detect-gates.ts (everything).

import { base64Text, embeddedJsonStrings } from '../src/detect/decode/embedded.ts';
import { viewsOf } from '../src/detect/decode/views.ts';
import { DETECTORS } from '../src/detect/detectors/index.ts';
import { createEngine, type InspectionResult } from '../src/detect/engine.ts';
import { charMask, GATES, OTHER } from '../src/detect/gates.ts';
import {
  inputsFromBody,
  inputsFromJson,
  inputsFromPath,
  inputsFromPathSegments,
} from '../src/detect/index.ts';
import type { Category, Input } from '../src/detect/types.ts';
import { readCorpus } from './detect-corpus.ts';
import { FAMILY_ATTACKS, FAMILY_BENIGN } from './detect-families.ts';
import { inputsFor, PLACEMENTS } from './detect-placements.ts';
import { realTraffic } from './detect-real-traffic.ts';
import { SCENARIOS } from './scenarios.ts';

/** One request to compare: where it comes from, and its inputs at a paranoia level. */
export interface GateCase {
  readonly set: string;
  readonly shown: string;
  readonly inputs: (paranoia: number) => Input[] | undefined;
}

/** A request the two engines answered differently. */
export interface GateDifference {
  readonly set: string;
  readonly shown: string;
  readonly paranoia: number;
  readonly gated: string;
  readonly ungated: string;
}

/** What is compared of a verdict: blocked, score, each finding's rule, location and score. */
export function verdictOf(result: InspectionResult): string {
  const findings = result.findings.map((f) => `${f.rule}@${f.location}:${f.score}`).sort();
  return `${result.blocked ? 'blocked' : 'passed'} ${result.score} [${findings.join(' ')}]`;
}

/** Runs every case through both engines at each paranoia level; returns the differences. */
export function gateDifferences(cases: Iterable<GateCase>, paranoias: readonly number[] = [1, 2, 3, 4]) {
  const engines = paranoias.map((paranoia) => ({
    paranoia,
    gated: createEngine({ paranoia }, true),
    ungated: createEngine({ paranoia }, false),
  }));
  const differences: GateDifference[] = [];
  let compared = 0;
  for (const c of cases) {
    for (const { paranoia, gated, ungated } of engines) {
      const inputs = c.inputs(paranoia);
      if (inputs === undefined) continue;
      compared++;
      const withGates = verdictOf(gated.inspect(inputs));
      const without = verdictOf(ungated.inspect(inputs));
      if (withGates !== without)
        differences.push({ set: c.set, shown: c.shown, paranoia, gated: withGates, ungated: without });
    }
  }
  return { compared, differences };
}

/** Each line in each placement of issue 13 (query, JSON, form, multipart, header, cookie, path, XML). */
export function* placedCases(set: string, lines: readonly string[]): Generator<GateCase> {
  for (const line of lines)
    for (const placement of PLACEMENTS)
      yield { set: `${set}/${placement}`, shown: line, inputs: () => inputsFor(line, placement) };
}

/** The corpus (attacks without inert lines, benign), `sample` lines per file at most. */
export function* corpusCases(corpus: string, sample?: number): Generator<GateCase> {
  for (const dir of ['attacks', 'benign'] as const)
    for (const file of readCorpus(corpus, dir, sample))
      yield* placedCases(`${dir}/${file.label}`, file.lines);
}

/** Our families' payloads and their benign look-alikes. */
export function* familyCases(): Generator<GateCase> {
  for (const [family, lines] of Object.entries(FAMILY_ATTACKS))
    yield* placedCases(`families/${family}`, lines);
  yield* placedCases('families/benign', FAMILY_BENIGN);
}

/** The real-traffic benign set, as its requests are built at each paranoia level (headers differ). */
export function* realTrafficCases(): Generator<GateCase> {
  for (const paranoia of [1, 2, 3, 4])
    for (const request of realTraffic(paranoia))
      yield {
        set: `real/${request.set}`,
        shown: request.shown,
        inputs: (p) => (p === paranoia ? request.inputs : undefined),
      };
}

/** The benchmark's request bodies (bench/scenarios.ts), as the detect policy reads them. */
export function* benchCases(): Generator<GateCase> {
  for (const scenario of SCENARIOS) {
    const bodies = scenario.bodies ?? (scenario.body === undefined ? [undefined] : [scenario.body]);
    for (const body of bodies)
      yield {
        set: `bench/${scenario.name}`,
        shown: body === undefined ? scenario.path : `${body.slice(0, 60)}…`,
        inputs: () => [
          ...inputsFromPath(scenario.path),
          ...(body === undefined ? [] : inputsFromBody(body, 'application/json', { screenJson: true })),
          ...inputsFromPathSegments(scenario.path, new Set()),
        ],
      };
  }
}

/** A value a gate closed on although its detector finds something in it. */
export interface GateLeak {
  readonly category: Category;
  readonly value: string;
  readonly kind: Input['kind'];
  readonly rules: string[];
}

/**
 * The gates held directly to their detectors: for every value the engine would scan (JSON texts
 * walked into keys and leaves, base64 and JSON layers opened), each detector whose gate is closed
 * must find nothing at any paranoia level.
 */
export function gateLeaks(cases: Iterable<GateCase>): { values: number; leaks: GateLeak[] } {
  const leaks: GateLeak[] = [];
  let values = 0;
  const check = (value: string, kind: Input['kind'], location: string, depth: number) => {
    if (value.length === 0) return;
    values++;
    const mask = charMask(value);
    const views = viewsOf(value);
    if (!views.changed && (mask & OTHER) === 0) {
      for (const detector of DETECTORS) {
        if (GATES[detector.category](mask, views, kind, location)) continue;
        const hits = detector.detect(views, kind, location);
        if (hits.length > 0)
          leaks.push({ category: detector.category, value, kind, rules: hits.map((h) => h.rule) });
      }
    }
    if (depth < 2 && value.length >= 16) {
      const inner = [base64Text(value), ...embeddedJsonStrings(value.trim())];
      for (const text of inner)
        if (text !== undefined)
          check(text, kind === 'header' || kind === 'cookie' ? 'body' : kind, location, depth + 1);
    }
  };
  for (const c of cases) {
    for (const input of c.inputs(4) ?? []) {
      if (input.json !== true) check(input.value, input.kind, input.location, 0);
      else
        for (const leaf of inputsFromJson(input.value, input.location))
          check(leaf.value, leaf.kind, leaf.location, 0);
    }
  }
  return { values, leaks };
}
