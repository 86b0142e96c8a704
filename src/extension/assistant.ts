// Ties the panel, the session and the runtime together: opening images, asking, OCR, cancelling.
// All heavy work happens in the runtime host process; this only awaits it.
import * as vscode from 'vscode';
import { CancelledError } from '../common/errors.ts';
import { IMAGE_FORMATS_IN_WORDS, PRESETS, type FromWebview, type PanelError, type PanelModel, type PresetId } from '../common/panel-protocol.ts';
import type { RuntimeConfig } from '../common/protocol.ts';
import { ocrContextNote } from '../common/stats.ts';
import { RuntimeRequestError } from '../host/client.ts';
import { EditorActions } from './editor-actions.ts';
import { describeError, isImageProblem, UserError } from './errors.ts';
import { checkImageSize, fromDataUrl, isImageMimeType, toDataUrl } from './image-files.ts';
import { readImageFile, uriName } from './image-sources.ts';
import { formatAltText } from './markdown-images.ts';
import { PanelHost } from './panel.ts';
import { Preparer } from './preparer.ts';
import { providerNames, type RuntimeManager } from './runtime-manager.ts';
import { Session, type SessionImage } from './session.ts';
import type { ResolvedSettings } from './settings.ts';

export class Assistant implements vscode.Disposable {
  private readonly session = new Session();
  private readonly panel: PanelHost;
  private asking: AbortController | undefined;
  private readonly preparer: Preparer;

  constructor(
    extensionUri: vscode.Uri,
    private readonly runtime: RuntimeManager,
    private readonly editors: EditorActions,
    private readonly settings: () => ResolvedSettings,
    private readonly log: (line: string) => void,
  ) {
    this.panel = new PanelHost(extensionUri, (message) => void this.handle(message), log);
    this.preparer = new Preparer((request, signal) => this.runtime.request(request, {}, signal), log);
  }

  showPanel(): void {
    this.panel.show();
    this.panel.post({ type: 'focusQuestion' });
  }

  /** Shows a plain-words error in the panel (and the log); the conversation is kept. */
  showError(error: unknown, subject?: string): void {
    this.session.error = this.describe(error, subject);
    this.panel.show(true);
    this.postState();
  }

  /**
   * An image that could not be opened (a remote link, a missing file) replaces the one shown, so its
   * error never sits under an unrelated earlier image.
   */
  showOpenFailure(error: unknown, subject: string): void {
    this.asking?.abort();
    this.preparer.cancel();
    this.endRuntimeConversation(this.session.setImage(undefined));
    this.postImage();
    this.showError(error, subject);
  }

  /**
   * Puts an image in the panel (its own conversation, resumed if it was shown before), inspects it and prepares
   * its first question; false when that failed (the panel says why).
   */
  async openImage(image: SessionImage): Promise<boolean> {
    this.asking?.abort();
    this.preparer.cancel();
    this.endRuntimeConversation(this.session.setImage(image));
    this.log(`image: ${image.name} (${image.mimeType}, ${image.bytes.byteLength} bytes)`);
    this.panel.show();
    this.postImage();
    this.postState();
    try {
      if ((await this.ensureModel()) === undefined) return false;
      const result = await this.runtime.request({ kind: 'inspect', image: { name: image.name, bytes: image.bytes } });
      if (this.session.image !== image) return false;
      this.session.info = result.info;
      const { grid } = result.info;
      this.log(`image: ${result.info.width}×${result.info.height} ${result.info.format}, grid ${grid.rows}×${grid.cols}${grid.limitedFrom ? ` (needed ${grid.limitedFrom.rows}×${grid.limitedFrom.cols})` : ''}`);
      this.postState();
      void this.preparer.prepare({ name: image.name, bytes: image.bytes });
      return true;
    } catch (error) {
      if (this.session.image !== image) return false;
      this.session.unreadable = isImageProblem(error);
      this.showError(error, image.name);
      return false;
    }
  }

  /** Frees the runtime's memory of conversations the session no longer keeps. */
  private endRuntimeConversation(conversationIds: string[]): void {
    if (this.runtime.status.state === 'stopped') return;
    for (const conversationId of conversationIds) {
      this.runtime.request({ kind: 'endConversation', conversationId }).catch((error: unknown) => this.log(`endConversation: ${String(error)}`));
    }
  }

  async openFile(uri: vscode.Uri): Promise<boolean> {
    let image: SessionImage;
    try {
      image = await readImageFile(uri);
    } catch (error) {
      this.showOpenFailure(error, uriName(uri));
      return false;
    }
    return this.openImage(image);
  }

