//! A sharded run: every shard plans the whole intake (so codes and output paths are the same in
//! all), then keeps the files of its own applicants.

use std::collections::HashSet;

use sha2::{Digest, Sha256};

use super::plan::FileTask;
use super::RunConfig;
use crate::error::{Error, Result};
use crate::intake::Intake;
use crate::write::key::RunSettings;
use crate::write::manifest::ManifestLine;
use crate::write::shard::{IntakeNotes, Shard, ShardRecord};

/// What `shard` of this run records in `run.json` as it starts (not finished).
pub(super) fn record(
    config: &RunConfig,
    intake: &Intake,
    shard: Shard,
    settings: &RunSettings,
    notes: &IntakeNotes,
) -> Result<ShardRecord> {
    Ok(ShardRecord {
        shard,
        fingerprint: fingerprint(config, intake, settings)?,
        applicants: intake
            .folders
            .iter()
            .enumerate()
            .filter(|(place, _)| shard.holds(*place))
            .map(|(_, folder)| folder.code.clone())
            .collect(),
        finished: false,
        notes: notes.clone(),
    })
}

/// Keeps the tasks and early error lines of the shard's applicants; files outside any
/// applicant folder belong to shard 0.
pub(super) fn keep_own(
    record: &ShardRecord,
    tasks: &mut Vec<FileTask>,
    early: &mut Vec<ManifestLine>,
) {
    let own: HashSet<&str> = record.applicants.iter().map(String::as_str).collect();
    tasks.retain(|t| own.contains(t.applicant_code.as_str()));
    early.retain(|line| match &line.applicant {
        Some(code) => own.contains(code.as_str()),
        None => record.shard.index == 0,
    });
}

/// SHA-256 of what must be the same in every shard of one run: each intake file's place and
/// size, the roster's bytes, the settings, what is masked, and whether outputs are written.
fn fingerprint(config: &RunConfig, intake: &Intake, settings: &RunSettings) -> Result<String> {
    let mut hash = Sha256::new();
    for file in intake.files() {
        let size = std::fs::metadata(&file.path)
            .map_err(|e| Error::io(&file.path, e))?
            .len();
        hash.update(format!("{}\0{size}\n", file.source));
    }
    let roster = std::fs::read(&config.roster).map_err(|e| Error::io(&config.roster, e))?;
    hash.update(&roster);
    let settings = serde_json::to_string(settings).map_err(|e| Error::encoder("run.json", e))?;
    hash.update(settings);
    hash.update(format!("{:?} dry run: {}", config.find, config.dry_run));
    Ok(format!("{:x}", hash.finalize()))
}
