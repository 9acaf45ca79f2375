//! Joining the output folders of a sharded run (`run --shard K/N`, one per machine or job) into
//! one run's folder, as if one machine had made it; and how far the shards are while they run.
//!
//! A merge moves each applicant's `files/` and `previews/` folders (a rename; a copy only across
//! file systems), then writes the joined manifest, the key and, last, `run.json`; the shards'
//! copies of the key are removed once it is done. Until it is
//! done `OUT/merging.json` says so: the audit refuses such a folder, and running the same merge
//! again finishes it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::writer::{Summary, Tally};
use crate::error::{Error, Result};
use crate::write::key::{self, RunSettings, KEY_FILE, SETTINGS_FILE};
use crate::write::lock::{FolderLock, LOCK_FILE};
use crate::write::manifest::{self, ManifestLine, MANIFEST_FILE};
use crate::write::shard::{Shard, ShardRecord};

/// The file that marks an output folder whose merge has not finished.
pub const MERGING_FILE: &str = "merging.json";

/// What `merging.json` holds: which run is being merged.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Merging {
    /// The shards' common fingerprint.
    fingerprint: String,
    /// How many shards.
    count: usize,
}

/// One shard's output folder, read.
struct ShardOut {
    dir: PathBuf,
    settings: RunSettings,
    record: ShardRecord,
    lines: Vec<ManifestLine>,
}

/// Merges the output folders `shards` of one sharded run into `out`; returns the run's summary.
pub fn merge(shards: &[PathBuf], out: &Path) -> Result<Summary> {
    let started = Instant::now();
    refuse_repeated_folders(shards)?;
    if out.join(SETTINGS_FILE).exists() && !out.join(MERGING_FILE).exists() {
        return Err(Error::Usage(format!(
            "output folder {} holds a finished run (a merge writes into a new or empty folder)",
            out.display()
        )));
    }
    if let Some(dir) = shards.iter().find(|dir| !dir.join(SETTINGS_FILE).is_file()) {
        return Err(not_a_run(dir));
    }
    let _locks = shards
        .iter()
        .map(|dir| FolderLock::acquire(dir, "merge"))
        .collect::<Result<Vec<_>>>()?;
    let shards = shards
        .iter()
        .map(|dir| read_shard(dir))
        .collect::<Result<Vec<_>>>()?;
    let key = check_together(&shards)?;
    let first = &shards[0];
    let merging = Merging {
        fingerprint: first.record.fingerprint.clone(),
        count: first.record.shard.count,
    };

    let dirs: Vec<PathBuf> = shards.iter().map(|s| s.dir.clone()).collect();
    super::ensure_apart(&dirs, out)?;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let _lock = FolderLock::acquire(out, "merge")?;
    begin(out, &merging)?;
    for shard in &shards {
        for code in &shard.record.applicants {
            for folder in ["files", "previews"] {
                move_folder(
                    &shard.dir.join(folder).join(code),
                    &out.join(folder).join(code),
                )?;
            }
        }
    }
    let mut lines: Vec<ManifestLine> = shards.iter().flat_map(|s| s.lines.clone()).collect();
    manifest::sort(&mut lines);
    for output in lines.iter().filter_map(|l| l.output.as_deref()) {
        if !out.join(output).is_file() {
            return Err(Error::Shards(format!(
                "{output} is in a shard's manifest but in none of the shards' folders"
            )));
        }
    }
    crate::write::write_atomic(
        &out.join(MANIFEST_FILE),
        manifest::to_text(&lines)?.as_bytes(),
    )?;
    crate::write::write_atomic_private(&out.join(KEY_FILE), &key)?;
    RunSettings {
        shard: None,
        ..first.settings.clone()
    }
    .write(out)?;
    let marker = out.join(MERGING_FILE);
    std::fs::remove_file(&marker).map_err(|e| Error::io(&marker, e))?;
    // The key names the applicants: once merged, OUT holds the one copy of it.
    for shard in &shards {
        let _ = std::fs::remove_file(shard.dir.join(KEY_FILE));
    }

    let mut tally = Tally::default();
    for file in lines.chunk_by(|a, b| a.source == b.source) {
        tally.add_file(file);
    }
    Ok(Summary {
        notes: first.record.notes.clone(),
        seconds: started.elapsed().as_secs_f64(),
        ..tally.into_summary()
    })
}

/// Refuses a folder given twice (it would be taken for two shards).
fn refuse_repeated_folders(shards: &[PathBuf]) -> Result<()> {
    let mut seen = HashSet::new();
    for dir in shards {
        let canonical = dir.canonicalize().map_err(|_| not_a_run(dir))?;
        if !seen.insert(canonical) {
            return Err(Error::Shards(format!("{} is given twice", dir.display())));
        }
    }
    Ok(())
}

