// "Ask About Image", "Describe Diagram" and "Write Alt Text": from the Explorer, the image preview, the Markdown
// editor's menu or a CodeLens above an image link.
import * as vscode from 'vscode';
import { PRESET_IDS } from '../../common/panel-protocol.ts';
import { UserError } from '../errors.ts';
import type { Command, CommandContext } from './command.ts';
import { askAbout, markdownImage } from './image-targets.ts';

export function imageQuestionCommands({ assistant: { driver } }: CommandContext): Command[] {
  return [
    {
      id: 'infimmHd.askAboutImage',
      run: async (target?: unknown, offset?: unknown, preset?: unknown) => {
        // A CodeLens passes (document, offset, preset); the Explorer and the image preview pass the image.
        if (typeof offset !== 'number') return askAbout(driver, target instanceof vscode.Uri ? target : undefined);
        const image = await markdownImage(driver, target, offset);
        if (image !== undefined) await askAbout(driver, image, PRESET_IDS.find((id) => id === preset) ?? 'describe');
      },
    },
    {
      id: 'infimmHd.describeDiagram',
      run: async (target?: unknown) => {
        // The Markdown editor menu passes the document; the Explorer an image.
        const editor = vscode.window.activeTextEditor;
        const markdownEditor = editor?.document.languageId === 'markdown' ? editor.document.uri.toString() : undefined;
        const onMarkdownLink =
          markdownEditor !== undefined &&
          (target === undefined || (target instanceof vscode.Uri && target.toString() === markdownEditor));
        if (!onMarkdownLink)
          return askAbout(driver, target instanceof vscode.Uri ? target : undefined, 'describe-diagram');
        const image = await markdownImage(driver, undefined, undefined);
        if (image !== undefined) await askAbout(driver, image, 'describe-diagram');
      },
    },
    {
      id: 'infimmHd.insertAltText',
      run: async (target?: unknown, offset?: unknown) => {
        const image = await markdownImage(driver, target, offset);
        if (image === undefined) {
          if (target === undefined && vscode.window.activeTextEditor?.document.languageId !== 'markdown') {
            throw new UserError(
              '"Write Alt Text" works on a Markdown image link.',
              'Open a Markdown file, put the cursor on ![alt](path) and run it again, or use the CodeLens above the link.',
            );
          }
          return;
        }
        if (await driver.openImage(image)) await driver.writeAltText();
      },
    },
  ];
}
