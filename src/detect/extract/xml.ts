// XML bodies: the DOCTYPE (where XXE lives) as one input, element text and attribute values with
// their element path (`body.order.item`, `body.order@id`), comments and processing instructions.
// A linear scan, not a validating parser.

import { readAttributes } from '../detectors/xss/html-lexer.ts';
import type { Input } from '../types.ts';
import { MAX_DEPTH, MAX_INPUTS, segment } from './limits.ts';

function skipTo(text: string, from: number, marker: string): number {
  const at = text.indexOf(marker, from);
  return at < 0 ? text.length : at + marker.length;
}

/** The end of a `<!DOCTYPE …>`, which may hold an internal subset in brackets. */
function doctypeEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91) depth++;
    else if (c === 93) depth = Math.max(0, depth - 1);
    else if (c === 62 && depth === 0) return i + 1;
  }
  return text.length;
}

/** Inputs of an XML document. */
export function inputsFromXml(text: string, prefix = 'body'): Input[] {
  const inputs: Input[] = [];
  const path: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n && inputs.length < MAX_INPUTS) {
    const lt = text.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    const chunk = text.slice(i, textEnd).trim();
    const here = path.length > 0 ? `${prefix}.${path.join('.')}` : prefix;
    if (chunk.length > 0) inputs.push({ location: here, value: chunk, kind: 'body' });
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      // Comments reach SSI-style processors and templates: their text is an input too.
      i = skipTo(text, lt + 4, '-->');
      const comment = text.slice(lt, i);
      if (comment.length > 7) inputs.push({ location: `${prefix}.#comment`, value: comment, kind: 'body' });
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = skipTo(text, lt + 9, ']]>');
      const data = text.slice(lt + 9, Math.max(lt + 9, end - 3));
      if (data.length > 0) inputs.push({ location: here, value: data, kind: 'body' });
      i = end;
    } else if (text.startsWith('<!', lt)) {
      const end = doctypeEnd(text, lt + 2);
      inputs.push({ location: `${prefix}.#doctype`, value: text.slice(lt, end), kind: 'body' });
      i = end;
    } else if (text.startsWith('<?', lt)) {
      i = skipTo(text, lt + 2, '?>');
      // Processing instructions other than the declaration (`<?php …?>`, `<?xml-stylesheet …?>`).
      if (!/^<\?xml\s/i.test(text.slice(lt, lt + 6)))
        inputs.push({ location: `${prefix}.#pi`, value: text.slice(lt, i), kind: 'body' });
    } else if (text.charCodeAt(lt + 1) === 47) {
      path.pop();
      i = skipTo(text, lt + 2, '>');
    } else {
      let j = lt + 1;
      while (j < n && !/[\s/>]/.test(text[j]!)) j++;
      const name = segment(text.slice(lt + 1, j));
      const { attributes, end } = readAttributes(text, j);
      const self = text.charCodeAt(end - 2) === 47;
      const at = path.length > 0 ? `${prefix}.${path.join('.')}.${name}` : `${prefix}.${name}`;
      // Edge Side Includes are processed as markup by the caches in front of whatever page the
      // document reaches, not as data: the tag itself is the input (`<esi:include src=…/>`).
      if (/^esi:/i.test(name)) inputs.push({ location: at, value: text.slice(lt, end), kind: 'body' });
      for (const attribute of attributes) {
        inputs.push({ location: `${at}@${segment(attribute.name)}`, value: attribute.name, kind: 'key' });
        if (attribute.value.length > 0)
          inputs.push({ location: `${at}@${segment(attribute.name)}`, value: attribute.value, kind: 'body' });
      }
      if (!self && path.length < MAX_DEPTH) path.push(name);
      i = end;
    }
  }
  if (i < n && inputs.length >= MAX_INPUTS)
    inputs.push({ location: `${prefix}.#rest`, value: text.slice(i), kind: 'body' });
  return inputs;
}
