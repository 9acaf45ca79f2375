//! Corrections by people to a finished run: masks added by hand, found regions removed (with
//! who, when and why), pages confirmed. Every edit goes to the [`journal`] first, then the
//! page's manifest line changes and its output file is made again from the **original** by the
//! one renderer (never painted onto an already masked output), then the manifest is rewritten.
//! Opening a run replays journal edits that a crash kept from reaching the manifest.

pub mod journal;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::base::{Evidence, Kind};
use crate::error::{Error, PageError, Result};
use crate::geometry::Shape;
use crate::models::sha256_bytes;
use crate::pages::{Document, Limits};
use crate::write::key::RunSettings;
use crate::write::manifest::{self, Dismissal, ManifestLine, ManifestRegion, Reviewed, Status};
use crate::write::render::{self, Masks, OutputOptions};
use journal::Journal;

/// One correction of one page, as the journal records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edit {
    /// The page's output file, relative to the output folder.
    pub output: String,
    /// The page number in that file (1-based).
    pub page: usize,
    /// The page's revision the edit was made on; an edit made on an older revision is refused.
    pub revision: u64,
    /// Who made it.
    pub by: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// What it does.
    #[serde(flatten)]
    pub action: Action,
}

/// What an edit does to a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Adds a mask drawn by hand.
    Add {
        /// What it hides.
        kind: Kind,
        /// `[x0, y0, x1, y1]` in output-page pixels.
        bbox: [u32; 4],
    },
    /// Removes region `index` of the page: a hand-drawn one goes, a found one is dismissed.
    Remove {
        /// Index into the page's regions.
        index: usize,
        /// Why (required for a found region).
        reason: String,
    },
    /// Puts dismissed region `index` back (undoes a removal).
    Restore {
        /// Index into the page's dismissed regions.
        index: usize,
    },
    /// Confirms the page as it is: a page to review becomes ok.
    Confirm,
    /// Dismisses a finding of the audit's re-scan (what it took for a name, unit or eyes at
    /// `bbox`) as none of the applicant's: recorded as a removed region found by the audit, so
    /// the audit no longer counts it as a problem; restoring it masks it.
    Dismiss {
        /// What the audit took it for.
        kind: Kind,
        /// `[x0, y0, x1, y1]` in output-page pixels.
        bbox: [u32; 4],
        /// Why it is not a leak (required).
        reason: String,
    },
}

/// Why an edit was refused.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The page changed since the editor loaded it.
    #[error("the page was changed meanwhile (now revision {current}); reload it")]
    Conflict {
        /// The page's revision now.
        current: u64,
    },
    /// No such page in the run.
    #[error("no page {page} of {output} in this run")]
    NoSuchPage {
        /// The output named.
        output: String,
        /// The page named.
        page: usize,
    },
    /// The edit makes no sense on this page.
    #[error("{0}")]
    Invalid(String),
    /// Reading or writing the run failed.
    #[error(transparent)]
    Run(#[from] Error),
}

/// A finished run open for corrections.
pub struct EditedRun {
    out: PathBuf,
    intake: PathBuf,
    settings: RunSettings,
    lines: Vec<ManifestLine>,
    journal: Journal,
}

impl EditedRun {
    /// Opens the run in `out` whose sources are relative to `intake`, and replays the journal
    /// edits the manifest does not have yet (re-rendering their outputs).
    pub fn open(out: &Path, intake: &Path) -> Result<EditedRun> {
        let mut run = EditedRun {
            out: out.to_path_buf(),
            intake: intake.to_path_buf(),
            settings: RunSettings::read(out)?,
            lines: manifest::read(&out.join(manifest::MANIFEST_FILE))?,
            journal: Journal::open(out)?,
        };
        let mut touched = BTreeSet::new();
        for edit in journal::read(out)? {
            let index = run.index_of(&edit.output, edit.page).map_err(record)?;
            let line = &mut run.lines[index];
            if edit.revision < line.revision {
                continue;
            }
            apply(line, &edit).map_err(record)?;
            touched.insert(edit.output);
        }
        for output in &touched {
            let rendered = run.render(output)?;
            run.store(output, &rendered)?;
        }
        if !touched.is_empty() {
            run.write_manifest()?;
        }
        Ok(run)
    }

