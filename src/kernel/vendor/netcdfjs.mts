// Vendor entry: netcdfjs (reads netCDF-3). Loaded with import() on the first netCDF-3 file; bundled alone as
// dist/vendor/netcdfjs.js (README.md in this folder).
export { NetCDFReader } from 'netcdfjs';
