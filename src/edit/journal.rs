//! The append-only journal of a run's corrections, `edits.jsonl` in the output folder. An edit
//! is on disk (flushed) before anyone is told it was made; the manifest and the outputs follow
//! from the journal and can always be made again from it.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Edit;
use crate::error::{Error, Result};

/// The journal's file name in the output folder.
pub const JOURNAL_FILE: &str = "edits.jsonl";

/// The journal of one output folder, open for appending.
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Opens (creating when missing) the journal of the run in `out`. A last line cut short by
    /// a crash is cut off, so that the next edit starts a line of its own.
    pub fn open(out: &Path) -> Result<Journal> {
        let path = out.join(JOURNAL_FILE);
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let text = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let complete = text
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |end| end + 1);
        if complete < text.len() {
            file.set_len(complete as u64)
                .map_err(|e| Error::io(&path, e))?;
        }
        Ok(Journal { path, file })
    }

    /// Appends one edit and waits until it is on disk.
    pub fn append(&mut self, edit: &Edit) -> Result<()> {
        let mut text = serde_json::to_string(edit).map_err(|e| Error::encoder("edit", e))?;
        text.push('\n');
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| Error::io(&self.path, e))
    }
}

/// Every edit in the journal of the run in `out`, oldest first (none when there is no journal).
/// A last line cut short by a crash while it was written was never confirmed and is left out.
pub fn read(out: &Path) -> Result<Vec<Edit>> {
    let path = out.join(JOURNAL_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let complete = text.rfind('\n').map_or("", |end| &text[..end]);
    crate::write::json_lines(&path, complete)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Action;

    fn edit(page: usize) -> Edit {
        Edit {
            output: "files/A001/001.pdf".into(),
            page,
            revision: 0,
            by: "staff".into(),
            at: "2026-12-01T10:00:00Z".into(),
            action: Action::Confirm,
        }
    }

    #[test]
    fn edits_come_back_in_order_and_a_torn_last_line_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(dir.path()).unwrap().is_empty());
        let mut journal = Journal::open(dir.path()).unwrap();
        journal.append(&edit(1)).unwrap();
        journal.append(&edit(2)).unwrap();
        let mut file = OpenOptions::new()
            .append(true)
            .open(dir.path().join(JOURNAL_FILE))
            .unwrap();
        file.write_all(b"{\"output\":\"files/A0").unwrap();
        assert_eq!(read(dir.path()).unwrap(), vec![edit(1), edit(2)]);
        Journal::open(dir.path()).unwrap().append(&edit(3)).unwrap();
        assert_eq!(read(dir.path()).unwrap(), vec![edit(1), edit(2), edit(3)]);
    }
}
