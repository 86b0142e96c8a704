// "InfiMM-HD: Convert a Checkpoint…": the checkpoint (a file or its folder), the precision and an output
// folder, then the bundled converter in a child process behind a cancellable progress notification; on
// success, an offer to use the new package.
import { readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { formatBytes, progressFigures, progressSummary, type ConvertFailure } from '../../common/conversion.ts';
import type { WeightPrecision } from '../../common/precision.ts';
import { ConversionCancelledError, ConversionFailedError, runConversion } from '../converter-process.ts';
import { UserError } from '../errors.ts';
import { packageFolder } from '../package-folder.ts';
import { pickFolder } from './pick-folder.ts';

const PRECISIONS: ReadonlyArray<vscode.QuickPickItem & { precision: WeightPrecision }> = [
  { label: 'int4', description: 'smallest, and fastest on a CPU', precision: 'int4' },
  { label: 'int8', description: 'closer to the original weights', precision: 'int8' },
  { label: 'fp16', description: 'half the size of fp32', precision: 'fp16' },
  { label: 'fp32', description: 'the original weights exactly, largest', precision: 'fp32' },
];

const HINTS: Record<ConvertFailure | 'crashed', string> = {
  checkpoint:
    'Choose the folder of an InfiMM-HD checkpoint: pytorch_model.bin or *.safetensors with config.json and tokenizer.model beside it. A file that was changed or cut short needs to be downloaded again.',
  output: 'Choose another output folder.',
  'no-space': 'Free some disk space, or choose an output folder on another disk.',
  crashed: 'Details are in the log: run "InfiMM-HD: Show Logs".',
};

export const USE_PACKAGE = 'Use This Model';

export async function convertCheckpoint(options: {
  converterScript: string;
  log: (line: string) => void;
  useModel: (folder: string) => Promise<void>;
}): Promise<void> {
  // Linux and Windows dialogs choose files or folders, not both: there they offer folders, the usual way to name a checkpoint.
  const checkpoint = await pickFolder({
    canSelectFiles: true,
    canSelectFolders: true,
    title: 'Convert a Checkpoint: the InfiMM-HD checkpoint (its folder, or its weights file)',
    openLabel: 'Convert This Checkpoint',
  });
  if (checkpoint === undefined) return;
  const precision = await vscode.window.showQuickPick(PRECISIONS, {
    title: 'Convert a Checkpoint: weight precision',
    placeHolder: 'How the package stores its weights',
  });
  if (precision === undefined) return;
  const target = await pickFolder({
    canSelectFiles: false,
    canSelectFolders: true,
    title: 'Convert a Checkpoint: where to write the model package',
    openLabel: 'Write the Package Here',
  });
  if (target === undefined) return;

  const source = checkpoint.fsPath;
  const name = /\.(bin|safetensors|pt|pth)$/i.test(source) ? basename(dirname(source)) : basename(source);
  const outDir = packageFolder(target.fsPath, await readdir(target.fsPath), name, precision.precision);
  options.log(`convert: ${source} → ${outDir} (${precision.precision})`);

  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `InfiMM-HD: converting ${name} to ${precision.precision}`,
      cancellable: true,
    },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let shown = 0;
      try {
        return await runConversion({
          script: options.converterScript,
          source,
          outDir,
          precision: precision.precision,
          signal: abort.signal,
          log: options.log,
          onProgress: (p) => {
            // The notification's bar adds up increments.
            const percent = progressFigures(p).fraction * 100;
            progress.report({ increment: percent - shown, message: `${progressSummary(p)} · ${p.tensor}` });
            shown = percent;
          },
        });
      } catch (error) {
        if (error instanceof ConversionCancelledError) return undefined;
        if (error instanceof ConversionFailedError)
          throw new UserError(`The conversion failed: ${error.message}`, HINTS[error.failure]);
        throw error;
      }
    },
  );
  if (result === undefined) {
    options.log('convert: cancelled; nothing was written');
    void vscode.window.showInformationMessage('InfiMM-HD: conversion cancelled; nothing was written.');
    return;
  }
  options.log(`convert: wrote ${outDir}, ${formatBytes(result.bytes)} in ${result.seconds.toFixed(1)} s`);
  const choice = await vscode.window.showInformationMessage(
    `InfiMM-HD: converted ${name} to ${outDir} (${precision.precision}, ${formatBytes(result.bytes)}).`,
    USE_PACKAGE,
  );
  if (choice === USE_PACKAGE) await options.useModel(outDir);
}
