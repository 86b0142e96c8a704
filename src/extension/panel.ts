// The webview panel: created on demand, limited to the files it needs, and fed again from the
// extension's state whenever its page reloads (hidden panels are not kept alive in memory).
import * as vscode from 'vscode';
import { parseFromWebview, type FromWebview, type ToWebview } from '../common/panel-protocol.ts';
import { panelHtml } from './panel-html.ts';

export const PANEL_VIEW_TYPE = 'infimmHd.panel';

export class PanelHost implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly onMessage: (message: FromWebview) => void,
    private readonly log: (line: string) => void,
  ) {}

  show(preserveFocus = false): void {
    // Revealed in its group, the panel would hide the file the user works in when that file was
    // opened over it (the CodeLens's link, Insert at Cursor's target). It opens anew beside that
    // file instead: moved there by reveal(), it would become a preview editor, which the next file
    // previewed in that group closes. Only its open tab and an unsent question are lost: the
    // extension holds the rest and posts it again.
    const column = vscode.window.activeTextEditor?.viewColumn;
    if (column !== undefined && column === this.panel?.viewColumn) {
      this.panel.dispose();
      this.panel = undefined;
    }
    if (this.panel !== undefined) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'InfiMM-HD',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      // Images travel as data: URLs, so the panel reads nothing from disk but its own script and style.
      { enableScripts: true, localResourceRoots: [dist, media] },
    );
    panel.iconPath = vscode.Uri.joinPath(media, 'icon.png');
    panel.webview.html = panelHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css')).toString(),
    });
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      const message = parseFromWebview(raw);
      if (message === undefined) this.log(`panel: ignored a malformed message ${JSON.stringify(raw)?.slice(0, 200)}`);
      else this.onMessage(message);
    });
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
      this.log('panel: closed');
    });
    this.panel = panel;
    this.log('panel: opened');
  }

  post(message: ToWebview): void {
    void this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
