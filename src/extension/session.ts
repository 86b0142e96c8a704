// The panel's conversation about one image: pure state, so what survives errors, cancels and
// runtime restarts is testable without VS Code or a model.
import { createHash, randomUUID } from 'node:crypto';
import type { OcrView, PanelError, PanelState, Turn } from '../common/panel-protocol.ts';
import type { AnswerStats, ImageInfo, OcrResult } from '../common/protocol.ts';

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

/** What is kept of a conversation while another image is shown. */
interface Kept {
  name: string;
  turns: Turn[];
  ocr: OcrView;
  conversation: { id: string; generation: number } | undefined;
}

/**
 * Conversations kept besides the current one. Each holds a conversation in the runtime (its image
 * memory and KV cache); the runtime keeps 8, so these stay within its limit and are never dropped there.
 */
const MAX_KEPT = 4;

const imageKey = (image: SessionImage) => createHash('sha256').update(image.bytes).digest('hex');

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
  /** Shown above the turns after the image changed: whether this is a new conversation or one resumed. */
  conversationNote: string | undefined;
  private conversation: { id: string; generation: number } | undefined;
  private key: string | undefined;
  /** Most recently left last. */
  private readonly kept = new Map<string, Kept>();

  /**
   * Shows another image (or none). The conversation about the previous image is kept, and one kept
   * for this image comes back; returns the runtime conversations dropped to stay within MAX_KEPT.
   */
  setImage(image: SessionImage | undefined): string[] {
    const previous = this.image;
    const keepPrevious = previous !== undefined && this.key !== undefined && this.turns.length > 0;
    if (keepPrevious) {
      // An answer or OCR cut short by the switch stays as far as it got.
      const turns = this.turns.map((turn): Turn =>
        turn.status === 'waiting' || turn.status === 'streaming' ? { ...turn, status: 'cancelled' } : turn,
      );
      const ocr: OcrView = this.ocr.status === 'running' ? { status: 'idle' } : this.ocr;
      this.kept.delete(this.key!);
      this.kept.set(this.key!, { name: previous.name, turns, ocr, conversation: this.conversation });
    }
    this.key = image === undefined ? undefined : imageKey(image);
    const resumed = this.key === undefined ? undefined : this.kept.get(this.key);
    if (this.key !== undefined) this.kept.delete(this.key);
    this.image = image;
    this.unreadable = false;
    this.info = undefined;
    this.turns = resumed?.turns ?? [];
    this.ocr = resumed?.ocr ?? { status: 'idle' };
    this.conversation = resumed?.conversation;
    this.error = undefined;
    this.progress = undefined;
    this.conversationNote =
      image === undefined || previous === undefined
        ? undefined
        : resumed !== undefined
          ? `Back to ${image.name}: its conversation continues.`
          : keepPrevious
            ? `New image, new conversation. The one about ${previous.name} is kept: open that image again to continue it.`
            : 'New image, new conversation.';
    const dropped: string[] = [];
    for (const [key, kept] of this.kept) {
      if (this.kept.size <= MAX_KEPT) break;
      this.kept.delete(key);
      if (kept.conversation !== undefined) dropped.push(kept.conversation.id);
    }
    return dropped;
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
    if (turn !== undefined)
      Object.assign(turn, { answer, stats, status: stats.stopReason === 'cancelled' ? 'cancelled' : 'done' });
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
    if (this.conversationNote !== undefined) state.conversationNote = this.conversationNote;
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
