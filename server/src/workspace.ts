/**
 * The server's workspace: one vault (and one VaultIndex) per workspace folder, the open documents, and the
 * mapping between URIs and vault-relative paths. Holds state only; the LSP wiring is in server.ts.
 */
import * as path from 'path';
import { URI } from 'vscode-uri';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  checkTextSize,
  type FeatureContext,
  FileLookup,
  isNotePath,
  loadFrontmatterSchema,
  loadVault,
  type MembershipSettings,
  type ModelCache,
  nodeVaultFs,
  type NoteDiagnostic,
  parseBuffer,
  ProblemCache,
  readNoteTextSync,
  parseBufferInSlices,
  SLICED_PARSE_CHARACTERS,
  realPathInside,
  type ScanWarning,
  type SchemaLoad,
  type VaultFs,
  VaultIndex,
  VaultRules,
  DEFAULT_VAULT_SETTINGS,
  type VaultSettings,
} from '@ospo-notes/engine';

export interface Vault {
  /** Absolute folder path. */
  root: string;
  uri: string;
  name: string;
  index: VaultIndex;
  ready: boolean;
  warnings: ScanWarning[];
  /** Which paths are part of the vault; rebuilt when the settings or an ignore file change. */
  rules: VaultRules;
  /** Vault paths of symlinks leading outside the vault, reported once and never read. */
  outside: FileLookup;
  /**
   * Notes with diagnostics published last time, with a digest of what was sent: fixed notes get their problems
   * cleared, and unchanged problems are not sent again.
   */
  published: Map<string, string>;
  /** Every diagnostic rule's last result per note, re-run from the index's change records. */
  problems: ProblemCache;
  /** The vault's frontmatter schema (`.ospo-notes/schema.json`, else the default one) and the file's own problems. */
  schema: SchemaLoad;
  /** The effective settings for what features write (Obsidian's `.obsidian/*.json` with ours over them). */
  settings: VaultSettings;
  ctx: FeatureContext;
}

export class Workspace {
  readonly vaults: Vault[] = [];
  /** A note's problems as the server publishes them (its settings, the vault's ProblemCache), for features. */
  problemsOf?: (vault: Vault, path: string) => readonly NoteDiagnostic[];

  constructor(
    readonly documents: TextDocuments<TextDocument>,
    private readonly files: VaultFs = nodeVaultFs,
  ) {}

  addFolder(uri: string, name: string): Vault {
    const root = URI.parse(uri).fsPath;
    const existing = this.vaults.find((v) => v.root === root);
    if (existing) return existing;
    const vault: Vault = {
      root,
      uri,
      name,
      index: new VaultIndex(),
      ready: false,
      warnings: [],
      rules: new VaultRules(),
      outside: new FileLookup(),
      published: new Map(),
      problems: new ProblemCache(),
      schema: loadFrontmatterSchema(undefined),
      settings: DEFAULT_VAULT_SETTINGS,
      ctx: undefined as unknown as FeatureContext,
    };
    vault.ctx = { index: vault.index, getText: (p) => this.textOf(vault, p), outside: () => vault.outside, settings: () => vault.settings, frontmatterSchema: () => vault.schema.schema, problems: (p) => this.problemsOf?.(vault, p) };
    this.vaults.push(vault);
    // Longest root first, so nested workspace folders win for their files.
    this.vaults.sort((a, b) => b.root.length - a.root.length);
    return vault;
  }

  removeFolder(uri: string): Vault | undefined {
    const root = URI.parse(uri).fsPath;
    const i = this.vaults.findIndex((v) => v.root === root);
    if (i < 0) return undefined;
    return this.vaults.splice(i, 1)[0];
  }

  /** Loads a vault from disk (cold start) and swaps the fresh index in. */
  async index(vault: Vault, membership: MembershipSettings, onProgress?: (done: number, total: number) => void, pause?: () => Promise<void>, cache?: ModelCache): Promise<void> {
    const loaded = await loadVault(vault.root, { rules: new VaultRules(membership), onProgress, fs: this.files, pause, cache });
    vault.warnings = loaded.warnings;
    vault.rules = loaded.rules;
    vault.outside = new FileLookup(loaded.outside);
    // Open documents may differ from disk: their buffers are the truth.
    for (const doc of this.documents.all()) {
      const loc = this.locate(doc.uri);
      if (loc && loc.vault === vault && isNotePath(loc.path)) {
        const { version } = doc;
        const text = doc.getText();
        // Many notes may have been opened while the vault loaded: each, and the slices of a big one, takes a turn.
        const model = text.length < SLICED_PARSE_CHARACTERS || !pause ? parseBuffer(loc.path, text) : await parseBufferInSlices(loc.path, text, 10, pause);
        // Closed meanwhile: the disk's model stays.
        if (this.documents.get(doc.uri)) loaded.index.upsertNote(model, version);
        await pause?.();
      }
    }
    (vault as { index: VaultIndex }).index = loaded.index;
    vault.ctx = { index: loaded.index, getText: (p) => this.textOf(vault, p), outside: () => vault.outside, settings: () => vault.settings, frontmatterSchema: () => vault.schema.schema, problems: (p) => this.problemsOf?.(vault, p) };
    vault.ready = true;
  }

