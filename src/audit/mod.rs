//! The auditor's check of a finished run: the manifest accounts for every file and page of the
//! intake, every output matches its SHA-256, the pixels under every manifest region are masked,
//! and an independent second pass of the detectors over the masked outputs finds no name, unit
//! or eyes left uncovered. This file runs the audit; `pages` checks each output page, `intake`
//! accounts for the intake, and [`html`] turns the result into a self-contained report.

pub mod html;
mod intake;
mod pages;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use image::Rgb;

use crate::base::Evidence;
use crate::detect::Detector;
use crate::error::{Error, Result};
use crate::find::Target;
use crate::intake::{Applicant, Roster};
use crate::pages::Limits;
use crate::pipeline::merge::MERGING_FILE;
use crate::pipeline::{fan_out, ThreadClock};
use crate::write::key::{self, KeyRow, RunSettings};
use crate::write::manifest::{self, ManifestLine};
use intake::{IntakeAccount, Places};
use pages::{check_page, read_outputs, PageJob};

/// What to audit.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The run's output folder (manifest.jsonl, key.csv, run.json, files/).
    pub out: PathBuf,
    /// The run's intake, to check that the manifest accounts for all of it.
    pub intake: Option<PathBuf>,
    /// The run's roster, for unit aliases in the re-scan.
    pub roster: Option<PathBuf>,
    /// The colour the run painted its masks in (default: the one in run.json).
    pub mask_color: Option<Rgb<u8>>,
}

/// One manifest line after the audit: its problems and, for pages, a thumbnail of the output.
#[derive(Debug, Clone)]
pub struct AuditedPage {
    /// The manifest line.
    pub line: ManifestLine,
    /// JPEG thumbnail of the masked output page with the manifest regions outlined.
    pub thumbnail: Option<Vec<u8>>,
    /// What is wrong with this page.
    pub problems: Vec<String>,
    /// The page's corrections (see [`Correction`]); only pages with an output can have any.
    pub corrections: Vec<String>,
}

/// One thing wrong with a run. `place` names it by applicant code, output and page only, as the
/// report shows it; `source` is the file's path (which may hold the applicant's name), for staff
/// at the console only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: an output and page, or an applicant code and file number.
    pub place: String,
    /// The file concerned, when there is one: an intake path, or a path in the output folder
    /// for a file there that no manifest line names.
    pub source: Option<String>,
    /// What is wrong.
    pub what: String,
}

/// How a finding names a page of an output: `files/A001/001.pdf page 2`.
pub fn page_place(output: &str, page: usize) -> String {
    format!("{output} page {page}")
}

impl Problem {
    /// The problem as the report shows it: no intake path, no name.
    pub fn public(&self) -> String {
        format!("{}: {}", self.place, self.what)
    }

    /// The problem for staff at the console, with the intake path.
    pub fn for_staff(&self) -> String {
        match &self.source {
            Some(source) => format!(
                "{} ({})",
                self.public(),
                crate::base::text::on_one_line(source)
            ),
            None => self.public(),
        }
    }
}

/// The outcome of an audit.
#[derive(Debug, Clone, Default)]
pub struct AuditResult {
    /// Every manifest line, in manifest order.
    pub pages: Vec<AuditedPage>,
    /// Every problem found; empty when the run passes.
    pub problems: Vec<Problem>,
    /// The corrections people made (hand-drawn masks, removed regions, confirmed pages): not
    /// problems, listed so that the auditor sees them.
    pub corrections: Vec<Correction>,
}

/// One correction a person made to a page, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The output and page.
    pub place: String,
    /// What was done, by whom, when and why.
    pub what: String,
}

/// The corrections recorded on a manifest line. A removed region the re-scan still finds is
/// not a problem (a person decided it), but the correction says so.
fn corrections(line: &ManifestLine, found_again: &[usize]) -> Vec<String> {
    let manual = line
        .regions
        .iter()
        .filter(|r| r.evidence == Evidence::Manual)
        .map(|r| format!("{} mask {:?} drawn by hand", r.kind.as_str(), r.bbox));
    let dismissed = line.dismissed.iter().enumerate().map(|(i, d)| {
        let again = if found_again.contains(&i) {
            "; the re-scan still finds it"
        } else {
            ""
        };
        format!(
            "{} mask {:?} ({}) removed by {} at {}: {}{again}",
            d.region.kind.as_str(),
            d.region.bbox,
            d.region.evidence.as_str(),
            d.by,
            d.at,
            d.reason
        )
    });
    let reviewed = line.reviewed.iter().map(|r| {
        format!(
            "confirmed by {} at {} (was {})",
            r.by,
            r.at,
            r.status_was.as_str()
        )
    });
    manual.chain(dismissed).chain(reviewed).collect()
}

/// What the run recorded beside its outputs, and what could not be read of it.
struct Records {
    settings: RunSettings,
    key: Vec<KeyRow>,
    problems: Vec<Problem>,
}

