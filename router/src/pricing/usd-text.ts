/**
 * A USD amount as a plain decimal for a header (`0.0000019444`): ten decimals are a
 * hundred-millionth of a cent, below any price per token; never exponent notation, which
 * `String(1.9e-7)` would give and some header parsers misread.
 */
export function usdText(usd: number): string {
  return usd.toFixed(10).replace(/0+$/, "").replace(/\.$/, "");
}
