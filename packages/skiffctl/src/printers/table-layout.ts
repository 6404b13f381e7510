// Aligned text columns as kubectl's tabwriter lays them out: left-aligned, three spaces apart, the
// last column unpadded.

const GAP = 3;

export interface Layout {
  text: string;
  widths: number[];
}

/** Lays out rows; `minWidths` keeps later rows (watch) aligned with an earlier table. */
export function layoutRows(rows: readonly (readonly string[])[], minWidths: readonly number[] = []): Layout {
  const widths: number[] = [...minWidths];
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const text = rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + GAP)))
        .join('')
        .trimEnd(),
    )
    .map((l) => `${l}\n`)
    .join('');
  return { text, widths };
}
