//! Which workspace parts the writer keeps in memory between calls (issue 13: the writer holds
//! what a command needs, not the whole organization). Plain Rust, tested natively; the Durable
//! Object (`edge/writer/partial.rs`) loads and drops parts as this says.
//!
//! The measure is the bytes of a part's stored JSON text: known without building anything, and
//! proportional to what the part costs in the engine (the benchmark's 100k-asset part: 15 MB of
//! text, about 90 MB of WebAssembly memory while it is parsed and loaded, `bench/README.md`).

/// The default budget: 8 MiB of part text held besides what a call needs. A part larger than
/// the budget is loaded for the call that needs it and dropped after it.
pub const DEFAULT_BUDGET: usize = 8 << 20;

/// The default cap on the stored part bytes one answer that reads many parts (a member's whole
/// view, `GET /snapshot`; an access diff) may have the writer hold: 8 MiB, past the largest part
/// of the full benchmark organization (`ws000`, 4.5 MB in the binary encoding, about 25 MB in
/// the tables) with room for a member's other parts, so that the answer stays near 64 MB with
/// the org part and the index; an org admin's whole view of that organization reads every part
/// and is refused (413, `docs/api.md`).
pub const DEFAULT_LOAD_CAP: usize = 8 << 20;

/// The parts held, least recently used first, each with its text's bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Held {
    parts: Vec<(String, usize)>,
}

impl Held {
    /// Whether `ws` is held.
    #[must_use]
    pub fn holds(&self, ws: &str) -> bool {
        self.parts.iter().any(|(w, _)| w == ws)
    }

    /// The bytes of `ws`'s text, 0 when it is not held.
    #[must_use]
    pub fn bytes_of(&self, ws: &str) -> usize {
        self.parts
            .iter()
            .find(|(w, _)| w == ws)
            .map_or(0, |(_, b)| *b)
    }

    /// The bytes held in all.
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.parts.iter().map(|(_, b)| b).sum()
    }

    /// The ids held, least recently used first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|(w, _)| w.as_str())
    }

    /// Marks `ws` as just used (with its bytes now), held from now on.
    pub fn touch(&mut self, ws: &str, bytes: usize) {
        self.parts.retain(|(w, _)| w != ws);
        self.parts.push((ws.to_string(), bytes));
    }

    /// Forgets `ws` (a deleted workspace).
    pub fn forget(&mut self, ws: &str) {
        self.parts.retain(|(w, _)| w != ws);
    }

    /// The held parts to keep when `wanted` (bytes in all) must be loaded beside them: the most
    /// recently used that fit in `budget` with it, oldest first. Everything else is dropped.
    #[must_use]
    pub fn keep(&self, wanted: usize, budget: usize) -> Vec<(String, usize)> {
        let mut left = budget.saturating_sub(wanted);
        let mut out = Vec::new();
        for (ws, bytes) in self.parts.iter().rev() {
            if *bytes > left {
                break;
            }
            left -= bytes;
            out.push((ws.clone(), *bytes));
        }
        out.reverse();
        out
    }

    /// Replaces what is held.
    pub fn set(&mut self, parts: Vec<(String, usize)>) {
        self.parts = parts;
    }
}

#[cfg(test)]
#[path = "part_cache_tests.rs"]
mod tests;
