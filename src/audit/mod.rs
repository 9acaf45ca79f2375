//! The auditor's check of a finished run: the manifest accounts for every file and page of the
//! intake, every output matches its SHA-256, the pixels under every manifest region are masked,
//! and an independent second pass of the detectors over the masked outputs finds no name, unit
//! or eyes left uncovered. [`html`] turns the result into a self-contained report.

pub mod html;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use image::{Rgb, RgbImage};

use crate::detect::Detector;
use crate::error::{Error, Result};
use crate::find::{self, Evidence, FindOptions, Kind, Target};
use crate::intake::{Applicant, FileKind, Intake, Roster};
use crate::models::sha256_bytes;
use crate::pages::{image_file, pdf::PdfFile, Limits};
use crate::write::manifest::{self, ManifestLine, ManifestRegion};

/// What to audit.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The run's output folder (manifest.jsonl, key.csv, files/).
    pub out: PathBuf,
    /// The run's intake, to check that the manifest accounts for all of it.
    pub intake: Option<PathBuf>,
    /// The run's roster, for unit aliases in the re-scan.
    pub roster: Option<PathBuf>,
    /// The colour the run painted its masks in.
    pub mask_color: Rgb<u8>,
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
}

/// The outcome of an audit.
#[derive(Debug, Clone, Default)]
pub struct AuditResult {
    /// Every manifest line, in manifest order.
    pub pages: Vec<AuditedPage>,
    /// Every problem found, each naming its page or file; empty when the run passes.
    pub problems: Vec<String>,
}

/// Share of a region's inner pixels that must have the mask colour.
const MASKED_SHARE: f64 = 0.95;
/// Largest channel difference from the mask colour still counted as mask (JPEG noise).
const MASK_TOLERANCE: i16 = 48;
/// Pixels left out along each edge of a region before its pixels are checked (JPEG ringing,
/// resampling).
const EDGE_INSET: u32 = 3;
/// Share of a region found again by the re-scan that must be mask-coloured for it to count as
/// covered (the re-scan's boxes are estimates: eyes under a bar, text padding).
const RESCAN_MASKED_SHARE: f64 = 0.5;
/// The same for a signature region: the area beside a signature label where handwriting is
/// looked for, several times the size of the handwriting, so any real mask in it counts.
const RESCAN_MASKED_SHARE_SIGNATURE: f64 = 0.1;
/// Long side of the report's thumbnails, in pixels.
const THUMBNAIL_SIDE: u32 = 360;