    /// The manifest lines, in manifest order.
    pub fn lines(&self) -> &[ManifestLine] {
        &self.lines
    }

    /// The output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// The path of a line's original file.
    pub fn original(&self, line: &ManifestLine) -> PathBuf {
        self.intake.join(&line.source)
    }

    /// The run's output options (resolution, quality, mask colour).
    pub fn output_options(&self) -> OutputOptions {
        OutputOptions {
            dpi: self.settings.dpi,
            jpeg_quality: self.settings.jpeg_quality,
            mask_color: crate::mask::parse_color(&self.settings.mask_color)
                .unwrap_or(OutputOptions::default().mask_color),
            max_file_bytes: self.settings.max_file_bytes,
        }
    }

    /// The run's page limits.
    pub fn limits(&self) -> Limits {
        self.settings.limits()
    }

    /// Makes an edit: the page's output is rendered with it, then the edit is journalled (on
    /// disk), the output written and the manifest rewritten. Returns the index of the page's
    /// line. A refused edit changes nothing.
    pub fn edit(&mut self, edit: Edit) -> std::result::Result<usize, EditError> {
        let index = self.index_of(&edit.output, edit.page)?;
        let mut line = self.lines[index].clone();
        apply(&mut line, &edit)?;
        let before = std::mem::replace(&mut self.lines[index], line);
        let rendered = self
            .render(&edit.output)
            .and_then(|rendered| self.journal.append(&edit).map(|()| rendered));
        match rendered {
            Ok(rendered) => {
                self.store(&edit.output, &rendered)?;
                self.write_manifest()?;
                Ok(index)
            }
            Err(e) => {
                self.lines[index] = before;
                Err(e.into())
            }
        }
    }

    /// Makes the corrections of `earlier` (the lines of a run this one replaces, as they stood
    /// after their edits) again on this run's lines of the same original and page, each as a
    /// new journalled edit: every found mask that was removed is removed again where this run
    /// found the same one, with who, when and why; every hand-drawn mask is drawn again; a
    /// confirmation stands where the page then holds the masks that were confirmed. Who drew a
    /// mask and when comes from `journal`, the replaced run's edits (else `by`, now). Returns
    /// the corrected lines of `earlier` whose file is gone or has changed: their corrections
    /// could not be made again.
    pub fn carry_over(
        &mut self,
        earlier: &[ManifestLine],
        journal: &[Edit],
        by: &str,
    ) -> Result<Vec<ManifestLine>> {
        let mut lost = Vec::new();
        for old in earlier.iter().filter(|line| line.revision > 0) {
            let Some(index) = self.lines.iter().position(|line| {
                line.source == old.source
                    && line.page == old.page
                    && line.source_sha256 == old.source_sha256
                    && line.output.is_some()
            }) else {
                lost.push(old.clone());
                continue;
            };
            for dismissal in &old.dismissed {
                let region = &dismissal.region;
                if region.evidence == Evidence::Audit {
                    let action = Action::Dismiss {
                        kind: region.kind,
                        bbox: region.bbox,
                        reason: dismissal.reason.clone(),
                    };
                    self.edit_again(index, &dismissal.by, &dismissal.at, action)?;
                    continue;
                }
                let found = self.lines[index]
                    .regions
                    .iter()
                    .position(|r| *r == dismissal.region);
                if let Some(region) = found {
                    let action = Action::Remove {
                        index: region,
                        reason: dismissal.reason.clone(),
                    };
                    self.edit_again(index, &dismissal.by, &dismissal.at, action)?;
                }
            }
            let manual = old
                .regions
                .iter()
                .filter(|r| r.evidence == Evidence::Manual);
            for region in manual {
                let drawn = journal.iter().rev().find(|edit| {
                    old.output.as_deref() == Some(edit.output.as_str())
                        && Some(edit.page) == old.page
                        && matches!(edit.action, Action::Add { kind, bbox }
                            if kind == region.kind && bbox == region.bbox)
                });
                let (by, at) = drawn.map_or_else(
                    || (by.to_string(), now()),
                    |edit| (edit.by.clone(), edit.at.clone()),
                );
                let action = Action::Add {
                    kind: region.kind,
                    bbox: region.bbox,
                };
                self.edit_again(index, &by, &at, action)?;
            }
            if let Some(reviewed) = &old.reviewed {
                let line = &self.lines[index];
                if same_regions(&line.regions, &old.regions) && line.reviewed.is_none() {
                    self.edit_again(index, &reviewed.by, &reviewed.at, Action::Confirm)?;
                }
            }
        }
        Ok(lost)
    }

