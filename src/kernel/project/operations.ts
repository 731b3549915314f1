// The project workflow of the reference tool (`--project WS P --mode new|train|compress|decompress|plot`):
// workspaces/WS/P with a JSON config, its data, and output folders.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressResult, DecompressResult, Hooks } from '../api';
import type { TrainedModel } from '../types';
import { BalerError } from '../errors';
import { writeFileAtomic } from '../fsutil';
import { readDataset, writeDataset } from '../data/dataset';
import { simulateFlowPastObstacle } from '../demo/flow';
import { saveTrainedModel } from '../model/store';
import { trainModel } from '../training';
import { compress } from '../compress';
import { decompress } from '../decompress';
import { writeReport } from '../report/build';
import { compressOptionsOf, defaultProjectConfig, projectPaths, readProjectConfig, resolveInputPath, type ProjectConfig } from './config';

/** Creates workspaces/WS/{data,PROJECT/{config,output/...}} with a default config and example data. */
export async function newProject(workspace: string, project: string, root = process.cwd()): Promise<string> {
  const p = projectPaths(workspace, project, root);
  if (fs.existsSync(p.config)) throw new BalerError('project already exists', p.config, 'EEXIST');
  for (const dir of [path.dirname(p.config), p.dataDir, p.training, path.dirname(p.compressed), path.dirname(p.decompressed), path.dirname(p.plotting)]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  const config = defaultProjectConfig(project);
  const dataFile = path.resolve(p.projectDir, config.inputPath);
  if (!fs.existsSync(dataFile)) await writeDataset(dataFile, simulateFlowPastObstacle({ seed: 1 }), {});
  writeFileAtomic(p.config, JSON.stringify(config, null, 2) + '\n');
  return p.config;
}

function loadProject(workspace: string, project: string, root?: string): { paths: ReturnType<typeof projectPaths>; config: ProjectConfig; input: string } {
  const paths = projectPaths(workspace, project, root);
  const config = readProjectConfig(paths.config);
  return { paths, config, input: resolveInputPath(paths, config) };
}

export async function trainProject(workspace: string, project: string, hooks?: Hooks, root?: string): Promise<{ modelFile: string; model: TrainedModel }> {
  const { paths, config, input } = loadProject(workspace, project, root);
  const model = await trainModel(await readDataset(input), config, hooks, input);
  fs.mkdirSync(paths.training, { recursive: true });
  await saveTrainedModel(paths.model, model);
  writeFileAtomic(paths.history, JSON.stringify(model.history) + '\n', { overwrite: true });
  return { modelFile: paths.model, model };
}

export async function compressProject(workspace: string, project: string, hooks?: Hooks, root?: string): Promise<CompressResult> {
  const { paths, config, input } = loadProject(workspace, project, root);
  if (!config.errorBound && !fs.existsSync(paths.model)) {
    throw new BalerError('no trained model yet: run `baler train --project WORKSPACE PROJECT` first', paths.model);
  }
  fs.mkdirSync(path.dirname(paths.compressed), { recursive: true });
  return compress(input, {
    ...compressOptionsOf(config),
    output: paths.compressed,
    force: true,
    trainedModelPath: config.errorBound ? undefined : paths.model,
    modelFile: config.decoder === 'shared' ? path.join(path.dirname(paths.compressed), 'decoder.balermodel') : undefined,
  }, hooks);
}

export async function decompressProject(workspace: string, project: string, hooks?: Hooks, root?: string): Promise<DecompressResult> {
  const { paths } = loadProject(workspace, project, root);
  fs.mkdirSync(path.dirname(paths.decompressed), { recursive: true });
  return decompress(paths.compressed, { output: paths.decompressed, force: true }, hooks);
}

export async function plotProject(workspace: string, project: string, root?: string): Promise<string> {
  const { paths, input } = loadProject(workspace, project, root);
  fs.mkdirSync(path.dirname(paths.plotting), { recursive: true });
  return writeReport(paths.compressed, paths.plotting, { original: input, history: paths.history, force: true });
}

export function projectCompressedFile(workspace: string, project: string, root?: string): string {
  return projectPaths(workspace, project, root).compressed;
}
