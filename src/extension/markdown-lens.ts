// CodeLenses above local Markdown image links: describe the diagram, or write its alt text.
import * as vscode from 'vscode';
import { linksWithLenses } from './markdown-images.ts';

export class ImageLinkLenses implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return linksWithLenses(document.getText()).flatMap((link) => {
      const range = new vscode.Range(document.positionAt(link.start), document.positionAt(link.end));
      const args = [document.uri, link.start];
      return [
        new vscode.CodeLens(range, { title: '$(comment-discussion) Describe diagram', command: 'infimmHd.describeDiagram', arguments: args }),
        new vscode.CodeLens(range, { title: '$(edit) Write alt text', command: 'infimmHd.insertAltText', arguments: args }),
      ];
    });
  }
}
