//! Shards: one run of many that each process a share of the applicants (`run --shard K/N`),
//! and what each records in its `run.json` so that `merge` can join them into one run.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Which share of an intake's applicants a run processes: the folders whose place in the
/// intake's order (counted from 0) leaves `index` when divided by `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, from 0 to `count - 1` (a Slurm array task or Kubernetes completion index).
    pub index: usize,
    /// How many shards the intake is split into.
    pub count: usize,
}

impl Shard {
    /// Whether the applicant folder at `place` in the intake's order is this shard's.
    pub fn holds(&self, place: usize) -> bool {
        place % self.count == self.index
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `K/N` with `0 <= K < N`.
    fn from_str(text: &str) -> Result<Shard, String> {
        let wrong = || format!("--shard takes K/N with 0 <= K < N (as 0/4 … 3/4), not {text:?}");
        let (index, count) = text.split_once('/').ok_or_else(wrong)?;
        let index: usize = index.trim().parse().map_err(|_| wrong())?;
        let count: usize = count.trim().parse().map_err(|_| wrong())?;
        if count == 0 || index >= count {
            return Err(wrong());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// How a run's shard changed, as the option that sets it (`--shard 1/4 (was 0/4)`), if it did.
pub fn change(was: Option<Shard>, is: Option<Shard>) -> Option<String> {
    let show = |shard: Option<Shard>| shard.map_or("none".to_string(), |s| s.to_string());
    (was != is).then(|| format!("--shard {} (was {})", show(is), show(was)))
}

/// What a shard records in `run.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardRecord {
    /// Which shard.
    #[serde(flatten)]
    pub shard: Shard,
    /// SHA-256 of the intake (every file's place and size), the roster and the settings:
    /// shards of one run have the same.
    pub fingerprint: String,
    /// The codes of the applicants this shard processes.
    pub applicants: Vec<String>,
    /// Whether the shard got to its end (every file it holds has its manifest lines).
    pub finished: bool,
    /// What the run says about the whole intake, the same in every shard.
    pub notes: IntakeNotes,
}

/// What a run says about its intake and roster besides the pages: folders to review whole and
/// roster rows that led nowhere.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeNotes {
    /// Folders of the intake that have no roster row.
    pub folders_without_roster_row: Vec<String>,
    /// Folders that fit several roster rows alike, with the reason (reviewed page by page).
    pub undecided_folders: Vec<(String, String)>,
    /// Roster rows (line numbers) whose folder is not in the intake.
    pub roster_rows_without_folder: Vec<usize>,
    /// Roster rows left out as repeats: (row, the row it repeats).
    pub duplicate_roster_rows: Vec<(usize, usize)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_as_k_of_n_and_hold_every_nth_folder() {
        let shard: Shard = "1/3".parse().unwrap();
        assert_eq!(shard, Shard { index: 1, count: 3 });
        assert_eq!(shard.to_string(), "1/3");
        let held: Vec<usize> = (0..8).filter(|&p| shard.holds(p)).collect();
        assert_eq!(held, [1, 4, 7]);
        for bad in ["3/3", "1/0", "1", "a/2", "-1/2", ""] {
            let error = bad.parse::<Shard>().unwrap_err();
            assert!(error.contains("K/N"), "{bad}: {error}");
        }
    }

    #[test]
    fn a_changed_shard_is_named_by_its_option() {
        let first = Some(Shard { index: 0, count: 4 });
        assert_eq!(change(first, first), None);
        assert_eq!(
            change(first, Some(Shard { index: 1, count: 4 })).unwrap(),
            "--shard 1/4 (was 0/4)"
        );
        assert_eq!(change(None, first).unwrap(), "--shard 0/4 (was none)");
    }

    #[test]
    fn every_folder_is_in_exactly_one_shard() {
        for count in 1..=5 {
            for place in 0..40 {
                let holders = (0..count)
                    .filter(|&index| Shard { index, count }.holds(place))
                    .count();
                assert_eq!(holders, 1);
            }
        }
    }
}
