// The files the extension offers commands for: the engine's list (src/kernel/data/extensions.ts, which imports
// nothing, so the extension bundle stays small); package.json's menu conditions are checked against it by tests.
export { SUPPORTED_EXTENSIONS as DATA_EXTENSIONS, extensionOf } from '../kernel/data/extensions';
export const BALER_EXTENSION = '.baler';
