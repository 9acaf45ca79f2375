//! The auditor's check of a finished run: the manifest accounts for every file and page of the
//! intake, every output matches its SHA-256, the pixels under every manifest region are masked,
//! and an independent second pass of the detectors over the masked outputs finds no name, unit
//! or eyes left uncovered. This file runs the audit; `pages` checks each output page, `intake`
//! accounts for the intake, and [`html`] turns the result into a self-contained report.

mod finding;
pub mod html;
mod intake;
mod pages;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use image::Rgb;

use crate::base::{Evidence, Lang};
use crate::detect::Detector;
use crate::error::{Error, Result};
use crate::find::Target;
use crate::intake::{Applicant, Roster};
use crate::pages::Limits;
use crate::pipeline::merge::MERGING_FILE;
use crate::pipeline::{fan_out, ThreadClock};
use crate::write::key::{self, KeyRow, RunSettings};
use crate::write::manifest::{self, ManifestLine};
pub use finding::{Change, FileName, Finding, Place};
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
    pub problems: Vec<Finding>,
    /// The page's corrections; only pages with an output can have any.
    pub corrections: Vec<Change>,
}

/// One thing wrong with a run. `place` names it by applicant code, output and page only, as the
/// report shows it; `source` is the file's path (which may hold the applicant's name), for staff
/// at the console only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: an output and page, or an applicant code and file number.
    pub place: Place,
    /// The file concerned, when there is one: an intake path, or a path in the output folder
    /// for a file there that no manifest line names.
    pub source: Option<String>,
    /// What is wrong.
    pub finding: Finding,
}

impl Problem {
    /// The problem as the report shows it: no intake path, no name.
    pub fn public(&self, lang: Lang) -> String {
        let colon = if lang == Lang::Zh { "：" } else { ": " };
        format!(
            "{}{colon}{}",
            self.place.text(lang),
            self.finding.text(lang)
        )
    }

    /// The problem for staff at the console, with the intake path.
    pub fn for_staff(&self, lang: Lang) -> String {
        match &self.source {
            Some(source) => format!(
                "{} ({})",
                self.public(lang),
                crate::base::text::on_one_line(source)
            ),
            None => self.public(lang),
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
    pub place: Place,
    /// What was done, by whom, when and why.
    pub change: Change,
}

impl Correction {
    /// The correction in words, with its place.
    pub fn text(&self, lang: Lang) -> String {
        let colon = if lang == Lang::Zh { "：" } else { ": " };
        format!("{}{colon}{}", self.place.text(lang), self.change.text(lang))
    }
}

/// The corrections recorded on a manifest line. A removed region the re-scan still finds is
/// not a problem (a person decided it), but the correction says so.
fn corrections(line: &ManifestLine, found_again: &[usize]) -> Vec<Change> {
    let manual = line
        .regions
        .iter()
        .filter(|r| r.evidence == Evidence::Manual)
        .map(|r| Change::Drawn {
            kind: r.kind,
            bbox: r.bbox,
        });
    let dismissed = line
        .dismissed
        .iter()
        .enumerate()
        .map(|(i, d)| Change::Removed {
            kind: d.region.kind,
            bbox: d.region.bbox,
            evidence: d.region.evidence,
            by: d.by.clone(),
            at: d.at.clone(),
            reason: d.reason.clone(),
            found_again: found_again.contains(&i),
        });
    let reviewed = line.reviewed.iter().map(|r| Change::Confirmed {
        by: r.by.clone(),
        at: r.at.clone(),
        was: r.status_was,
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
            problems.extend(page.problems.iter().map(|finding| Problem {
                place: place.clone(),
                source: Some(page.line.source.clone()),
                finding: finding.clone(),
            }));
            all_corrections.extend(page.corrections.iter().map(|change| Correction {
                place: place.clone(),
                change: change.clone(),
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
                (!named.contains(relative.as_str())).then_some(Problem {
                    place: Place::Files,
                    source: Some(relative),
                    finding: Finding::StrayFile,
                })
            })
            .collect()
    }

    /// The run's settings and key; each that is missing or unreadable is a problem, and the
    /// audit goes on with defaults (and without the applicants' terms).
    fn records(&self) -> Records {
        let mut problems = Vec::new();
        let mut problem = |finding: Finding| {
            problems.push(Problem {
                place: Place::Run,
                source: None,
                finding,
            })
        };
        let settings = RunSettings::read(&self.out).unwrap_or_else(|e| {
            problem(Finding::SettingsUnreadable(e.to_string()));
            RunSettings::new(&Default::default(), &Limits::default())
        });
        let key = key::read_key(&self.out).unwrap_or_else(|e| {
            problem(Finding::KeyUnreadable(e.to_string()));
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
            place: Place::File {
                name: FileName::Numbered {
                    code: "A001".into(),
                    number: 2,
                },
                page: None,
            },
            source: Some("01_王玥/王玥-身份证.jpg".into()),
            finding: Finding::NoManifestLine,
        };
        assert_eq!(problem.public(Lang::En), "A001 file 2: no manifest line");
        assert_eq!(
            problem.public(Lang::Zh),
            "A001 第 2 个文件：清单中没有这一项"
        );
        assert!(problem.for_staff(Lang::En).contains("王玥-身份证.jpg"));
    }
}
