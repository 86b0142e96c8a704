// The OCR evaluation pages: each is HTML rendered by headless Chromium, with the text it shows as
// ground truth. Everything here is deterministic, so the committed PNGs can be made again.

export type Category = 'code' | 'code-zoom' | 'terminal' | 'ui' | 'document' | 'diagram' | 'screen' | 'large';

export interface Sample {
  category: Category;
  name: string;
  /** CSS viewport; the screenshot is `width·scale` wide and as tall as the page (or `height` when fixed). */
  width: number;
  height?: number;
  scale: number;
  html: string;
  /** The text in reading order; for code categories, with its exact indentation. */
  truth: string;
}

/** Categories whose truth is compared line by line with its indentation; the others as running text. */
export const CODE_CATEGORIES: ReadonlySet<string> = new Set(['code', 'code-zoom', 'terminal', 'real']);

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Theme {
  bg: string;
  fg: string;
  keyword: string;
  string: string;
  comment: string;
  number: string;
}

const THEMES: Record<'dark' | 'light' | 'monokai', Theme> = {
  dark: { bg: '#1e1e1e', fg: '#d4d4d4', keyword: '#569cd6', string: '#ce9178', comment: '#6a9955', number: '#b5cea8' },
  light: { bg: '#ffffff', fg: '#000000', keyword: '#0000ff', string: '#a31515', comment: '#008000', number: '#098658' },
  monokai: { bg: '#272822', fg: '#f8f8f2', keyword: '#f92672', string: '#e6db74', comment: '#75715e', number: '#ae81ff' },
};

const KEYWORDS =
  /\b(import|export|from|const|let|function|return|if|else|for|while|async|await|class|new|def|fn|pub|struct|impl|match|use|package|func|type|interface|int|void|char|static|self|None|True|False|true|false|null)\b/;

/** A small tokenizer for colour: comments, strings, numbers and keywords, like an editor's theme. */
function highlight(code: string, t: Theme): string {
  const token = new RegExp(`(//.*|#.*)|("[^"]*"|'[^']*')|(\\b\\d+(?:\\.\\d+)?\\b)|${KEYWORDS.source}`, 'g');
  return code
    .split('\n')
    .map((line) => {
      let out = '';
      let last = 0;
      for (const m of line.matchAll(token)) {
        out += escape(line.slice(last, m.index));
        const color = m[1] ? t.comment : m[2] ? t.string : m[3] ? t.number : t.keyword;
        out += `<span style="color:${color}">${escape(m[0])}</span>`;
        last = m.index + m[0].length;
      }
      return out + escape(line.slice(last));
    })
    .join('\n');
}

function codePage(code: string, font: string, size: number, theme: Theme, lineHeight = 1.4): string {
  return `<body style="margin:0;background:${theme.bg}"><pre style="margin:0;padding:16px 24px;color:${theme.fg};font:${size}px/${lineHeight} '${font}';font-variant-ligatures:none">${highlight(code, theme)}</pre></body>`;
}

