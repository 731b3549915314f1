/// <reference path="./jsroot.d.ts" />
// ROOT files (TTree and RNTuple) with jsroot, the ROOT team's JavaScript I/O. A tree becomes:
// - one table of its flat numeric branches (path 'TREE/event', one row per event);
// - per collection of jagged branches (Jet_Px, Jet_Py… counted by NJet), one table of objects (path 'TREE/Jet', one
//   row per jet) and the per-event counts (path 'TREE/NJet', int32, exact), so that the event structure comes back.
// Slabs are read with jsroot's tree processing over the events they cover (it reads only the baskets/pages needed).
import * as path from 'node:path';
import { BalerError } from '../errors';
import type { DType, NdArray } from '../types';
import { checkBudget } from './budget';
import { checkSlab } from './npy-file';
import type { ArraySource, DataSource, SourceSelection } from './source';
import { allocate, commonDtype, integerColumnsOf } from './typed';

interface Column {
  name: string;
  dtype: DType;
  /** The name the tree processing reads it by. */
  read: string;
  /** Compressed bytes on disk (TTree baskets, RNTuple pages). */
  zipBytes?: number;
  type: string;
}

interface Collection {
  /** Object name ('Jet'), the counts' name ('NJet'). */
  name: string;
  countsName: string;
  columns: Column[];
}

/** A tree or RNTuple, as columns and a way to process a range of its entries. */
interface TreeModel {
  name: string;
  kind: 'TTree' | 'RNTuple';
  entries: number;
  flat: Column[];
  collections: Collection[];
  skipped: { path: string; reason: string }[];
  process(read: string[], first: number, count: number, onEntry: (values: Record<string, unknown>) => void): Promise<void>;
}

type Jsroot = typeof import('../vendor/jsroot.mjs');
let jsrootModules: Promise<Jsroot> | undefined;
function jsroot(): Promise<Jsroot> {
  jsrootModules ??= import('../vendor/jsroot.mjs');
  return jsrootModules;
}

const LEAF_TYPES: Record<string, [DType, DType?]> = {
  TLeafF: ['float32'], TLeafD: ['float64'], TLeafF16: ['float32'], TLeafD32: ['float64'], TLeafO: ['bool'],
  TLeafB: ['int8', 'uint8'], TLeafS: ['int16', 'uint16'], TLeafI: ['int32', 'uint32'], TLeafL: ['int64', 'uint64'], TLeafG: ['int64', 'uint64'],
};
const FIELD_TYPES: Record<string, DType> = {
  float: 'float32', double: 'float64', bool: 'bool', 'std::int8_t': 'int8', 'std::uint8_t': 'uint8', 'std::int16_t': 'int16',
  'std::uint16_t': 'uint16', 'std::int32_t': 'int32', 'std::uint32_t': 'uint32', 'std::int64_t': 'int64', 'std::uint64_t': 'uint64',
  char: 'int8', 'std::byte': 'uint8', 'Double32_t': 'float64', 'Float16_t': 'float32',
};
const TREE_CLASSES = new Set(['TTree', 'TNtuple', 'TNtupleD']);
const RNTUPLE_CLASSES = new Set(['ROOT::RNTuple', 'ROOT::Experimental::RNTuple']);

