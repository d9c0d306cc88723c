/**
 * "Create note for link under cursor": the client's file-system checks. Where the note goes and what it starts
 * with is the engine's rule (`newNotePath`, `planCreateNote`, `expandTemplate`), shared with the server's quick
 * fix; this module only maps vault paths onto the disk and refuses paths that leave the workspace.
 * Free of the `vscode` module so that it is testable in plain Node.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  isStrictlyInside,
  loadFrontmatterSchema,
  newNoteTemplate,
  readSchemaFileSync,
} from '@ospo-notes/engine';

// The rule lives in the engine; re-exported for the extension and its tests.
export { DEFAULT_NEW_NOTE_TEMPLATE, expandTemplate, newNotePath, planCreateNote, type CreateNotePlan, type NewNotePath } from '@ospo-notes/engine';

/**
 * The template of a vault without the `newNoteTemplate` setting: from its frontmatter schema
 * (`.ospo-notes/schema.json`, else the default one), so new notes start with the properties the vault checks.
 */
export function vaultNewNoteTemplate(vaultRoot: string): string {
  const file = readSchemaFileSync(vaultRoot);
  return newNoteTemplate(loadFrontmatterSchema(file.text, undefined, file.problem).schema);
}

/**
 * The absolute path of a vault path under `root`, or undefined when it would not lie strictly inside `root`
 * (the root itself included).
 */
export function absoluteInside(root: string, vaultPath: string): string | undefined {
  const base = path.resolve(root);
  const abs = path.resolve(base, ...vaultPath.split('/'));
  return isStrictlyInside(base, abs) ? abs : undefined;
}

/**
 * Whether `abs` stays inside `root` once symbolic links are followed: the deepest part of its path that already
 * exists is resolved, so a symlinked folder that leads out of the workspace is caught before anything is written.
 */
export function staysInsideReally(root: string, abs: string, realpath: (p: string) => string = fs.realpathSync.native): boolean {
  let realRoot: string;
  try {
    realRoot = realpath(root);
  } catch {
    return false;
  }
  let existing = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = realpath(existing);
      return isStrictlyInside(realRoot, path.join(real, ...rest));
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return false;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}