fn not_a_run(dir: &Path) -> Error {
    Error::Shards(format!(
        "{} holds no run (no readable {SETTINGS_FILE})",
        dir.display()
    ))
}

/// Reads a shard's `run.json` and manifest; refuses a folder that is no finished shard.
fn read_shard(dir: &Path) -> Result<ShardOut> {
    let settings = RunSettings::read(dir).map_err(|_| not_a_run(dir))?;
    let Some(record) = settings.shard.clone() else {
        return Err(Error::Shards(format!(
            "{} holds a run made without --shard",
            dir.display()
        )));
    };
    if !record.finished {
        return Err(Error::Shards(format!(
            "shard {} in {} did not finish: run it again with --resume",
            record.shard,
            dir.display()
        )));
    }
    let lines = manifest::read(&dir.join(MANIFEST_FILE))?;
    Ok(ShardOut {
        dir: dir.to_path_buf(),
        settings,
        record,
        lines,
    })
}

/// Refuses shards that are not every shard of one run, each once, each holding only its own
/// applicants; returns their common key.
fn check_together(shards: &[ShardOut]) -> Result<Vec<u8>> {
    let Some(first) = shards.first() else {
        return Err(Error::Usage(
            "merge needs the shards' output folders".into(),
        ));
    };
    let count = first.record.shard.count;
    let key = std::fs::read(first.dir.join(KEY_FILE)).map_err(|_| {
        Error::Shards(format!(
            "{} has no {KEY_FILE}: was it merged already?",
            first.dir.display()
        ))
    })?;
    let mut places: BTreeMap<usize, &Path> = BTreeMap::new();
    for shard in shards {
        let Shard { index, count: n } = shard.record.shard;
        let changes = first.settings.changes_to(&shard.settings);
        if n != count || shard.record.fingerprint != first.record.fingerprint || !changes.is_empty()
        {
            let how = if changes.is_empty() {
                "another intake, roster, shard count or --dry-run".to_string()
            } else {
                format!("other settings ({})", changes.join(", "))
            };
            return Err(Error::Shards(format!(
                "{} was made from {how} than {}",
                shard.dir.display(),
                first.dir.display()
            )));
        }
        if std::fs::read(shard.dir.join(KEY_FILE)).ok().as_ref() != Some(&key) {
            return Err(Error::Shards(format!(
                "{} has another {KEY_FILE} than {}",
                shard.dir.display(),
                first.dir.display()
            )));
        }
        if let Some(other) = places.insert(index, &shard.dir) {
            return Err(Error::Shards(format!(
                "shard {index}/{count} is given twice: {} and {}",
                other.display(),
                shard.dir.display()
            )));
        }
    }
    let missing: Vec<String> = (0..count)
        .filter(|index| !places.contains_key(index))
        .map(|index| format!("{index}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Shards(format!(
            "shard {} missing ({} of {count} given)",
            missing.join(", "),
            places.len()
        )));
    }
    check_applicants(shards, &key)?;
    Ok(key)
}

/// Every applicant of the key (`key.csv`'s bytes) in exactly one shard, and each shard's lines
/// of its own.
fn check_applicants(shards: &[ShardOut], key: &[u8]) -> Result<()> {
    let mut holder: HashMap<&str, &Path> = HashMap::new();
    for shard in shards {
        for code in &shard.record.applicants {
            if let Some(other) = holder.insert(code, &shard.dir) {
                return Err(Error::Shards(format!(
                    "applicant {code} is in two shards: {} and {}",
                    other.display(),
                    shard.dir.display()
                )));
            }
        }
    }
    let codes: HashSet<String> = key::parse_key(&shards[0].dir.join(KEY_FILE), key)?
        .into_iter()
        .map(|row| row.code)
        .filter(|code| !code.is_empty())
        .collect();
    if let Some(code) = codes
        .iter()
        .find(|code| !holder.contains_key(code.as_str()))
    {
        return Err(Error::Shards(format!(
            "applicant {code} is in none of the shards"
        )));
    }
    for shard in shards {
        let stray = shard.lines.iter().find(|line| match &line.applicant {
            Some(code) => holder.get(code.as_str()) != Some(&shard.dir.as_path()),
            None => shard.record.shard.index != 0,
        });
        if let Some(line) = stray {
            return Err(Error::Shards(format!(
                "{} holds lines of {} that its shard does not hold",
                shard.dir.display(),
                line.source
            )));
        }
    }
    Ok(())
}

