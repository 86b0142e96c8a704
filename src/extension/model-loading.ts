// Loading the model under the current settings, as the user sees it: a cancellable notification while it loads,
// the panel's progress line, and a message when it was loaded on request.
import * as vscode from 'vscode';
import type { RuntimeConfig } from '../common/protocol.ts';
import type { RuntimeManager } from './runtime-manager.ts';
import type { ResolvedSettings } from './settings.ts';

export class ModelLoading {
  constructor(
    private readonly runtime: RuntimeManager,
    private readonly settings: () => ResolvedSettings,
    private readonly setLoading: (loading: boolean) => void,
  ) {}

  /** Loads the model with a cancellable notification; undefined when the user cancelled. */
  async ensure(signal?: AbortSignal): Promise<RuntimeConfig | undefined> {
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
          this.setLoading(true);
          await this.runtime.configure(config);
          return config;
        } catch (error) {
          if (cancelled) return undefined;
          throw error;
        } finally {
          onCancel.dispose();
          signal?.removeEventListener('abort', stop);
          this.setLoading(false);
        }
      },
    );
  }

  /** Loads the model now, so a bad model folder is reported right after it was chosen. */
  async loadNow(what: string): Promise<void> {
    if ((await this.ensure()) !== undefined)
      void vscode.window.showInformationMessage(
        `InfiMM-HD: ${what}; model ${this.runtime.status.model ?? ''} ready (${this.runtime.status.provider ?? ''}).`,
      );
  }
}
