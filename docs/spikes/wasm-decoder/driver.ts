// Spike driver: decodes each slab of a float32 interpolation-coded .baler with the wasm sweep loop (sweeps.as.ts) and with
// the project's decodeSlabSync; checks every value is the same and compares CPU time (best of reps).
import * as fs from 'node:fs';
import { openBaler } from '../../../src/kernel/decompress';
import { readChunk } from '../../../src/kernel/codec/container';
import { sectionName, slabRowsAt } from '../../../src/kernel/codec/header-check';
import { checksumMatches, readSlab } from '../../../src/kernel/eb/format';
import { decodeSlabSync } from '../../../src/kernel/eb/codec';
import { layoutOf, levelSteps } from '../../../src/kernel/eb/layout';
import { planFrom } from '../../../src/kernel/eb/plan';
import { valueType } from '../../../src/kernel/eb/dtype';
import { interpolationLevels } from '../../../src/kernel/eb/interpolation';
import { setSweepGeometry, type Block } from '../../../src/kernel/eb/sweep';
import { release } from '../../../src/kernel/parallel/slab-buffers';
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

function progression(first: number, spacing: number, end: number, withEnd: boolean): Int32Array {
  const count = first < end ? Math.floor((end - 1 - first) / spacing) + 1 : 0;
  const out = new Int32Array(count + (withEnd ? 1 : 0));
  for (let k = 0; k < count; k++) out[k] = first + k * spacing;
  if (withEnd) out[count] = end;
  return out;
}
function axisLevel(n: number, s: number) {
  const last = n - 1;
  return { fresh: progression(s, 2 * s, last, false), done: progression(0, s, last, true), before: progression(0, 2 * s, last, true) };
}
function subsetsBySize(axes: number[]): number[][] {
  const subsets: number[][] = [];
  for (let mask = 0; mask < 1 << axes.length; mask++) subsets.push(axes.filter((_, k) => (mask >> k) & 1));
  return subsets.sort((a, b) => a.length - b.length);
}

