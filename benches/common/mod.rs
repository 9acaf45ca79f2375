//! What the benchmarks share: sets made larger by repeating their applicants.

use std::path::{Path, PathBuf};

#[path = "../../tests/integration/common/files.rs"]
mod files;
use files::copy_dir;

/// The set's applicants `times` over, each copy in folders and roster rows of its own (`<folder>-
/// 0001` …), in `work/set`.
pub fn repeat_set(set: &Path, times: usize, work: &Path) -> PathBuf {
    let repeated = work.join("set");
    let mut reader = csv::Reader::from_path(set.join("roster.csv")).expect("roster");
    let headers = reader.headers().expect("roster header").clone();
    let folder_column = headers
        .iter()
        .position(|h| h == "folder")
        .expect("a `folder` column");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let mut roster = csv::Writer::from_path(work.join("roster.csv")).expect("write roster");
    roster.write_record(&headers).expect("write roster");
    for copy in 1..=times {
        for row in &rows {
            let folder = format!("{}-{copy:04}", &row[folder_column]);
            copy_dir(
                &set.join("intake").join(&row[folder_column]),
                &repeated.join("intake").join(&folder),
            );
            let fields = row.iter().enumerate().map(|(i, f)| {
                if i == folder_column {
                    folder.as_str()
                } else {
                    f
                }
            });
            roster.write_record(fields).expect("write roster");
        }
    }
    roster.flush().expect("write roster");
    std::fs::rename(work.join("roster.csv"), repeated.join("roster.csv")).expect("move roster");
    repeated
}
