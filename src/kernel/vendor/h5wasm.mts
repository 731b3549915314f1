// Vendor entry: h5wasm's Node build (HDF5 compiled to WebAssembly, ~6 MB of JavaScript). Loaded with import()
// on the first HDF5 or netCDF-4 file; bundled alone as dist/vendor/h5wasm.js (README.md in this folder).
import h5wasm from 'h5wasm/node';

export { h5wasm };
