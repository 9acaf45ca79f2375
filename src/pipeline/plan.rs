//! Planning a run: which files go to the workers, which fail before any page is read, where each
//! output goes and what the key says.

use std::sync::Arc;

use crate::error::PageError;
use crate::find::Target;
use crate::intake::{Applicant, FileKind, Folder, InputFile, Intake, Roster};
use crate::models::sha256_bytes;
use crate::write::key::KeyRow;
use crate::write::manifest::ManifestLine;
use crate::write::raster;

/// One file to process, with what the workers need to know about its applicant.
#[derive(Clone)]
pub(super) struct FileTask {
    /// The input file.
    pub file: InputFile,
    /// Its kind.
    pub kind: FileKind,
    /// The pseudonymous code of its applicant.
    pub applicant_code: String,
    /// The applicant's terms (None for a folder without a roster row).
    pub target: Option<Arc<Target>>,
    /// Where its output goes, relative to the output folder.
    pub output: String,
}

impl FileTask {
    /// The error line of this file.
    pub fn failed(&self, source_sha256: Option<String>, error: &PageError) -> ManifestLine {
        ManifestLine::file_error(
            &self.file.source,
            Some(&self.applicant_code),
            source_sha256,
            error,
        )
    }
}

/// Splits the intake into file tasks and the error lines of files that cannot be processed.
pub(super) fn plan(intake: &Intake) -> (Vec<FileTask>, Vec<ManifestLine>) {
    let mut tasks = Vec::new();
    let mut errors = Vec::new();
    for file in &intake.loose_files {
        errors.extend(error_line(file, None));
    }
    for folder in &intake.folders {
        let target = Target::for_folder(folder).map(Arc::new);
        for (index, file) in folder.files.iter().enumerate() {
            match file.kind {
                Ok(kind) => tasks.push(FileTask {
                    file: file.clone(),
                    kind,
                    applicant_code: folder.code.clone(),
                    target: target.clone(),
                    output: output_path(&folder.code, index, kind),
                }),
                Err(_) => errors.extend(error_line(file, Some(&folder.code))),
            }
        }
    }
    (tasks, errors)
}

/// `files/<code>/<NNN>.<ext>`: nothing of the original name survives.
pub fn output_path(code: &str, index: usize, kind: FileKind) -> String {
    format!(
        "files/{code}/{:03}.{}",
        index + 1,
        raster::output_extension(kind)
    )
}

fn error_line(file: &InputFile, code: Option<&str>) -> Option<ManifestLine> {
    let error = file.kind.as_ref().err()?;
    let sha = std::fs::read(&file.path).ok().map(|b| sha256_bytes(&b));
    Some(ManifestLine::file_error(&file.source, code, sha, error))
}

/// The key's rows: every folder's code, and its applicant where the roster has one (or why
/// not, when several rows fit it); then the roster rows no folder fits and the repeated rows.
pub(super) fn key_rows(intake: &Intake, roster: &Roster) -> Vec<KeyRow> {
    let row = |code: &str, folder: &str, applicant: Option<&Applicant>, note: String| KeyRow {
        code: code.to_string(),
        folder: folder.to_string(),
        name: applicant.map(|a| a.name.clone()).unwrap_or_default(),
        unit: applicant.map(|a| a.unit.clone()).unwrap_or_default(),
        roster_line: applicant.map(|a| a.line),
        note,
        roster: roster.format.clone(),
    };
    let folders = intake.folders.iter().map(|folder: &Folder| {
        let note = folder.undecided.as_ref().map(|u| u.reason.clone());
        row(
            &folder.code,
            &folder.name,
            folder.applicant.as_ref(),
            note.unwrap_or_default(),
        )
    });
    let missing = intake
        .missing_folders
        .iter()
        .map(|a| row("", "", Some(a), "no folder in the intake".into()));
    let repeated = roster.duplicates.iter().map(|d| {
        let note = format!("repeats roster row {}: left out", d.first_line);
        row("", "", Some(&d.row), note)
    });
    folders.chain(missing).chain(repeated).collect()
}
