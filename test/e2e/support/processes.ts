// Finds processes by title among those a code-server started, so a scenario can kill this run's
// runtime host without touching one that another run on the machine owns.
import { readdirSync, readFileSync } from 'node:fs';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended while we looked
  }
}

/** Ids of the processes in this session whose command line starts with the title (`process.title`). */
export function processesInSession(sessionId: number, title: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      const stat = read(`/proc/${pid}/stat`);
      // Fields after the parenthesised command name: state, ppid, pgrp, session.
      const session = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[3];
      return session === String(sessionId) && (read(`/proc/${pid}/cmdline`) ?? '').startsWith(title);
    })
    .map(Number);
}
