/**
 * How the VS Code extension can write the preview's links and resource URLs (see `PreviewOptions.toHref` and
 * `resourceUri`). Kept free of the `vscode` module so that it is testable in plain Node.
 *
 * VS Code's preview sets `<base href>` to the previewed document, and hands every clicked link without a URI
 * scheme back to the editor, which resolves it against that document and understands `#L<line>` fragments (and
 * heading slugs). So a path relative to the previewed document, percent-encoded per segment, works both as a link
 * (`<a href>`) and as a resource (`<img src>`, `<video src>`): the webview resolves it against the base. Absolute
 * `file:` URLs would not: the preview lets the webview navigate to them, which it refuses.
 */
import * as path from 'path';

/** `absPath` relative to the folder of `fromDocument`, as a URL path, with an optional fragment (without `#`). */
export function relativeHref(fromDocument: string, absPath: string, fragment?: string): string {
  const rel = path.relative(path.dirname(fromDocument), absPath);
  const url = rel.split(path.sep).map(encodeURIComponent).join('/');
  return fragment ? `${url}#${fragment}` : url;
}
