/** Sample mean and variance, for distribution checks in tests. */
export function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / values.length;
  return { mean, variance: sumSq / values.length - mean * mean };
}
