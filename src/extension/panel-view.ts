// What the panel shows: the session's image and state, posted again whenever either changes, and errors in
// plain words. The runtime driver, the message router and model loading all change the panel through this.
import type * as vscode from 'vscode';
import type { FromWebview, PanelError, PanelModel, ToWebview } from '../common/panel-protocol.ts';
import { RuntimeRequestError } from '../host/client.ts';
import { describeError, UserError } from './errors.ts';
import { toDataUrl } from './image-files.ts';
import { PanelHost } from './panel.ts';
import { providerNames, type RuntimeManager } from './runtime-manager.ts';
import { Session } from './session.ts';
import type { ResolvedSettings } from './settings.ts';

export class PanelView implements vscode.Disposable {
  readonly session = new Session();
  private readonly host: PanelHost;

  constructor(
    extensionUri: vscode.Uri,
    private readonly runtime: RuntimeManager,
    private readonly settings: () => ResolvedSettings,
    onMessage: (message: FromWebview) => void,
    private readonly log: (line: string) => void,
  ) {
    this.host = new PanelHost(extensionUri, onMessage, log);
  }

  show(preserveFocus = false): void {
    this.host.show(preserveFocus);
  }

  /** Shows the panel with the cursor in its question box. */
  focusQuestion(): void {
    this.host.show();
    this.host.post({ type: 'focusQuestion' });
  }

  post(message: ToWebview): void {
    this.host.post(message);
  }

  /** Shows a plain-words error in the panel (and the log); the conversation is kept. */
  showError(error: unknown, subject?: string): void {
    this.session.error = this.describe(error, subject);
    this.host.show(true);
    this.postState();
  }

  /** The user's words for an error; the log also gets the stack of anything unexpected. */
  describe(error: unknown, subject?: string): PanelError {
    const described = describeError(error, subject);
    const unexpected =
      error instanceof Error && !(error instanceof UserError) && !(error instanceof RuntimeRequestError);
    this.log(`error: ${described.message}${unexpected ? `\n${error.stack ?? ''}` : ''}`);
    return described;
  }

  /** The panel says so while the model loads; whoever waited for it posts the state that follows. */
  setLoading(loading: boolean): void {
    this.session.progress = loading ? 'Loading the model…' : undefined;
    if (loading) this.postState();
  }

  postImage(): void {
    const image = this.session.image;
    this.post({
      type: 'image',
      image: image === undefined ? null : { name: image.name, dataUrl: toDataUrl(image.bytes, image.mimeType) },
    });
  }

  postState(): void {
    const origin = this.session.image?.markdown;
    const model = this.model();
    this.post({
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

  /** The model that answers under the current settings, once it has loaded. */
  private model(): PanelModel | undefined {
    const loaded = this.runtime.modelFor(this.settings().runtime);
    if (loaded === undefined) return undefined;
    const { card, ...model } = loaded.model;
    return { ...model, provider: providerNames(loaded.providers), hasCard: card !== undefined };
  }

  dispose(): void {
    this.host.dispose();
  }
}
