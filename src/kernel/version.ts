// The engine's version, as it signs the files it writes.
export const VERSION = '0.1.0';
/** The program's name, as it signs the files it writes (codec/header.ts stores it by its version numbers). */
export const PROGRAM = 'baler-vscode';
export const CREATED_BY = `${PROGRAM} ${VERSION}`;
