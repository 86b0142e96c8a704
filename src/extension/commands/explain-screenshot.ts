// "Explain Screenshot": the user captures a region or the whole screen with the desktop's screenshot tool, and
// the panel explains it. A remote window runs the extension on another machine, so it cannot capture there.
import * as vscode from 'vscode';
import { captureScreenshot, type CaptureOutcome } from '../capture.ts';
import { REMOTE_CAPTURE_MESSAGE, type CaptureMode } from '../capture-tools.ts';
import { UserError } from '../errors.ts';
import type { Command, CommandContext } from './command.ts';
import { askAbout } from './image-targets.ts';

const MODES: (vscode.QuickPickItem & { mode: CaptureMode })[] = [
  { label: '$(screen-normal) Select a region', description: 'drag over the part to explain', mode: 'region' },
  { label: '$(screen-full) Whole screen', mode: 'screen' },
];

export function explainScreenshotCommand({ assistant, log }: CommandContext): Command {
  const run = async (): Promise<void> => {
    if (vscode.env.remoteName !== undefined) {
      assistant.view.focusQuestion();
      void vscode.window.showInformationMessage(REMOTE_CAPTURE_MESSAGE);
      return;
    }
    const picked = await vscode.window.showQuickPick(MODES, {
      title: 'Explain Screenshot',
      placeHolder: 'What to capture',
    });
    if (picked === undefined) return;
    const outcome = await capture(picked.mode, log);
    if (outcome === undefined) return log('capture: cancelled');
    if (outcome.kind === 'unavailable') throw new UserError(outcome.message);
    if (outcome.kind === 'none') {
      void vscode.window.showInformationMessage(
        `InfiMM-HD: no screenshot was taken (${outcome.detail === undefined ? `${outcome.tool} was cancelled` : `${outcome.tool} said "${outcome.detail}"`}).`,
      );
      return;
    }
    const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ');
    await askAbout(
      assistant.driver,
      { name: `screenshot ${stamp}.png`, mimeType: 'image/png', bytes: outcome.bytes },
      'explain-ui',
    );
  };
  return { id: 'infimmHd.explainScreenshot', run };
}

/** Runs the screenshot tool behind a cancellable notification; undefined when the user cancelled. */
function capture(mode: CaptureMode, log: (line: string) => void): Thenable<CaptureOutcome | undefined> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'InfiMM-HD: waiting for the screenshot…',
      cancellable: true,
    },
    async (_progress, token): Promise<CaptureOutcome | undefined> => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      try {
        return await captureScreenshot(mode, abort.signal, log);
      } catch (error) {
        if (abort.signal.aborted) return undefined;
        throw new UserError(
          `The screenshot tool could not run: ${error instanceof Error ? error.message : String(error)}.`,
          'See "InfiMM-HD: Show Logs", or paste a screenshot into the panel.',
        );
      }
    },
  );
}
