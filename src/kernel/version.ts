// The engine's version, as it signs the files it writes.
export const VERSION = '0.1.0';
export const CREATED_BY = `baler-vscode ${VERSION}`;