export async function openRoot(file: string, selection: SourceSelection, budget: number): Promise<DataSource> {
  const { io } = await jsroot();
  let rootFile: Awaited<ReturnType<typeof io.openFile>>;
  try {
    rootFile = await quietly(() => io.openFile(path.resolve(file)));
  } catch (err) {
    throw new BalerError(`not a ROOT file, or a truncated one (${messageOf(err)})`, file);
  }
  if (!rootFile) throw new BalerError('not a ROOT file, or a truncated one', file);
  const keys = latestCycles(rootFile.fKeys).filter((k) => TREE_CLASSES.has(k.fClassName) || RNTUPLE_CLASSES.has(k.fClassName));
  const names = keys.map((k) => k.fName);
  if (selection.tree !== undefined && !names.includes(selection.tree)) {
    throw new BalerError(`no tree or RNTuple '${selection.tree}' in the file (${names.length ? `it has: ${names.join(', ')}` : 'it has none'})`, file);
  }
  if (keys.length === 0) throw new BalerError('the ROOT file holds no TTree or RNTuple', file);
  const arrays: ArraySource[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const key of keys.filter((k) => selection.tree === undefined || k.fName === selection.tree)) {
    let model: TreeModel;
    try {
      const object = await quietly(() => rootFile.readObject(`${key.fName};${key.fCycle}`));
      model = RNTUPLE_CLASSES.has(key.fClassName) ? await rntupleModel(object, key.fName) : treeModel(object, key.fName, await jsroot());
    } catch (err) {
      if (err instanceof BalerError) throw err.naming(file, 'EBALER');
      throw new BalerError(`cannot read the ${key.fClassName} '${key.fName}' (${messageOf(err)}): truncated or corrupted file?`, file);
    }
    const selected = selectColumns(model, selection.columns, file);
    arrays.push(...await arraysOf(selected, file, budget));
    skipped.push(...model.skipped);
  }
  return { file, format: 'root', arrays, skipped, attributes: { root: { trees: names } }, close: async () => undefined };
}

