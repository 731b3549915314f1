// The engine's public operations, one module per verb; the CLI, the kernel process and notebook cells use
// them through this file.
export { VERSION } from './version';
export { DEFAULT_TRAIN_SETTINGS, trainModel, trainFile } from './training';
export { compress } from './compress';
export { compressFiles, readFileList, refuseAbsent } from './compress/many';
export { eachFile, throwIfAnyFailed } from './compress/each-file';
export { checkOutputs, outputsOf } from './compress/output';
export { parsePart } from './compress/parts';
export { merge } from './merge';
export { decompress, namesOutputFolder, reconstruct } from './decompress';
export { checkDecompressOutputs } from './decompress-many';
export { inspect } from './inspect';
export { trainPredictor, compressSet, inspectSet } from './sets';
export { buildReport, writeReport } from './report/build';
export {
  newProject, trainProject, compressProject, decompressProject, plotProject, projectCompressedFile,
} from './project/operations';
