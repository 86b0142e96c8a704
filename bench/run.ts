// npm run bench [-- SECTION...]: runs the benchmark sections, prints each table, and rewrites that section of
// docs/benchmarks.md (between its markers) with the date and machine, so the committed figures stay current.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';

export interface BenchSection {
  name: string;
  title: string;
  /** Markdown: a short note on the method and one or more tables. */
  run(): Promise<string>;
}

const DOC = resolve(import.meta.dirname, '..', 'docs', 'benchmarks.md');

/**
 * Sections in the order they run; each module is imported only when its section is asked for. A section marked
 * `named` (hours long) runs only when asked for by name.
 */
const SECTIONS: Array<{ name: string; named?: true; load: () => Promise<BenchSection> }> = [
  { name: 'convert', load: async () => (await import('./convert.ts')).section },
  { name: 'runtime', load: async () => (await import('./runtime.ts')).section },
  { name: 'llama', load: async () => (await import('./llama.ts')).section },
  { name: 'ocr', load: async () => (await import('./ocr.ts')).section },
  { name: 'released', named: true, load: async () => (await import('./released.ts')).section },
];

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${new Date().toISOString().slice(0, 10)}, ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

function replaceSection(doc: string, name: string, body: string): string {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  return from >= 0 && to > from
    ? doc.slice(0, from) + block + doc.slice(to + end.length)
    : `${doc.trimEnd()}\n\n${block}\n`;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const chosen = SECTIONS.filter((s) => (wanted.length === 0 ? !s.named : wanted.includes(s.name)));
  if (chosen.length === 0) throw new Error(`unknown section; choose from ${SECTIONS.map((s) => s.name).join(', ')}`);
  let doc = existsSync(DOC)
    ? readFileSync(DOC, 'utf8')
    : '# Benchmarks\n\nFigures are medians, measured side by side in one run; `npm run bench` rewrites each section.\n';
  for (const { load } of chosen) {
    const section = await load();
    console.log(`\n## ${section.title}\n`);
    const body = `## ${section.title}\n\n_Measured ${machine()}._\n\n${await section.run()}`;
    console.log(body);
    doc = replaceSection(doc, section.name, body);
    writeFileSync(DOC, doc);
  }
}

if (process.argv[1] === import.meta.filename) await main();
