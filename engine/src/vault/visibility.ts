/**
 * The visibility of a note: whether it is published (`visibility: public`) or kept in the vault
 * (`visibility: private`). The one place that reads it from a note's frontmatter; the diagnostics (public notes
 * that leak private ones), completion, hover, the preview and the index's change records all ask here.
 */
import type { NoteModel, Range } from '../model';

export type Visibility = 'public' | 'private';

/** What a note without a `visibility` (or with a value that is neither) counts as, unless a setting says otherwise. */
export const DEFAULT_VISIBILITY: Visibility = 'private';

/**
 * The visibility the note's frontmatter declares, or undefined when it declares none: no frontmatter, no
 * `visibility` key, or a value that is not `public` or `private` (compared trimmed and case-insensitively, so
 * that `Public` is not silently read as the default; the frontmatter schema reports the spelling).
 */
export function declaredVisibility(note: NoteModel): Visibility | undefined {
  const value = note.frontmatter?.data?.visibility;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  return v === 'public' || v === 'private' ? v : undefined;
}

/** Where the note declares its visibility (the `visibility` key), for pointing at it; undefined when it does not. */
export function visibilityRange(note: NoteModel): Range | undefined {
  return note.frontmatter?.keys.find((k) => k.key === 'visibility')?.range;
}

/** The note's visibility: the declared one, else `fallback` (the `ospoNotes.visibility.default` setting). */
export function noteVisibility(note: NoteModel, fallback: Visibility = DEFAULT_VISIBILITY): Visibility {
  return declaredVisibility(note) ?? fallback;
}

/** Reads a setting's value as a visibility; anything else is the default. */
export function parseVisibility(value: unknown): Visibility {
  return value === 'public' || value === 'private' ? value : DEFAULT_VISIBILITY;
}