/**
 * Runs jsroot work with its console messages held back (it prints stack traces for damaged files, which the
 * one-line error replaces).
 */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, error: console.error, warn: console.warn };
  console.log = console.error = console.warn = () => undefined;
  try {
    return await work();
  } finally {
    Object.assign(console, saved);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function latestCycles<K extends { fName: string; fCycle: number }>(keys: K[]): K[] {
  const best = new Map<string, K>();
  for (const k of keys) if (!best.has(k.fName) || best.get(k.fName)!.fCycle < k.fCycle) best.set(k.fName, k);
  return [...best.values()];
}

/** Keeps the selected columns (all numeric ones by default); an unknown or non-numeric name is an error. */
function selectColumns(model: TreeModel, columns: string[] | undefined, file: string): TreeModel {
  if (!columns) return model;
  const all = [...model.flat.map((c) => c.name), ...model.collections.flatMap((c) => [c.countsName, ...c.columns.map((x) => x.name)])];
  for (const name of columns) {
    if (all.includes(name)) continue;
    const skip = model.skipped.find((s) => s.path === `${model.name}/${name}`);
    throw new BalerError(skip ? `the branch '${name}' ${skip.reason}` : `no numeric branch '${name}' in '${model.name}' (branches: ${all.join(', ')})`, file);
  }
  const keep = new Set(columns);
  const collections = model.collections
    .map((c) => ({ ...c, columns: c.columns.filter((x) => keep.has(x.name)) }))
    .filter((c) => c.columns.length > 0);
  const countNames = new Set(collections.map((c) => c.countsName));
  return { ...model, collections, flat: model.flat.filter((c) => keep.has(c.name) && !countNames.has(c.name)) };
}

async function arraysOf(model: TreeModel, file: string, budget: number): Promise<ArraySource[]> {
  const arrays: ArraySource[] = [];
  const base = { tree: model.name, treeKind: model.kind };
  if (model.flat.length > 0) {
    const dtype = commonDtype(model.flat.map((c) => c.dtype));
    const width = model.flat.length;
    arrays.push({
      path: `${model.name}/event`, dtype, shape: [model.entries, width], kind: 'table', names: model.flat.map((c) => c.name),
      integerColumns: integerColumnsOf(model.flat.map((c) => c.dtype)),
      attributes: { root: { ...base, branches: model.flat.map(branchInfo) } }, formatBytes: formatBytes(model.flat),
      async readSlab(start, count): Promise<NdArray> {
        checkSlab([model.entries, width], start, count, file);
        checkBudget(count * width * 16, budget, `a slab of ${count} events`, file);
        const out = allocate(dtype, count * width);
        let row = 0;
        await processOrFail(model, model.flat.map((c) => c.read), start, count, file, (values) => {
          model.flat.forEach((c, j) => { out[row * width + j] = cast(values[c.read], dtype) as never; });
          row++;
        });
        return { dtype, shape: [count, width], data: out };
      },
    });
  }
  for (const collection of model.collections) arrays.push(...await collectionArrays(model, collection, file, budget, base));
  return arrays;
}

function branchInfo(c: Column): Record<string, unknown> {
  return { name: c.name, type: c.type, dtype: c.dtype };
}

/** The branches' compressed bytes on disk, when ROOT says for every one. */
function formatBytes(columns: Column[]): number | undefined {
  return columns.every((c) => c.zipBytes !== undefined) ? columns.reduce((sum, c) => sum + c.zipBytes!, 0) : undefined;
}

/**
 * The counts of a collection (int32, exact) and its objects, read through the counts' running sum. The counts are
 * read here (4 bytes per event): the number of objects is the object table's shape.
 */
async function collectionArrays(model: TreeModel, collection: Collection, file: string, budget: number, base: Record<string, unknown>): Promise<ArraySource[]> {
  let offsets: Float64Array | undefined;
  let counts: Int32Array | undefined;
  const countsPath = `${model.name}/${collection.countsName}`;
  const objectsPath = `${model.name}/${collection.name}`;
  const loadCounts = async (): Promise<void> => {
    if (counts) return;
    checkBudget(model.entries * 12, budget, `the counts of '${objectsPath}'`, file);
    const c = new Int32Array(model.entries);
    let e = 0;
    const first = collection.columns[0].read;
    await processOrFail(model, [first], 0, model.entries, file, (values) => { c[e++] = lengthOf(values[first]); });
    const o = new Float64Array(model.entries + 1);
    for (let i = 0; i < model.entries; i++) o[i + 1] = o[i] + c[i];
    counts = c;
    offsets = o;
  };
  await loadCounts();
  const objects = offsets![model.entries];
  const dtype = commonDtype(collection.columns.map((c) => c.dtype));
  const width = collection.columns.length;
  const countsArray: ArraySource = {
    path: countsPath, dtype: 'int32', shape: [model.entries], kind: 'table', names: [collection.countsName], exact: true,
    attributes: { root: { ...base, countsOf: objectsPath } },
    async readSlab(start, count) {
      checkSlab([model.entries], start, count, file);
      return { dtype: 'int32', shape: [count], data: counts!.slice(start, start + count) };
    },
  };
  const objectsArray: ArraySource = {
    path: objectsPath, dtype, shape: [objects, width], kind: 'table', names: collection.columns.map((c) => c.name),
    integerColumns: integerColumnsOf(collection.columns.map((c) => c.dtype)),
    attributes: { root: { ...base, counts: countsPath, branches: collection.columns.map(branchInfo) } }, formatBytes: formatBytes(collection.columns),
    async readSlab(start, count): Promise<NdArray> {
      checkSlab([objects, width], start, count, file);
      checkBudget(count * width * 16, budget, `a slab of ${count} objects of '${objectsPath}'`, file);
      const out = allocate(dtype, count * width);
      if (count === 0) return { dtype, shape: [0, width], data: out };
      const o = offsets!;
      const firstEvent = upperBound(o, start) - 1;
      const endEvent = Math.min(model.entries, lowerBound(o, start + count));
      let index = o[firstEvent];
      await processOrFail(model, collection.columns.map((c) => c.read), firstEvent, endEvent - firstEvent, file, (values) => {
        const n = lengthOf(values[collection.columns[0].read]);
        for (let k = 0; k < n; k++, index++) {
          if (index < start || index >= start + count) continue;
          const row = index - start;
          collection.columns.forEach((c, j) => {
            const v = (values[c.read] as ArrayLike<unknown>)[k];
            out[row * width + j] = cast(v, dtype) as never;
          });
        }
      });
      return { dtype, shape: [count, width], data: out };
    },
  };
  return [countsArray, objectsArray];
}

function upperBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] <= value) lo = mid + 1; else hi = mid; }
  return lo;
}

function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] < value) lo = mid + 1; else hi = mid; }
  return lo;
}

function lengthOf(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const length = (value as ArrayLike<unknown>).length;
  if (typeof length === 'number') return length;
  return Object.keys(value as object).length;
}

