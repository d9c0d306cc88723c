/**
 * The checker's problems as a SARIF 2.1.0 log, for code-scanning services and other CI tools.
 *
 * - One rule per diagnostic code a registered rule can emit, with the title, summary and docs page of the
 *   engine's catalog (`shortDescription`, `fullDescription`, `help`, `helpUri`).
 * - Locations are relative to the base id `VAULT` (`originalUriBaseIds` gives the checked folder's `file:`
 *   URI), each path segment percent-encoded.
 * - Regions are 1-based with `columnKind` `unicodeCodePoints`, SARIF's default: the engine's LSP columns count
 *   UTF-16 code units, so a column after an emoji is converted using the line's text.
 * - `mojibake` results carry their fix (the replacement of the damaged run).
 */
import { pathToFileURL } from 'url';
import {
  DIAGNOSTIC_RULES,
  diagnosticDoc,
  diagnosticDocUrl,
  type NoteDiagnostic,
  type Position,
  type Range,
  REPOSITORY_URL,
  type Severity,
} from '@ospo-notes/engine';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const VAULT_BASE_ID = 'VAULT';

type Level = 'error' | 'warning' | 'note' | 'none';

const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export interface SarifInput {
  /** The checked folder (absolute). */
  root: string;
  toolVersion: string;
  diagnostics: readonly NoteDiagnostic[];
  /** The text of a line of a note (0-based), to convert columns; undefined when it cannot be read. */
  lineText(path: string, line: number): string | undefined;
  /** One-line warnings about the folder (unreadable sub-folders, files gone while reading). */
  warnings?: ReadonlyArray<{ path: string; message: string }>;
}

export function sarifLog(input: SarifInput): object {
  const codes: string[] = [];
  for (const rule of DIAGNOSTIC_RULES) for (const c of rule.codes) if (!codes.includes(c)) codes.push(c);
  for (const d of input.diagnostics) if (!codes.includes(d.code)) codes.push(d.code);
  const rules = codes.map((code) => {
    const doc = diagnosticDoc(code);
    const title = doc?.title ?? code;
    const summary = doc?.summary ?? title;
    const url = diagnosticDocUrl(code);
    return {
      id: code,
      shortDescription: { text: title },
      fullDescription: { text: summary },
      help: { text: `${summary} See ${url}`, markdown: `${summary}\n\n[How to fix it](${url})` },
      helpUri: url,
      defaultConfiguration: { level: doc && doc.severity !== 'configurable' ? LEVEL[doc.severity] : 'warning' },
    };
  });
  const region = (path: string, r: Range) => ({
    startLine: r.start.line + 1,
    startColumn: column(input, path, r.start),
    endLine: r.end.line + 1,
    endColumn: column(input, path, r.end),
  });
  const location = (path: string, r: Range) => ({
    physicalLocation: { artifactLocation: { uri: artifactUri(path), uriBaseId: VAULT_BASE_ID }, region: region(path, r) },
  });
  const results = input.diagnostics.map((d) => {
    const result: Record<string, unknown> = {
      ruleId: d.code,
      ruleIndex: codes.indexOf(d.code),
      level: LEVEL[d.severity],
      message: { text: d.message },
      locations: [location(d.path, d.range)],
    };
    if (d.related?.length) result.relatedLocations = d.related.map((r, i) => ({ id: i, ...location(r.path, r.range), message: { text: r.message } }));
    if (d.code === 'mojibake' && d.data?.replacement !== undefined) {
      result.fixes = [
        {
          description: { text: 'Restore the characters' },
          artifactChanges: [
            {
              artifactLocation: { uri: artifactUri(d.path), uriBaseId: VAULT_BASE_ID },
              replacements: [{ deletedRegion: region(d.path, d.range), insertedContent: { text: d.data.replacement } }],
            },
          ],
        },
      ];
    }
    return result;
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'ospo-notes', version: input.toolVersion, informationUri: REPOSITORY_URL, rules } },
        originalUriBaseIds: { [VAULT_BASE_ID]: { uri: folderUri(input.root) } },
        columnKind: 'unicodeCodePoints',
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: (input.warnings ?? []).map((w) => ({ level: 'warning', message: { text: `${w.path}: ${w.message}` } })),
          },
        ],
        results,
      },
    ],
  };
}

/** A vault path as a relative URI reference: each segment percent-encoded, `/` between them. */
export function artifactUri(vaultPath: string): string {
  return vaultPath.split('/').map(encodeURIComponent).join('/');
}

function folderUri(root: string): string {
  const href = pathToFileURL(root).href;
  return href.endsWith('/') ? href : href + '/';
}

/**
 * The 1-based column, in Unicode code points, of an LSP position (UTF-16 code units). A position inside a
 * surrogate pair (never produced by the engine) counts the pair's character as before it.
 */
function column(input: SarifInput, path: string, p: Position): number {
  if (p.character === 0) return 1;
  const text = input.lineText(path, p.line);
  if (text === undefined) return p.character + 1;
  let units = 0;
  let points = 0;
  for (const ch of text) {
    if (units >= p.character) break;
    units += ch.length;
    points++;
  }
  // A position past the line's end (an end at a line break) keeps its distance beyond it.
  return points + 1 + Math.max(0, p.character - units);
}
