/**
 * The exact velocity field for data drawn from N(0, c^2) under x_s = (1 - s) x0 + s eps:
 * v(x, s) = E[eps - x0 | x_s = x] = (s - (1 - s) c^2) / ((1 - s)^2 c^2 + s^2) * x.
 * The ODE from s = 1 maps eps to exactly c * eps, which makes solver accuracy measurable.
 */
export function gaussianVelocity(x: Float32Array, s: number, c: number): Float32Array {
  const variance = (1 - s) ** 2 * c * c + s * s;
  const gain = (s - (1 - s) * c * c) / variance;
  return x.map((value) => gain * value);
}
