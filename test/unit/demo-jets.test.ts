import { strict as assert } from 'node:assert';
import { generateJets, JET_COLUMNS } from '../../src/kernel/demo/jets';
import type { Dataset } from '../../src/kernel/types';

describe('demo: particle-physics jets', () => {
  let jets: Dataset;
  const column = (name: string) => {
    const c = jets.names.indexOf(name);
    assert.ok(c >= 0, `column ${name}`);
    return (r: number) => jets.values[r * 24 + c];
  };
  before(() => {
    jets = generateJets();
  });

  it('is a 100,000 × 24 float32 table with named columns', () => {
    assert.equal(jets.kind, 'table');
    assert.deepEqual(jets.shape, [100_000, 24]);
    assert.equal(jets.dtype, 'float32');
    assert.equal(jets.names.length, 24);
    assert.deepEqual(jets.names, [...JET_COLUMNS]);
    assert.equal(new Set(jets.names).size, 24);
    for (const v of jets.values) assert.ok(Number.isFinite(v) && v === Math.fround(v));
  });

  it('has consistent kinematics: E ≥ |p|, p = (pt cos φ, pt sin φ, pt sinh η), φ in [−π, π]', () => {
    const [pt, eta, phi, mass, energy, px, py, pz] = ['pt', 'eta', 'phi', 'mass', 'energy', 'px', 'py', 'pz'].map(column);
    for (let r = 0; r < 100_000; r++) {
      const p = Math.hypot(px(r), py(r), pz(r));
      assert.ok(energy(r) >= p * (1 - 1e-6), `row ${r}: E ${energy(r)} < |p| ${p}`);
      assert.ok(Math.abs(energy(r) ** 2 - p * p - mass(r) ** 2) <= 1e-5 * energy(r) ** 2, `row ${r}: E² = p² + m²`);
      assert.ok(Math.abs(px(r) - pt(r) * Math.cos(phi(r))) <= 1e-5 * pt(r));
      assert.ok(Math.abs(pz(r) - pt(r) * Math.sinh(eta(r))) <= 1e-5 * Math.abs(pz(r)) + 1e-4);
      assert.ok(phi(r) >= -Math.PI - 1e-6 && phi(r) <= Math.PI + 1e-6);
      assert.ok(pt(r) >= 20 && mass(r) > 0);
    }
  });

  it('has a steeply falling pt spectrum', () => {
    const pt = column('pt');
    let above40 = 0, above100 = 0, above400 = 0;
    for (let r = 0; r < 100_000; r++) {
      if (pt(r) > 40) above40++;
      if (pt(r) > 100) above100++;
      if (pt(r) > 400) above400++;
    }
    assert.ok(above40 > 5 * above100 && above100 > 5 * above400 && above400 > 0, `${above40} ${above100} ${above400}`);
  });

  it('has energy fractions in [0, 1] summing to 1, and integral multiplicities that add up', () => {
    const fractions = ['chargedHadronEnergyFraction', 'neutralHadronEnergyFraction', 'chargedEmEnergyFraction', 'neutralEmEnergyFraction', 'muonEnergyFraction'].map(column);
    const [charged, neutral, muons, constituents, vertices, flavour] =
      ['chargedMultiplicity', 'neutralMultiplicity', 'muonMultiplicity', 'nConstituents', 'nSecondaryVertices', 'hadronFlavour'].map(column);
    for (let r = 0; r < 100_000; r++) {
      let sum = 0;
      for (const f of fractions) {
        assert.ok(f(r) >= 0 && f(r) <= 1, `row ${r}: fraction ${f(r)}`);
        sum += f(r);
      }
      assert.ok(Math.abs(sum - 1) < 1e-5, `row ${r}: fractions sum to ${sum}`);
      for (const n of [charged, neutral, muons, constituents, vertices, flavour]) assert.ok(Number.isInteger(n(r)) && n(r) >= 0);
      assert.equal(constituents(r), charged(r) + neutral(r) + muons(r));
      assert.ok([0, 4, 5].includes(flavour(r)));
    }
  });

  it('correlates b-tagging with the true flavour and multiplicity with pt', () => {
    const [btag, flavour, pt, constituents] = ['btagDiscriminant', 'hadronFlavour', 'pt', 'nConstituents'].map(column);
    const mean = (pick: (r: number) => boolean, f: (r: number) => number) => {
      let s = 0, n = 0;
      for (let r = 0; r < 100_000; r++) if (pick(r)) { s += f(r); n++; }
      return s / n;
    };
    assert.ok(mean((r) => flavour(r) === 5, btag) > 2 * mean((r) => flavour(r) === 0, btag));
    assert.ok(mean((r) => pt(r) > 100, constituents) > mean((r) => pt(r) < 30, constituents) + 5);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateJets({ rows: 500, seed: 3 });
    assert.deepEqual(a.values, generateJets({ rows: 500, seed: 3 }).values);
    assert.notDeepEqual(a.values, generateJets({ rows: 500, seed: 4 }).values);
    assert.deepEqual(a.shape, [500, 24]);
  });
});
