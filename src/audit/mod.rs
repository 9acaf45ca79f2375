//! The auditor's check of a finished run: the manifest accounts for every file and page of the
//! intake, every output matches its SHA-256, the pixels under every manifest region are masked,
//! and an independent second pass of the detectors over the masked outputs finds no name, unit
//! or eyes left uncovered. [`html`] turns the result into a self-contained report.

pub mod html;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crossbeam_channel::bounded;
use image::{Rgb, RgbImage};

use crate::base::{Evidence, Kind};
use crate::detect::Detector;
use crate::error::{Error, Result};
use crate::find::{self, FindOptions, Target};
use crate::geometry::Shape;
use crate::intake::{Applicant, FileKind, Intake, Roster};
use crate::mask::{is_masked, masked_share};
use crate::models::sha256_bytes;
use crate::pages::{Document, Limits};
use crate::pipeline::output_path;
use crate::write::key::{self, KeyRow, RunSettings};
use crate::write::manifest::{self, ManifestLine, ManifestRegion};

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
/// report shows it; `source` is the intake path (which may hold the applicant's name), for staff
/// at the console only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: an output and page, or an applicant code and file number.
    pub place: String,
    /// The intake file concerned, when there is one.
    pub source: Option<String>,
    /// What is wrong.
    pub what: String,
}

impl Problem {
    /// The problem as the report shows it: no intake path, no name.
    pub fn public(&self) -> String {
        format!("{}: {}", self.place, self.what)
    }

