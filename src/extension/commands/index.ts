// Every command of the extension (package.json's contributes.commands), registered with its failure reporting.
import type * as vscode from 'vscode';
import { registerCommand, type CommandContext } from './command.ts';
import { explainScreenshotCommand } from './explain-screenshot.ts';
import { imageQuestionCommands } from './image-questions.ts';
import { modelCommands } from './model-commands.ts';
import { panelCommands } from './panel-commands.ts';

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  const commands = [
    ...imageQuestionCommands(context),
    explainScreenshotCommand(context),
    ...panelCommands(context),
    ...modelCommands(context),
  ];
  return commands.map((command) => registerCommand(command, context));
}