impl Audit {
    /// Runs every check with one detector per worker. One thread reads the outputs (it alone
    /// calls PDFium); the workers check the pages.
    pub fn run(&self, detectors: Vec<Box<dyn Detector>>) -> Result<AuditResult> {
        if self.out.join(MERGING_FILE).exists() {
            return Err(Error::Usage(format!(
                "the merge into {} has not finished ({MERGING_FILE} is there): run the same \
                 `blindfold merge` again to finish it",
                self.out.display()
            )));
        }
        let manifest_path = self.out.join(manifest::MANIFEST_FILE);
        if !manifest_path.is_file() {
            return Err(Error::Usage(format!(
                "{} has no manifest.jsonl: is it the output folder of a run?",
                self.out.display()
            )));
        }
        let lines = manifest::read(&manifest_path)?;
        let records = self.records();
        let mask_color = self.mask_color.unwrap_or_else(|| {
            crate::mask::parse_color(&records.settings.mask_color).unwrap_or(Rgb([0, 0, 0]))
        });
        let limits = records.settings.limits();
        let targets = self.targets(&records.key)?;
        let intake = match &self.intake {
            Some(dir) => Some(IntakeAccount::scan(dir, &records.key, &records.settings)?),
            None => None,
        };
        let places = Places::new(&lines, intake.as_ref());
        let mut problems = records.problems;
        if let Some(intake) = &intake {
            problems.extend(intake.completeness(&lines, &places));
        }
        problems.extend(self.stray_files(&lines));
        let mut pages: Vec<AuditedPage> = lines
            .into_iter()
            .map(|line| AuditedPage {
                line,
                thumbnail: None,
                problems: Vec::new(),
                corrections: Vec::new(),
            })
            .collect();

        let lines: Vec<&ManifestLine> = pages.iter().map(|p| &p.line).collect();
        let (out, dpi) = (&self.out, records.settings.dpi);
        let mut checked_pages = Vec::new();
        fan_out(
            detectors,
            &ThreadClock::default(),
            |jobs, _| read_outputs(out, &lines, dpi, &limits, jobs),
            |detector, job: PageJob| {
                let line = lines[job.index];
                let target = line.applicant.as_ref().and_then(|c| targets.get(c));
                check_page(line, job, mask_color, target, detector)
            },
            |checked| {
                checked_pages.push(checked);
                Ok(())
            },
        )?;
        drop(lines);
        for checked in checked_pages {
            let page = &mut pages[checked.index];
            page.thumbnail = checked.thumbnail;
            page.problems = checked.problems;
            page.corrections = corrections(&page.line, &checked.found_again);
        }
        let mut all_corrections = Vec::new();
        for page in &pages {
            let place = places.of(&page.line);
            problems.extend(page.problems.iter().map(|what| Problem {
                place: place.clone(),
                source: Some(page.line.source.clone()),
                what: what.clone(),
            }));
            all_corrections.extend(page.corrections.iter().map(|what| Correction {
                place: place.clone(),
                what: what.clone(),
            }));
        }
        Ok(AuditResult {
            pages,
            problems,
            corrections: all_corrections,
        })
    }

    /// The files in `files/` that no manifest line names: they would go to the reviewers
    /// unchecked (an unmasked original dropped in, an output left from another run). Their
    /// names may hold an applicant's, so they are shown to staff only.
    fn stray_files(&self, lines: &[ManifestLine]) -> Vec<Problem> {
        let named: HashSet<&str> = lines.iter().filter_map(|l| l.output.as_deref()).collect();
        walkdir::WalkDir::new(self.out.join("files"))
            .sort_by_file_name()
            .into_iter()
            .filter_map(|entry| entry.ok())
            .filter(|entry| !entry.file_type().is_dir())
            .filter_map(|entry| {
                let relative = entry.path().strip_prefix(&self.out).ok()?;
                let relative = relative.to_string_lossy().replace('\\', "/");
                (!named.contains(relative.as_str())).then(|| Problem {
                    place: "files/".into(),
                    source: Some(relative),
                    what: "a file that no manifest line names".into(),
                })
            })
            .collect()
    }

    /// The run's settings and key; each that is missing or unreadable is a problem, and the
    /// audit goes on with defaults (and without the applicants' terms).
    fn records(&self) -> Records {
        let mut problems = Vec::new();
        let mut problem = |what: String| {
            problems.push(Problem {
                place: "run".into(),
                source: None,
                what,
            })
        };
        let settings = RunSettings::read(&self.out).unwrap_or_else(|e| {
            problem(format!(
                "{} cannot be read ({e}): pages are read with the default limits and resolution",
                key::SETTINGS_FILE
            ));
            RunSettings::new(&Default::default(), &Limits::default())
        });
        let key = key::read_key(&self.out).unwrap_or_else(|e| {
            problem(format!(
                "{} cannot be read ({e}): the re-scan cannot look for the applicants' names \
                 and units, only for labels, signatures and eyes",
                key::KEY_FILE
            ));
            Vec::new()
        });
        Records {
            settings,
            key,
            problems,
        }
    }

    /// The applicant terms for the re-scan, by code: names and units from the key, aliases from
    /// the roster when given.
    fn targets(&self, key: &[KeyRow]) -> Result<HashMap<String, Target>> {
        let roster = match &self.roster {
            Some(path) => Some(Roster::from_path(path)?),
            None => None,
        };
        Ok(key
            .iter()
            .filter(|row| !row.name.is_empty())
            .map(|row| {
                let aliases = roster
                    .as_ref()
                    .and_then(|r| r.by_folder(&row.folder))
                    .map(|a| a.aliases.clone())
                    .unwrap_or_default();
                let applicant = Applicant {
                    folder: row.folder.clone(),
                    name: row.name.clone(),
                    unit: row.unit.clone(),
                    aliases,
                    archive_no: None,
                    id_number: None,
                    line: 0,
                };
                (row.code.clone(), Target::for_applicant(&applicant))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_the_source_for_staff_only() {
        let problem = Problem {
            place: "A001 file 2".into(),
            source: Some("01_王玥/王玥-身份证.jpg".into()),
            what: "no manifest line".into(),
        };
        assert_eq!(problem.public(), "A001 file 2: no manifest line");
        assert!(problem.for_staff().contains("王玥-身份证.jpg"));
    }
}