  async askPreset(preset: PresetId): Promise<string | undefined> {
    return this.ask(PRESETS[preset].question);
  }

  async ask(question: string): Promise<string | undefined> {
    const image = this.session.image;
    if (image === undefined) {
      this.showError(new UserError('There is no image to ask about.', 'Paste or drop an image into the panel, or run "InfiMM-HD: Ask About Image".'));
      return undefined;
    }
    if (this.session.busy || this.session.unreadable) return undefined;
    const turn = this.session.startTurn(question);
    const abort = new AbortController();
    this.asking = abort;
    this.postState();
    this.log(`ask: "${question}" about ${image.name}`);
    let firstTurn = false;
    try {
      if ((await this.ensureModel(abort.signal)) === undefined) {
        this.session.endTurn(turn.id, 'cancelled');
        return undefined;
      }
      const conversation = this.session.nextConversation(this.runtime.generation);
      firstTurn = conversation.sendImage;
      if (conversation.restarted) this.log('ask: the runtime restarted since the last question; sending the image again (earlier turns are not remembered)');
      const result = await this.runtime.request(
        {
          kind: 'ask',
          conversationId: conversation.id,
          ...(conversation.sendImage ? { image: { name: image.name, bytes: image.bytes } } : {}),
          question,
          options: this.settings().generation,
        },
        {
          onText: (text) => {
            // Text already on its way when the user cancelled must not keep the answer growing.
            if (abort.signal.aborted) return;
            this.session.appendAnswer(turn.id, text);
            this.panel.post({ type: 'answerDelta', turnId: turn.id, text });
          },
          onProgress: (stage, fraction) => {
            this.session.progress = fraction === undefined ? stage : `${stage} ${Math.round(fraction * 100)}%`;
            this.postState();
          },
        },
        abort.signal,
      );
      this.session.finishTurn(turn.id, result.answer, result.stats);
      const note = ocrContextNote(result.stats);
      this.log(`ask: done, ${result.stats.newTokens} tokens, ${result.stats.tokensPerSecond.toFixed(1)} tokens/s, stop: ${result.stats.stopReason}${note === undefined ? '' : `; ${note}`}`);
      return result.answer;
    } catch (error) {
      if (error instanceof CancelledError || abort.signal.aborted) {
        this.log('ask: cancelled');
        this.session.endTurn(turn.id, 'cancelled');
      } else {
        const described = this.describe(error, image.name);
        // A first turn that failed left no memory in the runtime: the next question sends the image again.
        if (firstTurn) this.session.dropConversation();
        this.session.endTurn(turn.id, 'failed', described);
      }
      return undefined;
    } finally {
      if (this.asking === abort) this.asking = undefined;
      this.postState();
    }
  }

  cancel(): void {
    if (this.asking === undefined) return;
    this.log('ask: cancel requested');
    this.asking.abort();
  }

  async runOcr(): Promise<void> {
    const image = this.session.image;
    if (image === undefined || !this.settings().ocrEnabled || this.session.ocr.status === 'running') return;
    this.session.ocr = { status: 'running' };
    this.postState();
    this.log(`ocr: reading the text of ${image.name}`);
    try {
      if ((await this.ensureModel()) === undefined) {
        this.session.ocr = { status: 'idle' };
        return this.postState();
      }
      const result = await this.runtime.request({ kind: 'ocr', image: { name: image.name, bytes: image.bytes }, layout: 'auto' });
      if (this.session.image !== image) return;
      this.session.setOcr(result.ocr);
      this.log(`ocr: ${result.ocr.lines.length} lines, ${result.ocr.layout} layout, ${Math.round(result.ocr.stats.totalMs)} ms`);
    } catch (error) {
      if (this.session.image !== image) return;
      this.session.ocr = { status: 'failed' };
      this.showError(error, image.name);
    }
    this.postState();
  }

  /** Asks for alt text about the current image and writes it into the Markdown link it came from. */
  async writeAltText(): Promise<void> {
    const answer = await this.askPreset('alt-text');
    if (answer !== undefined) await this.fillAltText(answer);
  }

