// The panel's conversation about one image: pure state, so what survives errors, cancels and
// runtime restarts is testable without VS Code or a model.
import { randomUUID } from 'node:crypto';
import type { AnswerStats, ImageInfo, OcrResult } from '../common/protocol.ts';
import type { OcrView, PanelError, PanelState, Turn } from './panel-protocol.ts';

/** Where a Markdown image link sits, so its alt text can be filled later. */
export interface MarkdownOrigin {
  documentUri: string;
  url: string;
  /** Offset of the link when the image was opened; the link is found again near it. */
  offset: number;
}

export interface SessionImage {
  name: string;
  mimeType: string;
  bytes: Uint8Array;
  markdown?: MarkdownOrigin;
}

export class Session {
  image: SessionImage | undefined;
  info: ImageInfo | undefined;
  turns: Turn[] = [];
  ocr: OcrView = { status: 'idle' };
  busy = false;
  progress: string | undefined;
  error: PanelError | undefined;
  /** The runtime could not read the image: asking is pointless until another one is opened. */
  unreadable = false;
  private conversation: { id: string; generation: number } | undefined;

  /** A new image starts a new conversation; the previous one is returned so the runtime can free it. */
  setImage(image: SessionImage | undefined): string | undefined {
    const previous = this.conversation?.id;
    this.image = image;
    this.unreadable = false;
    this.info = undefined;
    this.turns = [];
    this.ocr = { status: 'idle' };
    this.error = undefined;
    this.progress = undefined;
    this.conversation = undefined;
    return previous;
  }

  /**
   * The conversation id for the next question, and whether the image must travel with it: on the
   * first turn, and again after the runtime restarted (generation changed) and lost its memory.
   */
  nextConversation(generation: number): { id: string; sendImage: boolean; restarted: boolean } {
    if (this.conversation !== undefined && this.conversation.generation === generation) {
      return { id: this.conversation.id, sendImage: false, restarted: false };
    }
    const restarted = this.conversation !== undefined;
    this.conversation = { id: randomUUID(), generation };
    return { id: this.conversation.id, sendImage: true, restarted };
  }

  /** Forgets the conversation so the next question starts afresh with the image (after a failed first turn). */
  dropConversation(): void {
    this.conversation = undefined;
  }

  startTurn(question: string): Turn {
    const turn: Turn = { id: randomUUID(), question, answer: '', status: 'waiting' };
    this.turns.push(turn);
    this.busy = true;
    return turn;
  }

  appendAnswer(turnId: string, text: string): void {
    const turn = this.turn(turnId);
    if (turn === undefined) return;
    turn.answer += text;
    turn.status = 'streaming';
  }

  finishTurn(turnId: string, answer: string, stats: AnswerStats): void {
    const turn = this.turn(turnId);
    if (turn !== undefined) Object.assign(turn, { answer, stats, status: stats.stopReason === 'cancelled' ? 'cancelled' : 'done' });
    this.settle();
  }

  /** The turn keeps what streamed so far and its own error; earlier turns and the conversation stay. */
  endTurn(turnId: string, status: 'cancelled' | 'failed', error?: PanelError): void {
    const turn = this.turn(turnId);
    if (turn !== undefined) {
      turn.status = status;
      if (error !== undefined) turn.error = error;
    }
    this.settle();
  }

  setOcr(result: OcrResult): void {
    this.ocr = { status: 'done', result };
  }

  turn(turnId: string): Turn | undefined {
    return this.turns.find((t) => t.id === turnId);
  }

  toState(options: { ocrEnabled: boolean; altTextTarget?: string }): PanelState {
    const state: PanelState = {
      turns: this.turns,
      busy: this.busy,
      ocr: this.ocr,
      ocrEnabled: options.ocrEnabled,
    };
    if (this.image !== undefined) state.imageName = this.image.name;
    if (this.unreadable) state.imageUnreadable = true;
    if (this.info !== undefined) {
      state.imageSize = { width: this.info.width, height: this.info.height };
      state.grid = this.info.grid;
    }
    if (this.progress !== undefined) state.progress = this.progress;
    if (this.error !== undefined) state.error = this.error;
    if (options.altTextTarget !== undefined) state.altTextTarget = options.altTextTarget;
    return state;
  }

  private settle(): void {
    this.busy = false;
    this.progress = undefined;
  }
}
