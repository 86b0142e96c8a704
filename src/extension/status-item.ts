// The status bar item: the runtime's state and the model in use; a click opens the panel.
import * as vscode from 'vscode';
import type { RuntimeManager } from './runtime-manager.ts';
import type { ResolvedSettings } from './settings.ts';
import { statusText } from './status-text.ts';

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('infimmHd.status', vscode.StatusBarAlignment.Right, 100);
  private readonly unsubscribe: () => void;

  constructor(
    private readonly runtime: RuntimeManager,
    private readonly settings: () => ResolvedSettings,
    log: (line: string) => void,
  ) {
    this.item.name = 'InfiMM-HD';
    this.item.command = 'infimmHd.openPanel';
    this.update();
    this.item.show();
    this.unsubscribe = runtime.onStatus((status) => {
      this.update();
      log(`runtime: ${status.state}`);
    });
  }

  update(): void {
    const settings = this.settings();
    const { text, tooltip, label } = statusText(this.runtime.status, {
      dir: settings.runtime.modelDir,
      source: settings.modelSource,
    });
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label, role: 'button' };
  }

  dispose(): void {
    this.unsubscribe();
    this.item.dispose();
  }
}
