// "Restart Runtime", "Select Model Folder" and "Convert a Checkpoint": each loads the model at once, so a bad
// model folder is reported right after it was chosen.
import { saveModelPath } from '../settings-source.ts';
import type { Command, CommandContext } from './command.ts';
import { convertCheckpoint } from './convert-checkpoint.ts';
import { pickFolder } from './pick-folder.ts';

export function modelCommands({
  extension,
  log,
  runtime,
  assistant: { models },
  reloadSettings,
}: CommandContext): Command[] {
  const useModelFolder = async (folder: string) => {
    await saveModelPath(folder);
    reloadSettings();
    await models.loadNow(`model folder set to ${folder}`);
  };
  return [
    {
      id: 'infimmHd.restartRuntime',
      run: async () => {
        await runtime.restart();
        await models.loadNow('runtime restarted');
      },
    },
    {
      id: 'infimmHd.selectModelFolder',
      run: async () => {
        const folder = await pickFolder({
          canSelectFolders: true,
          canSelectFiles: false,
          openLabel: 'Use This Model Folder',
        });
        if (folder !== undefined) await useModelFolder(folder.fsPath);
      },
    },
    {
      id: 'infimmHd.convertCheckpoint',
      run: () =>
        convertCheckpoint({
          converterScript: extension.asAbsolutePath('dist/convert.cjs'),
          log,
          useModel: useModelFolder,
        }),
    },
  ];
}
