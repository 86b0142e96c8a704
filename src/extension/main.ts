// Extension entry point: registers commands, the status bar item and the Markdown CodeLenses, and
// keeps settings current. The runtime host starts only when an image is first asked about.
import * as vscode from 'vscode';
import { PRESET_IDS, type PresetId } from '../common/panel-protocol.ts';
import { Assistant } from './assistant.ts';
import { captureScreenshot, type CaptureOutcome } from './capture.ts';
import { convertCheckpoint } from './commands/convert-checkpoint.ts';
import { REMOTE_CAPTURE_MESSAGE, type CaptureMode } from './capture-tools.ts';
import { EditorActions } from './editor-actions.ts';
import { describeError, UserError } from './errors.ts';
import { activeImagePreview, linkAt, pickImageFile, readLinkedImage } from './image-sources.ts';
import { ImageLinkLenses } from './markdown-lens.ts';
import { RuntimeManager } from './runtime-manager.ts';
import type { SessionImage } from './session.ts';
import { readSettings, saveModelPath, SECTION } from './settings-source.ts';
import type { ResolvedSettings } from './settings.ts';
import { statusText } from './status-text.ts';

let runtime: RuntimeManager | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('InfiMM-HD', { log: true });
  const log = (line: string) => output.info(line);
  log(`activated (VS Code ${vscode.version}, ${process.platform}-${process.arch}${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''})`);

  let settings: ResolvedSettings = readSettings(context.extensionPath);
  const shownNotes = new Set<string>();
  const showNotes = () => {
    for (const note of settings.notes.filter((n) => !shownNotes.has(n))) {
      shownNotes.add(note);
      log(`settings: ${note}`);
      void vscode.window.showWarningMessage(`InfiMM-HD: ${note}`);
    }
  };

  const manager = new RuntimeManager({ hostScript: context.asAbsolutePath('dist/runtime-host.cjs'), log });
  runtime = manager;
  manager.setIdleTimeout(settings.idleTimeoutMs);
  const editors = new EditorActions(log);
  const assistant = new Assistant(context.extensionUri, manager, editors, () => settings, log);

  const statusItem = vscode.window.createStatusBarItem('infimmHd.status', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'InfiMM-HD';
  statusItem.command = 'infimmHd.openPanel';
  const updateStatus = () => {
    const { text, tooltip, label } = statusText(manager.status, { dir: settings.runtime.modelDir, source: settings.modelSource });
    statusItem.text = text;
    statusItem.tooltip = tooltip;
    statusItem.accessibilityInformation = { label, role: 'button' };
  };
  updateStatus();
  statusItem.show();
  const unsubscribeStatus = manager.onStatus((status) => {
    updateStatus();
    log(`runtime: ${status.state}`);
  });

  const reload = () => {
    settings = readSettings(context.extensionPath);
    manager.setIdleTimeout(settings.idleTimeoutMs);
    log(`settings: model ${settings.runtime.modelDir} (${settings.modelSource}), provider ${settings.runtime.executionProvider}, max tiles ${settings.runtime.maxTiles}`);
    showNotes();
    updateStatus();
    assistant.view.postState();
  };
  showNotes();

  const notifyError = (error: unknown) => {
    const { message, hint } = describeError(error);
    log(`error: ${message}`);
    void vscode.window.showErrorMessage(`InfiMM-HD: ${message}${hint === undefined ? '' : ` ${hint}`}`, 'Show Logs').then((choice) => {
      if (choice !== undefined) output.show(true);
    });
  };

  /** Every command reports its failure in words instead of an unhandled rejection. */
  const command = <A extends unknown[]>(id: string, handler: (...args: A) => Promise<unknown> | void) =>
    vscode.commands.registerCommand(id, async (...args: A) => {
      log(`command: ${id}`);
      try {
        await handler(...args);
      } catch (error) {
        notifyError(error);
      }
    });

  /** The image of a Markdown link: from CodeLens arguments, or the link under the cursor. */
  const markdownImage = async (target: unknown, offset: unknown): Promise<SessionImage | undefined> => {
    let document: vscode.TextDocument | undefined;
    let at: number | undefined;
    if (target instanceof vscode.Uri && typeof offset === 'number') {
      document = await vscode.workspace.openTextDocument(target);
      at = offset;
    } else {
      const editor = vscode.window.activeTextEditor;
      if (editor?.document.languageId !== 'markdown') return undefined;
      document = editor.document;
      at = document.offsetAt(editor.selection.active);
    }
    const link = linkAt(document, at);
    if (link === undefined) {
      throw new UserError('There is no Markdown image link ![alt](path) at the cursor.', 'Put the cursor on an image link and run the command again.');
    }
    try {
      return await readLinkedImage(document, link);
    } catch (error) {
      assistant.driver.showOpenFailure(error, link.url);
      return undefined;
    }
  };

  const askAbout = async (image: SessionImage | vscode.Uri | undefined, preset?: PresetId) => {
    const target = image ?? activeImagePreview() ?? (await pickImageFile());
    if (target === undefined) return;
    const opened = target instanceof vscode.Uri ? await assistant.driver.openFile(target) : await assistant.driver.openImage(target);
    if (opened && preset !== undefined) await assistant.driver.askPreset(preset);
  };

  const capture = async (): Promise<void> => {
    if (vscode.env.remoteName !== undefined) {
      assistant.view.focusQuestion();
      void vscode.window.showInformationMessage(REMOTE_CAPTURE_MESSAGE);
      return;
    }
    const modes: (vscode.QuickPickItem & { mode: CaptureMode })[] = [
      { label: '$(screen-normal) Select a region', description: 'drag over the part to explain', mode: 'region' },
      { label: '$(screen-full) Whole screen', mode: 'screen' },
    ];
    const picked = await vscode.window.showQuickPick(modes, { title: 'Explain Screenshot', placeHolder: 'What to capture' });
    if (picked === undefined) return;
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'InfiMM-HD: waiting for the screenshot…', cancellable: true },
      async (_progress, token): Promise<CaptureOutcome | undefined> => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        try {
          return await captureScreenshot(picked.mode, abort.signal, log);
        } catch (error) {
          if (abort.signal.aborted) return undefined;
          throw new UserError(`The screenshot tool could not run: ${error instanceof Error ? error.message : String(error)}.`, 'See "InfiMM-HD: Show Logs", or paste a screenshot into the panel.');
        }
      },
    );
    if (outcome === undefined) return log('capture: cancelled');
    if (outcome.kind === 'unavailable') throw new UserError(outcome.message);
    if (outcome.kind === 'none') {
      void vscode.window.showInformationMessage(
        `InfiMM-HD: no screenshot was taken (${outcome.detail === undefined ? `${outcome.tool} was cancelled` : `${outcome.tool} said "${outcome.detail}"`}).`,
      );
      return;
    }
    const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ');
    await askAbout({ name: `screenshot ${stamp}.png`, mimeType: 'image/png', bytes: outcome.bytes }, 'explain-ui');
  };

  /** Loads the model now, so a bad model folder is reported right after it was chosen. */
  const loadNow = async (what: string) => {
    if ((await assistant.models.ensure()) !== undefined) void vscode.window.showInformationMessage(`InfiMM-HD: ${what}; model ${manager.status.model ?? ''} ready (${manager.status.provider ?? ''}).`);
  };

  const useModelFolder = async (folder: string) => {
    await saveModelPath(folder);
    reload();
    await loadNow(`model folder set to ${folder}`);
  };

  context.subscriptions.push(
    output,
    statusItem,
    editors,
    assistant,
    { dispose: unsubscribeStatus },
    command('infimmHd.askAboutImage', async (target?: unknown, offset?: unknown, preset?: unknown) => {
      // A CodeLens passes (document, offset, preset); the Explorer and the image preview pass the image.
      if (typeof offset !== 'number') return askAbout(target instanceof vscode.Uri ? target : undefined);
      const image = await markdownImage(target, offset);
      if (image !== undefined) await askAbout(image, PRESET_IDS.find((id) => id === preset) ?? 'describe');
    }),
    command('infimmHd.describeDiagram', async (target?: unknown) => {
      // The Markdown editor menu passes the document; the Explorer an image.
      const editor = vscode.window.activeTextEditor;
      const markdownEditor = editor?.document.languageId === 'markdown' ? editor.document.uri.toString() : undefined;
      const onMarkdownLink = markdownEditor !== undefined && (target === undefined || (target instanceof vscode.Uri && target.toString() === markdownEditor));
      if (!onMarkdownLink) return askAbout(target instanceof vscode.Uri ? target : undefined, 'describe-diagram');
      const image = await markdownImage(undefined, undefined);
      if (image !== undefined) await askAbout(image, 'describe-diagram');
    }),
    command('infimmHd.insertAltText', async (target?: unknown, offset?: unknown) => {
      const image = await markdownImage(target, offset);
      if (image === undefined) {
        if (target === undefined && vscode.window.activeTextEditor?.document.languageId !== 'markdown') {
          throw new UserError('"Write Alt Text" works on a Markdown image link.', 'Open a Markdown file, put the cursor on ![alt](path) and run it again, or use the CodeLens above the link.');
        }
        return;
      }
      if (await assistant.driver.openImage(image)) await assistant.driver.writeAltText();
    }),
    command('infimmHd.explainScreenshot', capture),
    command('infimmHd.openPanel', () => assistant.view.focusQuestion()),
    command('infimmHd.showLogs', () => output.show(true)),
    command('infimmHd.restartRuntime', async () => {
      await manager.restart();
      await loadNow('runtime restarted');
    }),
    command('infimmHd.selectModelFolder', async () => {
      const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use This Model Folder' });
      const folder = picked?.[0];
      if (folder === undefined) return;
      if (folder.scheme !== 'file') throw new UserError(`${folder.toString()} is not on this machine's disk.`, 'Pick a folder on the machine where the extension runs.');
      await useModelFolder(folder.fsPath);
    }),
    command('infimmHd.convertCheckpoint', () => convertCheckpoint({ converterScript: context.asAbsolutePath('dist/convert.cjs'), log, useModel: useModelFolder })),
    vscode.languages.registerCodeLensProvider({ language: 'markdown' }, new ImageLinkLenses()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SECTION)) reload();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(reload),
  );
}

export async function deactivate(): Promise<void> {
  await runtime?.dispose();
  runtime = undefined;
}
