// Reads the infimmHd.* settings from VS Code for the pure resolver in settings.ts.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { resolveSettings, SETTING_KEYS, type ResolvedSettings, type SettingsSnapshot } from './settings.ts';

export const SECTION = 'infimmHd';

export function readSettings(extensionPath: string): ResolvedSettings {
  const configuration = vscode.workspace.getConfiguration(SECTION);
  const snapshot: SettingsSnapshot = {};
  for (const key of SETTING_KEYS) {
    const inspected = configuration.inspect(key);
    if (inspected !== undefined) snapshot[key] = inspected;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return resolveSettings(snapshot, {
    trusted: vscode.workspace.isTrusted,
    extensionPath,
    ...(folder?.scheme === 'file' ? { workspaceFolder: folder.fsPath } : {}),
    homeDir: homedir(),
  });
}

/** Stores a model folder in the user settings (workspace settings would be ignored in untrusted workspaces). */
export async function saveModelPath(path: string): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('modelPath', path, vscode.ConfigurationTarget.Global);
}
