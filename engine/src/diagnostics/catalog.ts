/**
 * What every diagnostic code means, for the checker's SARIF rules, the editor's link to the documentation
 * (`codeDescription`) and the docs pages themselves: `docs/diagnostics/<code>.md` opens with the title and the
 * summary written here (a test holds them to it, and to a page for every code a registered rule can emit).
 *
 * A new code gets an entry here and a page there; the `satisfies` clause below fails the build for a
 * `DiagnosticCode` without an entry.
 */
import type { DiagnosticCode, Severity } from './diagnostics';

export interface DiagnosticDoc {
  /** One line: what the problem is (SARIF `shortDescription`). */
  title: string;
  /** A few sentences: what, and why it matters (SARIF `fullDescription`; the first paragraph of the page). */
  summary: string;
  /** The severity it is reported with; `configurable` follows a setting (`ospoNotes.unresolvedLinkSeverity`, `ospoNotes.unknownPropertySeverity`). */
  severity: Severity | 'configurable';
}

/** The project's repository: package.json's `repository.url` (a test holds them equal). */
export const REPOSITORY_URL = 'https://github.com/ospo-notes/ospo-notes';

/** Where the docs pages are published: the repository's `docs/diagnostics/` on branch `main`. */
export const DIAGNOSTIC_DOCS_BASE_URL = `${REPOSITORY_URL}/blob/main/docs/diagnostics/`;

/** The code the server adds when it lists only the first problems of a huge note (no rule emits it). */
export type ServerDiagnosticCode = 'more-problems';

