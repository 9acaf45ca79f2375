//! Writing results: masked output files (images stay images, PDFs become image-only PDFs) and
//! manifest lines. Every file is written to a temporary name and renamed into place.

pub mod key;
pub mod lock;
pub mod manifest;
pub mod pdf;
pub mod preview;
pub mod raster;
pub mod render;
pub mod shard;

use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename.
///
/// The caller must not hold `path` open: Windows refuses to replace an open file. A replace that
/// another program blocks for a moment (a virus scanner, a viewer) is retried briefly.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    replace(path, bytes, |tmp, bytes| std::fs::write(tmp, bytes))
}

/// [`write_atomic`] into a file only the user can read (the key that names the applicants).
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> Result<()> {
    replace(path, bytes, crate::platform::write_private)
}

fn replace(
    path: &Path,
    bytes: &[u8],
    write: impl Fn(&Path, &[u8]) -> std::io::Result<()>,
) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let tmp = path.with_extension(format!("{TEMPORARY}{}", std::process::id()));
    write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    crate::platform::retry_while_busy(|| std::fs::rename(&tmp, path)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// The records of a JSON-lines file's text, one per non-empty line; a line that does not parse
/// is an error naming `path` and the line.
pub fn json_lines<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<Vec<T>> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| Error::Record {
                path: path.to_path_buf(),
                line: i + 1,
                source: e.into(),
            })
        })
        .collect()
}

/// The extension of a file being written, before its rename (followed by the process id).
const TEMPORARY: &str = "tmp-";

/// Whether `path` is a temporary file of [`write_atomic`] (left behind by a killed run).
pub fn is_temporary(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.starts_with(TEMPORARY))
}