    /// Makes `action` on line `index` as it stands now, recorded as made by `by` at `at`.
    fn edit_again(&mut self, index: usize, by: &str, at: &str, action: Action) -> Result<()> {
        let line = &self.lines[index];
        let edit = Edit {
            output: line.output.clone().expect("a line with an output"),
            page: line.page.unwrap_or(1),
            revision: line.revision,
            by: by.to_string(),
            at: at.to_string(),
            action,
        };
        self.edit(edit).map(drop).map_err(record)
    }

    fn index_of(&self, output: &str, page: usize) -> std::result::Result<usize, EditError> {
        self.lines
            .iter()
            .position(|l| l.output.as_deref() == Some(output) && l.page == Some(page))
            .ok_or_else(|| EditError::NoSuchPage {
                output: output.to_string(),
                page,
            })
    }

    /// Renders `output` again from its original and its lines' regions.
    fn render(&self, output: &str) -> Result<render::Rendered> {
        let mut lines: Vec<&ManifestLine> = self
            .lines
            .iter()
            .filter(|l| l.output.as_deref() == Some(output))
            .collect();
        lines.sort_by_key(|l| l.page);
        let original = self.original(lines[0]);
        let bytes = std::fs::read(&original).map_err(|e| Error::io(&original, e))?;
        if lines[0].source_sha256.as_deref() != Some(&sha256_bytes(&bytes)) {
            return Err(Error::Usage(format!(
                "{} has changed since the run: its corrections cannot be rendered",
                original.display()
            )));
        }
        self.render_file(bytes, &lines)
            .map_err(|e| Error::Usage(format!("{output}: {e}")))
    }

    /// Writes a rendered output and records its SHA-256 on its lines.
    fn store(&mut self, output: &str, rendered: &render::Rendered) -> Result<()> {
        crate::write::write_atomic(&self.out.join(output), &rendered.bytes)?;
        for line in &mut self.lines {
            if line.output.as_deref() == Some(output) {
                line.output_sha256 = Some(rendered.sha256.clone());
            }
        }
        Ok(())
    }

    /// The output of one original with its lines (one per page, in page order), exactly as the
    /// batch makes it.
    fn render_file(
        &self,
        bytes: Vec<u8>,
        lines: &[&ManifestLine],
    ) -> std::result::Result<render::Rendered, PageError> {
        let (options, limits) = (self.output_options(), self.limits());
        let kind = crate::intake::FileKind::sniff(&bytes)?;
        let dpi = lines[0].dpi.unwrap_or(options.dpi);
        let mut document = Document::open(bytes, kind, dpi, &limits)?;
        if !kind.is_pdf() {
            let pages = lines.iter().map(|line| {
                let page = document.page(line.page.unwrap_or(1), &limits)?;
                Ok((page, Masks::from(*line)))
            });
            return render::image_file(pages, kind, &options);
        }
        let masks: Vec<Masks> = lines.iter().map(|line| Masks::from(*line)).collect();
        let pages = lines
            .iter()
            .zip(&masks)
            .map(|(line, masks)| {
                let number = line.page.unwrap_or(1);
                let page = document
                    .page(number, &limits)
                    .unwrap_or_else(|_| render::placeholder(number, &options));
                render::pdf_page(page, masks, &options)
            })
            .collect::<std::result::Result<Vec<_>, _>>()?;
        render::assemble_pdf(&pages, &masks, &options)
    }