/// Marks `out` as being merged; refuses a folder that holds a finished run, another merge, or
/// anything else.
fn begin(out: &Path, merging: &Merging) -> Result<()> {
    let marker = out.join(MERGING_FILE);
    if let Ok(text) = std::fs::read_to_string(&marker) {
        let earlier: Option<Merging> = serde_json::from_str(&text).ok();
        if earlier.as_ref() == Some(merging) {
            return Ok(());
        }
        return Err(Error::Shards(format!(
            "{} holds an unfinished merge of another run's shards; remove it or merge into \
             another folder",
            out.display()
        )));
    }
    let taken = std::fs::read_dir(out)
        .map_err(|e| Error::io(out, e))?
        .any(|entry| entry.is_ok_and(|e| e.file_name() != LOCK_FILE));
    if taken {
        return Err(Error::Usage(format!(
            "output folder {} is not empty (a merge writes into a new or empty folder)",
            out.display()
        )));
    }
    let text = serde_json::to_string(merging).map_err(|e| Error::encoder(MERGING_FILE, e))?;
    crate::write::write_atomic(&marker, text.as_bytes())
}

/// Moves the folder `from` to `to` by a rename, or by a copy and a removal across file systems.
/// Done already (`to` there) is fine; a copy cut short is started again.
fn move_folder(from: &Path, to: &Path) -> Result<()> {
    if !from.exists() {
        return Ok(());
    }
    if to.exists() {
        // Moved already (only a whole copy is renamed into place): what is left is a copy cut
        // short in its removal, or the same outputs made again by a resumed shard.
        return std::fs::remove_dir_all(from).map_err(|e| Error::io(from, e));
    }
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    match std::fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::CrossesDevices => {
            let partial = to.with_extension("merging");
            let _ = std::fs::remove_dir_all(&partial);
            copy_tree(from, &partial)?;
            std::fs::rename(&partial, to).map_err(|e| Error::io(to, e))?;
            std::fs::remove_dir_all(from).map_err(|e| Error::io(from, e))
        }
        Err(e) => Err(Error::io(from, e)),
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| Error::io(&target, e))?;
        }
    }
    Ok(())
}

/// How far one shard is.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardStatus {
    /// The shard's output folder.
    pub dir: PathBuf,
    /// Which shard it is (None until it has started).
    pub shard: Option<Shard>,
    /// Running, finished, stopped or not started.
    pub state: ShardState,
    /// Files done.
    pub files: usize,
    /// Pages done.
    pub pages: usize,
}

/// Where a shard stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardState {
    /// No run has written into the folder yet.
    NotStarted,
    /// A process holds the folder.
    Running,
    /// The run got to its end.
    Finished,
    /// The run stopped before its end (run it again with `--resume`).
    Stopped,
}

/// How far each of `shards` is, read without disturbing them.
pub fn status(shards: &[PathBuf]) -> Vec<ShardStatus> {
    shards
        .iter()
        .map(|dir| {
            let settings = RunSettings::read(dir).ok();
            let record = settings.and_then(|s| s.shard);
            let running = FolderLock::is_held(dir);
            let state = match (&record, running) {
                (_, true) => ShardState::Running,
                (None, false) => ShardState::NotStarted,
                (Some(r), false) if r.finished => ShardState::Finished,
                (Some(_), false) => ShardState::Stopped,
            };
            // Lines are appended as files finish; a line being written is not counted.
            let text = std::fs::read_to_string(dir.join(MANIFEST_FILE)).unwrap_or_default();
            let lines: Vec<ManifestLine> = text
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect();
            let files: HashSet<&str> = lines.iter().map(|l| l.source.as_str()).collect();
            ShardStatus {
                dir: dir.clone(),
                shard: record.map(|r| r.shard),
                state,
                files: files.len(),
                pages: lines.iter().filter(|l| l.page.is_some()).count(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_move_once_and_a_move_done_already_only_loses_its_leftover() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("shard/A001"), dir.path().join("out/A001"));
        std::fs::create_dir_all(&from).unwrap();
        std::fs::write(from.join("001.png"), b"masked").unwrap();
        move_folder(&from, &to).unwrap();
        assert!(!from.exists());
        assert_eq!(std::fs::read(to.join("001.png")).unwrap(), b"masked");

        // Run again with the source back (a resumed shard made it again): the moved one stays.
        std::fs::create_dir_all(&from).unwrap();
        std::fs::write(from.join("001.png"), b"again").unwrap();
        move_folder(&from, &to).unwrap();
        assert!(!from.exists());
        assert_eq!(std::fs::read(to.join("001.png")).unwrap(), b"masked");
        move_folder(&from, &to).unwrap();
    }
}
