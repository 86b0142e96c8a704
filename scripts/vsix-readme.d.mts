export function readmeForExtensionsView(markdown: string, root: string): string;
