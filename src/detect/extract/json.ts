// JSON bodies: every member name becomes a `key` input and every string leaf a `body` input, with
// its path (`body.user.name`, `body.items[0]`). Walked iteratively (no recursion, so any depth),
// with a count limit past which the rest is inspected as text.
import type { Input } from '../types.ts';
import { MAX_INPUTS, segment } from './limits.ts';

interface Frame {
  readonly value: unknown;
  readonly path: string;
}

/** Inputs of a parsed JSON value rooted at `prefix`. */
export function inputsFromJsonValue(root: unknown, prefix = 'body'): Input[] {
  const inputs: Input[] = [];
  const stack: Frame[] = [{ value: root, path: prefix }];
  while (stack.length > 0 && inputs.length < MAX_INPUTS) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.length > 0) inputs.push({ location: path, value, kind: 'body' });
    } else if (typeof value === 'object' && value !== null) {
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]` });
      } else {
        const keys = Object.keys(value);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i]!;
          const child = `${path}.${segment(key)}`;
          inputs.push({ location: child, value: key, kind: 'key' });
          stack.push({ value: (value as Record<string, unknown>)[key], path: child });
        }
      }
    }
  }
  if (stack.length > 0) inputs.push({ location: `${prefix}.#rest`, value: restText(stack), kind: 'body' });
  return inputs;
}

function restText(stack: Frame[]): string {
  try {
    return JSON.stringify(stack.map((frame) => frame.value));
  } catch {
    return String(stack.length);
  }
}

/** Inputs of a JSON text; text that is not JSON is inspected whole as one `body` input. */
export function inputsFromJson(text: string, prefix = 'body'): Input[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.length > 0 ? [{ location: prefix, value: text, kind: 'body' }] : [];
  }
  return inputsFromJsonValue(parsed, prefix);
}