async function main() {
  const file = process.argv[2]; const reps = Number(process.argv[3] ?? 3);
  const f = openBaler(file);
  const a = f.header.arrays[0]; const c: any = a.codec;
  const g: any = { bound: c.bound, tolerances: c.tolerances, dtype: a.dtype, kind: a.kind };
  const sec = f.index.sections.find((s) => s.name === sectionName(0, 'data'))!;
  const nSlabs = Math.ceil(a.shape[0] / a.slabRows);
  const chunks: Uint8Array[] = [];
  for (let j = 0; j < nSlabs; j++) chunks.push((await readChunk(f.access, sec, j, file)).subarray(1));
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(process.argv[4] ?? 'sweeps.wasm'), { env: { abort() { throw new Error('abort'); } } });
  const w: any = instance.exports;
  const maxSize = a.slabRows * a.shape[1] * a.shape[2];
  const streamAt = 65536, stateAt = streamAt + (8 << 20), recipAt = stateAt + 4096 * 16, listAt = recipAt + 8192, geoAt = listAt + 3 * 4096 * 4, absAt = geoAt + 3 * 16384, reconAt = absAt + maxSize + 64;
  w.memory.grow(Math.ceil((reconAt + maxSize * 8) / 65536));
  let bestJs = 1e9, bestWasm = 1e9;
  const type = valueType(a.dtype);
  for (let rep = 0; rep < reps; rep++) {
    let tJs = 0, tWasm = 0;
    for (let j = 0; j < nSlabs; j++) {
      const shape = [slabRowsAt(a, j), a.shape[1], a.shape[2]];
      const size = shape[0] * shape[1] * shape[2];
      let t = cpu();
      const ref = decodeSlabSync(chunks[j], shape, g);
      tJs += cpu() - t;
      t = cpu();
      const { header, stream } = readSlab(chunks[j], type.width, size);
      const cfg: any = header.configuration;
      if (cfg.mode !== 'interpolation' || cfg.edges !== 'anchored' || header.exactCount !== 0 || header.specials) throw new Error('not the spike case');
      const layout = layoutOf(shape, cfg.layout);
      const view = layout.views[0];
      const plan = planFrom(g, layout, type, header.grids.length === 1 ? header.grids : header.grids, header.stepShrink, header.specials, header.columnModels);
      const dims = view.dims as [number, number, number], strides = view.strides;
      const levels = interpolationLevels(dims, 'anchored');
      const steps = levelSteps(plan.base.stepTolerances[0], false, levels, cfg.alpha, cfg.beta);
      new Uint8Array(w.memory.buffer, streamAt, stream.length).set(stream);
      new Uint8Array(w.memory.buffer, absAt, size).fill(0);
      new Float64Array(w.memory.buffer, reconAt, size).fill(0);
      w.init(streamAt, stream.length, stateAt, recipAt, reconAt, absAt, listAt, geoAt, strides[0], strides[1], strides[2]);
      const recon = new Float64Array(w.memory.buffer, reconAt, size);
      const absIndex = new Uint8Array(w.memory.buffer, absAt, size);
      // Corners (interpolation.ts codeCorners), no base.
      const stepC = steps[levels];
      w.codePoint(view.offset, 0, stepC, levels, 0);
      const known: number[][] = [[0], [0], [0]];
      for (const d of cfg.order) {
        const last = dims[d] - 1;
        if (last <= 0) continue;
        const [k0, k1, k2] = known.map((list, e) => (e === d ? [last] : list));
        for (const c0 of k0) for (const c1 of k1) for (const c2 of k2) {
          const i = view.offset + c0 * strides[0] + c1 * strides[1] + c2 * strides[2];
          const from = i - last * strides[d];
          w.codePoint(i, recon[from], stepC, levels, 2 * absIndex[from]);
        }
        known[d] = [0, last];
      }
      const block: any = { d: 0, s: 0, dirs: new Int32Array(3), nd: 1, previous: 0,
        before3: [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)], right1: [new Int32Array(0), new Int32Array(0), new Int32Array(0)],
        right3: [new Int32Array(0), new Int32Array(0), new Int32Array(0)], stencil: [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)],
        L0: new Int32Array(0), L1: new Int32Array(0), L2: new Int32Array(0), a0: 0, b0: 0, a1: 0, b1: 0, a2: 0, b2: 0 };
      let previous = 0;
      for (let level = levels - 1; level >= 0; level--) {
        const s = 2 ** level; const step = steps[level]; const edge = Math.max(cfg.blockSize, 4 * s);
        const axes = dims.map((n) => axisLevel(n, s));
        for (let pass = 0; pass < 3; pass++) {
          const d = cfg.order[pass];
          if (axes[d].fresh.length === 0) continue;
          const done = cfg.order.slice(0, pass).filter((e: number) => axes[e].fresh.length > 0);
          const sweeps = cfg.directions === 'all' ? subsetsBySize(done) : [undefined];
          for (const freshAxes of sweeps) {
            const lists: Int32Array[] = [];
            const dirs = [d];
            for (let e = 0; e < 3; e++) {
              if (e === d) lists[e] = axes[e].fresh;
              else if (cfg.order.indexOf(e) >= pass) lists[e] = axes[e].before;
              else if (!freshAxes) lists[e] = axes[e].done;
              else if (freshAxes.includes(e)) { lists[e] = axes[e].fresh; dirs.push(e); } else lists[e] = axes[e].before;
            }
            if (lists[0].length === 0 || lists[1].length === 0 || lists[2].length === 0) continue;
            block.d = d; block.s = s; block.L0 = lists[0]; block.L1 = lists[1]; block.L2 = lists[2];
            setSweepGeometry(block as Block, dims, 'anchored');
            for (let e = 0; e < 3; e++) {
              new Int32Array(w.memory.buffer, listAt + e * 4096 * 4, lists[e].length).set(lists[e]);
              const n = lists[e].length;
              new Uint8Array(w.memory.buffer, geoAt + e * 16384, n).set(block.before3[e].subarray(0, n));
              new Int32Array(w.memory.buffer, geoAt + e * 16384 + 1024, n).set(block.right1[e].subarray(0, n));
              new Int32Array(w.memory.buffer, geoAt + e * 16384 + 1024 + 4096, n).set(block.right3[e].subarray(0, n));
            }
            w.setLists(lists[0].length, lists[1].length, lists[2].length);
            previous = w.codeSweep(level, step, edge, d, s, dirs.length, dirs[0], dirs[1] ?? 0, dirs[2] ?? 0, previous);
          }
        }
      }
      tWasm += cpu() - t;
      if (!checksumMatches(readSlab(chunks[j], type.width, size), w.hash.value >>> 0)) throw new Error(`slab ${j}: hash ${w.hash.value >>> 0} vs ${header.hash}`);
      for (let i = 0; i < size; i++) if (!Object.is(recon[i], ref[i])) throw new Error(`slab ${j}: value ${i}: wasm ${recon[i]} vs js ${ref[i]}`);
      release(ref);
    }
    bestJs = Math.min(bestJs, tJs); bestWasm = Math.min(bestWasm, tWasm);
    console.log(`rep ${rep}: JS decodeSlabSync ${tJs.toFixed(3)} s, wasm sweeps ${tWasm.toFixed(3)} s`);
  }
  const mb = a.shape.reduce((x: number, y: number) => x * y, 1) * 4 / 1e6;
  console.log(`${file}: best JS ${bestJs.toFixed(3)} CPU-s (${(mb / bestJs).toFixed(0)} MB/s), wasm ${bestWasm.toFixed(3)} CPU-s (${(mb / bestWasm).toFixed(0)} MB/s), ${(bestJs / bestWasm).toFixed(2)}×; every value identical`);
}
main();