function cast(value: unknown, dtype: DType): number | bigint {
  if (dtype === 'int64' || dtype === 'uint64') return typeof value === 'bigint' ? value : BigInt(Math.round(Number(value)));
  if (typeof value === 'boolean') return value ? 1 : 0;
  return Number(value);
}

async function processOrFail(model: TreeModel, read: string[], first: number, count: number, file: string, onEntry: (v: Record<string, unknown>) => void): Promise<void> {
  if (count === 0) return;
  let seen = 0;
  try {
    await quietly(() => model.process(read, first, count, (values) => { seen++; onEntry(values); }));
  } catch (err) {
    if (err instanceof BalerError) throw err;
    throw new BalerError(`cannot read '${model.name}' (entries ${first}…${first + count}): ${messageOf(err)}; truncated or corrupted file?`, file);
  }
  if (seen !== count) throw new BalerError(`cannot read '${model.name}': ${seen} of entries ${first}…${first + count} came back (truncated or corrupted file?)`, file);
}

// ------------------------------------------------------------------------------------------------ TTree

function treeModel(tree: any, name: string, js: Jsroot): TreeModel {
  const flat: Column[] = [];
  const jagged = new Map<string, Column[]>();
  const skipped: { path: string; reason: string }[] = [];
  for (const branch of tree.fBranches?.arr ?? []) {
    const bname: string = branch.fName;
    const leaves = branch.fLeaves?.arr ?? [];
    if ((branch.fBranches?.arr?.length ?? 0) > 0 || leaves.length !== 1) {
      skipped.push({ path: `${name}/${bname}`, reason: 'is an object branch (split classes are not read)' });
      continue;
    }
    const leaf = leaves[0];
    const types = LEAF_TYPES[leaf._typename];
    if (!types) {
      skipped.push({ path: `${name}/${bname}`, reason: leaf._typename === 'TLeafC' ? 'holds strings, not numbers' : `is a ${leaf._typename} branch, not numbers` });
      continue;
    }
    const dtype = leaf.fIsUnsigned && types[1] ? types[1] : types[0];
    const column: Column = { name: bname, dtype, read: bname, zipBytes: branch.fZipBytes, type: leaf._typename };
    if (leaf.fLeafCount) {
      const countName: string = leaf.fLeafCount.fName;
      jagged.set(countName, [...(jagged.get(countName) ?? []), column]);
    } else if ((leaf.fLen ?? 1) > 1) {
      skipped.push({ path: `${name}/${bname}`, reason: `is a fixed-size array branch (${leaf.fLen} values per event), not read` });
    } else {
      flat.push(column);
    }
  }
  const collections = [...jagged].map(([countsName, columns]) => ({ name: collectionName(countsName, columns), countsName, columns }));
  const countNames = new Set(collections.map((c) => c.countsName));
  return {
    name, kind: 'TTree', entries: Number(tree.fEntries), flat: flat.filter((c) => !countNames.has(c.name)), collections, skipped,
    async process(read, first, count, onEntry) {
      const selector = new js.tree.TSelector();
      for (const b of read) selector.addBranch(b);
      selector.Process = function process(this: { tgtobj: Record<string, unknown> }) { onEntry(this.tgtobj); };
      await js.tree.treeProcess(tree, selector, { firstentry: first, numentries: count });
    },
  };
}

/** 'Jet' for Jet_Px, Jet_Py… (their common prefix before '_'), else the counts' name without a leading n/N. */
function collectionName(countsName: string, columns: Column[]): string {
  const prefixes = new Set(columns.map((c) => c.name.split('_')[0]));
  if (prefixes.size === 1 && columns[0].name.includes('_')) return [...prefixes][0];
  return countsName.replace(/^[nN](?=[A-Z_])/, '').replace(/^_/, '') || `${countsName}_objects`;
}

// ---------------------------------------------------------------------------------------------- RNTuple

