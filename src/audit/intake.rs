//! Accounting for the intake: every file and page of it has a manifest line, every line names a
//! file of it; and the places that name lines in problems without the intake's paths.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{FileName, Finding, Place, Problem};
use crate::error::Result;
use crate::intake::{Intake, Roster};
use crate::pages::{Document, Limits};
use crate::pipeline::output_path;
use crate::write::key::{KeyRow, RunSettings};
use crate::write::manifest::ManifestLine;

/// How problems name manifest lines without the intake path: an output and page, else the
/// place the intake scan gives the file, else the applicant code and the file's number among
/// that applicant's manifest entries.
pub(super) struct Places {
    by_source: HashMap<String, FileName>,
}

impl Places {
    pub(super) fn new(lines: &[ManifestLine], intake: Option<&IntakeAccount>) -> Places {
        let mut by_source: HashMap<String, FileName> = intake
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
            let name = FileName::Numbered {
                code: code.to_string(),
                number: *number,
            };
            by_source.insert(line.source.clone(), name);
        }
        Places { by_source }
    }

    /// The place that names `line` in problems.
    pub(super) fn of(&self, line: &ManifestLine) -> Place {
        match (&line.output, line.page) {
            (Some(output), Some(page)) => Place::Page {
                output: output.clone(),
                page,
            },
            (_, page) => Place::File {
                name: self
                    .by_source
                    .get(&line.source)
                    .cloned()
                    .unwrap_or(FileName::Output("-".into())),
                page,
            },
        }
    }
}

/// The intake as the run saw it: every file with the place its output has (or would have).
pub(super) struct IntakeAccount {
    files: Vec<IntakeFile>,
    dpi: u32,
    limits: Limits,
}

/// One intake file, where it is, and the name its output has.
struct IntakeFile {
    source: String,
    path: PathBuf,
    place: FileName,
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
                place: FileName::Loose,
            })
            .collect();
        for folder in &intake.folders {
            let code = code_of.get(folder.name.as_str()).copied();
            for (index, file) in folder.files.iter().enumerate() {
                let place = match (code, &file.kind) {
                    (Some(code), Ok(kind)) => FileName::Output(output_path(code, index, *kind)),
                    (Some(code), Err(_)) => FileName::Numbered {
                        code: code.to_string(),
                        number: index + 1,
                    },
                    (None, _) => FileName::UnknownFolder { number: index + 1 },
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
            let missing = |page: Option<usize>| Problem {
                place: Place::File {
                    name: file.place.clone(),
                    page,
                },
                source: Some(file.source.clone()),
                finding: Finding::NoManifestLine,
            };
            let Some(file_lines) = by_source.get(file.source.as_str()) else {
                problems.push(missing(None));
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
                    problems.push(missing(Some(page)));
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
                    finding: Finding::NotInIntake,
                });
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::Lang;

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
        assert_eq!(places.of(&lines[0]).text(Lang::En), "A002 file 1");
        assert_eq!(places.of(&lines[1]).text(Lang::Zh), "A002 第 2 个文件");
    }
}
