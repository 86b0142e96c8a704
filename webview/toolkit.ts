// Every use of @vscode/webview-ui-toolkit lives in this file: its element names, its events and
// its registration. Microsoft archived the toolkit in January 2025; it is used because it was asked
// for. The way out is @vscode-elements/elements (vscode-button, vscode-tabs…): only this file changes.

export interface ButtonOptions {
  id?: string;
  label: string;
  secondary?: boolean;
  disabled?: boolean;
  title?: string;
  /** data-* attributes, e.g. { preset: 'describe' }. */
  data?: Record<string, string>;
}

export interface TabOptions {
  id: string;
  label: string;
  viewId: string;
  /** Markup of the tab's view. */
  content: string;
}

const escape = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function buttonHtml(options: ButtonOptions): string {
  const attributes = [
    options.id === undefined ? '' : ` id="${escape(options.id)}"`,
    options.secondary === true ? ' appearance="secondary"' : '',
    options.disabled === true ? ' disabled' : '',
    options.title === undefined ? '' : ` title="${escape(options.title)}"`,
    ...Object.entries(options.data ?? {}).map(([key, value]) => ` data-${key}="${escape(value)}"`),
  ].join('');
  return `<vscode-button${attributes}>${escape(options.label)}</vscode-button>`;
}

/** A small button showing only an icon; its label is its accessible name and tooltip. */
export function iconButtonHtml(options: { label: string; icon: string; data?: Record<string, string> }): string {
  const data = Object.entries(options.data ?? {})
    .map(([key, value]) => ` data-${key}="${escape(value)}"`)
    .join('');
  return `<vscode-button appearance="icon" aria-label="${escape(options.label)}" title="${escape(options.label)}"${data}>${options.icon}</vscode-button>`;
}

export function tabsHtml(options: { id: string; label: string; tabs: TabOptions[] }): string {
  const first = options.tabs[0]?.id ?? '';
  const tabs = options.tabs
    .map((tab) => `<vscode-panel-tab id="${escape(tab.id)}">${escape(tab.label)}</vscode-panel-tab>`)
    .join('');
  const views = options.tabs
    .map((tab) => `<vscode-panel-view id="${escape(tab.viewId)}">${tab.content}</vscode-panel-view>`)
    .join('');
  return `<vscode-panels id="${escape(options.id)}" activeid="${escape(first)}" aria-label="${escape(options.label)}">${tabs}${views}</vscode-panels>`;
}

/** Both the toolkit's button and a native one understand the disabled attribute. */
export function setDisabled(element: Element, disabled: boolean): void {
  element.toggleAttribute('disabled', disabled);
}

export function selectTab(tabs: Element, tabId: string): void {
  tabs.setAttribute('activeid', tabId);
}

/** Calls back with the id of the tab the user switched to. */
export function onTabChange(tabs: Element, listener: (tabId: string) => void): void {
  // The event's detail is the newly active tab; the activeid attribute is reflected only later.
  tabs.addEventListener('change', (event) => {
    const tab = event.target === tabs && event instanceof CustomEvent ? (event.detail as unknown) : undefined;
    if (tab instanceof HTMLElement && tab.id !== '') listener(tab.id);
  });
}

/**
 * Defines the custom elements. The package is imported here, not at the top, because it extends
 * browser classes when it loads; the tests build the same markup in a DOM without it.
 */
export async function registerToolkit(): Promise<void> {
  const toolkit = await import('@vscode/webview-ui-toolkit');
  toolkit
    .provideVSCodeDesignSystem()
    .register(toolkit.vsCodeButton(), toolkit.vsCodePanels(), toolkit.vsCodePanelTab(), toolkit.vsCodePanelView());
}