  /**
   * The vault a URI belongs to and its vault-relative path; undefined outside every vault, for paths the vault's
   * rules leave out (dot-folders, ignored and excluded paths) and for files whose real path leads out of the vault.
   */
  locate(uri: string): { vault: Vault; path: string } | undefined {
    const member = this.memberOf(uri);
    if (!member || !realPathInside(member.vault.root, member.fsPath)) return undefined;
    return { vault: member.vault, path: member.path };
  }

  /**
   * Records a vault file whose real path leads out of the vault (a symlink), which {@link locate} refuses.
   * Returns it when it is newly recorded, so that it is reported once.
   */
  recordEscape(uri: string): { vault: Vault; path: string } | undefined {
    const member = this.memberOf(uri);
    if (!member || realPathInside(member.vault.root, member.fsPath) || member.vault.outside.has(member.path)) return undefined;
    member.vault.outside.add(member.path);
    return { vault: member.vault, path: member.path };
  }

  /** The vault whose rules take this `file:` URI as a member, its vault path, and its file-system path. */
  private memberOf(uri: string): { vault: Vault; path: string; fsPath: string } | undefined {
    const at = this.vaultPathOf(uri);
    return at && at.vault.rules.isMember(at.path) ? at : undefined;
  }

  /**
   * The vault whose folder holds this `file:` URI, its vault path and its file-system path, whatever the vault's
   * rules say of it and whether or not it exists: where a file or folder is being moved to or from.
   */
  vaultPathOf(uri: string): { vault: Vault; path: string; fsPath: string } | undefined {
    return this.vaultPathsOf(uri)[0];
  }

  /**
   * Every vault whose folder holds this `file:` URI (a vault folder inside another's holds it for both), with
   * its vault path and file-system path. The one place a URI becomes a vault path.
   */
  vaultPathsOf(uri: string): Array<{ vault: Vault; path: string; fsPath: string }> {
    let fsPath: string;
    try {
      const u = URI.parse(uri);
      if (u.scheme !== 'file') return [];
      fsPath = u.fsPath;
    } catch {
      return [];
    }
    const out: Array<{ vault: Vault; path: string; fsPath: string }> = [];
    for (const vault of this.vaults) {
      const rel = path.relative(vault.root, fsPath);
      if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) continue;
      out.push({ vault, path: rel.split(path.sep).join('/'), fsPath });
    }
    return out;
  }

  uriOf(vault: Vault, p: string): string {
    return URI.file(path.join(vault.root, ...p.split('/'))).toString();
  }

  absPath(vault: Vault, p: string): string {
    return path.join(vault.root, ...p.split('/'));
  }

  /** The open document for a vault path; clients may spell a URI differently (encoding), so fall back to paths. */
  documentOf(vault: Vault, p: string): TextDocument | undefined {
    const exact = this.documents.get(this.uriOf(vault, p));
    if (exact) return exact;
    const abs = this.absPath(vault, p);
    return this.documents.all().find((d) => this.fsPathOfUri(d.uri) === abs);
  }

  /**
   * Open documents' file paths by URI, parsed once: a lookup by path compares every open document's, and block
   * search reads up to 1,000 notes per request (parsing each URI again was most of a `[[^^` request's time with a
   * few hundred documents open). A cache, cleared when it grows past what an editor keeps open.
   */
  private readonly fsPaths = new Map<string, string | undefined>();

  private fsPathOfUri(uri: string): string | undefined {
    if (this.fsPaths.has(uri)) return this.fsPaths.get(uri);
    let fsPath: string | undefined;
    try {
      fsPath = URI.parse(uri).fsPath;
    } catch {
      fsPath = undefined;
    }
    if (this.fsPaths.size >= 4096) this.fsPaths.clear();
    this.fsPaths.set(uri, fsPath);
    return fsPath;
  }

  /**
   * An open document's buffer, else the file on disk (decoded as the indexer decodes it); `''` for a note over
   * the size limit either way, so that no feature works on text the index did not parse.
   */
  textOf(vault: Vault, p: string): string | undefined {
    const doc = this.documentOf(vault, p);
    if (doc) return checkTextSize(doc.getText()).text;
    const abs = this.absPath(vault, p);
    if (!vault.rules.isMember(p) || !realPathInside(vault.root, abs)) return undefined;
    try {
      return readNoteTextSync(abs, this.files);
    } catch {
      return undefined;
    }
  }
}
