// The error-bound grammar as a regular expression, for the places that cannot call parseErrorBound
// (src/kernel/eb/bound.ts, the grammar itself): the `baler.errorBound` setting and the project config's
// JSON schema. A test checks this pattern against parseErrorBound and against package.json and the schema.
//
// Every text this pattern accepts parseErrorBound accepts too, with two exceptions it cannot see: an exponent
// so large the number overflows (abs:1e999), and pw-rel values written as N e-K that still reach 1
// (pw-rel:50e-1); parseErrorBound names the problem for those. It leaves out forms parseErrorBound also takes
// but nobody writes (hexadecimal, -0).

const NUMBER = '\\+?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?';
/** Written so the value is below 1: 0.x, .x or 0, with an optional negative exponent; or N e-K. */
const BELOW_ONE = '\\+?(?:(?:0*\\.[0-9]+|0+(?:\\.[0-9]*)?)(?:[eE]-[0-9]+)?|[0-9]+(?:\\.[0-9]*)?[eE]-[0-9]+)';

export const ERROR_BOUND_PATTERN = `^\\s*(?:(?:abs|rel)\\s*:\\s*${NUMBER}|pw-rel\\s*:\\s*${BELOW_ONE})\\s*$`;

/** The setting may also be empty (no error bound). */
export const ERROR_BOUND_SETTING_PATTERN = `^$|${ERROR_BOUND_PATTERN}`;
