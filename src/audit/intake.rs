//! Accounting for the intake: every file and page of it has a manifest line, every line names a
//! file of it; and the places that name lines in problems without the intake's paths.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Problem;
use crate::error::Result;
use crate::intake::{Intake, Roster};
use crate::pages::{Document, Limits};
use crate::pipeline::output_path;
use crate::write::key::{self, KeyRow, RunSettings};
use crate::write::manifest::ManifestLine;

/// How problems name manifest lines without the intake path: an output and page, else the
/// place the intake scan gives the file, else the applicant code and the file's number among
/// that applicant's manifest entries.
pub(super) struct Places {
    by_source: HashMap<String, String>,
}

impl Places {
    pub(super) fn new(lines: &[ManifestLine], intake: Option<&IntakeAccount>) -> Places {
        let mut by_source: HashMap<String, String> = intake
            .map(|i| {
                i.files
                    .iter()
                    .map(|f| (f.source.clone(), f.place.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let mut numbers: HashMap<&str, usize> = HashMap::new();
        for line in lines {
            if by_source.contains_key(&line.source) {
                continue;
            }
            let code = line.applicant.as_deref().unwrap_or("-");
            let number = numbers.entry(code).or_default();
            *number += 1;
            by_source.insert(line.source.clone(), format!("{code} file {number}"));
        }
        Places { by_source }
    }

    /// The place that names `line` in problems.
    pub(super) fn of(&self, line: &ManifestLine) -> String {
        match (&line.output, line.page) {
            (Some(output), Some(page)) => super::page_place(output, page),
            (_, page) => {
                let place = self.by_source.get(&line.source).map_or("-", String::as_str);
                match page {
                    Some(page) => format!("{place} page {page}"),
                    None => place.to_string(),
                }
            }
        }
    }
}

/// The intake as the run saw it: every file with the place its output has (or would have).
pub(super) struct IntakeAccount {
    files: Vec<IntakeFile>,
    dpi: u32,
    limits: Limits,
}

/// One intake file, where it is, and the place its output has.
struct IntakeFile {
    source: String,
    path: PathBuf,
    place: String,
}

impl IntakeAccount {
    /// Scans the intake; applicant codes come from the run's key.
    pub(super) fn scan(
        dir: &Path,
        key: &[KeyRow],
        settings: &RunSettings,
    ) -> Result<IntakeAccount> {
        let intake = Intake::scan(dir, &Roster::default())?;
        let code_of: HashMap<&str, &str> = key
            .iter()
            .map(|row| (row.folder.as_str(), row.code.as_str()))
            .collect();
        let mut files: Vec<IntakeFile> = intake
            .loose_files
            .iter()
            .map(|file| IntakeFile {
                source: file.source.clone(),
                path: file.path.clone(),
                place: "a file outside the applicant folders".into(),
            })
            .collect();
        for folder in &intake.folders {
            let code = code_of.get(folder.name.as_str()).copied();
            for (index, file) in folder.files.iter().enumerate() {
                let place = match (code, &file.kind) {
                    (Some(code), Ok(kind)) => output_path(code, index, *kind),
                    (Some(code), Err(_)) => format!("{code} file {:03}", index + 1),
                    (None, _) => format!(
                        "file {:03} of an intake folder not in {}",
                        index + 1,
                        key::KEY_FILE
                    ),
                };
                files.push(IntakeFile {
                    source: file.source.clone(),
                    path: file.path.clone(),
                    place,
                });
            }
        }
        Ok(IntakeAccount {
            files,
            dpi: settings.dpi,
            limits: settings.limits(),
        })
    }

    /// Problems of the manifest as an account of the intake: files or pages without a line,
    /// lines naming files the intake does not have.
    pub(super) fn completeness(&self, lines: &[ManifestLine], places: &Places) -> Vec<Problem> {
        let mut by_source: HashMap<&str, Vec<&ManifestLine>> = HashMap::new();
        for line in lines {
            by_source
                .entry(line.source.as_str())
                .or_default()
                .push(line);
        }
        let mut problems = Vec::new();
        for file in &self.files {
            let problem = |place: String, what: &str| Problem {
                place,
                source: Some(file.source.clone()),
                what: what.to_string(),
            };
            let Some(file_lines) = by_source.get(file.source.as_str()) else {
                problems.push(problem(file.place.clone(), "no manifest line"));
                continue;
            };
            if file_lines.iter().any(|l| l.page.is_none()) {
                continue;
            }
            let Ok(document) = Document::read(&file.path, self.dpi, &self.limits) else {
                continue;
            };
            for page in 1..=document.page_count() {
                if !file_lines.iter().any(|l| l.page == Some(page)) {
                    let place = format!("{} page {page}", file.place);
                    problems.push(problem(place, "no manifest line"));
                }
            }
        }
        let known: std::collections::HashSet<&str> =
            self.files.iter().map(|f| f.source.as_str()).collect();
        for line in lines {
            if !known.contains(line.source.as_str()) {
                problems.push(Problem {
                    place: places.of(line),
                    source: Some(line.source.clone()),
                    what: "in the manifest but not in the intake".into(),
                });
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_without_outputs_are_named_by_code_and_number() {
        let failed = |source: &str| {
            crate::write::manifest::ManifestLine::file_error(
                source,
                Some("A002"),
                None,
                &crate::error::PageError::Empty,
            )
        };
        let lines = [failed("李四/a.pdf"), failed("李四/b.pdf")];
        let places = Places::new(&lines, None);
        assert_eq!(places.of(&lines[0]), "A002 file 1");
        assert_eq!(places.of(&lines[1]), "A002 file 2");
    }
}
