// Y-axis tick labels: exact values with no needless decimals (uPlot's default can print 0.0025
// and 0.003 both as "0.003"), and SI prefixes for large values (1.5G, 250k).

const SI: [number, string][] = [[1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];

// Each tick is printed with as many decimals as it needs to be exact (ticks are round numbers
// on a grid, so this is few), at most 12.
function fixedExact(values: number[], scale: number, suffix: string): string[] {
  let decimals = 0;
  for (const v of values) {
    const x = Math.abs(v / scale);
    while (decimals < 12 && Math.abs(Number(x.toFixed(decimals)) - x) > 1e-9 * Math.max(1, x)) {
      decimals++;
    }
  }
  return values.map((v) => (v === 0 ? '0' : `${trimZeros((v / scale).toFixed(decimals))}${suffix}`));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

export function formatTicks(values: number[]): string[] {
  const finite = values.filter((v) => Number.isFinite(v));
  const max = Math.max(0, ...finite.map((v) => Math.abs(v)));
  if (max >= 1e4) {
    for (const [scale, suffix] of SI) {
      if (max >= scale) {
        return fixedExact(values, scale, suffix);
      }
    }
  }
  if (max > 0 && max < 1e-6) return values.map((v) => (v === 0 ? '0' : v.toExponential(2)));
  return fixedExact(values, 1, '');
}
