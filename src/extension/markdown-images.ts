// Finds image links in Markdown and fills their alt text. Pure: offsets into the text, URIs as strings.
import { fromMarkdown } from 'mdast-util-from-markdown';
import type { Nodes } from 'mdast';
import type { PresetId } from '../common/panel-protocol.ts';

export interface MarkdownImageLink {
  /** Offsets of the whole link `![alt](url)` in the document text. */
  start: number;
  end: number;
  /** Offsets of the alt text between `![` and `]`. */
  altStart: number;
  altEnd: number;
  alt: string;
  /** The destination as written (reference links resolved through their definition). */
  url: string;
  /** 0-based line of the link's start. */
  line: number;
}

function collect(node: Nodes, out: { images: Nodes[]; definitions: Map<string, string> }): void {
  if (node.type === 'image' || node.type === 'imageReference') out.images.push(node);
  if (node.type === 'definition') out.definitions.set(node.identifier, node.url);
  if ('children' in node) for (const child of node.children) collect(child, out);
}

/** The offset of the `]` closing a link label that starts at `from` (just after `![`). */
function labelEnd(text: string, from: number, limit: number): number {
  let depth = 0;
  for (let i = from; i < limit; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '[') depth++;
    else if (c === ']') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return limit;
}

/** Every image link, in document order; links inside code are not links, which the CommonMark parser knows. */
export function findImageLinks(markdown: string): MarkdownImageLink[] {
  const found = { images: [] as Nodes[], definitions: new Map<string, string>() };
  collect(fromMarkdown(markdown), found);
  const links: MarkdownImageLink[] = [];
  for (const node of found.images) {
    const position = node.position;
    if (position?.start.offset === undefined || position.end.offset === undefined) continue;
    const url =
      node.type === 'image'
        ? node.url
        : node.type === 'imageReference'
          ? found.definitions.get(node.identifier)
          : undefined;
    if (url === undefined || !('alt' in node)) continue;
    const start = position.start.offset;
    const end = position.end.offset;
    const altStart = start + 2;
    links.push({
      start,
      end,
      altStart,
      altEnd: labelEnd(markdown, altStart, end),
      alt: node.alt ?? '',
      url,
      line: position.start.line - 1,
    });
  }
  return links;
}

export type ImageLinkKind = 'screenshot' | 'diagram' | 'image';

/** What a linked image most likely shows, from its file name and alt text, so its CodeLens asks the fitting question. */
export function imageLinkKind(link: Pick<MarkdownImageLink, 'url' | 'alt'>): ImageLinkKind {
  const words = `${link.url} ${link.alt}`.toLowerCase();
  if (/screen|capture|\bui\b|window|dialog/.test(words)) return 'screenshot';
  if (/diagram|drawio|\.dio\b|flow|chart|graph|architecture|uml|sequence|\.svg\b/.test(words)) return 'diagram';
  return 'image';
}

/** The CodeLens that asks about a link of each kind, with the preset it asks. */
export const LINK_QUESTIONS: Record<ImageLinkKind, { title: string; preset: PresetId }> = {
  screenshot: { title: 'Explain screenshot', preset: 'explain-ui' },
  diagram: { title: 'Describe diagram', preset: 'describe-diagram' },
  image: { title: 'Describe image', preset: 'describe' },
};

/** The links that get CodeLenses: remote images are never read, so a lens there could only fail. */
export function linksWithLenses(markdown: string): MarkdownImageLink[] {
  return findImageLinks(markdown).filter((link) => !isRemoteUrl(link.url));
}

/** The link with this URL nearest to where it was, after the user may have edited the document. */
export function findLinkAgain(markdown: string, url: string, near: number): MarkdownImageLink | undefined {
  let best: MarkdownImageLink | undefined;
  for (const link of findImageLinks(markdown)) {
    if (link.url !== url) continue;
    if (best === undefined || Math.abs(link.start - near) < Math.abs(best.start - near)) best = link;
  }
  return best;
}

export type ImageTarget =
  | { kind: 'local'; uri: string }
  | { kind: 'data'; dataUrl: string }
  | { kind: 'remote'; url: string }
  | { kind: 'unsupported'; reason: string };

/** A web link: never fetched, so nothing leaves the machine. */
export function isRemoteUrl(url: string): boolean {
  return /^(https?:)?\/\//i.test(url.trim());
}

/**
 * Where a link points, resolved like the Markdown preview does: relative to the document, and
 * `/path` relative to the workspace folder. URI strings keep remote workspaces (vscode-remote:) working.
 */
export function resolveImageTarget(url: string, documentUri: string, workspaceFolderUri?: string): ImageTarget {
  const trimmed = url.trim();
  if (trimmed === '') return { kind: 'unsupported', reason: 'the link has no destination' };
  if (isRemoteUrl(trimmed)) return { kind: 'remote', url: trimmed };
  if (/^data:image\//i.test(trimmed)) return { kind: 'data', dataUrl: trimmed };
  const rootRelative = trimmed.startsWith('/') && workspaceFolderUri !== undefined;
  let resolved: URL;
  try {
    resolved = rootRelative
      ? new URL(trimmed.slice(1), workspaceFolderUri.replace(/\/?$/, '/'))
      : new URL(trimmed, documentUri);
  } catch {
    return {
      kind: 'unsupported',
      reason: `"${trimmed}" cannot be resolved against the document (save an untitled document first)`,
    };
  }
  const scheme = resolved.protocol.slice(0, -1);
  if (scheme !== new URL(documentUri).protocol.slice(0, -1) && scheme !== 'file') {
    return { kind: 'unsupported', reason: `links with the ${scheme}: scheme are not images on disk` };
  }
  resolved.hash = '';
  resolved.search = '';
  return { kind: 'local', uri: resolved.href };
}

export type AltTextChange = 'fill' | 'replace' | 'unchanged';

/** What writing `proposed` into a link's alt text (both as written in Markdown) would do. */
export function altTextChange(current: string, proposed: string): AltTextChange {
  if (current.trim() === proposed.trim()) return 'unchanged';
  return current.trim() === '' ? 'fill' : 'replace';
}

/** The question shown before existing alt text is replaced: both texts, so nothing is lost unseen. */
export function altTextPreview(url: string, current: string, proposed: string): { message: string; detail: string } {
  return {
    message: `Replace the alt text of the image link to ${url}?`,
    detail: `Now: ${current.trim()}\nNew: ${proposed.trim()}`,
  };
}

/** The model's answer as alt text: one line, no Markdown that would end the label early. */
export function formatAltText(answer: string): string {
  const line = answer
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(alt text|alt)\s*:\s*/i, '')
    .replace(/^["'“”]+|["'“”]+$/g, '');
  return line.replace(/[\\[\]]/g, (c) => `\\${c}`);
}
