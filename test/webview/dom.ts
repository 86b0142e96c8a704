// A fresh happy-dom document per test, typed as the browser's Document the webview code expects.
import { Window } from 'happy-dom';

export function freshDocument(html = ''): Document {
  const window = new Window();
  window.document.body.innerHTML = html;
  return window.document as unknown as Document;
}
