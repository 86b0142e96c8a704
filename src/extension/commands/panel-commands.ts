// "Open Panel" and "Show Logs".
import type { Command, CommandContext } from './command.ts';

export function panelCommands({ assistant, output }: CommandContext): Command[] {
  return [
    { id: 'infimmHd.openPanel', run: () => assistant.view.focusQuestion() },
    { id: 'infimmHd.showLogs', run: () => output.show(true) },
  ];
}
