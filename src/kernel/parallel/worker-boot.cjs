// Starts the slab worker from the TypeScript sources (tests run the engine unbundled; tsx compiles it).
require('tsx/cjs');
require('./worker.ts');
