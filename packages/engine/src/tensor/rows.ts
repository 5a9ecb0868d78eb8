// Row-level edits on flat [rows, width] float buffers: how image features are written over token
// embeddings (understanding, edit input) and over hidden states (the edit dual condition).
import { EngineError } from "../errors.ts";

/** Indices of every occurrence of `tokenId` in `ids`, in order. */
export function tokenPositions(ids: readonly number[], tokenId: number): number[] {
  const positions: number[] = [];
  ids.forEach((id, i) => {
    if (id === tokenId) positions.push(i);
  });
  return positions;
}

/**
 * Copies row k of `source` (k = 0..positions.length-1) over row `rowOffset + positions[k]` of
 * `target`; both are row-major with `width` floats per row.
 */
export function writeRows(
  target: Float32Array,
  width: number,
  positions: readonly number[],
  source: Float32Array,
  rowOffset = 0,
): void {
  if (source.length !== positions.length * width) {
    throw new EngineError(
      "runtime",
      `writeRows: ${positions.length} positions need ${positions.length * width} values, got ${source.length}`,
    );
  }
  const rows = target.length / width;
  positions.forEach((position, k) => {
    const row = rowOffset + position;
    if (row < 0 || row >= rows)
      throw new EngineError("runtime", `writeRows: row ${row} outside [0, ${rows})`);
    target.set(source.subarray(k * width, (k + 1) * width), row * width);
  });
}