    fn write_manifest(&self) -> Result<()> {
        let text = manifest::to_text(&self.lines)?;
        crate::write::write_atomic(&self.out.join(manifest::MANIFEST_FILE), text.as_bytes())
    }
}

/// Whether two pages hold the same masks, in any order.
fn same_regions(a: &[ManifestRegion], b: &[ManifestRegion]) -> bool {
    a.len() == b.len() && a.iter().all(|region| b.contains(region))
}

/// A journal edit that does not fit the manifest: the journal belongs to another run.
fn record(e: EditError) -> Error {
    Error::Usage(format!(
        "{} does not fit the manifest: {e}",
        journal::JOURNAL_FILE
    ))
}

/// Applies an edit to a page's line: its regions, dismissals, review, verdict and revision.
pub fn apply(line: &mut ManifestLine, edit: &Edit) -> std::result::Result<(), EditError> {
    if edit.revision != line.revision {
        return Err(EditError::Conflict {
            current: line.revision,
        });
    }
    let refused = |what: &str| EditError::Invalid(what.to_string());
    let (w, h) = (line.width.unwrap_or(0), line.height.unwrap_or(0));
    let region = |kind: Kind, evidence, bbox: [u32; 4]| {
        let [x0, y0, x1, y1] = bbox;
        if line.withheld {
            return Err(refused("the page is withheld: it is painted over whole"));
        }
        if x0 >= x1 || y0 >= y1 || x1 > w || y1 > h {
            return Err(refused("the mask must be a non-empty box inside the page"));
        }
        Ok(ManifestRegion::new(
            kind,
            evidence,
            &Shape::pixel_box(bbox),
            w,
            h,
        ))
    };
    match &edit.action {
        Action::Add { kind, bbox } => {
            let drawn = region(*kind, Evidence::Manual, *bbox)?;
            line.regions.push(drawn);
        }
        Action::Dismiss { kind, bbox, reason } => {
            let found = region(*kind, Evidence::Audit, *bbox)?;
            if reason.trim().is_empty() {
                return Err(refused("say why the finding is not a leak"));
            }
            line.dismissed.push(Dismissal {
                region: found,
                by: edit.by.clone(),
                at: edit.at.clone(),
                reason: reason.trim().to_string(),
            });
        }
        Action::Remove { index, reason } => {
            let Some(region) = line.regions.get(*index) else {
                return Err(refused("no such mask on the page"));
            };
            if region.evidence != Evidence::Manual {
                if reason.trim().is_empty() {
                    return Err(refused("say why a found mask is removed"));
                }
                line.dismissed.push(Dismissal {
                    region: region.clone(),
                    by: edit.by.clone(),
                    at: edit.at.clone(),
                    reason: reason.trim().to_string(),
                });
            }
            line.regions.remove(*index);
        }
        Action::Restore { index } => {
            if *index >= line.dismissed.len() {
                return Err(refused("no such removed mask on the page"));
            }
            let dismissal = line.dismissed.remove(*index);
            line.regions.push(dismissal.region);
        }
        Action::Confirm => {
            line.reviewed = Some(Reviewed {
                by: edit.by.clone(),
                at: edit.at.clone(),
                status_was: line.status,
            });
            if line.status == Status::Review {
                line.status = Status::Ok;
            }
        }
    }
    line.masking_required = line.withheld || !line.regions.is_empty();
    line.revision += 1;
    Ok(())
}

