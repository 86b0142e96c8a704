// CodeLenses above local Markdown image links: the question that fits what the image likely shows
// (screenshot, diagram, other), and writing its alt text.
import * as vscode from 'vscode';
import { imageLinkKind, LINK_QUESTIONS, linksWithLenses } from './markdown-images.ts';

export class ImageLinkLenses implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return linksWithLenses(document.getText()).flatMap((link) => {
      const range = new vscode.Range(document.positionAt(link.start), document.positionAt(link.end));
      const { title, preset } = LINK_QUESTIONS[imageLinkKind(link)];
      return [
        new vscode.CodeLens(range, {
          title: `$(comment-discussion) ${title}`,
          command: 'infimmHd.askAboutImage',
          arguments: [document.uri, link.start, preset],
        }),
        new vscode.CodeLens(range, {
          title: '$(edit) Write alt text',
          command: 'infimmHd.insertAltText',
          arguments: [document.uri, link.start],
        }),
      ];
    });
  }
}
