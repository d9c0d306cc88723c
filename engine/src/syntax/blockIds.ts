/**
 * Block-id tokens (R4.7, R4.8): what a `^id` looks like and where on a line it counts. The one home of the rule:
 * the parser reads ids with it, completion and the client write ids with it.
 */

/**
 * The block-id token rule, in one place for the parser, completion and the client (R4.7): an id consists of
 * Latin letters, digits and dashes only.
 */
export function isValidBlockId(id: string): boolean {
  return /^[A-Za-z0-9-]+$/.test(id);
}

function isBlockIdChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
}

/**
 * The `^id` that ends `line` (only spaces or tabs after it), with the offset of its `^`; undefined when the line
 * does not end in one. Whether what stands before the `^` lets it count is the caller's rule: see
 * {@link blockIdEndingBlock}. A scan back from the end, so a line full of `^` costs its length once.
 */
export function trailingBlockId(line: string): { caret: number; id: string } | undefined {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  let k = end;
  while (k > 0 && isBlockIdChar(line.charCodeAt(k - 1))) k--;
  if (k === end || k === 0 || line.charCodeAt(k - 1) !== 94 /* ^ */) return undefined;
  return { caret: k - 1, id: line.slice(k, end) };
}

/**
 * The `^id` that gives the block whose last line is `line` an id (R4.7, R4.8): the line's last token, standing at
 * the line start, after a space or tab, or right after `]]` or `)` (Obsidian writes `![[image.png]]^id`).
 */
export function blockIdEndingBlock(line: string): { caret: number; id: string } | undefined {
  const found = trailingBlockId(line);
  if (!found) return undefined;
  const c = found.caret;
  const ok = c === 0 || line[c - 1] === ' ' || line[c - 1] === '\t' || line[c - 1] === ')' || (line[c - 1] === ']' && line[c - 2] === ']');
  return ok ? found : undefined;
}
