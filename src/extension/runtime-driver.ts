// Drives the runtime host for the image the panel shows: inspects and prepares it when it opens, asks with the
// answer streamed into the panel, reads its text, cancels, and frees the conversations the session let go.
// All heavy work happens in the runtime host process; this only awaits it.
import * as vscode from 'vscode';
import { CancelledError } from '../common/errors.ts';
import { PRESETS, type PresetId } from '../common/panel-protocol.ts';
import { ocrContextNote } from '../common/stats.ts';
import type { EditorActions } from './editor-actions.ts';
import { isImageProblem, UserError } from './errors.ts';
import { readImageFile, uriName } from './image-sources.ts';
import { formatAltText } from './markdown-images.ts';
import type { ModelLoading } from './model-loading.ts';
import type { PanelView } from './panel-view.ts';
import { Preparer } from './preparer.ts';
import type { RuntimeManager } from './runtime-manager.ts';
import type { Session, SessionImage } from './session.ts';
import type { ResolvedSettings } from './settings.ts';

export class RuntimeDriver implements vscode.Disposable {
  private asking: AbortController | undefined;
  private readonly preparer: Preparer;
  private readonly session: Session;

  constructor(
    private readonly view: PanelView,
    private readonly models: ModelLoading,
    private readonly runtime: RuntimeManager,
    private readonly editors: EditorActions,
    private readonly settings: () => ResolvedSettings,
    private readonly log: (line: string) => void,
  ) {
    this.session = view.session;
    this.preparer = new Preparer((request, signal) => this.runtime.request(request, {}, signal), log);
  }

  /**
   * An image that could not be opened (a remote link, a missing file) replaces the one shown, so its
   * error never sits under an unrelated earlier image.
   */
  showOpenFailure(error: unknown, subject: string): void {
    this.asking?.abort();
    this.preparer.cancel();
    this.endRuntimeConversation(this.session.setImage(undefined));
    this.view.postImage();
    this.view.showError(error, subject);
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
    this.view.show();
    this.view.postImage();
    this.view.postState();
    try {
      if ((await this.models.ensure()) === undefined) return false;
      const result = await this.runtime.request({ kind: 'inspect', image: { name: image.name, bytes: image.bytes } });
      if (this.session.image !== image) return false;
      this.session.info = result.info;
      const { grid } = result.info;
      this.log(
        `image: ${result.info.width}×${result.info.height} ${result.info.format}, grid ${grid.rows}×${grid.cols}${grid.limitedFrom ? ` (needed ${grid.limitedFrom.rows}×${grid.limitedFrom.cols})` : ''}`,
      );
      this.view.postState();
      void this.preparer.prepare({ name: image.name, bytes: image.bytes });
      return true;
    } catch (error) {
      if (this.session.image !== image) return false;
      this.session.unreadable = isImageProblem(error);
      this.view.showError(error, image.name);
      return false;
    }
  }

  /** Frees the runtime's memory of conversations the session no longer keeps. */
  private endRuntimeConversation(conversationIds: string[]): void {
    if (this.runtime.status.state === 'stopped') return;
    for (const conversationId of conversationIds) {
      this.runtime
        .request({ kind: 'endConversation', conversationId })
        .catch((error: unknown) => this.log(`endConversation: ${String(error)}`));
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
      this.view.showError(
        new UserError(
          'There is no image to ask about.',
          'Paste or drop an image into the panel, or run "InfiMM-HD: Ask About Image".',
        ),
      );
      return undefined;
    }
    if (this.session.busy || this.session.unreadable) return undefined;
    const turn = this.session.startTurn(question);
    const abort = new AbortController();
    this.asking = abort;
    this.view.postState();
    this.log(`ask: "${question}" about ${image.name}`);
    let firstTurn = false;
    try {
      if ((await this.models.ensure(abort.signal)) === undefined) {
        this.session.endTurn(turn.id, 'cancelled');
        return undefined;
      }
      const conversation = this.session.nextConversation(this.runtime.generation);
      firstTurn = conversation.sendImage;
      if (conversation.restarted)
        this.log(
          'ask: the runtime restarted since the last question; sending the image again (earlier turns are not remembered)',
        );
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
            this.view.post({ type: 'answerDelta', turnId: turn.id, text });
          },
          onProgress: (stage, fraction) => {
            this.session.progress = fraction === undefined ? stage : `${stage} ${Math.round(fraction * 100)}%`;
            this.view.postState();
          },
        },
        abort.signal,
      );
      this.session.finishTurn(turn.id, result.answer, result.stats);
      const note = ocrContextNote(result.stats);
      this.log(
        `ask: done, ${result.stats.newTokens} tokens, ${result.stats.tokensPerSecond.toFixed(1)} tokens/s, stop: ${result.stats.stopReason}${note === undefined ? '' : `; ${note}`}`,
      );
      return result.answer;
    } catch (error) {
      if (error instanceof CancelledError || abort.signal.aborted) {
        this.log('ask: cancelled');
        this.session.endTurn(turn.id, 'cancelled');
      } else {
        const described = this.view.describe(error, image.name);
        // A first turn that failed left no memory in the runtime: the next question sends the image again.
        if (firstTurn) this.session.dropConversation();
        this.session.endTurn(turn.id, 'failed', described);
      }
      return undefined;
    } finally {
      if (this.asking === abort) this.asking = undefined;
      this.view.postState();
    }
  }

  cancel(): void {
    if (this.asking === undefined) {
      this.log('ask: cancel requested with no answer running');
      return;
    }
    this.log('ask: cancel requested');
    this.asking.abort();
  }

  async runOcr(): Promise<void> {
    const image = this.session.image;
    if (image === undefined || !this.settings().ocrEnabled || this.session.ocr.status === 'running') return;
    this.session.ocr = { status: 'running' };
    this.view.postState();
    this.log(`ocr: reading the text of ${image.name}`);
    try {
      if ((await this.models.ensure()) === undefined) {
        this.session.ocr = { status: 'idle' };
        return this.view.postState();
      }
      const result = await this.runtime.request({
        kind: 'ocr',
        image: { name: image.name, bytes: image.bytes },
        layout: 'auto',
      });
      if (this.session.image !== image) return;
      this.session.setOcr(result.ocr);
      this.log(
        `ocr: ${result.ocr.lines.length} lines, ${result.ocr.layout} layout, ${Math.round(result.ocr.stats.totalMs)} ms`,
      );
    } catch (error) {
      if (this.session.image !== image) return;
      this.session.ocr = { status: 'failed' };
      this.view.showError(error, image.name);
    }
    this.view.postState();
  }

  /** Asks for alt text about the current image and writes it into the Markdown link it came from. */
  async writeAltText(): Promise<void> {
    const answer = await this.askPreset('alt-text');
    if (answer !== undefined) await this.fillAltText(answer);
  }

  /** Writes alt text into the Markdown link the current image came from. */
  async fillAltText(answer: string): Promise<void> {
    const origin = this.session.image?.markdown;
    if (origin === undefined) return;
    try {
      await this.editors.fillAltText(origin, formatAltText(answer));
    } catch (error) {
      this.view.showError(error);
    }
  }

  dispose(): void {
    this.asking?.abort();
  }
}
