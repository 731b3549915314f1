import assert from 'node:assert/strict';
import { childEnvironment } from '../../src/cli/restart';

describe('cli: the run again under a virtual memory limit', () => {
  it('keeps glibc to two malloc arenas (each thread\'s own arena reserves 64 MiB of the limited address space), unless the user chose', () => {
    assert.equal(childEnvironment({ PATH: '/bin' }).MALLOC_ARENA_MAX, '2');
    assert.equal(childEnvironment({ PATH: '/bin' }).PATH, '/bin');
    assert.equal(childEnvironment({ MALLOC_ARENA_MAX: '4' }).MALLOC_ARENA_MAX, '4');
  });
});
