// What the scenarios read from and do to the extension's panel (its element ids are the contract
// in webview/layout.ts).
import type { FrameLocator, Locator } from 'playwright-core';

export type PresetId = 'describe' | 'explain-ui' | 'describe-diagram' | 'extract-text' | 'alt-text';

/** A turn's data-status once it has ended. */
export type EndStatus = 'done' | 'cancelled' | 'failed';

export class Panel {
  constructor(readonly frame: FrameLocator) {}

  get image(): Locator {
    return this.frame.locator('#image-view');
  }

  get error(): Locator {
    return this.frame.locator('#error');
  }

  get lastTurn(): Locator {
    return this.frame.locator('#answer .turn').last();
  }

  /** Waits until the image with this name is shown and the controls accept a question. */
  async waitForImage(name: string): Promise<void> {
    await this.frame.locator(`#image-view[alt="${name}"]`).waitFor({ timeout: 60_000 });
    await this.frame.locator('#ask-button:not([disabled])').waitFor({ timeout: 60_000 });
  }

  /** The decoded size of the image the panel shows. */
  imageSize(): Promise<{ width: number; height: number }> {
    return this.image.evaluate((img: HTMLImageElement) => ({ width: img.naturalWidth, height: img.naturalHeight }));
  }

  async askPreset(preset: PresetId): Promise<void> {
    await this.newTurn(() => this.frame.locator(`[data-preset="${preset}"]:not([disabled])`).click());
  }

  async ask(question: string): Promise<void> {
    await this.frame.locator('#question-input').fill(question);
    await this.newTurn(() => this.frame.locator('#ask-button:not([disabled])').click());
  }

  /** Acts, then waits for the turn it starts, so that lastTurn is no longer the previous answer. */
  private async newTurn(act: () => Promise<void>): Promise<void> {
    const turns = this.frame.locator('#answer .turn');
    const before = await turns.count();
    await act();
    await turns.nth(before).waitFor({ state: 'attached', timeout: 30_000 });
  }

  /**
   * Starts recording every distinct text the newest turn's answer shows, from this moment on, so a
   * scenario can tell a streamed answer (many growing texts) from one that arrives in one piece.
   */
  async recordAnswerTexts(): Promise<() => Promise<string[]>> {
    const key = `answerTexts${Date.now()}`;
    // Functions passed to evaluate() hold no named inner functions: tsx wraps those in a
    // __name() helper that exists only in Node, not in the page.
    await this.frame.locator('#answer').evaluate((answer, key) => {
      const seen: string[] = [];
      new MutationObserver(() => {
        const texts = answer.querySelectorAll('.turn .answer-text');
        const text = texts[texts.length - 1]?.textContent ?? '';
        if (text !== '' && text !== seen[seen.length - 1]) seen.push(text);
      }).observe(answer, { subtree: true, childList: true, characterData: true });
      Object.assign(window, { [key]: seen });
    }, key);
    return () =>
      this.frame
        .locator('#answer')
        .evaluate((_, key) => (window as unknown as Record<string, string[]>)[key] ?? [], key);
  }

  /**
   * Waits until the newest turn asks this question. A question asked from outside the panel (a
   * CodeLens) arrives a moment later, and the panel beside the editor still shows the previous turn.
   */
  async waitForQuestion(question: RegExp, timeoutMs = 60_000): Promise<void> {
    await this.lastTurn.locator('.question', { hasText: question }).waitFor({ timeout: timeoutMs });
  }

  /** Waits for the newest turn to end and returns how it ended. */
  async waitForTurnEnd(timeoutMs = 120_000): Promise<EndStatus> {
    const ended = this.lastTurn.and(
      this.frame.locator('[data-status="done"], [data-status="cancelled"], [data-status="failed"]'),
    );
    await ended.waitFor({ timeout: timeoutMs });
    return (await ended.getAttribute('data-status')) as EndStatus;
  }

  /** Waits until the newest turn shows some answer text. */
  async waitForAnswerText(timeoutMs = 120_000): Promise<void> {
    await this.lastTurn.locator('.answer-text:not(:empty)').waitFor({ timeout: timeoutMs });
  }
}

/** WCAG contrast ratio of an element's text against the nearest opaque background behind it. */
export function textContrast(element: Locator): Promise<number> {
  return element.evaluate((el) => {
    // [r, g, b, a] of the text colour and of the nearest background that is (nearly) opaque.
    const colours = [getComputedStyle(el).color, 'rgb(255, 255, 255)'];
    for (let node: Element | null = el; node !== null; node = node.parentElement) {
      const background = getComputedStyle(node).backgroundColor;
      if (Number(background.match(/[\d.]+/g)?.[3] ?? 1) > 0.9) {
        colours[1] = background;
        break;
      }
    }
    const [lighter = 0, darker = 0] = colours
      .map((css) =>
        (css.match(/[\d.]+/g) ?? [])
          .slice(0, 3)
          .map(Number)
          .map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4))
          .reduce((sum, c, i) => sum + c * ([0.2126, 0.7152, 0.0722][i] ?? 0), 0),
      )
      .sort((a, b) => b - a);
    return (lighter + 0.05) / (darker + 0.05);
  });
}
