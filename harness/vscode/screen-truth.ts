// Ground truth of a workbench screenshot, read from the DOM at capture time: every visible text line,
// its box in image pixels, its kind (editor code row, gutter number, anything else) and the pane it
// sits in. A character counts only where the page really shows it: inside the viewport and every
// clipping ancestor, not hidden or transparent, and the topmost thing at its centre (so a dialog
// over an editor hides the rows under it).
import type { Frame, Page } from 'playwright-core';

/** [x, y, width, height] in image pixels. */
export type Box = [number, number, number, number];

export type TruthKind = 'code' | 'lineNumber' | 'ui';

export interface TruthLine {
  /** Code keeps its leading and inner spaces; other text has its whitespace collapsed. */
  text: string;
  box: Box;
  kind: TruthKind;
  /** The pane: `editor-1`, `editor-2`… (left to right), `sidebar`, `panel`, `statusbar`, `quickInput`… */
  region: string;
  /** Code rows: the number in the gutter beside them; gutter entries: their own number. */
  lineNumber?: number;
}

export interface TruthRegion {
  name: string;
  box: Box;
}

export interface ScreenTruth {
  regions: TruthRegion[];
  lines: TruthLine[];
}

/** Workbench parts, closest ancestor first wins; editor groups are numbered in document order. */
export const REGION_SELECTORS: ReadonlyArray<[selector: string, name: string]> = [
  ['.quick-input-widget', 'quickInput'],
  ['.notifications-toasts', 'notifications'],
  ['.context-view', 'contextView'],
  ['.part.titlebar', 'titlebar'],
  ['.part.banner', 'banner'],
  ['.part.activitybar', 'activitybar'],
  ['.part.sidebar', 'sidebar'],
  ['.part.auxiliarybar', 'auxiliarybar'],
  ['.part.panel', 'panel'],
  ['.part.statusbar', 'statusbar'],
  ['.editor-group-container', 'editor'],
];

/** Where a line is a Monaco text editor's row or gutter number rather than UI text. */
const TEXT_EDITOR = '.editor-group-container .monaco-editor';
const NOT_TEXT_EDITOR = '.settings-editor, .keybindings-editor';

interface PageText {
  regions: TruthRegion[];
  lines: TruthLine[];
}

/**
 * Runs inside the page (serialised by Playwright, so it is self-contained) and returns lines and
 * regions in CSS pixels of that frame's viewport.
 */
