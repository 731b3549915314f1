// ROOT files read through jsroot: the three real files of ../shared/data/root. Values are checked against facts
// that do not depend on the reader: each file's streamer-declared types, the event counts, counts summing to the
// object tables' lengths, and identities the stored columns obey (eta and phi from px, py, pz in the CMS dimuon file).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDataset } from '../../src/kernel/data/dataset';
import { createDataSink, openDataSource } from '../../src/kernel/data/formats';
import type { DataSource } from '../../src/kernel/data/source';
import { referenceFile } from './data-reference';
import { rejectsBaler } from './data-helpers';

const ZMUMU = 'root/uproot-Zmumu.root';
const HZZ = 'root/uproot-HZZ.root';
const RNTUPLE = 'root/Run2012BC_DoubleMuParked_Muons_1000evts_rntuple_v1-0-0-0.root';

async function whole(source: DataSource, p: string): Promise<{ values: number[]; names: string[]; shape: number[]; dtype: string; exact?: boolean }> {
  const a = source.arrays.find((x) => x.path === p);
  assert.ok(a, `no array ${p} (have ${source.arrays.map((x) => x.path).join(', ')})`);
  const slab = await a.readSlab(0, a.shape[0]);
  return { values: Array.from(slab.data as ArrayLike<number>, Number), names: a.names, shape: a.shape, dtype: a.dtype, exact: a.exact };
}