/// Now as RFC 3339 in UTC, to the second: when an edit was made.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::PageError;

    fn line() -> ManifestLine {
        let mut line = ManifestLine::file_error("a.png", Some("A001"), None, &PageError::Empty);
        line.status = Status::Review;
        line.error = None;
        line.error_kind = None;
        line.page = Some(1);
        line.output = Some("files/A001/001.png".into());
        (line.width, line.height) = (Some(100), Some(80));
        line.regions.push(ManifestRegion {
            kind: Kind::Name,
            bbox: [10, 10, 40, 20],
            poly: Vec::new(),
            evidence: Evidence::Roster,
        });
        line.masking_required = true;
        line
    }

    fn edit(revision: u64, action: Action) -> Edit {
        Edit {
            output: "files/A001/001.png".into(),
            page: 1,
            revision,
            by: "staff".into(),
            at: "2026-12-01T10:00:00Z".into(),
            action,
        }
    }

    fn remove(revision: u64, index: usize, reason: &str) -> Edit {
        let reason = reason.to_string();
        edit(revision, Action::Remove { index, reason })
    }

    #[test]
    fn a_found_region_removed_is_dismissed_with_who_when_and_why_and_can_come_back() {
        let mut line = line();
        assert!(matches!(
            apply(&mut line, &remove(0, 0, " ")),
            Err(EditError::Invalid(_))
        ));
        apply(&mut line, &remove(0, 0, "a printed heading, not the name")).unwrap();
        assert!(line.regions.is_empty());
        assert!(!line.masking_required);
        assert_eq!(line.dismissed[0].reason, "a printed heading, not the name");
        assert_eq!(line.dismissed[0].by, "staff");
        apply(&mut line, &edit(1, Action::Restore { index: 0 })).unwrap();
        assert_eq!(line.regions[0].evidence, Evidence::Roster);
        assert!(line.dismissed.is_empty() && line.masking_required);
        assert_eq!(line.revision, 2);
    }

    #[test]
    fn hand_drawn_masks_are_manual_inside_the_page_and_go_without_a_trace() {
        let mut line = line();
        line.regions.clear();
        line.masking_required = false;
        let outside = Action::Add {
            kind: Kind::Unit,
            bbox: [50, 50, 120, 60],
        };
        assert!(apply(&mut line, &edit(0, outside)).is_err());
        let inside = Action::Add {
            kind: Kind::Unit,
            bbox: [50, 50, 90, 60],
        };
        apply(&mut line, &edit(0, inside)).unwrap();
        assert_eq!(line.regions[0].evidence, Evidence::Manual);
        assert!(line.masking_required);
        apply(&mut line, &remove(1, 0, "")).unwrap();
        assert!(line.regions.is_empty() && line.dismissed.is_empty());
    }

    #[test]
    fn edits_on_an_old_revision_conflict_and_confirming_clears_review() {
        let mut line = line();
        apply(&mut line, &edit(0, Action::Confirm)).unwrap();
        assert_eq!(line.status, Status::Ok);
        assert_eq!(line.reviewed.as_ref().unwrap().status_was, Status::Review);
        assert!(matches!(
            apply(&mut line, &edit(0, Action::Confirm)),
            Err(EditError::Conflict { current: 1 })
        ));
    }

    #[test]
    fn edits_survive_the_journal_in_manifest_form() {
        let add = edit(
            3,
            Action::Add {
                kind: Kind::Eyes,
                bbox: [1, 2, 3, 4],
            },
        );
        let json = serde_json::to_value(&add).unwrap();
        assert_eq!(json["action"], "add");
        assert_eq!(json["kind"], "eyes");
        assert_eq!(serde_json::from_value::<Edit>(json).unwrap(), add);
    }
}
