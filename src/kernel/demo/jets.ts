// Demo data: a table of particle-physics jets shaped like the CMS jet tables the reference tool was shown
// on. Kinematics are exactly consistent (E² = p² + m²); energy fractions sum to one; multiplicities are
// integers; b-tagging depends on the true flavour; forward jets (outside the tracker) have no charged part.
import seedrandom from 'seedrandom';
import { BalerError } from '../errors';
import type { Dataset } from '../types';

export const JET_COLUMNS = [
  'pt', 'eta', 'phi', 'mass', 'energy', 'px', 'py', 'pz', 'area',
  'chargedHadronEnergyFraction', 'neutralHadronEnergyFraction', 'chargedEmEnergyFraction',
  'neutralEmEnergyFraction', 'muonEnergyFraction',
  'chargedMultiplicity', 'neutralMultiplicity', 'muonMultiplicity', 'nConstituents',
  'btagDiscriminant', 'nSecondaryVertices', 'secondaryVertexMass',
  'pileupEnergy', 'jecFactor', 'hadronFlavour',
] as const;

export interface JetOptions {
  /** Number of jets (default 100,000). */
  rows?: number;
  /** The same seed gives the same table (default 1). */
  seed?: number;
}

const PT_MIN = 20; // GeV
const PT_MAX = 4000;
const PT_POWER = 3.2; // dN/dpt ∝ pt^-(PT_POWER + 1)
const ETA_MAX = 4.7;
const TRACKER_ETA = 2.4;

type Random = () => number;

export function generateJets(opts: JetOptions = {}): Dataset {
  const rows = opts.rows ?? 100_000;
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(rows) || rows < 1 || rows > 50_000_000) {
    throw new BalerError(`jets demo: rows must be an integer from 1 to 50,000,000 (got ${rows})`);
  }
  const random = seedrandom.alea(`baler-jets-${seed}`);
  const width = JET_COLUMNS.length;
  const values = new Float64Array(rows * width);
  const row = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    generateJet(random, row);
    for (let c = 0; c < width; c++) values[r * width + c] = Math.fround(row[c]);
  }
  return { kind: 'table', shape: [rows, width], dtype: 'float32', names: [...JET_COLUMNS], values };
}

function generateJet(random: Random, out: Float64Array): void {
  const pt = fallingSpectrum(random);
  const eta = clamp(gaussian(random) * 1.9, -ETA_MAX, ETA_MAX);
  const phi = (random() * 2 - 1) * Math.PI;
  const mass = pt * clamp(0.12 + 0.05 * gaussian(random), 0.02, 0.4);
  // Derive momenta and energy from float32-rounded inputs so that the stored columns agree.
  const ptF = Math.fround(pt), etaF = Math.fround(eta), phiF = Math.fround(phi), massF = Math.fround(mass);
  const px = ptF * Math.cos(phiF);
  const py = ptF * Math.sin(phiF);
  const pz = ptF * Math.sinh(etaF);
  const momentum = ptF * Math.cosh(etaF);
  // Round the energy up so that E ≥ |p| survives the float32 cast.
  const energy = roundUpToFloat32(Math.sqrt(momentum * momentum + massF * massF));
  const area = clamp(0.5 + 0.03 * gaussian(random), 0.35, 0.65);

  const flavour = pickFlavour(random);
  const inTracker = Math.abs(eta) < TRACKER_ETA;
  const muonMult = random() < (flavour === 5 ? 0.2 : 0.02) ? 1 + poisson(random, 0.1) : 0;
  const fractions = energyFractions(random, inTracker, muonMult);

  const logPt = Math.log(pt / PT_MIN);
  const chargedMult = inTracker ? poisson(random, 6 + 4 * logPt + (flavour === 5 ? 3 : 0)) : 0;
  const neutralMult = 1 + poisson(random, (inTracker ? 4 : 8) + 3 * logPt);
  const { btag, secondaryVertices, secondaryVertexMass } = bTagging(random, inTracker, flavour, pt);

  const pileupDensity = Math.max(0, 12 + 4 * gaussian(random)); // GeV per unit area
  const jec = clamp(1 + 0.6 / Math.sqrt(pt) + 0.02 * Math.abs(eta) + 0.015 * gaussian(random), 0.9, 1.6);

  const columns = [
    ptF, etaF, phiF, massF, energy, px, py, pz, area,
    ...fractions,
    chargedMult, neutralMult, muonMult, chargedMult + neutralMult + muonMult,
    btag, secondaryVertices, secondaryVertexMass,
    pileupDensity * area, jec, flavour,
  ];
  for (let c = 0; c < columns.length; c++) out[c] = columns[c];
}

