// The benchmark datasets, for any suite: the reference CFD files from ../shared/data, the demo's flow and jets,
// and generated data of the kinds scientists store (synthetic-data.ts), each held in its stored dtype.
// Loaded lazily, one at a time, so a suite never holds the 100 MB field beside the others.
import { readDataset } from '../kernel/data/dataset';
import { simulateFlowPastObstacle } from '../kernel/demo/flow';
import { generateJets } from '../kernel/demo/jets';
import { requireSharedFile } from './suite';
import {
  correlatedTable, CORRELATED_COLUMNS, ECG_ADC_STEP_MV, ECG_SAMPLE_RATE, ecgSignal, greyImage, largeField,
  uncorrelatedTable, UNCORRELATED_COLUMNS,
} from './synthetic-data';

export type StoredArray = Float32Array | Float64Array;

export interface BenchDataset {
  name: string;
  /** What the data is, in a few words (printed above its table). */
  description: string;
  /** C order; 2-D tables are rows × columns. */
  shape: number[];
  dtype: 'float32' | 'float64';
  /** The values in their stored dtype. */
  values: StoredArray;
  /** Rows of independent records with columns of their own units: also bounded column by column. */
  table: boolean;
}

export interface DatasetSpec {
  name: string;
  /** Generated datasets come back at once; files are read (asynchronously) through the formats' readers. */
  load(): BenchDataset | Promise<BenchDataset>;
}

export interface DatasetOptions {
  /** ../shared/data (CFD_animation.npz, CFD_still.npz). */
  dataDir: string;
  /** Smaller generated data (smoke runs). */
  quick?: boolean;
  /** Add the 100 MB field (400 × 256 × 256 float32). */
  large?: boolean;
}

/** Samples per row when the ECG is cut into rows (one second at 360 Hz). */
export const ECG_ROW = ECG_SAMPLE_RATE;

async function fromFile(name: string, file: string, description: string): Promise<BenchDataset> {
  const ds = await readDataset(file);
  const dtype = ds.dtype === 'float64' ? 'float64' : 'float32';
  const values = dtype === 'float64' ? ds.values : Float32Array.from(ds.values);
  return { name, description, shape: ds.shape, dtype, values, table: false };
}

/** The datasets of a run, in order; `quick` shrinks the generated ones, `large` adds the 100 MB field. */
export function benchDatasets(opts: DatasetOptions): DatasetSpec[] {
  const q = opts.quick ?? false;
  const ecgRows = q ? 60 : 300;
  const imageSize = q ? [150, 200] : [300, 400];
  const jetRows = q ? 10_000 : 100_000;
  const [correlatedRows, uncorrelatedRows] = q ? [5_000, 3_000] : [50_000, 30_000];
  const specs: DatasetSpec[] = [
    {
      name: 'CFD_animation',
      load: () => fromFile('CFD_animation', requireSharedFile(opts.dataDir, 'CFD_animation.npz'), '60 frames of a 2-D flow, x-velocity (../shared/data)'),
    },
    {
      name: 'CFD_still',
      load: () => fromFile('CFD_still', requireSharedFile(opts.dataDir, 'CFD_still.npz'), 'one frame of flow over a wall-mounted block (../shared/data)'),
    },
    {
      name: 'demo flow',
      load: () => {
        const ds = simulateFlowPastObstacle({ seed: 1 });
        return { name: 'demo flow', description: 'the demo\'s lattice-Boltzmann flow past a cylinder', shape: ds.shape, dtype: 'float32', values: Float32Array.from(ds.values), table: false };
      },
    },
    {
      name: 'demo jets',
      load: () => {
        const ds = generateJets({ rows: jetRows, seed: 1 });
        return { name: 'demo jets', description: 'the demo\'s particle-physics jets table (24 columns)', shape: ds.shape, dtype: 'float32', values: Float32Array.from(ds.values), table: true };
      },
    },
    {
      name: 'ECG signal',
      load: () => ({
        name: 'ECG signal', description: `ECG-like signal, 360 Hz, float64 of ADC counts × ${ECG_ADC_STEP_MV} mV`,
        shape: [ecgRows * ECG_ROW], dtype: 'float64', values: ecgSignal({ samples: ecgRows * ECG_ROW }), table: false,
      }),
    },
    {
      name: 'ECG rows',
      load: () => ({
        name: 'ECG rows', description: `the same ECG cut into rows of ${ECG_ROW} samples`,
        shape: [ecgRows, ECG_ROW], dtype: 'float64', values: ecgSignal({ samples: ecgRows * ECG_ROW }), table: false,
      }),
    },
    {
      name: 'grey image',
      load: () => ({
        name: 'grey image', description: 'photograph-like image, float32 of integer grey levels 0..255',
        shape: imageSize, dtype: 'float32', values: greyImage({ height: imageSize[0], width: imageSize[1] }), table: false,
      }),
    },
    {
      name: 'correlated table',
      load: () => ({
        name: 'correlated table', description: `${CORRELATED_COLUMNS} measurements driven by 3 hidden factors, float64`,
        shape: [correlatedRows, CORRELATED_COLUMNS], dtype: 'float64', values: correlatedTable({ rows: correlatedRows }), table: true,
      }),
    },
    {
      name: 'uncorrelated table',
      load: () => ({
        name: 'uncorrelated table', description: `${UNCORRELATED_COLUMNS} independent columns (normal, uniform, log-normal, exponential), float64`,
        shape: [uncorrelatedRows, UNCORRELATED_COLUMNS], dtype: 'float64', values: uncorrelatedTable({ rows: uncorrelatedRows }), table: true,
      }),
    },
  ];
  if (opts.large) {
    specs.push({
      name: 'large field',
      load: () => ({
        name: 'large field', description: 'a sum of travelling sines + N(0, 1e-3), generated frame by frame',
        shape: [400, 256, 256], dtype: 'float32', values: largeField({ frames: 400, height: 256, width: 256 }), table: false,
      }),
    });
  }
  return specs;
}

/** The raw little-endian bytes of a stored array (what the peers read). */
export function rawBytes(values: StoredArray): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** A stored array read back from raw little-endian bytes. */
export function fromRawBytes(bytes: Uint8Array, dtype: BenchDataset['dtype']): StoredArray {
  const copy = bytes.slice(); // aligned
  return dtype === 'float64' ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer);
}
