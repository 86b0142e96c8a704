// What every command gets, and how each is registered: it logs its id and reports a failure in words (with a
// button to the logs) instead of an unhandled rejection.
import * as vscode from 'vscode';
import type { Assistant } from '../assistant.ts';
import { describeError } from '../errors.ts';
import type { RuntimeManager } from '../runtime-manager.ts';

export interface CommandContext {
  extension: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  log: (line: string) => void;
  runtime: RuntimeManager;
  assistant: Assistant;
  /** Reads the settings again and applies them, after a command changed one. */
  reloadSettings: () => void;
}

/** A command's id and what it does; its arguments are whatever VS Code passes (a menu's file, a CodeLens's). */
export interface Command {
  id: string;
  run: (...args: unknown[]) => Promise<unknown> | void;
}

export function registerCommand({ id, run }: Command, context: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    context.log(`command: ${id}`);
    try {
      await run(...args);
    } catch (error) {
      notifyError(error, context);
    }
  });
}

function notifyError(error: unknown, { log, output }: CommandContext): void {
  const { message, hint } = describeError(error);
  log(`error: ${message}`);
  void vscode.window
    .showErrorMessage(`InfiMM-HD: ${message}${hint === undefined ? '' : ` ${hint}`}`, 'Show Logs')
    .then((choice) => {
      if (choice !== undefined) output.show(true);
    });
}
