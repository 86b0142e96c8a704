// What the panel's buttons do to editors: insert at the cursor, open an untitled document, copy,
// and fill the alt text of the Markdown link an image came from.
import * as vscode from 'vscode';
import { UserError } from './errors.ts';
import { asWholeLines } from './line-insert.ts';
import { altTextChange, altTextPreview, findLinkAgain } from './markdown-images.ts';
import type { MarkdownOrigin } from './session.ts';

const REPLACE = 'Replace';

export class EditorActions implements vscode.Disposable {
  /** The panel takes focus, so "the cursor" means the last text editor the user was in. */
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly subscription = vscode.window.onDidChangeActiveTextEditor((editor) => {
    if (editor !== undefined && editor.document.uri.scheme !== 'output') this.lastEditor = editor;
  });

  constructor(private readonly log: (line: string) => void) {}

  /** Inserts as whole lines at each cursor's line (see line-insert.ts). */
  async insertAtCursor(text: string): Promise<void> {
    const editor = this.lastEditor;
    if (editor === undefined || editor.document.isClosed) {
      this.log('insert: no text editor to insert into; opening an untitled document');
      await this.openUntitled(text);
      return;
    }
    const shown = await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    const eol = shown.document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const cursorLines = new Set(shown.selections.map((selection) => selection.active.line));
    await shown.edit((edit) => {
      for (const number of cursorLines) {
        const line = shown.document.lineAt(number);
        const insertion = asWholeLines(text, line.text, eol);
        if (insertion.replaceLine) edit.replace(line.range, insertion.text);
        else edit.insert(line.range.start, insertion.text);
      }
    });
    this.log(`insert: ${text.length} characters into ${editor.document.uri.toString()}`);
  }

  async openUntitled(text: string, language?: string): Promise<void> {
    const document = await vscode.workspace.openTextDocument(
      language === undefined ? { content: text } : { content: text, language },
    );
    await vscode.window.showTextDocument(document);
  }

  async copy(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage('$(check) Copied', 2000);
  }

  /**
   * Writes the link's alt text as one undoable edit. Existing alt text is replaced only after the
   * user saw the old and the new text side by side and chose Replace; the link is found again in
   * case the document changed meanwhile.
   */
  async fillAltText(origin: MarkdownOrigin, alt: string): Promise<void> {
    if (alt === '')
      throw new UserError(
        'The answer is empty, so there is no alt text to write.',
        'Ask again, or write the alt text yourself.',
      );
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(origin.documentUri));
    const altRange = () => {
      const link = findLinkAgain(document.getText(), origin.url, origin.offset);
      if (link === undefined) {
        throw new UserError(
          `The image link to ${origin.url} is no longer in ${document.fileName}.`,
          'Add the link again and rerun "Write Alt Text".',
        );
      }
      return new vscode.Range(document.positionAt(link.altStart), document.positionAt(link.altEnd));
    };
    const current = document.getText(altRange());
    const change = altTextChange(current, alt);
    if (change === 'unchanged') return this.log(`alt text: ${origin.url} already has this alt text`);
    if (change === 'replace') {
      const { message, detail } = altTextPreview(origin.url, current, alt);
      const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, REPLACE);
      if (choice !== REPLACE) return this.log(`alt text: kept the existing alt text of ${origin.url}`);
    }
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, altRange(), alt);
    if (!(await vscode.workspace.applyEdit(edit)))
      throw new UserError(`${document.fileName} could not be edited.`, 'Check that it is not read-only.');
    this.log(`alt text: ${change === 'fill' ? 'filled' : 'replaced'} for ${origin.url} in ${document.uri.toString()}`);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
