// A file or folder the user picks for a command; the extension reads and writes only this machine's disk.
import * as vscode from 'vscode';
import { UserError } from '../errors.ts';

export async function pickFolder(options: vscode.OpenDialogOptions): Promise<vscode.Uri | undefined> {
  const picked = (await vscode.window.showOpenDialog({ canSelectMany: false, ...options }))?.[0];
  if (picked !== undefined && picked.scheme !== 'file')
    throw new UserError(
      `${picked.toString()} is not on this machine's disk.`,
      'Pick one on the machine where the extension runs.',
    );
  return picked;
}