export const DIAGNOSTIC_DOCS = {
  'unresolved-link': {
    title: 'Link to a note that does not exist',
    summary: 'A wiki-link or markdown link names a note that no file of the vault matches. Obsidian allows links to notes not written yet, so the severity is configurable; the message says "did you mean" when the text is an alias, a title or a near name.',
    severity: 'configurable',
  },
  'missing-attachment': {
    title: 'Link to an attachment that does not exist',
    summary: 'A link names an image, PDF or other attachment that is not in the vault, so following the link finds nothing.',
    severity: 'configurable',
  },
  'missing-embed': {
    title: 'Embed of a file that does not exist',
    summary: 'An embed (`![[…]]` or `![…](…)`) names a note or attachment that is not in the vault, so the embed shows nothing where the file should be.',
    severity: 'configurable',
  },
  'missing-heading': {
    title: 'Link to a heading the note does not have',
    summary: 'The linked note exists, but no heading of it matches the part after `#`, so the link opens the note at its top instead of the section.',
    severity: 'configurable',
  },
  'missing-block': {
    title: 'Link to a block id the note does not have',
    summary: 'The linked note exists, but no block of it carries the `^id` after `#^`, so the link or embed cannot find the block.',
    severity: 'configurable',
  },
  'ambiguous-link': {
    title: 'Link that several files match',
    summary: 'More than one file of the vault matches the link; it resolves to one of them by Obsidian\'s tie-break (same folder, then shortest path). The message lists the candidates and says which one wins.',
    severity: 'information',
  },
  'missing-scheme': {
    title: 'Web address without `https://`',
    summary: 'A markdown link destination looks like a web address (`github.com/…`) but has no scheme, so it is read as a path inside the vault that does not exist.',
    severity: 'warning',
  },
  'link-outside-vault': {
    title: 'Link that leaves the vault',
    summary: 'A `../` path climbs above the vault root and finds nothing there, or the link leads to a symbolic link whose real path lies outside the vault. Only files inside the vault can be linked.',
    severity: 'warning',
  },
  'duplicate-block-id': {
    title: 'Block id used twice in a note',
    summary: 'The same `^id` marks two blocks of one note; links and embeds reach only the first one.',
    severity: 'warning',
  },
  'yaml-syntax': {
    title: 'Invalid YAML in the frontmatter',
    summary: 'The frontmatter between the `---` lines is not valid YAML, so none of its properties (title, aliases, tags, visibility) are read. The problem is reported at the exact line and column.',
    severity: 'error',
  },
  'empty-link': {
    title: 'Empty link',
    summary: 'A link with nothing to point to: `[[]]`, `[text]()`.',
    severity: 'warning',
  },
  'heading-slug-fragment': {
    title: 'Heading matched only as a GitHub-style slug',
    summary: 'A markdown link fragment (`#whats-new`) matches a heading (`What\'s new`) only when written as a GitHub slug. GitHub renders it, but Obsidian matches heading text, so the link does not reach the heading there.',
    severity: 'information',
  },
  'invalid-utf8': {
    title: 'File is not valid UTF-8',
    summary: 'The file contains bytes that are not UTF-8, typically a note saved in another encoding such as Windows-1252. It is read with U+FFFD in place of the bad bytes, and no edit is computed against that text.',
    severity: 'warning',
  },
  'binary-file': {
    title: 'File looks binary',
    summary: 'A `.md` file contains NUL bytes, so it is not a text note; it is not parsed.',
    severity: 'warning',
  },
  'file-too-large': {
    title: 'Note over the size limit',
    summary: 'A note over 10 MB is indexed by name only: its links, headings and blocks are not parsed, so links into it cannot be checked.',
    severity: 'warning',
  },
  'unreadable-file': {
    title: 'File cannot be read',
    summary: 'The note exists but cannot be read (permission denied and the like). It stays in the index, so links to it resolve, but its own content is not checked.',
    severity: 'error',
  },
  'private-link': {
    title: 'Public note that leaks a private one',
    summary: 'A public note (`visibility: public`) links to, embeds, or transcludes through a chain of embeds a private note, so publishing it would point to a note that is not published or publish its text. The message names the chain (`Handbook → Onboarding → Contacts`); `ospo-notes check --public` reports it as an error.',
    severity: 'warning',
  },
  mojibake: {
    title: 'Encoding damage (mojibake)',
    summary: 'UTF-8 text that was once decoded as Windows-1252 or Latin-1 and saved again: `cafÃ©` for `café`, `â€œ` for `“`, `ðŸ“–` for `📖`. The message shows the text it stood for, and the quick fix (or `ospo-notes check --fix-encoding`) restores it.',
    severity: 'warning',
  },
  'property-wrong-type': {
    title: "Frontmatter value of the wrong type",
    summary: "A frontmatter property has a value of another type than the frontmatter schema says: a list where text is expected, a map where a list is expected. It is reported at the value (or the list item); a lone value where a list is expected is read as a one-item list and reported as information only.",
    severity: 'warning',
  },
  'property-value-not-allowed': {
    title: "Frontmatter value outside the allowed values",
    summary: "A frontmatter property has a value that the frontmatter schema does not allow (its `enum`): `visibility: secret` where only `public` and `private` are. The message lists the allowed values, and each is offered as a quick fix.",
    severity: 'warning',
  },
  'property-missing': {
    title: "Required frontmatter property missing",
    summary: "The frontmatter schema requires a property (its `required` list) that the note does not have. It is reported on the opening `---`, or on the first character of a note without frontmatter; the quick fix adds the property.",
    severity: 'warning',
  },
  'property-unknown': {
    title: "Frontmatter property not in the schema",
    summary: "A frontmatter key that the frontmatter schema does not name. Reported only when `ospoNotes.unknownPropertySeverity` says so (off by default: notes carry keys of many plugins), or as a warning when the schema closes its list of properties with `\"additionalProperties\": false`.",
    severity: 'configurable',
  },
  'property-deprecated': {
    title: "Deprecated frontmatter property",
    summary: "The singular `alias`, `tag` and `cssclass` properties are deprecated: current Obsidian reads `aliases`, `tags` and `cssclasses`, each a list. The quick fix writes the plural list (`alias: X` becomes `aliases: [X]`).",
    severity: 'warning',
  },
  'property-invalid': {
    title: "Frontmatter value against the schema",
    summary: "A frontmatter value breaks a rule of the frontmatter schema other than its type or allowed values: a `date` that is not a real `YYYY-MM-DD` day, a pattern, a length, a number out of range. It is reported at the value.",
    severity: 'warning',
  },
  'schema-invalid': {
    title: "Broken frontmatter schema file",
    summary: "The vault's `.ospo-notes/schema.json` is not valid JSON, not a JSON object, or not a valid JSON Schema. It is reported on that file, at the JSON error or at the invalid keyword; meanwhile notes are checked with the default schema.",
    severity: 'error',
  },
  'too-many-links': {
    title: 'More links in one note than are indexed',
    summary: 'At most 25,000 links of one note are indexed and checked; the links after that are counted, and this warning marks the first one left out.',
    severity: 'warning',
  },
  'more-problems': {
    title: 'More problems than the editor lists',
    summary: 'The editor lists at most 2,000 problems of one note; this entry counts the rest. The checker and the Check Vault command list them all.',
    severity: 'information',
  },
} as const satisfies Record<DiagnosticCode | ServerDiagnosticCode, DiagnosticDoc>;

/** The documented codes, in the order of the table above. */
export const DOCUMENTED_CODES = Object.keys(DIAGNOSTIC_DOCS) as Array<DiagnosticCode | ServerDiagnosticCode>;

/** The entry for `code`, or undefined for a code nobody documented. */
export function diagnosticDoc(code: string): DiagnosticDoc | undefined {
  return Object.prototype.hasOwnProperty.call(DIAGNOSTIC_DOCS, code) ? (DIAGNOSTIC_DOCS as Record<string, DiagnosticDoc>)[code] : undefined;
}

/** The web address of the docs page of `code`. */
export function diagnosticDocUrl(code: string): string {
  return DIAGNOSTIC_DOCS_BASE_URL + encodeURIComponent(code) + '.md';
}
