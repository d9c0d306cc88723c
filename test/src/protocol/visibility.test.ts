/**
 * Visibility over the protocol: the fixture vault leaks a private note through two embeds (Handbook embeds
 * Onboarding, which embeds a section of the private Contacts). Changing a visibility in an open document
 * re-publishes the problems of every note up the chain.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import type { CompletionList, Diagnostic, Hover } from 'vscode-languageserver-protocol/node';
import { copyFixture, LspTestClient, positionOf } from './lspTestClient';

function brief(d: Diagnostic): string {
  return `${d.range.start.line}:${d.range.start.character} ${d.severity} ${d.code} ${((d.data as { chain?: string[] } | undefined)?.chain ?? []).join(' > ')}`;
}

describe('language server: visibility', function () {
  this.timeout(60000);
  let root: string;
  let client: LspTestClient;

  const leaks = (rel: string): string[] => client.diagnosticsOf(rel).filter((d) => d.code === 'private-link').map(brief);
  const waitLeaks = (rel: string, expected: string[], what: string): Promise<void> =>
    client.waitFor(() => JSON.stringify(leaks(rel)) === JSON.stringify(expected), `${what}: ${rel} → ${JSON.stringify(expected)} (now ${JSON.stringify(leaks(rel))})`);

  before(async () => {
    root = copyFixture('visibility-vault');
    client = new LspTestClient(root);
    await client.start();
  });

  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('publishes the leak on the first embed of the chain, naming it, and on the embed of the private note', async () => {
    await waitLeaks('Handbook.md', ['8:0 2 private-link Handbook.md > Onboarding.md > people/Contacts.md'], 'initial');
    await waitLeaks('Onboarding.md', ['12:0 2 private-link Onboarding.md > people/Contacts.md'], 'initial');
    const [d] = client.diagnosticsOf('Handbook.md');
    assert.match(d.message as string, /Handbook → Onboarding → Contacts/);
    assert.deepEqual(
      d.relatedInformation?.map((r) => `${r.location.uri.slice(r.location.uri.lastIndexOf('/') + 1)}:${r.location.range.start.line}`),
      ['Onboarding.md:0', 'Contacts.md:2'],
    );
    assert.deepEqual(leaks('Roadmap.md'), []);
    assert.deepEqual(leaks('Scratch.md'), []);
  });

  it('changing the private note to public in an open document clears the problems two embeds up, and back', async () => {
    const text = await client.open('people/Contacts.md');
    await client.change('people/Contacts.md', text.replace('visibility: private', 'visibility: public'));
    await waitLeaks('Handbook.md', [], 'Contacts made public');
    await waitLeaks('Onboarding.md', [], 'Contacts made public');
    await client.change('people/Contacts.md', text);
    await waitLeaks('Handbook.md', ['8:0 2 private-link Handbook.md > Onboarding.md > people/Contacts.md'], 'Contacts private again');
    await waitLeaks('Onboarding.md', ['12:0 2 private-link Onboarding.md > people/Contacts.md'], 'Contacts private again');
  });

  it('changing the middle note to private turns the chain into a direct embed of it', async () => {
    const text = await client.open('Onboarding.md');
    await client.change('Onboarding.md', text.replace('visibility: public', 'visibility: private'));
    await waitLeaks('Handbook.md', ['8:0 2 private-link Handbook.md > Onboarding.md'], 'Onboarding made private');
    await waitLeaks('Onboarding.md', [], 'Onboarding made private: a private note is not checked');
    assert.match(client.diagnosticsOf('Handbook.md')[0].message as string, /Public note 'Handbook' embeds private note 'Onboarding'/);
    await client.change('Onboarding.md', text);
    await waitLeaks('Handbook.md', ['8:0 2 private-link Handbook.md > Onboarding.md > people/Contacts.md'], 'Onboarding public again');
  });

  it('an edit that moves the private embed out of the embedded section updates the chain', async () => {
    const text = client.text('Onboarding.md');
    // Embedding the section "Elsewhere" of Contacts still transcludes a private note; a link to the Roadmap does not.
    await client.change('Onboarding.md', text.replace('![[people/Contacts#Office]]', '![[Roadmap]]'));
    await waitLeaks('Handbook.md', [], 'the private embed replaced');
    await waitLeaks('Onboarding.md', [], 'the private embed replaced');
    await client.change('Onboarding.md', text);
    await waitLeaks('Handbook.md', ['8:0 2 private-link Handbook.md > Onboarding.md > people/Contacts.md'], 'the private embed back');
  });

  it('follows ospoNotes.visibility.default', async () => {
    client.settings = { visibility: { default: 'public' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { ospoNotes: client.settings } });
    await waitLeaks('Scratch.md', ['2:41 2 private-link Scratch.md > people/Contacts.md'], 'default public');
    client.settings = {};
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { ospoNotes: {} } });
    await waitLeaks('Scratch.md', [], 'default private again');
  });

  it('hover on a link names the target note\'s visibility', async () => {
    const text = client.text('Onboarding.md');
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: client.uri('Onboarding.md') }, position: positionOf(text, 'people/Contacts', 2) });
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /private note/);
    // The private-link problem is the diagnostic's, which the editor shows in the same hover: said once, there.
    assert.doesNotMatch(value, /embeds private note/);
    assert.ok(client.diagnosticsOf('Onboarding.md').some((d) => d.code === 'private-link'), 'the diagnostic carries it');
  });

  it('completion in a public note marks private notes', async () => {
    const text = client.text('Onboarding.md');
    const withLink = text.replace('Read the [[Roadmap]].', 'Read the [[Co');
    await client.change('Onboarding.md', withLink);
    const list = await client.request<CompletionList>('textDocument/completion', {
      textDocument: { uri: client.uri('Onboarding.md') },
      position: positionOf(withLink, '[[Co', 4),
    });
    const contacts = list.items.find((i) => i.label === 'Contacts');
    assert.ok(contacts, JSON.stringify(list.items.map((i) => i.label)));
    assert.equal(contacts.labelDetails?.description, 'private');
    await client.change('Onboarding.md', text);
  });
});
