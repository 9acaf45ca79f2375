//! The output folder: kept apart from the inputs, refused when it holds an earlier run unless
//! that run is to be replaced or continued.

use std::path::{Path, PathBuf};

use super::RunConfig;
use crate::error::{Error, Result};
use crate::write::key::{RunSettings, KEY_FILE, SETTINGS_FILE};
use crate::write::lock::{FolderLock, LOCK_FILE};
use crate::write::manifest::MANIFEST_FILE;
use crate::write::shard;

/// Refuses an output folder inside the intake (or the reverse), one another process writes
/// into, and a non-empty one without `overwrite` or `resume`; clears it for `overwrite`.
/// Returns the folder's lock, held for the run.
pub(super) fn prepare(config: &RunConfig) -> Result<FolderLock> {
    let intake = config
        .intake
        .canonicalize()
        .map_err(|e| Error::io(&config.intake, e))?;
    if !intake.is_dir() {
        return Err(Error::Usage(format!(
            "intake {} is not a folder",
            config.intake.display()
        )));
    }
    ensure_apart(std::slice::from_ref(&intake), &config.out)?;
    std::fs::create_dir_all(&config.out).map_err(|e| Error::io(&config.out, e))?;
    let lock = FolderLock::acquire(&config.out, "run")?;
    let non_empty = std::fs::read_dir(&config.out)
        .map(|mut d| d.any(|entry| entry.is_ok_and(|e| e.file_name() != LOCK_FILE)))
        .unwrap_or(false);
    if non_empty && config.resume {
        refuse_changed_settings(config)?;
    }
    if non_empty && !config.resume {
        if !config.overwrite {
            return Err(Error::Usage(format!(
                "output folder {} is not empty (use --resume to continue the run in it, \
                 --overwrite to replace its contents)",
                config.out.display()
            )));
        }
        clear_results(&config.out)?;
    }
    Ok(lock)
}

/// Refuses to continue a run with other settings than it was made with: its finished outputs
/// would be kept as they are and `run.json` would describe the new ones.
fn refuse_changed_settings(config: &RunConfig) -> Result<()> {
    let Ok(earlier) = RunSettings::read(&config.out) else {
        return Ok(());
    };
    let mut changes = earlier.changes_to(&RunSettings::new(&config.output, &config.limits));
    changes.extend(shard::change(
        earlier.shard.as_ref().map(|r| r.shard),
        config.shard,
    ));
    if changes.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "the run in {} was made with other settings: {}; resume with the same ones, or use \
         --overwrite to start again",
        config.out.display(),
        changes.join(", ")
    )))
}

/// Refuses an output folder inside one of the inputs, or holding one.
pub fn ensure_apart(inputs: &[PathBuf], out: &Path) -> Result<()> {
    let out = absolute(out);
    for input in inputs {
        let input = absolute(input);
        if out.starts_with(&input) || input.starts_with(&out) {
            return Err(Error::Usage(format!(
                "the output folder {} must not be inside {}, nor contain it",
                out.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Removes what an earlier run wrote into `out` (and nothing else). Refuses when `out` holds a
/// `files/` or `previews/` folder that no run wrote: a run writes its key or settings first,
/// so a folder without them is somebody else's.
pub fn clear_results(out: &Path) -> Result<()> {
    let ours = [MANIFEST_FILE, KEY_FILE, SETTINGS_FILE]
        .iter()
        .any(|name| out.join(name).is_file());
    let theirs = ["files", "previews"]
        .iter()
        .find(|name| out.join(name).exists());
    if let (false, Some(folder)) = (ours, theirs) {
        return Err(Error::Usage(format!(
            "{} holds a {folder} folder that blindfold did not write (no {MANIFEST_FILE}, \
             {KEY_FILE} or {SETTINGS_FILE} beside it); choose another output folder",
            out.display()
        )));
    }
    for name in [
        "files",
        "previews",
        MANIFEST_FILE,
        KEY_FILE,
        SETTINGS_FILE,
        crate::edit::journal::JOURNAL_FILE,
    ] {
        let path = out.join(name);
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        if let Err(e) = removed {
            if e.kind() != std::io::ErrorKind::NotFound {
                return Err(Error::io(path, e));
            }
        }
    }
    Ok(())
}

/// The absolute form of a path that may not exist yet (its existing ancestor canonicalized).
fn absolute(path: &Path) -> PathBuf {
    let mut missing = Vec::new();
    let mut current = path.to_path_buf();
    loop {
        if let Ok(real) = current.canonicalize() {
            return missing.into_iter().rev().fold(real, |p, part| p.join(part));
        }
        match (
            current.file_name().map(|n| n.to_os_string()),
            current.parent(),
        ) {
            (Some(name), Some(parent)) => {
                missing.push(name);
                current = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => return path.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_inside_inputs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let intake = dir.path().join("intake");
        std::fs::create_dir(&intake).unwrap();
        let inputs = [intake.clone()];
        assert!(ensure_apart(&inputs, &intake.join("out")).is_err());
        assert!(ensure_apart(&inputs, dir.path()).is_err());
        assert!(ensure_apart(&inputs, &dir.path().join("out/new")).is_ok());
    }

    #[test]
    fn clearing_leaves_other_files_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("files/A001")).unwrap();
        std::fs::write(dir.path().join(MANIFEST_FILE), "").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        clear_results(dir.path()).unwrap();
        assert!(!dir.path().join("files").exists());
        assert!(!dir.path().join(MANIFEST_FILE).exists());
        assert!(dir.path().join("notes.txt").exists());
    }

    #[test]
    fn a_files_folder_no_run_wrote_is_not_cleared() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("files/photos")).unwrap();
        std::fs::write(dir.path().join("files/photos/mine.jpg"), "mine").unwrap();
        let error = clear_results(dir.path()).unwrap_err().to_string();
        assert!(error.contains("did not write"), "{error}");
        assert!(dir.path().join("files/photos/mine.jpg").exists());
    }
}
