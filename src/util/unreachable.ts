/** Compile-time exhaustiveness check for switches over discriminated unions. */
export function unreachable(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
