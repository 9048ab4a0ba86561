/** Number formats shared by findings, the terminal tables and the markdown report. */
export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
/** A rate or count: two decimals below 10, one below 100, none above (`4.82`, `91.5`, `4,317`). */
export const rate = (x: number) => fmt(x, x < 10 ? 2 : x < 100 ? 1 : 0);
export const pct = (ratio: number, digits = 0) => `${(ratio * 100).toFixed(digits)} %`;
/** `$1,234` for large amounts, `$12.34` for small ones. */
export const usd = (n: number) => (Math.abs(n) >= 100 ? `$${fmt(Math.round(n))}` : `$${n.toFixed(2)}`);
