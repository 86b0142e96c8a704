// The text the OCR evaluation pages show (bench/ocr-samples.ts): code, terminal sessions, prose and interface
// labels, fixed so that the rendered pages and their ground truth never change.

export const SNIPPETS = {
  ts: `import { readFile } from 'node:fs/promises';

export interface Settings {
  fontSize: number;
  theme: 'dark' | 'light';
}

export async function loadSettings(path: string): Promise<Settings> {
  const text = await readFile(path, 'utf8');
  const raw = JSON.parse(text) as Partial<Settings>;
  if (typeof raw.fontSize !== 'number' || raw.fontSize < 8) {
    throw new Error(\`bad font size in \${path}\`);
  }
  return { fontSize: raw.fontSize, theme: raw.theme ?? 'dark' };
}`,
  py: `import json
from pathlib import Path


class Inventory:
    def __init__(self, path: Path):
        self.path = path
        self.items = {}

    def load(self):
        with self.path.open() as f:
            for row in json.load(f):
                self.items[row["sku"]] = row["count"]
        return len(self.items)

    def low_stock(self, limit=5):
        return [sku for sku, n in self.items.items() if n < limit]`,
  rust: `use std::collections::HashMap;

pub struct Counter {
    words: HashMap<String, usize>,
}

impl Counter {
    pub fn add(&mut self, text: &str) {
        for word in text.split_whitespace() {
            *self.words.entry(word.to_lowercase()).or_insert(0) += 1;
        }
    }

    pub fn top(&self, n: usize) -> Vec<(&String, &usize)> {
        let mut all: Vec<_> = self.words.iter().collect();
        all.sort_by(|a, b| b.1.cmp(a.1));
        all.truncate(n);
        all
    }
}`,
  go: `package server

import (
	"net/http"
	"time"
)

type Health struct {
	Started time.Time
}

func (h *Health) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	uptime := time.Since(h.Started).Round(time.Second)
	w.Write([]byte("ok " + uptime.String()))
}`.replace(/\t/g, '    '),
  json: `{
  "name": "image-notes",
  "version": "2.4.1",
  "scripts": {
    "build": "tsc -p .",
    "test": "node --test"
  },
  "dependencies": {
    "chalk": "5.3.0",
    "yargs": "17.7.2"
  },
  "engines": {
    "node": ">=20"
  }
}`,
  yaml: `services:
  web:
    image: nginx:1.25
    ports:
      - "8080:80"
    volumes:
      - ./site:/usr/share/nginx/html:ro
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: app
      POSTGRES_DB: notes
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "app"]
      interval: 10s`,
  c: `#include <stdio.h>
#include <string.h>

static int count_vowels(const char *s) {
    int n = 0;
    for (size_t i = 0; i < strlen(s); i++) {
        switch (s[i]) {
        case 'a': case 'e': case 'i': case 'o': case 'u':
            n++;
            break;
        }
    }
    return n;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        printf("%s: %d\\n", argv[i], count_vowels(argv[i]));
    return 0;
}`,
  ts2: `export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      this.map.delete(this.map.keys().next().value as K);
    }
  }
}`,
};

export const TERMINAL = {
  ls: `$ ls -l src
total 48
drwxr-xr-x 2 dev dev 4096 Mar 12 09:14 cli
-rw-r--r-- 1 dev dev 1873 Mar 12 09:14 config.ts
-rw-r--r-- 1 dev dev 5210 Mar 11 17:02 index.ts
drwxr-xr-x 3 dev dev 4096 Mar 10 11:45 render
-rw-r--r-- 1 dev dev  944 Mar  9 08:30 types.ts
$ wc -l src/*.ts
   61 src/config.ts
  187 src/index.ts
   33 src/types.ts
  281 total`,
  git: `$ git log --oneline -8
4f2a9c1 Retry uploads after a timeout
b7e03d8 Show the file size in the status bar
1c9d5e2 Fix the crash on empty folders
9a81f37 Add a dark theme
e2d4b60 Cache thumbnails on disk
7f3c215 Read settings from the workspace
0b6e9aa Split the renderer into modules
5d12c48 First version of the viewer
$ git status --short
 M src/upload.ts
?? notes.txt`,
  test: `$ npm test

> image-notes@2.4.1 test
> node --test

  ok 1 - parses an empty file
  ok 2 - keeps the order of notes
  not ok 3 - rejects a negative size
    expected: 'RangeError'
    actual: 'TypeError'
  ok 4 - writes the index atomically
# tests 4
# pass 3
# fail 1`,
};