function readPage(args: {
  regionSelectors: ReadonlyArray<[string, string]>;
  textEditor: string;
  notTextEditor: string;
}): PageText {
  const W = innerWidth;
  const H = innerHeight;
  const styles = new Map<Element, CSSStyleDeclaration>();
  const style = (e: Element): CSSStyleDeclaration => {
    let s = styles.get(e);
    if (!s) styles.set(e, (s = getComputedStyle(e)));
    return s;
  };
  const shownCache = new Map<Element, boolean>();
  const shown = (e: Element | null): boolean => {
    if (!e) return true;
    let v = shownCache.get(e);
    if (v === undefined) {
      const s = style(e);
      v =
        s.display !== 'none' &&
        s.visibility !== 'hidden' &&
        s.visibility !== 'collapse' &&
        Number(s.opacity) > 0.05 &&
        shown(e.parentElement);
      shownCache.set(e, v);
    }
    return v;
  };
  const alpha = (c: string): number => {
    const m = /rgba?\(([^)]*)\)/.exec(c);
    const parts = m ? m[1]!.split(/[\s,/]+/).filter(Boolean) : [];
    return parts.length === 4 ? Number(parts[3]) : c === 'transparent' ? 0 : 1;
  };
  const transparent = (e: Element): boolean => {
    const s = style(e);
    return alpha(s.color) < 0.05 || alpha(s.getPropertyValue('-webkit-text-fill-color')) < 0.05;
  };
  // The rectangle an element's content can show in: the viewport cut by every clipping ancestor.
  const clipCache = new Map<Element, [number, number, number, number]>();
  const clip = (e: Element | null): [number, number, number, number] => {
    if (!e) return [0, 0, W, H];
    let c = clipCache.get(e);
    if (!c) {
      const [l, t, r, b] = clip(e.parentElement);
      const s = style(e);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        const rect = e.getBoundingClientRect();
        c = [Math.max(l, rect.left), Math.max(t, rect.top), Math.min(r, rect.right), Math.min(b, rect.bottom)];
      } else {
        c = [l, t, r, b];
      }
      clipCache.set(e, c);
    }
    return c;
  };
  // Whether the element is the first thing painted at (x, y): elements above it that paint nothing
  // (a title bar's drag region, an invisible input area) do not hide it.
  const paints = (e: Element): boolean => {
    const s = style(e);
    return (
      shown(e) &&
      (/^(IMG|CANVAS|VIDEO|IFRAME|svg)$/.test(e.tagName) ||
        s.backgroundImage !== 'none' ||
        alpha(s.backgroundColor) > 0.05)
    );
  };
  const onTop = (e: Element, x: number, y: number): boolean => {
    for (const hit of document.elementsFromPoint(x, y)) {
      if (e.contains(hit) || hit.contains(e)) return true;
      if (paints(hit)) return false;
    }
    return false;
  };
  // Rows are gathered per line container: an editor row, a gutter number, a terminal row, or else the
  // nearest block box (so inline links and code inside a sentence stay in its line).
  const container = (e: Element): Element => {
    const special = e.closest('.view-line, .line-numbers, .xterm-rows > div');
    if (special) return special;
    for (let c: Element | null = e; c; c = c.parentElement) if (!style(c).display.startsWith('inline')) return c;
    return e;
  };

  // What CSS text-transform paints for a character (a side bar's title is "Explorer" in the DOM and
  // EXPLORER on screen). Capitalize starts a word after anything but a letter or digit of the same
  // line container, so a word split over two inline elements is capitalised once.
  const transform = (ch: string, how: string, after: string | undefined): string => {
    if (how === 'uppercase') return ch.toUpperCase();
    if (how === 'lowercase') return ch.toLowerCase();
    if (how === 'capitalize' && !(after && /[\p{L}\p{N}]/u.test(after))) return ch.toUpperCase();
    return ch;
  };

  interface Char {
    ch: string;
    l: number;
    t: number;
    r: number;
    b: number;
    box: Element;
    visible: boolean;
  }
  const chars: Char[] = [];
  let previous: { ch: string; box: Element } | undefined;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    const parent = node.parentElement;
    if (!parent || /^(SCRIPT|STYLE|NOSCRIPT|TEXTAREA|TITLE|OPTION)$/.test(parent.tagName)) continue;
    if (!shown(parent) || transparent(parent)) continue;
    const [cl, ct, cr, cb] = clip(parent);
    const box = container(parent);
    const how = style(parent).textTransform;
    let i = 0;
    for (const raw of node.data) {
      const ch = transform(raw, how, previous?.box === box ? previous.ch : undefined);
      previous = { ch: raw, box };
      range.setStart(node, i);
      range.setEnd(node, (i += raw.length));
      const rect = range.getClientRects()[0];
      if (!rect || rect.width <= 0 || rect.height <= 0) continue; // collapsed whitespace
      const x = rect.left + rect.width / 2;
      const y = rect.top + rect.height / 2;
      // Spaces draw nothing to hide; only their clipping matters.
      const visible = x >= cl && x < cr && y >= ct && y < cb && (!ch.trim() || onTop(parent, x, y));
      // A character cut by its pane's edge counts by its centre; its box ends at the edge.
      chars.push({
        ch: ch === '\u00a0' ? ' ' : ch,
        l: Math.max(rect.left, cl),
        t: Math.max(rect.top, ct),
        r: Math.min(rect.right, cr),
        b: Math.min(rect.bottom, cb),
        box,
        visible,
      });
    }
  }

  // Consecutive visible characters of one container on one row form a line; a hidden character, a
  // new row or a wide gap ends it.
  interface Line {
    chars: Char[];
    box: Element;
  }
  const lines: Line[] = [];
  let current: Line | undefined;
  for (const c of chars) {
    if (!c.visible) {
      current = undefined;
      continue;
    }
    const last = current?.chars.at(-1);
    const height = c.b - c.t;
    const sameRow =
      last &&
      current!.box === c.box &&
      Math.abs((last.t + last.b) / 2 - (c.t + c.b) / 2) < height / 2 &&
      c.l > last.l &&
      c.l - last.r < height * 1.5;
    if (!sameRow) lines.push((current = { chars: [], box: c.box }));
    else if (c.l - last!.r > height * 0.15 && last!.ch !== ' ' && c.ch !== ' ') current!.chars.push({ ...c, ch: ' ' });
    current!.chars.push(c);
  }

  const regionOf = new Map<Element, string>();
  const regions: TruthRegion[] = [];
  for (const [selector, name] of args.regionSelectors) {
    let n = 0;
    for (const e of document.querySelectorAll(selector)) {
      if (regionOf.has(e)) continue;
      const r = e.getBoundingClientRect();
      const label = name === 'editor' ? `editor-${++n}` : name;
      regionOf.set(e, label);
      if (shown(e) && r.width > 0 && r.height > 0)
        regions.push({ name: label, box: [r.left, r.top, r.width, r.height] });
    }
  }
  const region = (e: Element): string => {
    for (let c: Element | null = e; c; c = c.parentElement) {
      const name = regionOf.get(c);
      if (name) return name;
    }
    return 'other';
  };

  const out: TruthLine[] = [];
  const numbers = new Map<Element, TruthLine[]>(); // per editor: its gutter entries
  const codeRows: Array<[TruthLine, Element]> = [];
  const started = new Set<Element>();
  for (const line of lines) {
    const editor = line.box.closest(args.textEditor);
    const inTextEditor = !!editor && !line.box.closest(args.notTextEditor);
    const kind =
      inTextEditor && line.box.matches('.view-line')
        ? 'code'
        : inTextEditor && line.box.matches('.line-numbers')
          ? 'lineNumber'
          : 'ui';
    const raw = line.chars.map((c) => c.ch).join('');
    // A code row keeps its indentation; a piece of a row that starts after a covered part does not.
    const rowStart = !started.has(line.box);
    started.add(line.box);
    const text =
      kind === 'code' ? (rowStart ? raw : raw.trimStart()).replace(/\s+$/, '') : raw.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    const l = Math.min(...line.chars.map((c) => c.l));
    const t = Math.min(...line.chars.map((c) => c.t));
    const r = Math.max(...line.chars.map((c) => c.r));
    const b = Math.max(...line.chars.map((c) => c.b));
    const entry: TruthLine = { text, box: [l, t, r - l, b - t], kind, region: region(line.box) };
    if (kind === 'lineNumber' && /^\d+$/.test(text)) {
      entry.lineNumber = Number(text);
      numbers.set(editor!, [...(numbers.get(editor!) ?? []), entry]);
    }
    if (kind === 'code') codeRows.push([entry, editor!]);
    out.push(entry);
  }
  // Form fields draw their value (or, when empty, their placeholder) without a text node: the text
  // starts at the content box and is as wide as the field's font makes it.
  const measure = document.createElement('canvas').getContext('2d')!;
  for (const field of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) {
    if (!shown(field) || /^(hidden|checkbox|radio|range|color|file|image|button|submit|reset)$/.test(field.type))
      continue;
    const text = (
      field instanceof HTMLSelectElement ? (field.selectedOptions[0]?.text ?? '') : field.value || field.placeholder
    )
      .replace(/\s+/g, ' ')
      .trim();
    if (!text) continue;
    const r = field.getBoundingClientRect();
    const s = style(field);
    measure.font = s.font;
    const left = r.left + parseFloat(s.borderLeftWidth) + parseFloat(s.paddingLeft);
    const right = r.right - parseFloat(s.borderRightWidth) - parseFloat(s.paddingRight);
    const height = parseFloat(s.fontSize) * 1.2;
    const box: Box = [
      left,
      r.top + (r.height - height) / 2,
      Math.min(measure.measureText(text).width, right - left),
      height,
    ];
    const [cl, ct, cr, cb] = clip(field);
    const x = box[0] + box[2] / 2;
    const y = box[1] + box[3] / 2;
    if (x >= cl && x < cr && y >= ct && y < cb && onTop(field, x, y))
      out.push({ text, box, kind: 'ui', region: region(field) });
  }
  for (const [row, editor] of codeRows) {
    const middle = row.box[1] + row.box[3] / 2;
    const number = numbers.get(editor)?.find((n) => n.box[1] <= middle && middle <= n.box[1] + n.box[3]);
    if (number) row.lineNumber = number.lineNumber;
  }
  return { regions, lines: out };
}

