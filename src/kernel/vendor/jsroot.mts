// Vendor entry: the parts of jsroot that read ROOT files (with its zstd and other decompressors, ~6 MB).
// Loaded with import() on the first .root file; bundled alone as dist/vendor/jsroot.js (README.md in this folder).
export * as io from 'jsroot/io';
export * as tree from 'jsroot/tree';
export * as rntuple from 'jsroot/rntuple';
