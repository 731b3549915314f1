// The typed headers of .balermodel files: an autoencoder's (architecture, normalisation, weight precisions and
// training history; sections 'decoder' and optionally 'encoder') and a learned predictor's (its family and a
// line saying what it is; section 'decoder' holds the model blob). Each writer sits beside its reader.
import type { Architecture, Normalisation, TrainHistory } from '../types';
import type { WeightPrecision } from './weights';
import type { ByteReader, ByteWriter } from './bytes';
import { sampleValues } from '../model/patches';
import {
  LEARNED_FAMILY_NAMES, STOP_REASONS, WEIGHT_PRECISIONS,
  readArchitecture, readNormalisation, writeArchitecture, writeNormalisation, type LearnedFamilyName,
} from './header-fields';

/** What a .balermodel file holds (sections 'decoder' and optionally 'encoder'). */
export interface ModelHeader {
  kind: 'model';
  createdBy: string;
  architecture: Architecture;
  normalisation: Normalisation;
  decoderPrecision: WeightPrecision;
  encoderPrecision?: WeightPrecision;
  history?: Omit<TrainHistory, 'seconds'>;
}

/** What a .balermodel holding a learned predictor holds (section 'decoder': the model blob). */
export interface PredictorHeader {
  kind: 'predictor';
  createdBy: string;
  family: LearnedFamilyName;
  /** One line saying what the model is and what it was trained on. */
  description: string;
}

// ------------------------------------------------------------------------------------------ autoencoder

/** The model header's fields after the common start (layout, kind, createdBy: header.ts). */
export function writeModel(w: ByteWriter, h: ModelHeader): void {
  writeArchitecture(w, h.architecture);
  writeNormalisation(w, h.normalisation);
  w.u8(WEIGHT_PRECISIONS.indexOf(h.decoderPrecision));
  w.bool(h.encoderPrecision !== undefined);
  if (h.encoderPrecision) w.u8(WEIGHT_PRECISIONS.indexOf(h.encoderPrecision));
  w.bool(h.history !== undefined);
  if (h.history) {
    const hist = h.history;
    w.varuint(hist.epochs);
    for (const series of [hist.loss, hist.valLoss, hist.learningRate]) {
      w.varuint(series.length);
      for (const v of series) w.f32(v);
    }
    w.u8(STOP_REASONS.indexOf(hist.stoppedBecause));
    w.str(hist.backend);
  }
}

export function readModel(r: ByteReader, createdBy: string): ModelHeader {
  const architecture = readArchitecture(r);
  const normalisation = readNormalisation(r);
  const groups = normalisation.min.length;
  const inputs = sampleValues(architecture);
  if (normalisation.kind === 'minmax' && groups !== 1 && groups !== inputs) r.fail(`normalisation has ${groups} entries for ${inputs} inputs`);
  const decoderPrecision = r.choice('decoder precision', WEIGHT_PRECISIONS);
  const encoderPrecision = r.bool('encoder flag') ? r.choice('encoder precision', WEIGHT_PRECISIONS) : undefined;
  let history: ModelHeader['history'];
  if (r.bool('history flag')) {
    const epochs = r.varuint('epochs');
    const [loss, valLoss, learningRate] = ['loss', 'validation loss', 'learning rate'].map((f) =>
      Array.from({ length: r.count(`${f} count`, 4) }, () => r.f32(f)));
    history = { epochs, loss, valLoss, learningRate, stoppedBecause: r.choice('stop reason', STOP_REASONS), backend: r.str('backend', 64) };
  }
  return { kind: 'model', createdBy, architecture, normalisation, decoderPrecision, ...(encoderPrecision ? { encoderPrecision } : {}), ...(history ? { history } : {}) };
}

// ------------------------------------------------------------------------------------------ learned predictor

/** The predictor header's fields after the common start. */
export function writePredictor(w: ByteWriter, h: PredictorHeader): void {
  w.u8(LEARNED_FAMILY_NAMES.indexOf(h.family));
  w.str(h.description);
}

export function readPredictor(r: ByteReader, createdBy: string): PredictorHeader {
  return { kind: 'predictor', createdBy, family: r.choice('learned family', LEARNED_FAMILY_NAMES), description: r.str('description', 4096) };
}
