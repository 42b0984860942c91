// Maps JSON pointers to 1-based lines of a YAML or JSON spec file using the yaml parser's source
// ranges (JSON is YAML). Built only for files small enough to parse twice.
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { parsePointer } from '../openapi/pointer.ts';

/** Files above this are not position-mapped (findings carry the pointer only). */
const MAX_MAPPED_BYTES = 4 * 1024 * 1024;

/** A pointer → line lookup; undefined lines when the file is too large or the pointer is absent. */
export function lineMapper(text: string): (pointer: string) => number | undefined {
  if (text.length > MAX_MAPPED_BYTES) return () => undefined;
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter, keepSourceTokens: false });
  return (pointer: string) => {
    let node: unknown = document.contents;
    let keyNode: Node | undefined;
    for (const token of parsePointer(pointer)) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === token);
        if (pair === undefined) return undefined;
        keyNode = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node)) {
        node = node.items[Number(token)];
        keyNode = undefined;
      } else return undefined;
    }
    const range = (keyNode ?? (node as Node | undefined))?.range;
    return range === undefined || range === null ? undefined : counter.linePos(range[0]).line;
  };
}