describe('ROOT files (jsroot)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-root-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('CMS dimuon TTree: 2,304 rows of flat branches with their declared types; eta and phi agree with px, py, pz', async () => {
    const file = referenceFile(ZMUMU);
    const source = await openDataSource(file);
    assert.deepEqual(source.arrays.map((a) => a.path), ['events/event']);
    assert.deepEqual(source.skipped, [{ path: 'events/Type', reason: 'holds strings, not numbers' }]);
    const t = await whole(source, 'events/event');
    assert.deepEqual(t.shape, [2304, 19]);
    assert.equal(t.dtype, 'float64', 'TLeafD and TLeafI columns held exactly as float64');
    const branches = (source.arrays[0].attributes!.root as { branches: { name: string; type: string }[] }).branches;
    assert.equal(branches.find((b) => b.name === 'Run')!.type, 'TLeafI');
    assert.equal(branches.find((b) => b.name === 'px1')!.type, 'TLeafD');
    const formatBytes = source.arrays[0].formatBytes!;
    assert.ok(formatBytes > 0 && formatBytes < fs.statSync(file).size, `the branches' bytes on disk (${formatBytes}) within the file`);
    const col = (name: string) => t.values.filter((_, i) => i % 19 === t.names.indexOf(name));
    const [px1, py1, pz1, eta1, phi1, q1, run] = ['px1', 'py1', 'pz1', 'eta1', 'phi1', 'Q1', 'Run'].map(col);
    // Columns read out of step would disagree by O(1); the file's rounding leaves at most a few 1e-3.
    for (let e = 0; e < 2304; e++) {
      assert.ok(Math.abs(Math.asinh(pz1[e] / Math.hypot(px1[e], py1[e])) - eta1[e]) < 5e-3, `row ${e}: eta1`);
      assert.ok(Math.abs(Math.atan2(py1[e], px1[e]) - phi1[e]) < 5e-3, `row ${e}: phi1`);
    }
    assert.ok(q1.every((q) => q === 1 || q === -1), 'charges are ±1');
    assert.ok(run.every((r) => Number.isInteger(r) && r > 140000 && r < 150000), 'CMS 2010 run numbers');
    assert.deepEqual(t.values.slice(0, 3), [148031, 10507008, 82.2018663875]);
    await source.close();
  });

  it('H→ZZ TTree: jagged branches become object tables with exact per-event counts that sum to their lengths', async () => {
    const file = referenceFile(HZZ);
    const source = await openDataSource(file);
    const paths = source.arrays.map((a) => a.path);
    for (const p of ['events/event', 'events/NJet', 'events/Jet', 'events/NMuon', 'events/Muon', 'events/NElectron', 'events/Electron', 'events/NPhoton', 'events/Photon']) {
      assert.ok(paths.includes(p), p);
    }
    for (const [counts, objects, first] of [['NJet', 'Jet', 'Jet_Px'], ['NMuon', 'Muon', 'Muon_Px'], ['NElectron', 'Electron', 'Electron_Px'], ['NPhoton', 'Photon', 'Photon_Px']]) {
      const c = await whole(source, `events/${counts}`);
      const o = await whole(source, `events/${objects}`);
      assert.equal(c.dtype, 'int32');
      assert.equal(c.exact, true);
      assert.equal(c.shape[0], 2421);
      assert.equal(c.values.reduce((a, b) => a + b, 0), o.shape[0], `${counts} sums to the ${objects} rows`);
      assert.equal(o.names[0], first);
    }
    const flat = await whole(source, 'events/event');
    assert.ok(!flat.names.includes('NJet'), 'counts are not repeated in the event table');
    const muons = await whole(source, 'events/Muon');
    const charge = muons.names.indexOf('Muon_Charge');
    const width = muons.names.length;
    assert.ok(muons.values.filter((_, i) => i % width === charge).every((q) => q === 1 || q === -1), 'muon charges ±1 (TLeafI)');
    const iso = (source.arrays.find((a) => a.path === 'events/Muon')!.attributes!.root as { counts: string }).counts;
    assert.equal(iso, 'events/NMuon');
    // A slab in the middle of the object table equals the same rows of the whole.
    const jets = await whole(source, 'events/Jet');
    const mid = await source.arrays.find((a) => a.path === 'events/Jet')!.readSlab(1000, 17);
    assert.deepEqual(Array.from(mid.data as Float32Array), jets.values.slice(1000 * 6, 1017 * 6));
    await source.close();
  });

  it('the CMS 2012 muon RNTuple: 1,000 events, counts sum to the muon table', async () => {
    const file = referenceFile(RNTUPLE);
    const source = await openDataSource(file);
    assert.deepEqual(source.arrays.map((a) => a.path), ['Events/nMuon', 'Events/Muon']);
    const counts = await whole(source, 'Events/nMuon');
    const muons = await whole(source, 'Events/Muon');
    assert.equal(counts.shape[0], 1000);
    assert.deepEqual(muons.names, ['Muon_pt', 'Muon_eta', 'Muon_phi', 'Muon_mass', 'Muon_charge']);
    assert.equal(counts.values.reduce((a, b) => a + b, 0), muons.shape[0]);
    const col = (k: number) => muons.values.filter((_, i) => i % 5 === k);
    assert.ok(col(0).every((pt) => pt > 0), 'pt > 0');
    assert.ok(col(2).every((phi) => Math.abs(phi) <= Math.PI + 1e-6), '|phi| ≤ π');
    assert.ok(col(3).every((m) => Math.abs(m - 0.1057) < 0.001), 'muon mass');
    assert.ok(col(4).every((q) => q === 1 || q === -1), 'charge ±1');
    await source.close();
  });

  it('--tree and --columns select; unknown ones are one-line errors naming the file', async () => {
    const file = referenceFile(HZZ);
    const jets = await readDataset(file, { tree: 'events', columns: ['Jet_Px', 'Jet_E'], dataset: 'events/Jet' });
    assert.deepEqual(jets.names, ['Jet_Px', 'Jet_E']);
    const met = await readDataset(file, { columns: ['MET_px', 'MET_py'] });
    assert.deepEqual(met.shape, [2421, 2]);
    await rejectsBaler(() => readDataset(file, { tree: 'nope' }), /no tree or RNTuple 'nope' in the file \(it has: events\)/, file);
    await rejectsBaler(() => readDataset(file, { columns: ['Jet_Pxx'] }), /no numeric branch 'Jet_Pxx' in 'events'/, file);
    const zmumu = referenceFile(ZMUMU);
    await rejectsBaler(() => readDataset(zmumu, { columns: ['Type'] }), /the branch 'Type' holds strings/, zmumu);
    await rejectsBaler(() => readDataset(file), /several arrays.*choose one with --dataset/, file);
  });

  it('a truncated ROOT file is a one-line error', async () => {
    const bytes = fs.readFileSync(referenceFile(HZZ));
    for (const length of [100, 5000, bytes.length - 5000]) {
      const cut = path.join(dir, `cut-${length}.root`);
      fs.writeFileSync(cut, bytes.subarray(0, length));
      await rejectsBaler(async () => {
        const source = await openDataSource(cut);
        for (const a of source.arrays) await a.readSlab(0, a.shape[0]);
      }, /ROOT|truncated|corrupted|cannot/, cut);
    }
  });

  it('ROOT goes back as HDF5, Parquet (the event table) and .npz with the event structure kept', async () => {
    const source = await openDataSource(referenceFile(HZZ));
    for (const ext of ['h5', 'npz']) {
      const out = path.join(dir, `hzz.${ext}`);
      const sink = await createDataSink(out, undefined, source.arrays, source.attributes);
      for (const [i, a] of source.arrays.entries()) await sink.writeSlab(i, await a.readSlab(0, a.shape[0]));
      await sink.finish();
      const back = await openDataSource(out);
      for (const a of source.arrays) {
        const b = back.arrays.find((x) => x.path.replace(/^\//, '') === a.path)!;
        assert.ok(b, `${ext}: ${a.path}`);
        assert.deepEqual(b.names, a.names);
        assert.deepEqual(Array.from((await b.readSlab(0, b.shape[0])).data as ArrayLike<number>), Array.from((await a.readSlab(0, a.shape[0])).data as ArrayLike<number>));
      }
      await back.close();
    }
    const parquet = path.join(dir, 'hzz-events.parquet');
    const event = source.arrays.find((a) => a.path === 'events/event')!;
    const sink = await createDataSink(parquet, undefined, [event], source.attributes);
    await sink.writeSlab(0, await event.readSlab(0, event.shape[0]));
    await sink.finish();
    assert.deepEqual((await readDataset(parquet)).names, event.names);
    await source.close();
  });
});