const SNIPPETS = {
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

const TERMINAL = {
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

function terminalPage(text: string, font: string, size: number): string {
  return `<body style="margin:0;background:#0c0c0c"><pre style="margin:0;padding:12px 16px;color:#cccccc;font:${size}px/1.3 '${font}';font-variant-ligatures:none">${escape(text)}</pre></body>`;
}

const PARAGRAPHS = [
  'Screenshots carry a surprising amount of text: error messages, settings, snippets of code and the labels of diagrams. Reading that text back lets an assistant answer questions about it without asking the user to copy anything by hand.',
  'The recognizer works on single lines. A detector first finds where each line of text lies, then every line is cut out, scaled to a fixed height and read from left to right, one character per step of the network.',
  'Small interface text is the hard case. At twelve pixels a letter is only a few strokes wide, and shrinking a large capture to fit a model would blur those strokes beyond repair; cutting the image into windows keeps every pixel.',
  'Documents add their own trouble. Columns must be read one after the other, headings belong before the paragraphs they introduce, and a caption under a figure should not be mixed into the text beside it.',
  'Each result carries a confidence, so that a caller can tell a clean reading from a doubtful one. Lines that the model could not make sense of are left out rather than returned as a plausible string of wrong letters.',
  'Tests compare the output against text that is known exactly, because it was drawn by the same script that measures the error rate. Real screenshots complete the picture, checked by eye against their transcripts.',
];

function documentPage(paras: string[], font: string, size: number, title: string, columns = 1): string {
  const body = paras.map((p) => `<p style="margin:0 0 ${size * 0.8}px">${escape(p)}</p>`).join('');
  return `<body style="margin:0;background:#fff"><div style="padding:24px 32px;color:#111;font:${size}px/1.45 '${font}';text-align:justify;hyphens:none">
<h1 style="font-size:${Math.round(size * 1.6)}px;margin:0 0 ${size}px;text-align:left">${escape(title)}</h1>
<div style="column-count:${columns};column-gap:40px">${body}</div></div></body>`;
}

/** UI pages: rows of label and value (or a button), read left to right, top to bottom. */
function uiPage(rows: string[][], font: string, size: number, dark: boolean, title: string): string {
  const fg = dark ? '#cccccc' : '#1f1f1f';
  const bg = dark ? '#252526' : '#f3f3f3';
  const button = dark ? '#0e639c' : '#005fb8';
  const cells = rows
    .map((row) =>
      `<div style="display:flex;gap:${size * 2}px;align-items:center;margin:${size * 0.7}px 0">` +
      row
        .map((cell) =>
          cell.startsWith('[')
            ? `<span style="background:${button};color:#fff;padding:4px 12px;border-radius:2px">${escape(cell.slice(1, -1))}</span>`
            : `<span>${escape(cell)}</span>`,
        )
        .join('') +
      '</div>',
    )
    .join('');
  return `<body style="margin:0;background:${bg}"><div style="padding:20px 28px;color:${fg};font:${size}px '${font}'">
<div style="font-size:${Math.round(size * 1.3)}px;font-weight:bold;margin-bottom:${size}px">${escape(title)}</div>${cells}</div></body>`;
}

const uiTruth = (title: string, rows: string[][]): string =>
  [title, ...rows.map((r) => r.map((c) => (c.startsWith('[') ? c.slice(1, -1) : c)).join(' '))].join('\n');

const SETTINGS = [
  ['Editor: Font Size', '14'],
  ['Editor: Tab Size', '4'],
  ['Files: Auto Save', 'afterDelay'],
  ['Controls the delay in ms after which a dirty editor is saved automatically.'],
  ['Terminal: Scrollback', '1000'],
  ['Window: Zoom Level', '0'],
  ['[Reset to Default]', '[Open settings.json]'],
];

const DIALOG = [
  ['Do you want to save the changes you made to report.md?'],
  ["Your changes will be lost if you don't save them."],
  ['[Save]', "[Don't Save]", '[Cancel]'],
];

const MENU = [
  ['New File', 'Ctrl+N'],
  ['Open File...', 'Ctrl+O'],
  ['Open Recent'],
  ['Save', 'Ctrl+S'],
  ['Save As...', 'Ctrl+Shift+S'],
  ['Preferences'],
  ['Exit'],
];

const FORM = [
  ['Name', 'Ada Lovelace'],
  ['Email', 'ada@example.org'],
  ['Plan', 'Team (5 seats)'],
  ['Billing period', 'Yearly, renews on 14 June'],
  ['[Update plan]', '[Cancel subscription]'],
];

const STATUS = [
  ['main*', '0 errors', '2 warnings', 'Ln 42, Col 17', 'Spaces: 2', 'UTF-8', 'TypeScript'],
  ['Problems', 'Output', 'Debug Console', 'Terminal', 'Ports'],
  ['src/index.ts:12:5 - error TS2322: Type string is not assignable to type number.'],
];

/** Diagram: boxes with labels in rows, joined by arrows, drawn as SVG. */
function diagramPage(rows: string[][], dark: boolean, size: number): { html: string; truth: string } {
  const fg = dark ? '#e0e0e0' : '#202020';
  const stroke = dark ? '#9cdcfe' : '#3a6ea5';
  const boxW = 190;
  const boxH = 56;
  const gapX = 70;
  const gapY = 60;
  let svg = '';
  rows.forEach((row, r) => {
    row.forEach((label, c) => {
      const x = 30 + c * (boxW + gapX);
      const y = 30 + r * (boxH + gapY);
      svg += `<rect x="${x}" y="${y}" width="${boxW}" height="${boxH}" rx="8" fill="none" stroke="${stroke}" stroke-width="2"/>`;
      svg += `<text x="${x + boxW / 2}" y="${y + boxH / 2 + size / 3}" text-anchor="middle" font-size="${size}" fill="${fg}">${escape(label)}</text>`;
      if (c + 1 < row.length) svg += `<path d="M${x + boxW} ${y + boxH / 2} h${gapX - 8}" stroke="${stroke}" stroke-width="2" marker-end="url(#a)"/>`;
      if (r + 1 < rows.length && c === 0) svg += `<path d="M${x + boxW / 2} ${y + boxH} v${gapY - 8}" stroke="${stroke}" stroke-width="2" marker-end="url(#a)"/>`;
    });
  });
  const width = 60 + Math.max(...rows.map((r) => r.length)) * (boxW + gapX);
  const height = 60 + rows.length * (boxH + gapY);
  const html = `<body style="margin:0;background:${dark ? '#1e1e1e' : '#ffffff'}"><svg width="${width}" height="${height}" font-family="DejaVu Sans">
<defs><marker id="a" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0 0 L8 4 L0 8 z" fill="${stroke}"/></marker></defs>${svg}</svg></body>`;
  return { html, truth: rows.map((r) => r.join(' ')).join('\n') };
}

function ideScreen(): { html: string; truth: string } {
  const files = ['EXPLORER', 'src', 'cli.ts', 'config.ts', 'index.ts', 'render.ts', 'test', 'index.test.ts', 'package.json', 'README.md'];
  const code = SNIPPETS.ts2;
  const panel = ['PROBLEMS', 'OUTPUT', 'TERMINAL', '$ npm run build', '> tsc -p .', 'Found 0 errors. Watching for file changes.'];
  const t = THEMES.dark;
  const html = `<body style="margin:0;background:#1e1e1e;font:13px 'DejaVu Sans';color:#cccccc;display:flex;height:1080px">
<div style="width:260px;background:#252526;padding:10px 16px;box-sizing:border-box">${files.map((f) => `<div style="margin:6px 0">${escape(f)}</div>`).join('')}</div>
<div style="flex:1;display:flex;flex-direction:column">
<pre style="flex:1;margin:0;padding:14px 28px;color:${t.fg};font:14px/1.4 'DejaVu Sans Mono'">${highlight(code, t)}</pre>
<div style="height:240px;border-top:1px solid #444;padding:8px 28px;font:13px/1.6 'DejaVu Sans Mono'">${panel.map((p) => `<div>${escape(p)}</div>`).join('')}</div>
</div></body>`;
  return { html, truth: [...files, code, ...panel].join('\n') };
}

function webScreen(): { html: string; truth: string } {
  const nav = ['Docs', 'Guides', 'API Reference', 'Changelog', 'Search'];
  const html = `<body style="margin:0;background:#fff;font:15px/1.5 'Liberation Sans';color:#222">
<div style="display:flex;gap:36px;padding:18px 48px;background:#f6f8fa;border-bottom:1px solid #ddd">${nav.map((n) => `<span>${escape(n)}</span>`).join('')}</div>
<div style="max-width:1100px;margin:30px 48px"><h1 style="font-size:30px;margin:0 0 18px">Reading text from screenshots</h1>
${PARAGRAPHS.map((p) => `<p style="margin:0 0 14px">${escape(p)}</p>`).join('')}</div></body>`;
  return { html, truth: [nav.join(' '), 'Reading text from screenshots', ...PARAGRAPHS].join('\n') };
}

/** A tall page of sparse 12-px notes: windows must keep the small text that a downscale would lose. */
function tallPage(): { html: string; truth: string } {
  const notes = Array.from({ length: 12 }, (_, i) => `Note ${i + 1}: checkpoint ${(i * 37) % 100} passed at step ${1000 + i * 250}`);
  const html = `<body style="margin:0;background:#fff;font:12px 'DejaVu Sans';color:#333">${notes
    .map((n) => `<div style="height:480px;padding:20px 40px">${escape(n)}</div>`)
    .join('')}</body>`;
  return { html, truth: notes.join('\n') };
}

/** A 4K screen of 13-px text (a desktop at 100% scaling): the text is small relative to the image. */
function fourKPage(): { html: string; truth: string } {
  const cols = [PARAGRAPHS.slice(0, 2), PARAGRAPHS.slice(2, 4), PARAGRAPHS.slice(4, 6)];
  const html = `<body style="margin:0;background:#fafafa;font:13px/1.5 'Liberation Sans';color:#222;display:flex;gap:240px;padding:120px 160px;height:2160px;box-sizing:border-box">${cols
    .map((c) => `<div style="width:900px">${c.map((p) => `<p style="margin:0 0 900px">${escape(p)}</p>`).join('')}</div>`)
    .join('')}</body>`;
  return { html, truth: cols.flat().join('\n') };
}

export function samples(): Sample[] {
  const out: Sample[] = [];
  const code = (name: string, src: string, font: string, size: number, theme: keyof typeof THEMES, category: Category = 'code', scale = 1): void => {
    out.push({ category, name, width: 900, scale, html: codePage(src, font, size, THEMES[theme]), truth: src });
  };
  code('ts-dejavu-dark', SNIPPETS.ts, 'DejaVu Sans Mono', 14, 'dark');
  code('py-liberation-light', SNIPPETS.py, 'Liberation Mono', 13, 'light');
  code('rust-hack-monokai', SNIPPETS.rust, 'Hack', 14, 'monokai');
  code('go-jetbrains-light', SNIPPETS.go, 'JetBrains Mono', 13, 'light');
  code('json-inconsolata-dark', SNIPPETS.json, 'Inconsolata', 15, 'dark');
  code('yaml-notomono-light', SNIPPETS.yaml, 'Noto Mono', 14, 'light');
  code('ts-jetbrains-dark-12px', SNIPPETS.ts2, 'JetBrains Mono', 12, 'dark');
  code('c-dejavu-light-12px', SNIPPETS.c, 'DejaVu Sans Mono', 12, 'light');
  code('py-hack-dark-150', SNIPPETS.py, 'Hack', 14, 'dark', 'code-zoom', 1.5);
  code('rust-liberation-light-200', SNIPPETS.rust, 'Liberation Mono', 13, 'light', 'code-zoom', 2);
  code('c-notomono-monokai-125', SNIPPETS.c, 'Noto Mono', 13, 'monokai', 'code-zoom', 1.25);

  out.push({ category: 'terminal', name: 'ls-dejavu', width: 760, scale: 1, html: terminalPage(TERMINAL.ls, 'DejaVu Sans Mono', 14), truth: TERMINAL.ls });
  out.push({ category: 'terminal', name: 'git-liberation', width: 760, scale: 1, html: terminalPage(TERMINAL.git, 'Liberation Mono', 13), truth: TERMINAL.git });
  out.push({ category: 'terminal', name: 'test-hack', width: 760, scale: 1, html: terminalPage(TERMINAL.test, 'Hack', 13), truth: TERMINAL.test });

  const ui = (name: string, title: string, rows: string[][], font: string, size: number, dark: boolean, scale: number): void => {
    out.push({ category: 'ui', name, width: 720, scale, html: uiPage(rows, font, size, dark, title), truth: uiTruth(title, rows) });
  };
  ui('settings-dejavu-13', 'Settings', SETTINGS, 'DejaVu Sans', 13, true, 1);
  ui('settings-liberation-11', 'Settings', SETTINGS, 'Liberation Sans', 11, false, 1);
  ui('dialog-liberation-14-125', 'Unsaved changes', DIALOG, 'Liberation Sans', 14, false, 1.25);
  ui('menu-dejavu-12-200', 'File', MENU, 'DejaVu Sans', 12, true, 2);
  ui('form-liberation-16-150', 'Account', FORM, 'Liberation Sans', 16, false, 1.5);
  ui('status-dejavu-12', 'Status', STATUS, 'DejaVu Sans', 12, true, 1);

  const doc = (name: string, paras: string[], font: string, size: number, title: string, columns = 1, width = 820): void => {
    out.push({ category: 'document', name, width, scale: 1, html: documentPage(paras, font, size, title, columns), truth: [title, ...paras].join('\n') });
  };
  doc('serif-13', PARAGRAPHS.slice(0, 3), 'Liberation Serif', 13, 'How the reader works');
  doc('sans-12', PARAGRAPHS.slice(3, 6), 'DejaVu Sans', 12, 'Results and limits');
  doc('two-column-12', PARAGRAPHS, 'Liberation Sans', 12, 'Two columns', 2, 980);
  doc('dense-serif-11', PARAGRAPHS, 'Liberation Serif', 11, 'Dense page');

  const diagram = (name: string, rows: string[][], dark: boolean, size: number): void => {
    const d = diagramPage(rows, dark, size);
    out.push({ category: 'diagram', name, width: 840, scale: 1, html: d.html, truth: d.truth });
  };
  diagram('pipeline-light', [['Decode image', 'Detect lines', 'Read lines'], ['Reading order', 'Code layout', 'Result']], false, 15);
  diagram('services-dark', [['Browser', 'API gateway', 'Auth service'], ['Queue', 'Worker', 'Object store'], ['Metrics', 'Alerts']], true, 13);
  diagram('states-light', [['Idle', 'Loading', 'Ready'], ['Error', 'Retry in 5 s']], false, 12);

  const ide = ideScreen();
  out.push({ category: 'screen', name: 'ide-dark-1080p', width: 1920, height: 1080, scale: 1, html: ide.html, truth: ide.truth });
  const web = webScreen();
  out.push({ category: 'screen', name: 'web-doc-1080p', width: 1920, height: 1080, scale: 1, html: web.html, truth: web.truth });
  const tall = tallPage();
  out.push({ category: 'large', name: 'tall-6000', width: 900, scale: 1, html: tall.html, truth: tall.truth });
  const fourK = fourKPage();
  out.push({ category: 'large', name: '4k-13px', width: 3840, height: 2160, scale: 1, html: fourK.html, truth: fourK.truth });
  return out;
}
