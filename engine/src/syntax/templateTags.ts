/**
 * The tags of Obsidian's core Templates plugin, as it reads them: `{{title}}`, `{{date}}`, `{{time}}`,
 * `{{date:FORMAT}}`, `{{time:FORMAT}}`, names case-insensitive and nothing else inside the braces, the format
 * everything up to the first `}}`. The grammar lives here so that the expander (features/templates.ts) and the
 * parser (a link holding a tag in a template is a placeholder) read the same tags.
 */

/** `{{title}}`, anywhere (global: for `String.replace`). */
export const TITLE_TAG = /{{title}}/gi;

/** `{{date}}`, `{{time}}`, `{{date:FORMAT}}`, `{{time:FORMAT}}`: group 1 the name, group 2 the format (global). */
export const DATE_TIME_TAG = /{{(date|time)(?::(.*?))?}}/gi;

const ANY_TAG = /{{(?:title|(?:date|time)(?::.*?)?)}}/i;

/** Whether text holds a core template tag. */
export function hasTemplateTag(text: string): boolean {
  return text.includes('{{') && ANY_TAG.test(text);
}
