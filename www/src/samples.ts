// Sample rows for a dataset preview. The API holds permissions, not data: the console makes the
// same deterministic rows for a table every time, from its column names and types, and the
// engine cuts them down to what the user may see (D4).

import type { TableDef } from "orgspace";

const VOCABULARY: Record<string, string[]> = {
  region: ["east", "west", "north", "south"],
  channel: ["online", "retail", "partner"],
  segment: ["enterprise", "smb", "consumer"],
  customer: ["Abbott", "Baxter", "Castro", "Dietrich", "Evans", "Fischer", "Garcia", "Horvat", "Ito", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura"],
};

export const SAMPLE_ROWS = 24;

export function sampleRows(table: TableDef, count = SAMPLE_ROWS): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const row: Record<string, unknown> = {};
    for (const column of table.columns) {
      const name = column.name.toLowerCase();
      if (column.type === "number") {
        row[column.name] = name === "order" || name === "id" ? 1001 + i : Math.round(((i * 7919) % 9973) / 3.7) / 10 + 10;
      } else if (column.type === "boolean") {
        row[column.name] = i % 3 !== 0;
      } else if (name === "email") {
        const who = VOCABULARY.customer[(i * 5) % VOCABULARY.customer.length];
        row[column.name] = `${who.toLowerCase()}${i}@example.com`;
      } else {
        const words = VOCABULARY[name];
        // Each column walks its list at its own pace, so the combinations vary.
        row[column.name] = words ? words[(i * (1 + name.length % 3)) % words.length] : `${column.name} ${i + 1}`;
      }
    }
    rows.push(row);
  }
  return rows;
}
