// The image a command asks about: one given, the image preview in front, a Markdown image link, or a file the
// user picks.
import * as vscode from 'vscode';
import type { PresetId } from '../../common/panel-protocol.ts';
import { UserError } from '../errors.ts';
import { activeImagePreview, linkAt, pickImageFile, readLinkedImage } from '../image-sources.ts';
import type { RuntimeDriver } from '../runtime-driver.ts';
import type { SessionImage } from '../session.ts';

/** The image of a Markdown link: from CodeLens arguments, or the link under the cursor. */
export async function markdownImage(
  driver: RuntimeDriver,
  target: unknown,
  offset: unknown,
): Promise<SessionImage | undefined> {
  let document: vscode.TextDocument | undefined;
  let at: number | undefined;
  if (target instanceof vscode.Uri && typeof offset === 'number') {
    document = await vscode.workspace.openTextDocument(target);
    at = offset;
  } else {
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.languageId !== 'markdown') return undefined;
    document = editor.document;
    at = document.offsetAt(editor.selection.active);
  }
  const link = linkAt(document, at);
  if (link === undefined) {
    throw new UserError(
      'There is no Markdown image link ![alt](path) at the cursor.',
      'Put the cursor on an image link and run the command again.',
    );
  }
  try {
    return await readLinkedImage(document, link);
  } catch (error) {
    driver.showOpenFailure(error, link.url);
    return undefined;
  }
}

/** Opens the image (without one: the image preview in front, else a file the user picks) and asks `preset`. */
export async function askAbout(
  driver: RuntimeDriver,
  image: SessionImage | vscode.Uri | undefined,
  preset?: PresetId,
): Promise<void> {
  const target = image ?? activeImagePreview() ?? (await pickImageFile());
  if (target === undefined) return;
  const opened = target instanceof vscode.Uri ? await driver.openFile(target) : await driver.openImage(target);
  if (opened && preset !== undefined) await driver.askPreset(preset);
}