impl Audit {
    /// Runs every check with one detector per worker.
    pub fn run(&self, detectors: Vec<Box<dyn Detector>>) -> Result<AuditResult> {
        let manifest_path = self.out.join("manifest.jsonl");
        if !manifest_path.is_file() {
            return Err(Error::Usage(format!(
                "{} has no manifest.jsonl: is it the output folder of a run?",
                self.out.display()
            )));
        }
        let lines = manifest::read(&manifest_path)?;
        let targets = self.targets()?;
        let mut problems = match &self.intake {
            Some(intake) => completeness(intake, &lines)?,
            None => Vec::new(),
        };
        let mut pages: Vec<AuditedPage> = lines
            .into_iter()
            .map(|line| AuditedPage {
                line,
                thumbnail: None,
                problems: Vec::new(),
            })
            .collect();

        let mut by_output: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, page) in pages.iter().enumerate() {
            if let (Some(output), Some(_)) = (&page.line.output, page.line.page) {
                by_output.entry(output.clone()).or_default().push(index);
            }
        }
        let jobs = Mutex::new(by_output.into_iter());
        let checked = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for mut detector in detectors {
                let (jobs, checked, pages, targets) = (&jobs, &checked, &pages, &targets);
                scope.spawn(move || loop {
                    let next = jobs.lock().unwrap_or_else(|p| p.into_inner()).next();
                    let Some((output, indices)) = next else { break };
                    let lines: Vec<&ManifestLine> =
                        indices.iter().map(|&i| &pages[i].line).collect();
                    let results = self.check_output(&output, &lines, targets, detector.as_mut());
                    checked
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .extend(indices.into_iter().zip(results));
                });
            }
        });
        for (index, (thumbnail, page_problems)) in checked.into_inner().unwrap_or_default() {
            pages[index].thumbnail = thumbnail;
            pages[index].problems = page_problems;
        }
        for page in &pages {
            let id = page_id(&page.line);
            problems.extend(page.problems.iter().map(|p| format!("{id}: {p}")));
        }
        Ok(AuditResult { pages, problems })
    }

    /// The applicant terms for the re-scan, by code: names and units from key.csv, aliases from
    /// the roster when given.
    fn targets(&self) -> Result<HashMap<String, Target>> {
        let key_path = self.out.join("key.csv");
        let roster = match &self.roster {
            Some(path) => Some(Roster::from_path(path)?),
            None => None,
        };
        let mut targets = HashMap::new();
        let Ok(mut key) = csv::Reader::from_path(&key_path) else {
            return Ok(targets);
        };
        for record in key.records() {
            let record =
                record.map_err(|e| Error::Input(format!("{}: {e}", key_path.display())))?;
            let field = |i: usize| record.get(i).unwrap_or_default().to_string();
            let (code, folder, name, unit) = (field(0), field(1), field(2), field(3));
            if name.is_empty() {
                continue;
            }
            let aliases = roster
                .as_ref()
                .and_then(|r| r.by_folder(&folder))
                .map(|a| a.aliases.clone())
                .unwrap_or_default();
            let applicant = Applicant {
                folder,
                name,
                unit,
                aliases,
                archive_no: None,
                line: 0,
            };
            targets.insert(code, Target::for_applicant(&applicant));
        }
        Ok(targets)
    }

    /// Checks one output file and its pages; returns each page's thumbnail and problems.
    fn check_output(
        &self,
        output: &str,
        lines: &[&ManifestLine],
        targets: &HashMap<String, Target>,
        detector: &mut dyn Detector,
    ) -> Vec<(Option<Vec<u8>>, Vec<String>)> {
        let everyone = |problem: String| {
            lines
                .iter()
                .map(|_| (None, vec![problem.clone()]))
                .collect::<Vec<_>>()
        };
        let bytes = match std::fs::read(self.out.join(output)) {
            Ok(bytes) => bytes,
            Err(e) => return everyone(format!("output file cannot be read: {e}")),
        };
        let hash_problem = (lines[0].output_sha256.as_deref() != Some(&sha256_bytes(&bytes)))
            .then(|| "output file does not match the SHA-256 in the manifest".to_string());
        let decoded = match decode_output(&bytes, lines) {
            Ok(pixels) => pixels,
            Err(e) => return everyone(format!("output cannot be decoded: {e}")),
        };
        lines
            .iter()
            .zip(decoded)
            .map(|(line, pixels)| {
                let mut problems: Vec<String> = hash_problem.iter().cloned().collect();
                let Some(pixels) = pixels else {
                    problems.push("page missing from the output file".into());
                    return (None, problems);
                };
                let target = line.applicant.as_ref().and_then(|c| targets.get(c));
                problems.extend(self.check_page(line, &pixels, target, detector));
                (Some(thumbnail(&pixels, &line.regions)), problems)
            })
            .collect()
    }

    /// The page-level checks: size, masks and the re-scan.
    fn check_page(
        &self,
        line: &ManifestLine,
        pixels: &RgbImage,
        target: Option<&Target>,
        detector: &mut dyn Detector,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        if (Some(pixels.width()), Some(pixels.height())) != (line.width, line.height) {
            problems.push(format!(
                "page is {}x{} pixels, the manifest says {}x{}",
                pixels.width(),
                pixels.height(),
                line.width.unwrap_or(0),
                line.height.unwrap_or(0)
            ));
            return problems;
        }
        for region in &line.regions {
            if !is_masked(pixels, region.bbox, self.mask_color) {
                problems.push(format!(
                    "{} region {:?} is not masked in the output",
                    region.kind, region.bbox
                ));
            }
        }
        problems.extend(residuals(pixels, self.mask_color, target, detector));
        problems
    }
}

/// How a page is named in problems: the output and page number, else the source.
fn page_id(line: &ManifestLine) -> String {
    match (&line.output, line.page) {
        (Some(output), Some(page)) => format!("{output} page {page}"),
        (None, Some(page)) => format!("{} page {page}", line.source),
        _ => line.source.clone(),
    }
}

/// The pixels of each listed page of an output file (None for a page the file lacks).
fn decode_output(
    bytes: &[u8],
    lines: &[&ManifestLine],
) -> std::result::Result<Vec<Option<RgbImage>>, String> {
    let limits = Limits::default();
    let kind = FileKind::sniff(bytes)?;
    if kind.is_pdf() {
        let pdfium = crate::runtime::pdfium().map_err(|e| e.to_string())?;
        let pdf = PdfFile::open(pdfium, bytes.to_vec(), &limits)?;
        return Ok(lines
            .iter()
            .map(|line| {
                let page = line.page.filter(|&p| p <= pdf.page_count())?;
                let dpi = line.dpi.unwrap_or(200) as f32;
                pdf.render(page, dpi, &limits).ok().map(|p| p.pixels)
            })
            .collect());
    }
    let mut pages = image_file::decode(bytes, kind, &limits)?;
    Ok(lines
        .iter()
        .map(|line| {
            let index = line.page?.checked_sub(1)?;
            (index < pages.len()).then(|| std::mem::take(&mut pages[index].pixels))
        })
        .collect())
}

/// Whether nearly all pixels inside `bbox` (less a thin edge) have the mask colour.
pub fn is_masked(pixels: &RgbImage, bbox: [u32; 4], color: Rgb<u8>) -> bool {
    let [x0, y0, x1, y1] = bbox;
    let inner = [
        x0 + EDGE_INSET,
        y0 + EDGE_INSET,
        x1.saturating_sub(EDGE_INSET),
        y1.saturating_sub(EDGE_INSET),
    ];
    masked_share(pixels, inner, color).is_none_or(|share| share >= MASKED_SHARE)
}

