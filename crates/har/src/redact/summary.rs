//! What a redaction did, counted by kind and by place, without the values: for the user to
//! check before attaching the capture to a support case.

use std::collections::BTreeMap;

/// What was redacted, by kind and by where, without the values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Entries written.
    pub entries: usize,
    /// The input was cut inside its entries (the output holds the complete ones).
    pub truncated: bool,
    /// (kind, place) -> count.
    pub counts: BTreeMap<(String, String), usize>,
}

impl Summary {
    /// How many values were replaced.
    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }

    /// Counts by kind, with the places: `cookie 9 (request.cookies 6, request.headers 3)`.
    pub fn report(&self) -> String {
        let mut by_kind: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
        for ((kind, place), n) in &self.counts {
            by_kind.entry(kind).or_default().push((place, *n));
        }
        let mut out = format!(
            "redacted {} value{} in {} entries{}\n",
            self.total(),
            if self.total() == 1 { "" } else { "s" },
            self.entries,
            if self.truncated {
                " (the input was truncated: its complete entries were kept)"
            } else {
                ""
            }
        );
        for (kind, places) in by_kind {
            let n: usize = places.iter().map(|(_, n)| n).sum();
            let places: Vec<String> = places.iter().map(|(p, n)| format!("{p} {n}")).collect();
            out += &format!("  {kind:<22} {n:>5}  ({})\n", places.join(", "));
        }
        out
    }
}
