// Extension entry point: registers commands, the status bar item and the Markdown CodeLenses, and
// keeps settings current. The runtime host starts only when an image is first asked about.
import * as vscode from 'vscode';
import { Assistant } from './assistant.ts';
import { registerCommands } from './commands/index.ts';
import { EditorActions } from './editor-actions.ts';
import { LiveSettings } from './live-settings.ts';
import { ImageLinkLenses } from './markdown-lens.ts';
import { RuntimeManager } from './runtime-manager.ts';
import { SECTION } from './settings-source.ts';
import { StatusItem } from './status-item.ts';

let runtime: RuntimeManager | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('InfiMM-HD', { log: true });
  const log = (line: string) => output.info(line);
  log(
    `activated (VS Code ${vscode.version}, ${process.platform}-${process.arch}${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''})`,
  );

  const settings = new LiveSettings(context.extensionPath, log);
  const manager = new RuntimeManager({ hostScript: context.asAbsolutePath('dist/runtime-host.cjs'), log });
  runtime = manager;
  manager.setIdleTimeout(settings.current.idleTimeoutMs);
  const editors = new EditorActions(log);
  const assistant = new Assistant(context.extensionUri, manager, editors, () => settings.current, log);
  const status = new StatusItem(manager, () => settings.current, log);
  settings.showNotes();

  const reloadSettings = () => {
    settings.reload();
    manager.setIdleTimeout(settings.current.idleTimeoutMs);
    status.update();
    // The panel shows whether OCR is on.
    assistant.view.postState();
  };

  context.subscriptions.push(
    output,
    status,
    editors,
    assistant,
    ...registerCommands({ extension: context, output, log, runtime: manager, assistant, reloadSettings }),
    vscode.languages.registerCodeLensProvider({ language: 'markdown' }, new ImageLinkLenses()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SECTION)) reloadSettings();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(reloadSettings),
  );
}

export async function deactivate(): Promise<void> {
  await runtime?.dispose();
  runtime = undefined;
}