/// The share of pixels inside `bbox` that have the mask colour (None for an empty box).
fn masked_share(pixels: &RgbImage, bbox: [u32; 4], color: Rgb<u8>) -> Option<f64> {
    let [x0, y0, x1, y1] = bbox;
    let (x1, y1) = (x1.min(pixels.width()), y1.min(pixels.height()));
    if x0 >= x1 || y0 >= y1 {
        return None;
    }
    let mut masked = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = pixels.get_pixel(x, y).0;
            let close =
                (0..3).all(|c| (i16::from(p[c]) - i16::from(color.0[c])).abs() <= MASK_TOLERANCE);
            masked += u64::from(close);
        }
    }
    Some(masked as f64 / f64::from((x1 - x0) * (y1 - y0)))
}

/// The second pass: names and units that the roster terms or the label hints read in the output,
/// and eyes of faces found in it, whose pixels are not masked. What the detectors can still read
/// is visible, whatever the manifest says.
fn residuals(
    pixels: &RgbImage,
    color: Rgb<u8>,
    target: Option<&Target>,
    detector: &mut dyn Detector,
) -> Vec<String> {
    let detections = match detector.detect(pixels) {
        Ok(detections) => detections,
        Err(e) => return vec![format!("re-scan failed: {e}")],
    };
    let findings = find::find(pixels, &detections, target, &FindOptions::default());
    findings
        .regions
        .iter()
        .filter(|region| match region.kind {
            // Seals are left out: authority seals stay visible by design.
            Kind::Name | Kind::Unit => region.evidence != Evidence::Seal,
            Kind::Eyes | Kind::Face => true,
            Kind::IdNumber => false,
        })
        .filter_map(|region| {
            let bbox = region.rect.to_pixels(pixels.width(), pixels.height());
            let share = masked_share(pixels, bbox, color)?;
            let needed = match region.evidence {
                Evidence::Signature => RESCAN_MASKED_SHARE_SIGNATURE,
                _ => RESCAN_MASKED_SHARE,
            };
            (share < needed).then(|| {
                format!(
                    "re-scan found an unmasked {} at {bbox:?}",
                    region.kind.as_str()
                )
            })
        })
        .collect()
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
    };
    crate::write::raster::encode_jpeg(&page, 75).unwrap_or_default()
}

/// Problems of the manifest as an account of the intake: files or pages without a line, lines
/// naming files the intake does not have.
fn completeness(intake_dir: &Path, lines: &[ManifestLine]) -> Result<Vec<String>> {
    let intake = Intake::scan(intake_dir, &Roster::default())?;
    let files = intake
        .loose_files
        .iter()
        .chain(intake.folders.iter().flat_map(|f| &f.files));
    let mut problems = Vec::new();
    let mut by_source: HashMap<&str, Vec<&ManifestLine>> = HashMap::new();
    for line in lines {
        by_source
            .entry(line.source.as_str())
            .or_default()
            .push(line);
    }
    let mut known = std::collections::HashSet::new();
    for file in files {
        known.insert(file.source.as_str());
        let Some(file_lines) = by_source.get(file.source.as_str()) else {
            problems.push(format!("{}: no manifest line", file.source));
            continue;
        };
        if file_lines.iter().any(|l| l.page.is_none()) {
            continue;
        }
        let Some(count) = file
            .kind
            .as_ref()
            .ok()
            .and_then(|&kind| page_count(&file.path, kind))
        else {
            continue;
        };
        for page in 1..=count {
            if !file_lines.iter().any(|l| l.page == Some(page)) {
                problems.push(format!("{} page {page}: no manifest line", file.source));
            }
        }
    }
    for line in lines {
        if !known.contains(line.source.as_str()) {
            problems.push(format!(
                "{}: in the manifest but not in the intake",
                page_id(line)
            ));
        }
    }
    Ok(problems)
}

/// Pages of an intake file, as the run would see them (None when it cannot be read).
fn page_count(path: &Path, kind: FileKind) -> Option<usize> {
    let bytes = std::fs::read(path).ok()?;
    let limits = Limits::default();
    if kind.is_pdf() {
        let pdfium = crate::runtime::pdfium().ok()?;
        return PdfFile::open(pdfium, bytes, &limits)
            .ok()
            .map(|pdf| pdf.page_count());
    }
    image_file::decode(&bytes, kind, &limits)
        .ok()
        .map(|pages| pages.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_regions_are_told_from_visible_ones() {
        let mut page = RgbImage::from_pixel(100, 60, Rgb([250, 250, 250]));
        for y in 10..30 {
            for x in 10..60 {
                page.put_pixel(x, y, Rgb([8, 5, 3]));
            }
        }
        let black = Rgb([0, 0, 0]);
        assert!(is_masked(&page, [10, 10, 60, 30], black));
        assert!(!is_masked(&page, [10, 10, 60, 50], black));
        assert!(!is_masked(&page, [10, 10, 60, 30], Rgb([255, 255, 255])));
    }
}
