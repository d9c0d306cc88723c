/**
 * Reading a vault's frontmatter schema file (`.ospo-notes/schema.json`): the only place it is read from disk.
 * What it says is compiled by diagnostics/frontmatterSchema.ts (`loadFrontmatterSchema`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { FRONTMATTER_SCHEMA_PATH } from '../syntax/frontmatter';
import { realPathInside } from './scan';

/** A schema file bigger than this is not read (a schema is a few kilobytes). */
const MAX_SCHEMA_BYTES = 1024 * 1024;

/** The schema file's text, or why it could not be read; neither when the vault has none. */
export interface SchemaFileText {
  text?: string;
  problem?: string;
}

function decode(bytes: Uint8Array): SchemaFileText {
  if (bytes.length > MAX_SCHEMA_BYTES) return { problem: `The frontmatter schema file is ${bytes.length} bytes; at most ${MAX_SCHEMA_BYTES} are read.` };
  try {
    // JSON is UTF-8 (RFC 8259); a byte order mark is tolerated.
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    return { problem: 'The frontmatter schema file is not valid UTF-8 text.' };
  }
}

function located(root: string): { abs: string } | SchemaFileText {
  const abs = path.join(root, ...FRONTMATTER_SCHEMA_PATH.split('/'));
  if (!fs.existsSync(abs)) return {};
  // A symlink out of the vault is not followed: a vault's checks depend on the vault alone.
  if (!realPathInside(root, abs)) return { problem: 'The frontmatter schema file leads outside the vault through a symbolic link; it is not read.' };
  return { abs };
}

/** The text of the vault's frontmatter schema file. */
export async function readSchemaFile(root: string): Promise<SchemaFileText> {
  const at = located(root);
  if (!('abs' in at)) return at;
  try {
    if (!(await fs.promises.stat(at.abs)).isFile()) return { problem: `${FRONTMATTER_SCHEMA_PATH} is not a file.` };
    return decode(await fs.promises.readFile(at.abs));
  } catch (e) {
    return { problem: `The frontmatter schema file cannot be read: ${(e as Error).message}.` };
  }
}

/** {@link readSchemaFile}, synchronously (for the client's new-note command). */
export function readSchemaFileSync(root: string): SchemaFileText {
  const at = located(root);
  if (!('abs' in at)) return at;
  try {
    if (!fs.statSync(at.abs).isFile()) return { problem: `${FRONTMATTER_SCHEMA_PATH} is not a file.` };
    return decode(fs.readFileSync(at.abs));
  } catch (e) {
    return { problem: `The frontmatter schema file cannot be read: ${(e as Error).message}.` };
  }
}
