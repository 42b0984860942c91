// multipart/form-data bodies (RFC 7578), parsed with busboy: each part's name, filename and value
// are inputs of their own (`body.<name>`, `body.<name>@filename`). Part headers are framing, never
// content: they are not inspected as text (their CR/LF are not header injection).
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Input } from '../types.ts';
import { MAX_INPUTS, segment } from './limits.ts';

/** Bounds of one multipart body: parts, header pairs per part, bytes per field and per file. */
export const MULTIPART_LIMITS = {
  parts: 1000,
  headerPairs: 64,
  fieldSize: 1024 * 1024,
  fileSize: 1024 * 1024,
} as const;

/** File contents are inspected when they read as text: no NUL in this many leading bytes, valid UTF-8. */
const TEXT_SNIFF_BYTES = 8192;

/** Whether file bytes are text (uploads of images and archives are not scanned as strings). */
function textOf(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, TEXT_SNIFF_BYTES).includes(0)) return undefined;
  const text = bytes.toString('utf8');
  return text.includes('\ufffd') ? undefined : text;
}

/**
 * Inputs of a multipart/form-data body, or undefined when busboy cannot read it (no boundary, or
 * not multipart after all): the caller then inspects the body whole.
 */
export function inputsFromMultipart(body: Buffer, contentType: string, prefix = 'body'): Input[] | undefined {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      // Filenames as sent (a `../` in one is evidence), decoded as UTF-8 like browsers send them.
      preservePath: true,
      defParamCharset: 'utf8',
      // Large enough that a file part never waits for a reader: the body is already in memory.
      fileHwm: MULTIPART_LIMITS.fileSize + 1,
      limits: {
        parts: MULTIPART_LIMITS.parts,
        fields: MULTIPART_LIMITS.parts,
        files: MULTIPART_LIMITS.parts,
        headerPairs: MULTIPART_LIMITS.headerPairs,
        fieldSize: MULTIPART_LIMITS.fieldSize,
        fileSize: MULTIPART_LIMITS.fileSize,
        fieldNameSize: 1024,
      },
    });
  } catch {
    return undefined;
  }
  const inputs: Input[] = [];
  const files: { location: string; stream: Readable }[] = [];
  let partsSeen = 0;
  function add(input: Input): void {
    if (inputs.length < MAX_INPUTS) inputs.push(input);
  }
  parser.on('field', (name, value) => {
    partsSeen++;
    const location = `${prefix}.${segment(name)}`;
    add({ location, value: name, kind: 'key' });
    if (value.length > 0) add({ location, value, kind: 'body' });
  });
  parser.on('file', (name, stream, info) => {
    partsSeen++;
    const location = `${prefix}.${segment(name)}`;
    add({ location, value: name, kind: 'key' });
    if (info.filename !== undefined && info.filename.length > 0)
      add({ location: `${location}@filename`, value: info.filename, kind: 'body' });
    files.push({ location, stream });
  });
  // A malformed body is read as far as it goes; what was announced is inspected.
  parser.on('error', () => {});
  // busboy parses a written buffer synchronously: fields and files are announced before end() returns.
  parser.end(body);
  for (const { location, stream } of files) {
    const chunks: Buffer[] = [];
    for (let chunk: unknown = stream.read(); chunk !== null; chunk = stream.read())
      if (Buffer.isBuffer(chunk)) chunks.push(chunk);
    // Unread file streams would hold the parser open; the content is in memory now.
    stream.resume();
    const text = textOf(Buffer.concat(chunks));
    if (text !== undefined && text.length > 0) add({ location, value: text, kind: 'body' });
  }
  // Nothing readable (a cut-short or foreign body; busboy reports that only later, on finish).
  if (partsSeen === 0) return undefined;
  return inputs;
}