    /// The problem for staff at the console, with the intake path.
    pub fn for_staff(&self) -> String {
        match &self.source {
            Some(source) => format!("{} (intake: {source})", self.public()),
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

/// Share of a region found again by the re-scan that must be mask-coloured for it to count as
/// covered (the re-scan's boxes are estimates: eyes under a bar, text padding).
const RESCAN_MASKED_SHARE: f64 = 0.5;
/// The same for regions of ink (a signature, writing in a name cell): the box of all the unread
/// ink beside a label, in which the re-scan also sees the mask itself, so any real mask in it
/// counts.
const RESCAN_MASKED_SHARE_INK: f64 = 0.1;
/// Long side of the report's thumbnails, in pixels.
const THUMBNAIL_SIDE: u32 = 360;

/// What the run recorded beside its outputs, and what could not be read of it.
struct Records {
    settings: RunSettings,
    key: Vec<KeyRow>,
    problems: Vec<Problem>,
}

/// One output page read for the workers: the line's index and the page's pixels, or why the
/// page could not be read.
struct PageJob {
    index: usize,
    hash_problem: Option<String>,
    pixels: std::result::Result<RgbImage, String>,
}

impl Audit {
    /// Runs every check with one detector per worker. One thread reads the outputs (it alone
    /// calls PDFium); the workers check the pages.
    pub fn run(&self, detectors: Vec<Box<dyn Detector>>) -> Result<AuditResult> {
        let manifest_path = self.out.join("manifest.jsonl");
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
        let mut pages: Vec<AuditedPage> = lines
            .into_iter()
            .map(|line| AuditedPage {
                line,
                thumbnail: None,
                problems: Vec::new(),
                corrections: Vec::new(),
            })
            .collect();

        let workers = detectors.len().max(1);
        let (job_tx, job_rx) = bounded::<PageJob>(workers * 2);
        let (done_tx, done_rx) = crossbeam_channel::unbounded();
        std::thread::scope(|scope| {
            let lines: Vec<&ManifestLine> = pages.iter().map(|p| &p.line).collect();
            let (out, dpi) = (&self.out, records.settings.dpi);
            scope.spawn(move || read_outputs(out, &lines, dpi, &limits, job_tx));
            for mut detector in detectors {
                let (jobs, done, pages, targets) =
                    (job_rx.clone(), done_tx.clone(), &pages, &targets);
                scope.spawn(move || {
                    for job in jobs {
                        let line = &pages[job.index].line;
                        let target = line.applicant.as_ref().and_then(|c| targets.get(c));
                        let checked = check_page(line, job, mask_color, target, detector.as_mut());
                        if done.send(checked).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(done_tx);
        });
        for checked in done_rx {
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

/// The reader thread: every listed page of every output, read once per output file.
fn read_outputs(
    out: &Path,
    lines: &[&ManifestLine],
    dpi: u32,
    limits: &Limits,
    jobs: crossbeam_channel::Sender<PageJob>,
) {
    let mut by_output: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (index, line) in lines.iter().enumerate() {
        if let (Some(output), Some(_)) = (&line.output, line.page) {
            by_output.entry(output).or_default().push(index);
        }
    }
    for (output, indices) in by_output {
        let first = lines[indices[0]];
        let opened = std::fs::read(out.join(output))
            .map_err(|e| format!("output file cannot be read: {e}"))
            .and_then(|bytes| {
                let hash_problem = (first.output_sha256.as_deref() != Some(&sha256_bytes(&bytes)))
                    .then(|| "output file does not match the SHA-256 in the manifest".to_string());
                let kind = FileKind::sniff(&bytes).map_err(|e| format!("output {e}"))?;
                let document = Document::open(bytes, kind, first.dpi.unwrap_or(dpi), limits)
                    .map_err(|e| format!("output cannot be decoded: {e}"))?;
                Ok((hash_problem, document))
            });
        let (hash_problem, mut document) = match opened {
            Ok((hash_problem, document)) => (hash_problem, Some(document)),
            Err(e) => (Some(e), None),
        };
        for index in indices {
            let number = lines[index].page.unwrap_or(1);
            let pixels = match &mut document {
                Some(document) if number <= document.page_count() => document
                    .page(number, limits)
                    .map(|page| page.pixels)
                    .map_err(|e| format!("output page cannot be read: {e}")),
                Some(_) => Err("page missing from the output file".into()),
                None => Err(String::new()),
            };
            let job = PageJob {
                index,
                hash_problem: hash_problem.clone(),
                pixels,
            };
            if jobs.send(job).is_err() {
                return;
            }
        }
    }
}

/// What the workers find on one page.
struct CheckedPage {
    index: usize,
    thumbnail: Option<Vec<u8>>,
    problems: Vec<String>,
    /// Dismissed regions (by index) that the re-scan finds again.
    found_again: Vec<usize>,
}

/// The page-level checks: hash, size, masks (the whole page when withheld) and the re-scan.
fn check_page(
    line: &ManifestLine,
    job: PageJob,
    mask_color: Rgb<u8>,
    target: Option<&Target>,
    detector: &mut dyn Detector,
) -> CheckedPage {
    let mut checked = CheckedPage {
        index: job.index,
        thumbnail: None,
        problems: job.hash_problem.into_iter().collect(),
        found_again: Vec::new(),
    };
    let pixels = match job.pixels {
        Ok(pixels) => pixels,
        Err(e) => {
            checked.problems.extend(Some(e).filter(|e| !e.is_empty()));
            return checked;
        }
    };
    if (Some(pixels.width()), Some(pixels.height())) != (line.width, line.height) {
        checked.problems.push(format!(
            "page is {}x{} pixels, the manifest says {}x{}",
            pixels.width(),
            pixels.height(),
            line.width.unwrap_or(0),
            line.height.unwrap_or(0)
        ));
        return checked;
    }
    if line.withheld {
        let page = Shape::pixel_box([0, 0, pixels.width(), pixels.height()]);
        if !is_masked(&pixels, &page, mask_color) {
            checked
                .problems
                .push("withheld page is not painted over in the output".into());
        }
    } else {
        for region in &line.regions {
            if !is_masked(&pixels, &region.shape(), mask_color) {
                checked.problems.push(format!(
                    "{} region {:?} is not masked in the output",
                    region.kind.as_str(),
                    region.bbox
                ));
            }
        }
        match residuals(&pixels, mask_color, target, detector) {
            Ok(residuals) => {
                for (kind, bbox) in residuals {
                    match line
                        .dismissed
                        .iter()
                        .position(|d| overlaps(d.region.bbox, bbox))
                    {
                        Some(dismissed) => checked.found_again.push(dismissed),
                        None => checked.problems.push(format!(
                            "re-scan found an unmasked {} at {bbox:?}",
                            kind.as_str()
                        )),
                    }
                }
            }
            Err(e) => checked.problems.push(format!("re-scan failed: {e}")),
        }
    }
    checked.thumbnail = Some(thumbnail(&pixels, &line.regions));
    checked
}

/// Whether two boxes share at least half of the smaller one.
fn overlaps(a: [u32; 4], b: [u32; 4]) -> bool {
    let area = |[x0, y0, x1, y1]: [u32; 4]| {
        u64::from(x1.saturating_sub(x0)) * u64::from(y1.saturating_sub(y0))
    };
    let shared = area([
        a[0].max(b[0]),
        a[1].max(b[1]),
        a[2].min(b[2]),
        a[3].min(b[3]),
    ]);
    shared > 0 && shared * 2 >= area(a).min(area(b))
}

/// The second pass: names and units that the roster terms or the label hints read in the output,
/// and eyes of faces found in it, whose pixels are not masked, by kind and box. What the
/// detectors can still read is visible, whatever the manifest says.
fn residuals(
    pixels: &RgbImage,
    color: Rgb<u8>,
    target: Option<&Target>,
    detector: &mut dyn Detector,
) -> Result<Vec<(Kind, [u32; 4])>> {
    let detections = detector.detect(pixels)?;
    let findings = find::on_page(pixels, &detections, target, &FindOptions::default());
    Ok(findings
        .regions
        .iter()
        .filter(|region| match region.kind {
            // Seals are left out: authority seals stay visible by design.
            Kind::Name | Kind::Unit => region.evidence != Evidence::Seal,
            Kind::Eyes | Kind::Face => true,
            Kind::IdNumber => false,
        })
        .filter_map(|region| {
            let bbox = region.rect().to_pixels(pixels.width(), pixels.height());
            let share = masked_share(pixels, &region.shape, color)?;
            let needed = match region.evidence {
                Evidence::Signature | Evidence::Ink => RESCAN_MASKED_SHARE_INK,
                _ => RESCAN_MASKED_SHARE,
            };
            (share < needed).then_some((region.kind, bbox))
        })
        .collect())
}

/// A small JPEG of the masked page with the manifest regions outlined.
fn thumbnail(pixels: &RgbImage, regions: &[ManifestRegion]) -> Vec<u8> {
    let scale = THUMBNAIL_SIDE as f32 / pixels.width().max(pixels.height()) as f32;
    let (w, h) = (
        ((pixels.width() as f32 * scale).round() as u32).max(1),
        ((pixels.height() as f32 * scale).round() as u32).max(1),
    );
    let mut small = image::imageops::thumbnail(pixels, w, h);
    crate::write::preview::outline(&mut small, regions, scale, false);
    let page = crate::pages::Page {
        number: 1,
        pixels: small,
        greyscale: false,
        text: None,
    };
    crate::write::raster::encode_jpeg(&page, 75).unwrap_or_default()
}

/// How problems name manifest lines without the intake path: an output and page, else the
/// place the intake scan gives the file, else the applicant code and the file's number among
/// that applicant's manifest entries.
struct Places {
    by_source: HashMap<String, String>,
}

impl Places {
    fn new(lines: &[ManifestLine], intake: Option<&IntakeAccount>) -> Places {
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

    fn of(&self, line: &ManifestLine) -> String {
        match (&line.output, line.page) {
            (Some(output), Some(page)) => format!("{output} page {page}"),
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
struct IntakeAccount {
    files: Vec<IntakeFile>,
    dpi: u32,
    limits: Limits,
}

struct IntakeFile {
    source: String,
    path: PathBuf,
    place: String,
}

impl IntakeAccount {
    /// Scans the intake; applicant codes come from the run's key.
    fn scan(dir: &Path, key: &[KeyRow], settings: &RunSettings) -> Result<IntakeAccount> {
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
    fn completeness(&self, lines: &[ManifestLine], places: &Places) -> Vec<Problem> {
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
    fn problems_name_the_source_for_staff_only() {
        let problem = Problem {
            place: "A001 file 2".into(),
            source: Some("01_王玥/王玥-身份证.jpg".into()),
            what: "no manifest line".into(),
        };
        assert_eq!(problem.public(), "A001 file 2: no manifest line");
        assert!(problem.for_staff().contains("王玥-身份证.jpg"));
    }

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
