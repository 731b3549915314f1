// The error-bounded decoder's WebAssembly module (src/wasm/eb-decoder.ts, built to dist/eb-decoder.wasm by
// esbuild.mjs): it decodes every error-bounded slab (every dtype; real values, integers, values on a grid, pw-rel's log
// domain; the interpolation, temporal and Lorenzo modes over any base the coder has: the previous frame, a model's
// prediction and its frame-to-frame change, a table's column models; exact and special values) about twice as fast as
// pass.ts runPass, every value and the checksum the same (test/unit/eb-wasm-decoder.test.ts decodes every case both
// ways). runPass decodes where the module cannot be loaded; BALER_EB_DECODER=js sends every slab there (to compare).

import type { Configuration } from '../configure';
import { CAST_FLOAT32, CAST_FLOAT64, ValueType } from '../dtype';
import { integerCastRange } from '../../data/dtype';
import type { Plan } from '../plan';
import { BaseName, METHOD_BASE, METHOD_CUBIC, METHOD_CUBIC_OVER_BASE, METHOD_LINEAR, METHOD_LORENZO, METHOD_LORENZO_OVER_BASE } from '../predictors';
import { WasmMemory, wasmModule } from './module';

export interface DecoderExports {
  memory: WasmMemory;
  hash: { value: number };
  MODEL_BYTES: { value: number };
  RECIPROCAL_BYTES: { value: number };
  heapBase(): number;
  begin(streamAt: number, streamLength: number, stateAt: number, reciprocalAt: number, reconAt: number, absIndexAt: number): void;
  setCast(kind: number, low: number, high: number): void;
  setGrid(grid: number): void;
  consumedExactly(): number;
  setExact(valuesAt: number, count: number, patchPointsAt: number, patchValuesAt: number): void;
  exactLeft(): number;
  patchesMade(): number;
  setBases(at: number): void;
  setClasses(classesAt: number, specialKinds: number): void;
  setPointwise(outputAt: number, standsAt: number): void;
  codeClasses(size: number): void;
  codeMask(size: number): void;
  codeMaskRows(size: number, row: number, frame: number): void;
  setChoices(at: number, count: number, bits: number, checked: boolean): void;
  setAxis(e: number, listAt: number, length: number, stride: number, before3At: number, right1At: number, right3At: number): void;
  codePoint(i: number, prediction: number, step: number, level: number, activity: number): void;
  codeSweep(offset: number, level: number, step: number, edge: number, d: number, s: number, nd: number, e1: number, e2: number, previous: number): number;
  codeLorenzo(offset: number, n0: number, n1: number, n2: number, s0: number, s1: number, s2: number, blockSize: number, step: number): void;
}

/** Whether decodeSlabSync may use the module (the tests turn it off to decode both ways), and how many slabs it decoded in this thread. */
export const wasmDecoding = { enabled: process.env.BALER_EB_DECODER !== 'js', slabs: 0 };

/** The module, instantiated once per thread; undefined where it is not there or cannot run (runPass decodes then). */
export function decoderModule(): DecoderExports | undefined {
  return wasmModule<DecoderExports>('eb-decoder');
}

/** What the slab header and plan say, for the choice of decoder. */
export interface SlabFacts {
  plan: Plan;
  configuration: Configuration;
  specials: boolean;
}

/** src/wasm/eb-decoder.ts's casts beside CAST_FLOAT64 and CAST_FLOAT32: an integer dtype, float16, bool. */
const CAST_INTEGER = 2;
const CAST_FLOAT16 = 3;
const CAST_BOOL = 4;

/** The candidates' arithmetic the module has, by mode. */
const INTERPOLATING = [METHOD_CUBIC, METHOD_LINEAR, METHOD_BASE, METHOD_CUBIC_OVER_BASE];
const LORENZO = [METHOD_LORENZO, METHOD_BASE, METHOD_LORENZO_OVER_BASE];

/** Whether the module implements every candidate of the configuration: their arithmetic, over the bases it knows. */
function candidatesKnown(configuration: Configuration): boolean {
  const { mode } = configuration;
  const methods = mode === 'lorenzo' ? LORENZO : INTERPOLATING;
  const bases: (BaseName | undefined)[] = mode === 'temporal' ? [undefined, 'model', 'previous-frame', 'model-delta'] : [undefined, 'model', 'columns'];
  return configuration.predictors.every((p) => (p.modes as readonly string[]).includes(mode) && methods.includes(p.method) && bases.includes(p.base));
}

/** The cast the module writes values with (quantizer.ts castOf): [its kind, an integer dtype's range]. */
export function castOf(type: ValueType): [number, number, number] {
  if (type.cast === CAST_FLOAT32 || type.cast === CAST_FLOAT64) return [type.cast, 0, 0];
  if (type.dtype === 'float16') return [CAST_FLOAT16, 0, 0];
  if (type.dtype === 'bool') return [CAST_BOOL, 0, 1];
  const [low, high] = integerCastRange(type.dtype)!;
  return [CAST_INTEGER, low, high];
}

/** Whether the module decodes this slab: the cases it implements, and nothing it would have to leave to JavaScript half-way. */
export function wasmTakes(f: SlabFacts): boolean {
  const { plan, configuration } = f;
  return candidatesKnown(configuration)
    && wasmDecoding.enabled && decoderModule() !== undefined;
}
