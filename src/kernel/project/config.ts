// Projects laid out like the reference tool's: workspaces/WORKSPACE/{data/, PROJECT/{config,output}}.
// The config is JSON (the reference uses a Python file) and validated here and by a JSON schema in VS Code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from '../errors';
import type { CompressOptions, EntropyCoding, LatentPrecision, ModelType, TrainSettings } from '../api';
import { BACKEND_NAMES } from '../backends';
import { withoutAutoencoderOptions } from '../options/autoencoder';

export interface ProjectConfig extends TrainSettings {
  /** The data to train on and compress, relative to the project folder. */
  inputPath: string;
  latentPrecision: LatentPrecision;
  decoderPrecision: 'float32' | 'float16' | 'int8';
  entropy: EntropyCoding;
  /** 'embedded': each .baler carries its decoder; 'shared': decoder in one model file referenced by hash. */
  decoder: 'embedded' | 'shared';
  /** Optional error bound ("abs:X", "rel:X", "pw-rel:X"). */
  errorBound?: string;
}

export interface ProjectPaths {
  root: string;
  projectDir: string;
  config: string;
  dataDir: string;
  training: string;
  model: string;
  history: string;
  compressed: string;
  decompressed: string;
  plotting: string;
}

const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function projectPaths(workspace: string, project: string, root = process.cwd()): ProjectPaths {
  for (const [what, name] of [['workspace', workspace], ['project', project]] as const) {
    if (!NAME_PATTERN.test(name)) throw new BalerError(`invalid ${what} name '${name}' (letters, digits, _ . - only)`);
  }
  const wsDir = path.resolve(root, 'workspaces', workspace);
  const projectDir = path.join(wsDir, project);
  const output = path.join(projectDir, 'output');
  return {
    root,
    projectDir,
    config: path.join(projectDir, 'config', `${project}_config.json`),
    dataDir: path.join(wsDir, 'data'),
    training: path.join(output, 'training'),
    model: path.join(output, 'training', 'model.balermodel'),
    history: path.join(output, 'training', 'history.json'),
    compressed: path.join(output, 'compressed_output', 'compressed.baler'),
    decompressed: path.join(output, 'decompressed_output', 'decompressed.npz'),
    plotting: path.join(output, 'plotting', 'report.html'),
  };
}

export function defaultProjectConfig(project: string): ProjectConfig {
  return {
    inputPath: `../data/${project}_data.npz`,
    modelType: 'dense',
    compressionRatio: 100,
    epochs: 2000,
    batchSize: 512,
    learningRate: 0.001,
    seed: 42,
    validationSplit: 0,
    earlyStoppingPatience: 200,
    lrPlateauPatience: 80,
    backend: 'auto',
    latentPrecision: 'float32',
    decoderPrecision: 'float32',
    entropy: 'zstd',
    decoder: 'embedded',
  };
}

const ENUMS: Record<string, readonly string[]> = {
  modelType: ['dense', 'conv'] satisfies ModelType[],
  backend: BACKEND_NAMES,
  latentPrecision: ['float32', 'float16'] satisfies LatentPrecision[],
  decoderPrecision: ['float32', 'float16', 'int8'],
  entropy: ['zstd', 'deflate', 'none'] satisfies EntropyCoding[],
  decoder: ['embedded', 'shared'],
};
const POSITIVE = ['compressionRatio', 'epochs', 'batchSize', 'learningRate', 'earlyStoppingPatience', 'lrPlateauPatience'];

/** Reads and validates a project config; unknown keys and wrong types are one-line errors naming the file. */
export function readProjectConfig(file: string): ProjectConfig {
  if (!fs.existsSync(file)) throw new BalerError('project config not found (create it with `baler new WORKSPACE PROJECT`)', file);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BalerError(`not valid JSON (${(err as Error).message})`, file);
  }
  const defaults = defaultProjectConfig('x') as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(raw)) {
    if (key === '$schema') continue;
    const known = key in defaults || ['latent', 'targetPsnr', 'timeLimitSeconds', 'errorBound'].includes(key);
    if (!known) throw new BalerError(`unknown setting '${key}'`, file);
    if (value === null) continue;
    if (ENUMS[key] && !ENUMS[key].includes(String(value))) {
      throw new BalerError(`'${key}' must be one of ${ENUMS[key].join(', ')} (got ${JSON.stringify(value)})`, file);
    }
    if (POSITIVE.includes(key) && !(typeof value === 'number' && value > 0)) {
      throw new BalerError(`'${key}' must be a positive number (got ${JSON.stringify(value)})`, file);
    }
  }
  const merged = { ...defaults, ...stripNulls(raw) } as unknown as ProjectConfig;
  if (typeof merged.inputPath !== 'string' || !merged.inputPath) throw new BalerError("'inputPath' must name the data file", file);
  return merged;
}

function stripNulls(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([k, v]) => v !== null && k !== '$schema'));
}

/** The compress options a config asks for: its autoencoder settings only without a bound (it holds them anyway). */
export function compressOptionsOf(config: ProjectConfig): CompressOptions {
  return config.errorBound ? withoutAutoencoderOptions(config) : config;
}

export function resolveInputPath(paths: ProjectPaths, config: ProjectConfig): string {
  return path.resolve(paths.projectDir, config.inputPath);
}
