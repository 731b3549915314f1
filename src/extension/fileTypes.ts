// The files the extension offers commands for. DATA_EXTENSIONS mirrors the engine's SUPPORTED_EXTENSIONS
// and package.json's menu conditions; a unit test keeps the three equal (the manifest cannot import).
export const DATA_EXTENSIONS = ['.npz', '.npy', '.csv'];
export const BALER_EXTENSION = '.baler';
