// The extension's settings as they are now: read again when they change or the workspace is trusted, with
// each note about them (a setting ignored, a model folder missing) shown once.
import * as vscode from 'vscode';
import { readSettings } from './settings-source.ts';
import type { ResolvedSettings } from './settings.ts';

export class LiveSettings {
  private settings: ResolvedSettings;
  private readonly shownNotes = new Set<string>();

  constructor(
    private readonly extensionPath: string,
    private readonly log: (line: string) => void,
  ) {
    this.settings = readSettings(extensionPath);
  }

  get current(): ResolvedSettings {
    return this.settings;
  }

  reload(): void {
    this.settings = readSettings(this.extensionPath);
    const { runtime, modelSource } = this.settings;
    this.log(
      `settings: model ${runtime.modelDir} (${modelSource}), provider ${runtime.executionProvider}, max tiles ${runtime.maxTiles}`,
    );
    this.showNotes();
  }

  showNotes(): void {
    for (const note of this.settings.notes.filter((n) => !this.shownNotes.has(n))) {
      this.shownNotes.add(note);
      this.log(`settings: ${note}`);
      void vscode.window.showWarningMessage(`InfiMM-HD: ${note}`);
    }
  }
}