/**
 * RNTuple fields through jsroot's reader. jsroot 7.11 finds fields by name (the first match, which may be a nested
 * field of the same name) and reads as collections only fields typed std::vector. The model below therefore gives
 * every field it reads a name of its own and presents each leaf of a collection (RVec, vector or an untyped
 * collection of records) as a std::vector of that leaf over the collection's offsets: the same pages, read by
 * jsroot's own column readers.
 */
async function rntupleModel(tuple: any, name: string): Promise<TreeModel> {
  const js = await jsroot();
  const builder = await js.rntuple.readHeaderFooter(tuple);
  if (!builder) throw new BalerError(`cannot read the header of the RNTuple '${name}'`);
  const fields: any[] = builder.fieldDescriptors;
  const findColumns = builder.findColumns.bind(builder);
  const findChildFields = builder.findChildFields.bind(builder);
  const findField = builder.findField.bind(builder);
  const aliases = new Map<string, any>();
  builder.findField = (n: string) => aliases.get(n) ?? findField(n);
  builder.findColumns = (f: any) => (f?.baler ? findColumns(f.baler.collection) : findColumns(f));
  builder.findChildFields = (f: any) => (f?.baler ? [f.baler.leaf] : findChildFields(f));
  // Bytes on disk of a field's pages (compressed), over every cluster.
  const pageBytes = (f: any): number => findColumns(f).reduce((sum: number, col: any) => sum + builder.pageLocations.reduce(
    (s: number, cluster: any[]) => s + (cluster[col.index]?.pages ?? []).reduce((p: number, page: any) => p + Number(page.locator?.size ?? 0), 0), 0), 0);
  const leafType = (f: any): DType | undefined => (findColumns(f).length === 1 && (f.structRole ?? 0) === 0 ? FIELD_TYPES[f.typeName] : undefined);
  const flat: Column[] = [];
  const collections: Collection[] = [];
  const skipped: { path: string; reason: string }[] = [];
  fields.forEach((f, index) => {
    if (f.parentFieldId !== index) return; // not top-level
    const own = findColumns(f);
    if (own.length === 0) return; // projected fields and cardinalities are views of collections read below
    const dtype = leafType(f);
    if (dtype) {
      const read = `__baler_${f.fieldName}`;
      aliases.set(read, f);
      flat.push({ name: f.fieldName, dtype, read, type: f.typeName, zipBytes: pageBytes(f) });
      return;
    }
    const children = findChildFields(f);
    let leaves: any[] = [];
    if (f.structRole === 1 && children.length === 1 && leafType(children[0])) leaves = [{ ...children[0], fieldName: f.fieldName, original: children[0] }];
    else if (f.structRole === 1 && children.length === 1 && children[0].structRole === 2) leaves = findChildFields(children[0]).filter((c: any) => leafType(c)).map((c: any) => ({ ...c, original: c }));
    if (leaves.length === 0) {
      skipped.push({ path: `${name}/${f.fieldName}`, reason: `is a ${f.typeName || 'nested'} field, not numbers or a collection of numbers` });
      return;
    }
    const columns = leaves.map((leaf) => {
      const read = `__baler_${f.fieldName}__${leaf.fieldName}`;
      aliases.set(read, { fieldName: read, typeName: `std::vector<${leaf.typeName}>`, structRole: 1, baler: { collection: f, leaf: leaf.original } });
      return { name: leaf.fieldName, dtype: leafType(leaf.original)!, read, type: leaf.typeName, zipBytes: pageBytes(leaf.original) };
    });
    const objectName = collectionName(`n${f.fieldName}`, columns);
    collections.push({ name: objectName, countsName: `n${objectName}`, columns });
  });
  let entries = 0;
  for (const summary of builder.clusterSummaries) entries += Number(summary.numEntries);
  return {
    name, kind: 'RNTuple', entries, flat, collections, skipped,
    async process(read, first, count, onEntry) {
      const selector = new js.tree.TSelector();
      for (const r of read) selector.addBranch(r);
      selector.Process = function process(this: { tgtobj: Record<string, unknown> }) { onEntry(this.tgtobj); };
      await js.rntuple.rntupleProcess(tuple, selector, { firstentry: first, numentries: count });
    },
  };
}

