// Where images come from inside VS Code: files (read through vscode.workspace.fs so remote
// workspaces work), the open image preview, a file picker and Markdown image links.
import { posix } from 'node:path';
import * as vscode from 'vscode';
import { UserError } from './errors.ts';
import { checkImageSize, fromDataUrl, IMAGE_EXTENSIONS, imageKind } from './image-files.ts';
import { findImageLinks, resolveImageTarget, type MarkdownImageLink } from './markdown-images.ts';
import type { SessionImage } from './session.ts';

export function uriName(uri: vscode.Uri): string {
  return posix.basename(uri.path) || uri.toString();
}

export async function readImageFile(uri: vscode.Uri): Promise<SessionImage> {
  const name = uriName(uri);
  const kind = imageKind(uri.path);
  if (!kind.ok) throw new UserError(kind.message, 'Pick an image file.');
  const stat = await vscode.workspace.fs.stat(uri);
  if ((stat.type & vscode.FileType.Directory) !== 0)
    throw new UserError(`${name} is a folder, not an image file.`, 'Pick an image file inside it.');
  const sizeProblem = checkImageSize(name, stat.size);
  if (sizeProblem !== undefined) throw new UserError(sizeProblem);
  return { name, mimeType: kind.mimeType, bytes: await vscode.workspace.fs.readFile(uri) };
}

/** The image shown in VS Code's built-in image preview, if that is the active editor. */
export function activeImagePreview(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && input.viewType === 'imagePreview.previewEditor'
    ? input.uri
    : undefined;
}

export async function pickImageFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Ask About Image',
    filters: { Images: [...IMAGE_EXTENSIONS] },
    ...(vscode.workspace.workspaceFolders?.[0] === undefined
      ? {}
      : { defaultUri: vscode.workspace.workspaceFolders[0].uri }),
  });
  return picked?.[0];
}

/** The Markdown image link at an offset of a document, or the one under the cursor. */
export function linkAt(document: vscode.TextDocument, offset: number): MarkdownImageLink | undefined {
  return findImageLinks(document.getText()).find((link) => offset >= link.start && offset <= link.end);
}

export async function readLinkedImage(document: vscode.TextDocument, link: MarkdownImageLink): Promise<SessionImage> {
  const where = `${uriName(document.uri)} line ${link.line + 1}`;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.toString();
  const target = resolveImageTarget(link.url, document.uri.toString(), folder);
  const markdown = { documentUri: document.uri.toString(), url: link.url, offset: link.start };
  switch (target.kind) {
    case 'remote':
      throw new UserError(
        `The image link in ${where} points to ${target.url}; remote images are not fetched, so nothing leaves this machine.`,
        'Download the image into the workspace and link it by a relative path.',
      );
    case 'unsupported':
      throw new UserError(`The image link in ${where} cannot be opened: ${target.reason}.`, 'Link a local image file.');
    case 'data': {
      const decoded = fromDataUrl(target.dataUrl);
      if (decoded === undefined) throw new UserError(`The inline image in ${where} is not a base64 data: URL.`);
      return { name: `inline image (${where})`, mimeType: decoded.mimeType, bytes: decoded.bytes, markdown };
    }
    case 'local': {
      const uri = vscode.Uri.parse(target.uri);
      try {
        return { ...(await readImageFile(uri)), markdown };
      } catch (error) {
        if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
          throw new UserError(
            `${link.url}, linked from ${where}, was not found.`,
            'Fix the link or add the image at that path.',
          );
        }
        throw error;
      }
    }
  }
}
