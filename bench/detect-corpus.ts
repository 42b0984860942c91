// The labelled corpus of the detection eval (shared/corpus): one value per line, files per category
// under attacks/ and benign/, escaped as SOURCES.md describes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitInert } from './detect-inert.ts';

/** One corpus file: its label (the file name without `.txt`) and its unescaped lines. */
export interface CorpusFile {
  readonly label: string;
  readonly lines: readonly string[];
  /** How many inert lines of the file were set aside (attack files). */
  readonly inert?: number;
}

/** Undoes the corpus line escaping (SOURCES.md: `\\`, `\n`, `\r`, `\t`, `\xHH`). */
export function unescapeLine(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = line[i + 1];
    if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else if (next === 't') out += '\t';
    else if (next === 'x') {
      out += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16));
      i += 2;
    } else out += '\\';
    i++;
  }
  return out;
}

/** The non-empty lines of a corpus file, unescaped. */
export function readLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map(unescapeLine);
}

/**
 * Every `.txt` file of `corpus/<dir>`, sorted by name; `sample` keeps at most that many lines per file,
 * evenly spaced. Attack files lose their inert lines (bench/detect-inert.ts) before sampling.
 */
export function readCorpus(corpus: string, dir: 'attacks' | 'benign', sample?: number): CorpusFile[] {
  return readdirSync(join(corpus, dir))
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((name) => {
      const all = readLines(join(corpus, dir, name));
      const lines = dir === 'attacks' ? [...splitInert(all).payloads] : all;
      return {
        label: name.replace(/\.txt$/, ''),
        lines: sample === undefined ? lines : spaced(lines, sample),
        inert: all.length - lines.length,
      };
    });
}

function spaced(lines: string[], n: number): string[] {
  if (lines.length <= n) return lines;
  const step = lines.length / n;
  return Array.from({ length: n }, (_, i) => lines[Math.floor(i * step)]!);
}
