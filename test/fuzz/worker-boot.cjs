// Starts the TypeScript fuzzing worker (worker threads load plain JavaScript; tsx compiles the rest).
require('tsx/cjs');
require('./worker.ts');
