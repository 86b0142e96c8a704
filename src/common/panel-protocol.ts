// Messages between the extension and its webview panel. Pure (no `vscode`, no DOM) so both sides
// and the tests import it; the webview side bundles only what it uses.
import * as v from 'valibot';
import type { AnswerStats, OcrResult, TileGrid } from './protocol.ts';

export const PRESETS = {
  describe: { label: 'Describe', question: 'Describe this image in detail.' },
  'explain-ui': {
    label: 'Explain this UI',
    question:
      'This is a screenshot of a user interface. Explain what it shows, what each part is for and what the user can do next.',
  },
  'describe-diagram': {
    label: 'Describe this diagram',
    question: 'Describe this diagram: its parts, how they are connected and what it explains.',
  },
  'extract-text': { label: 'Extract text', question: 'Write out all the text in this image, keeping its layout.' },
  'alt-text': {
    label: 'Write alt text',
    question:
      'Write concise alt text for this image, one sentence of at most 25 words, for a reader who cannot see it.',
  },
} as const;

export type PresetId = keyof typeof PRESETS;

/** The image formats accepted, in words, for messages on either side (image-files.ts has the extensions). */
export const IMAGE_FORMATS_IN_WORDS = 'PNG, JPEG, GIF, WebP, TIFF or SVG';
export const PRESET_IDS = Object.keys(PRESETS) as PresetId[];

export interface PanelImage {
  name: string;
  /** A data: URL, so pasted images and remote files need no webview resource root. */
  dataUrl: string;
}

export type TurnStatus = 'waiting' | 'streaming' | 'done' | 'cancelled' | 'failed';

export interface Turn {
  id: string;
  question: string;
  answer: string;
  status: TurnStatus;
  stats?: AnswerStats;
  /** Why this turn failed; it stays with the turn and goes when the conversation does. */
  error?: PanelError;
}

/** What the user reads: plain words and the next step. */
export interface PanelError {
  message: string;
  hint?: string;
}

export type OcrView =
  { status: 'idle' } | { status: 'running' } | { status: 'done'; result: OcrResult } | { status: 'failed' };

/** The model that answers, for the panel's header. */
export interface PanelModel {
  name: string;
  parameters: number;
  bytes: number;
  precision: string;
  /** Execution providers that ran its graphs, as the runtime reports them ("cpu", "webgpu, cpu"). */
  provider: string;
  /** Whether its package names a model card the extension can open. */
  hasCard: boolean;
}

export interface PanelState {
  /** Known once the current settings' model has loaded; it stays while the runtime is stopped. */
  model?: PanelModel;
  imageName?: string;
  /** The runtime cannot read the image: nothing can be asked about it. */
  imageUnreadable?: boolean;
  /** From the runtime's 'inspect': the size the model sees and its tile grid. */
  imageSize?: { width: number; height: number };
  grid?: TileGrid;
  /** After the image changed: a new conversation, or one resumed from earlier in the session. */
  conversationNote?: string;
  turns: Turn[];
  busy: boolean;
  /** A line about what the runtime is doing (loading the model, encoding the image…). */
  progress?: string;
  ocr: OcrView;
  ocrEnabled: boolean;
  /** Set when the image came from a Markdown image link whose alt text can be filled. */
  altTextTarget?: string;
  /** About the image or the attempt to open one; cleared when the image changes. */
  error?: PanelError;
}

export type ToWebview =
  | { type: 'state'; state: PanelState }
  /** Sent apart from the state because it is large and changes rarely. */
  | { type: 'image'; image: PanelImage | null }
  /** A streamed piece of the answer of one turn (state updates would resend every turn). */
  | { type: 'answerDelta'; turnId: string; text: string }
  | { type: 'focusQuestion' };

const text = v.string();
const presetId = v.picklist(PRESET_IDS);

const fromWebviewSchema = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('ask'), question: v.pipe(text, v.trim(), v.nonEmpty()), preset: v.optional(presetId) }),
  v.object({ type: v.literal('cancel') }),
  v.object({ type: v.literal('runOcr') }),
  v.object({ type: v.literal('imageDropped'), name: text, dataUrl: v.pipe(text, v.startsWith('data:')) }),
  /** Files dragged in from VS Code's Explorer arrive as URIs the extension reads. */
  v.object({ type: v.literal('openUris'), uris: v.pipe(v.array(text), v.minLength(1)) }),
  /** Pasted or dropped data that is not an image: the extension logs it and shows the message. */
  v.object({ type: v.literal('inputRejected'), message: text }),
  v.object({ type: v.literal('copy'), text }),
  v.object({ type: v.literal('insertAtCursor'), text }),
  v.object({ type: v.literal('openDocument'), text, language: v.optional(text) }),
  v.object({ type: v.literal('insertAltText'), turnId: text }),
  v.object({ type: v.literal('openLink'), href: text }),
  /** The extension knows the card's address: the webview never names a file to open. */
  v.object({ type: v.literal('openModelCard') }),
  v.object({ type: v.literal('dismissError') }),
]);

export type FromWebview = v.InferOutput<typeof fromWebviewSchema>;

/** Validates a message from the webview; the webview renders model output, so it is not trusted blindly. */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  const result = v.safeParse(fromWebviewSchema, message);
  return result.success ? result.output : undefined;
}
