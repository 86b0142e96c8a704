// Where the converted package goes in the folder the user picked: the folder itself when it is empty, else a
// new folder inside it named after the checkpoint and the precision (never over something that exists).
import { join } from 'node:path';

export function packageFolder(
  picked: string,
  pickedEntries: readonly string[],
  checkpointName: string,
  precision: string,
): string {
  if (pickedEntries.length === 0) return picked;
  const base = `${checkpointName}-${precision}`;
  // A conversion still running there writes `.<name>.partial-<pid>`: its name is taken too.
  const taken = (name: string) =>
    pickedEntries.some((entry) => entry === name || entry.startsWith(`.${name}.partial-`));
  let name = base;
  for (let n = 2; taken(name); n++) name = `${base}-${n}`;
  return join(picked, name);
}