const scaleBox = (b: Box, s: number, dx = 0, dy = 0): Box => [
  Math.round((b[0] + dx) * s),
  Math.round((b[1] + dy) * s),
  Math.round(b[2] * s),
  Math.round(b[3] * s),
];

async function readFrame(frame: Frame): Promise<PageText> {
  // tsx names functions through a helper that the page lacks.
  await frame.evaluate('globalThis.__name ??= (f) => f');
  return frame.evaluate(readPage, {
    regionSelectors: REGION_SELECTORS,
    textEditor: TEXT_EDITOR,
    notTextEditor: NOT_TEXT_EDITOR,
  });
}

/** The visible text of the page and of its visible frames (a Markdown preview is a webview's iframe). */
export async function readScreenTruth(page: Page, scale: number): Promise<ScreenTruth> {
  const main = await readFrame(page.mainFrame());
  const lines = main.lines.map((l) => ({ ...l, box: scaleBox(l.box, scale) }));
  const regions = main.regions.map((r) => ({ ...r, box: scaleBox(r.box, scale) }));
  for (const frame of page.frames()) {
    if (frame === page.mainFrame() || frame.childFrames().length > 0) continue;
    const element = await frame.frameElement();
    const at = (await element.isVisible()) ? await element.boundingBox() : null;
    if (!at || at.width === 0) continue;
    // A frame's text belongs to the main-frame region under the frame's centre (webviews float over their editor).
    const cx = (at.x + at.width / 2) * scale;
    const cy = (at.y + at.height / 2) * scale;
    const under = main.regions
      .map((r) => ({ name: r.name, box: scaleBox(r.box, scale) }))
      .filter((r) => r.box[0] <= cx && cx <= r.box[0] + r.box[2] && r.box[1] <= cy && cy <= r.box[1] + r.box[3])
      .sort((a, b) => a.box[2] * a.box[3] - b.box[2] * b.box[3])[0];
    for (const line of (await readFrame(frame)).lines) {
      lines.push({ ...line, box: scaleBox(line.box, scale, at.x, at.y), region: under?.name ?? 'other' });
    }
  }
  return { regions, lines };
}
