// Text from the panel (OCR lines, a code block) goes into the editor as whole lines, never glued
// onto the end of the line the cursor is on. Pure, so the rules are testable without an editor.

export interface LineInsertion {
  /** True: the text replaces the cursor's blank line; false: it goes in before the cursor's line. */
  replaceLine: boolean;
  text: string;
}

/**
 * The cursor line's indentation goes in front of every line of the text (their own indentation is
 * kept after it). On a blank line the text takes its place; otherwise it goes in as lines of their
 * own at the start of the cursor's line, which moves down.
 */
export function asWholeLines(text: string, cursorLine: string, eol: '\n' | '\r\n'): LineInsertion {
  const indent = /^[ \t]*/.exec(cursorLine)?.[0] ?? '';
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  const block = lines.map((line) => (line.trim() === '' ? '' : indent + line)).join(eol);
  return cursorLine.trim() === '' ? { replaceLine: true, text: block } : { replaceLine: false, text: block + eol };
}
