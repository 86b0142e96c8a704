// The assistant's parts wired together: what the panel shows (panel-view.ts), the runtime driver behind its
// questions (runtime-driver.ts), the router of its messages (panel-messages.ts) and model loading
// (model-loading.ts). Commands reach the panel and the runtime through these.
import type * as vscode from 'vscode';
import type { EditorActions } from './editor-actions.ts';
import { ModelLoading } from './model-loading.ts';
import { PanelMessages } from './panel-messages.ts';
import { PanelView } from './panel-view.ts';
import { RuntimeDriver } from './runtime-driver.ts';
import type { RuntimeManager } from './runtime-manager.ts';
import type { ResolvedSettings } from './settings.ts';

export class Assistant implements vscode.Disposable {
  readonly view: PanelView;
  readonly models: ModelLoading;
  readonly driver: RuntimeDriver;

  constructor(
    extensionUri: vscode.Uri,
    runtime: RuntimeManager,
    editors: EditorActions,
    settings: () => ResolvedSettings,
    log: (line: string) => void,
  ) {
    // The panel posts nothing before it is shown, and it is shown only after the router exists.
    this.view = new PanelView(extensionUri, runtime, settings, (message) => void messages.handle(message), log);
    this.models = new ModelLoading(runtime, settings, (loading) => this.view.setLoading(loading));
    this.driver = new RuntimeDriver(this.view, this.models, runtime, editors, settings, log);
    const messages = new PanelMessages(this.view, this.driver, editors, runtime, settings);
  }

  dispose(): void {
    this.driver.dispose();
    this.view.dispose();
  }
}
