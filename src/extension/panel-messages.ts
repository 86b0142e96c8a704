// Routes the panel's messages: questions, cancels and OCR to the runtime driver, dropped images after a check of
// their type and size, the answer's actions to the editors, links and the model card out of the panel.
import * as vscode from 'vscode';
import { IMAGE_FORMATS_IN_WORDS, type FromWebview } from '../common/panel-protocol.ts';
import type { EditorActions } from './editor-actions.ts';
import { UserError } from './errors.ts';
import { checkImageSize, fromDataUrl, isImageMimeType } from './image-files.ts';
import type { PanelView } from './panel-view.ts';
import type { RuntimeDriver } from './runtime-driver.ts';
import type { RuntimeManager } from './runtime-manager.ts';
import type { ResolvedSettings } from './settings.ts';

export class PanelMessages {
  constructor(
    private readonly view: PanelView,
    private readonly driver: RuntimeDriver,
    private readonly editors: EditorActions,
    private readonly runtime: RuntimeManager,
    private readonly settings: () => ResolvedSettings,
  ) {}

  async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.view.postImage();
        this.view.postState();
        return;
      case 'ask':
        await this.driver.ask(message.question);
        return;
      case 'cancel':
        this.driver.cancel();
        return;
      case 'runOcr':
        await this.driver.runOcr();
        return;
      case 'imageDropped':
        await this.acceptDroppedImage(message.name, message.dataUrl);
        return;
      case 'openUris':
        await this.driver.openFile(vscode.Uri.parse(message.uris[0]!));
        return;
      case 'inputRejected':
        this.view.showError(new UserError(message.message));
        return;
      case 'copy':
        await this.editors.copy(message.text);
        return;
      case 'insertAtCursor':
        await this.editors.insertAtCursor(message.text);
        return;
      case 'openDocument':
        await this.editors.openUntitled(message.text, message.language);
        return;
      case 'insertAltText': {
        const turn = this.view.session.turn(message.turnId);
        if (turn !== undefined) await this.driver.fillAltText(turn.answer);
        return;
      }
      case 'openLink':
        // Only web links leave VS Code; the Markdown renderer already drops every other scheme.
        if (/^(https?:|mailto:)/i.test(message.href)) await vscode.env.openExternal(vscode.Uri.parse(message.href));
        return;
      case 'openModelCard':
        await this.openModelCard();
        return;
      case 'dismissError':
        this.view.session.error = undefined;
        this.view.postState();
        return;
    }
  }

  /** A web card opens in the browser; a Markdown file (the bundled model's docs/model.md) in the preview. */
  private async openModelCard(): Promise<void> {
    const card = this.runtime.modelFor(this.settings().runtime)?.model.card;
    if (card === undefined) return;
    if (/^https?:/i.test(card)) {
      await vscode.env.openExternal(vscode.Uri.parse(card));
      return;
    }
    await vscode.commands.executeCommand(
      /\.md$/i.test(card) ? 'markdown.showPreview' : 'vscode.open',
      vscode.Uri.file(card),
    );
  }

  private async acceptDroppedImage(name: string, dataUrl: string): Promise<void> {
    const decoded = fromDataUrl(dataUrl);
    const hint = `Paste or drop a ${IMAGE_FORMATS_IN_WORDS} image.`;
    if (decoded === undefined || !isImageMimeType(decoded.mimeType)) {
      this.view.showError(
        new UserError(
          `${name} is ${decoded === undefined ? 'not an image' : `a ${decoded.mimeType} image, which is not supported`}.`,
          hint,
        ),
      );
      return;
    }
    const problem = checkImageSize(name, decoded.bytes.byteLength);
    if (problem !== undefined) {
      this.view.showError(new UserError(problem, hint));
      return;
    }
    await this.driver.openImage({ name, mimeType: decoded.mimeType, bytes: decoded.bytes });
  }
}