  /** Loads the model with a cancellable notification; undefined when the user cancelled. */
  async ensureModel(signal?: AbortSignal): Promise<RuntimeConfig | undefined> {
    const settings = this.settings();
    const config = settings.runtime;
    this.runtime.setIdleTimeout(settings.idleTimeoutMs);
    if (this.runtime.isLoaded(config)) return config;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'InfiMM-HD: loading the model', cancellable: true },
      async (_progress, token) => {
        let cancelled = false;
        const stop = () => {
          cancelled = true;
          void this.runtime.stop('model loading cancelled');
        };
        const onCancel = token.onCancellationRequested(stop);
        signal?.addEventListener('abort', stop);
        try {
          this.session.progress = 'Loading the model…';
          this.postState();
          await this.runtime.configure(config);
          return config;
        } catch (error) {
          if (cancelled) return undefined;
          throw error;
        } finally {
          onCancel.dispose();
          signal?.removeEventListener('abort', stop);
          this.session.progress = undefined;
        }
      },
    );
  }

  /** Settings changed: the panel shows whether OCR is on. */
  refresh(): void {
    this.postState();
  }

  /** The user's words for an error; the log also gets the stack of anything unexpected. */
  private describe(error: unknown, subject?: string): PanelError {
    const described = describeError(error, subject);
    const unexpected = error instanceof Error && !(error instanceof UserError) && !(error instanceof RuntimeRequestError);
    this.log(`error: ${described.message}${unexpected ? `\n${error.stack ?? ''}` : ''}`);
    return described;
  }

  private async fillAltText(answer: string): Promise<void> {
    const origin = this.session.image?.markdown;
    if (origin === undefined) return;
    try {
      await this.editors.fillAltText(origin, formatAltText(answer));
    } catch (error) {
      this.showError(error);
    }
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.postImage();
        this.postState();
        return;
      case 'ask':
        await this.ask(message.question);
        return;
      case 'cancel':
        this.cancel();
        return;
      case 'runOcr':
        await this.runOcr();
        return;
      case 'imageDropped':
        await this.acceptDroppedImage(message.name, message.dataUrl);
        return;
      case 'openUris':
        await this.openFile(vscode.Uri.parse(message.uris[0]!));
        return;
      case 'inputRejected':
        this.showError(new UserError(message.message));
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
        const turn = this.session.turn(message.turnId);
        if (turn !== undefined) await this.fillAltText(turn.answer);
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
        this.session.error = undefined;
        this.postState();
        return;
    }
  }

  /** The model that answers under the current settings, once it has loaded. */
  private panelModel(): PanelModel | undefined {
    const loaded = this.runtime.modelFor(this.settings().runtime);
    if (loaded === undefined) return undefined;
    const { card, ...model } = loaded.model;
    return { ...model, provider: providerNames(loaded.providers), hasCard: card !== undefined };
  }

  /** A web card opens in the browser; a Markdown file (the bundled model's docs/model.md) in the preview. */
  private async openModelCard(): Promise<void> {
    const card = this.runtime.modelFor(this.settings().runtime)?.model.card;
    if (card === undefined) return;
    if (/^https?:/i.test(card)) {
      await vscode.env.openExternal(vscode.Uri.parse(card));
      return;
    }
    await vscode.commands.executeCommand(/\.md$/i.test(card) ? 'markdown.showPreview' : 'vscode.open', vscode.Uri.file(card));
  }

  private async acceptDroppedImage(name: string, dataUrl: string): Promise<void> {
    const decoded = fromDataUrl(dataUrl);
    const hint = `Paste or drop a ${IMAGE_FORMATS_IN_WORDS} image.`;
    if (decoded === undefined || !isImageMimeType(decoded.mimeType)) {
      this.showError(new UserError(`${name} is ${decoded === undefined ? 'not an image' : `a ${decoded.mimeType} image, which is not supported`}.`, hint));
      return;
    }
    const problem = checkImageSize(name, decoded.bytes.byteLength);
    if (problem !== undefined) {
      this.showError(new UserError(problem, hint));
      return;
    }
    await this.openImage({ name, mimeType: decoded.mimeType, bytes: decoded.bytes });
  }

  private postImage(): void {
    const image = this.session.image;
    this.panel.post({ type: 'image', image: image === undefined ? null : { name: image.name, dataUrl: toDataUrl(image.bytes, image.mimeType) } });
  }

  private postState(): void {
    const origin = this.session.image?.markdown;
    const model = this.panelModel();
    this.panel.post({
      type: 'state',
      state: {
        ...this.session.toState({
          ocrEnabled: this.settings().ocrEnabled,
          ...(origin === undefined ? {} : { altTextTarget: `the image link to ${origin.url}` }),
        }),
        ...(model === undefined ? {} : { model }),
      },
    });
  }

  dispose(): void {
    this.asking?.abort();
    this.panel.dispose();
  }
}
