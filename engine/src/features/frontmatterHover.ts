/**
 * Hover on a frontmatter key: what the vault's frontmatter schema says of that property (its description, the
 * type and values it takes, whether it is deprecated and what replaces it).
 */
import { MarkupKind, type Hover } from 'vscode-languageserver-types';
import type { Position } from '../model';
import { rangeContains } from '../syntax/text';
import { FRONTMATTER_SCHEMA_PATH } from '../syntax/frontmatter';
import { defaultFrontmatterSchema, type PropertySchema } from '../diagnostics/frontmatterSchema';
import type { FeatureContext } from './context';

const TYPE_WORDS: Record<string, string> = { string: 'text', array: 'list', object: 'map', number: 'number', integer: 'whole number', boolean: 'true or false', null: 'empty' };

function typeLine(p: PropertySchema): string | undefined {
  const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
  if (p.values) return `One of ${p.values.map(code).join(', ')}.`;
  if (p.types.length === 0) return undefined;
  let line = p.types.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
  if (p.types.includes('array') && (p.itemValues || p.itemTypes?.length)) line += ` of ${p.itemValues ? p.itemValues.map(code).join(', ') : p.itemTypes!.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}`;
  if (p.format) line += ` (${p.format})`;
  return `Type: ${line}.`;
}

export function provideFrontmatterHover(ctx: FeatureContext, path: string, position: Position): Hover | undefined {
  const fm = ctx.index.note(path)?.frontmatter;
  const entry = fm?.keys.find((k) => rangeContains(k.range, position));
  if (!entry) return undefined;
  const schema = ctx.frontmatterSchema?.() ?? defaultFrontmatterSchema();
  const p = schema.property(entry.key);
  const source = schema.origin === 'default' ? 'the default frontmatter schema' : `the vault's frontmatter schema (\`${FRONTMATTER_SCHEMA_PATH}\`)`;
  const parts = [`**${entry.key}**`];
  if (!p) {
    parts.push(`Not a property of ${source}.`);
  } else {
    if (p.deprecated) parts.push(`*Deprecated*${p.replacement ? `: use \`${p.replacement}\`` : ''}.`);
    if (p.description) parts.push(p.description);
    const type = typeLine(p);
    if (type) parts.push(type);
    if (schema.required.includes(entry.key)) parts.push('Required.');
    parts.push(`From ${source}.`);
  }
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n') }, range: entry.range };
}
