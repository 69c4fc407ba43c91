// A private workspace of 100,000 assets for the console's Chromium test: the benchmark's
// organization (bench/workload.js: 1,000 members, 50 groups) with a folder tree added, and the
// view its org admin (who sees every asset) gets from `GET /snapshot`. The test serves that
// view to the page, which loads it through its real path (sign-in, `Api.view`,
// Engine.fromSnapshot, the workspace page). Not through `wrangler dev`: after a chunked import
// of this organization the local worker answered nothing for minutes (the edge at this scale
// is issue 13's).

import { generate } from "../../bench/workload.js";

export const LARGE_ORG = "bench";
export const LARGE_WS = "bench";
/** The org admin and workspace admin: sees every asset. */
export const LARGE_ADMIN = "u0000";

/** The organization: the benchmark's, with 100 folders of 9 subfolders each holding 9 in 10 assets. */
export function largeSnapshot(assets = 100_000) {
  const w = generate({ assets });
  const part = w.snapshot.workspaces.find((p) => p.id === LARGE_WS);
  const folders = [];
  for (let t = 0; t < 100; t++) {
    const top = `f${String(t).padStart(3, "0")}`;
    folders.push({ id: top, name: `Folder ${t}`, created_by: LARGE_ADMIN });
    for (let c = 1; c <= 9; c++) folders.push({ id: `${top}-${c}`, name: `Sub ${t}.${c}`, parent: top, created_by: LARGE_ADMIN });
  }
  folders.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  part.folders = folders;
  part.assets.forEach((a, n) => {
    if (n % 10 === 0) return; // a tenth at the top level
    const t = n % 100;
    const c = 1 + (Math.floor(n / 100) % 9);
    a.folder = `f${String(t).padStart(3, "0")}-${c}`;
  });
  return w.snapshot;
}

/** The view `GET /snapshot` answers an org admin (snapshot/view.rs: org admins get the whole
 * snapshot, without the audit log, with `view_of`), as JSON text. */
export function adminView(snapshot) {
  return JSON.stringify({ ...snapshot, view_of: LARGE_ADMIN });
}