/** Power law from PT_MIN, truncated at PT_MAX (inverse-CDF sampling). */
function fallingSpectrum(random: Random): number {
  const tail = Math.pow(PT_MIN / PT_MAX, PT_POWER);
  const u = tail + (1 - tail) * (1 - random());
  return PT_MIN * Math.pow(u, -1 / PT_POWER);
}

/** True hadron flavour as in CMS: 0 light/gluon, 4 charm, 5 bottom. */
function pickFlavour(random: Random): number {
  const u = random();
  return u < 0.05 ? 5 : u < 0.12 ? 4 : 0;
}

/** Charged hadron, neutral hadron, charged EM, neutral EM and muon energy fractions, summing to 1. */
function energyFractions(random: Random, inTracker: boolean, muons: number): number[] {
  const muonFraction = muons > 0 ? Math.min(0.8, 0.06 * muons * gamma(random, 2)) : 0;
  const shapes = inTracker ? [12, 2.5, 0.6, 5] : [0, 7, 0, 6];
  const draws = shapes.map((k) => (k > 0 ? gamma(random, k) : 0));
  const total = draws.reduce((a, b) => a + b, 0) / (1 - muonFraction);
  const fractions = [...draws, 0].map((d) => Math.fround(d / total));
  fractions[4] = Math.fround(muonFraction);
  // Put the float32 rounding left-over into the largest fraction so the stored values sum to ≈1.
  const largest = fractions.indexOf(Math.max(...fractions));
  const others = fractions.reduce((a, b, i) => (i === largest ? a : a + b), 0);
  fractions[largest] = Math.max(0, 1 - others);
  return fractions;
}

function bTagging(random: Random, inTracker: boolean, flavour: number, pt: number):
  { btag: number; secondaryVertices: number; secondaryVertexMass: number } {
  if (!inTracker) return { btag: 0, secondaryVertices: 0, secondaryVertexMass: 0 };
  const [a, b] = flavour === 5 ? [5, 1.2] : flavour === 4 ? [1.8, 2.5] : [0.8, 5];
  const btag = beta(random, a, b);
  const svMean = flavour === 5 ? 1.1 : flavour === 4 ? 0.5 : 0.08 + 0.02 * Math.log(pt / PT_MIN);
  const secondaryVertices = poisson(random, svMean);
  const vertexMassScale = flavour === 5 ? 2.2 : flavour === 4 ? 1.3 : 0.7;
  const secondaryVertexMass = secondaryVertices > 0 ? gamma(random, 4) * vertexMassScale / 4 : 0;
  return { btag, secondaryVertices, secondaryVertexMass };
}

function roundUpToFloat32(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  const bits = new Float32Array([f]);
  new Uint32Array(bits.buffer)[0] += 1; // positive: the next representable value up
  return bits[0];
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function gaussian(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Marsaglia–Tsang; for shape < 1 uses the boost gamma(k) = gamma(k + 1)·U^(1/k). */
function gamma(random: Random, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = gaussian(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function beta(random: Random, a: number, b: number): number {
  const x = gamma(random, a);
  return x / (x + gamma(random, b));
}

/** Knuth's method for small means, a rounded normal approximation for large ones. */
function poisson(random: Random, mean: number): number {
  if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}