export const PARAGRAPHS = [
  'Screenshots carry a surprising amount of text: error messages, settings, snippets of code and the labels of diagrams. Reading that text back lets an assistant answer questions about it without asking the user to copy anything by hand.',
  'The recognizer works on single lines. A detector first finds where each line of text lies, then every line is cut out, scaled to a fixed height and read from left to right, one character per step of the network.',
  'Small interface text is the hard case. At twelve pixels a letter is only a few strokes wide, and shrinking a large capture to fit a model would blur those strokes beyond repair; cutting the image into windows keeps every pixel.',
  'Documents add their own trouble. Columns must be read one after the other, headings belong before the paragraphs they introduce, and a caption under a figure should not be mixed into the text beside it.',
  'Each result carries a confidence, so that a caller can tell a clean reading from a doubtful one. Lines that the model could not make sense of are left out rather than returned as a plausible string of wrong letters.',
  'Tests compare the output against text that is known exactly, because it was drawn by the same script that measures the error rate. Real screenshots complete the picture, checked by eye against their transcripts.',
];

export const SETTINGS = [
  ['Editor: Font Size', '14'],
  ['Editor: Tab Size', '4'],
  ['Files: Auto Save', 'afterDelay'],
  ['Controls the delay in ms after which a dirty editor is saved automatically.'],
  ['Terminal: Scrollback', '1000'],
  ['Window: Zoom Level', '0'],
  ['[Reset to Default]', '[Open settings.json]'],
];

export const DIALOG = [
  ['Do you want to save the changes you made to report.md?'],
  ["Your changes will be lost if you don't save them."],
  ['[Save]', "[Don't Save]", '[Cancel]'],
];

export const MENU = [
  ['New File', 'Ctrl+N'],
  ['Open File...', 'Ctrl+O'],
  ['Open Recent'],
  ['Save', 'Ctrl+S'],
  ['Save As...', 'Ctrl+Shift+S'],
  ['Preferences'],
  ['Exit'],
];

export const FORM = [
  ['Name', 'Ada Lovelace'],
  ['Email', 'ada@example.org'],
  ['Plan', 'Team (5 seats)'],
  ['Billing period', 'Yearly, renews on 14 June'],
  ['[Update plan]', '[Cancel subscription]'],
];

export const STATUS = [
  ['main*', '0 errors', '2 warnings', 'Ln 42, Col 17', 'Spaces: 2', 'UTF-8', 'TypeScript'],
  ['Problems', 'Output', 'Debug Console', 'Terminal', 'Ports'],
  ['src/index.ts:12:5 - error TS2322: Type string is not assignable to type number.'],
];

/** The editor screen: its file list and the lines of its terminal panel. */
export const IDE_FILES = [
  'EXPLORER',
  'src',
  'cli.ts',
  'config.ts',
  'index.ts',
  'render.ts',
  'test',
  'index.test.ts',
  'package.json',
  'README.md',
];
export const IDE_PANEL = [
  'PROBLEMS',
  'OUTPUT',
  'TERMINAL',
  '$ npm run build',
  '> tsc -p .',
  'Found 0 errors. Watching for file changes.',
];

/** The web page's navigation bar. */
export const WEB_NAV = ['Docs', 'Guides', 'API Reference', 'Changelog', 'Search'];

export const TALL_NOTES = Array.from(
  { length: 12 },
  (_, i) => `Note ${i + 1}: checkpoint ${(i * 37) % 100} passed at step ${1000 + i * 250}`,
);
