//! The page checks: each output page read once (hash, size), its masks checked, and the
//! detectors run again over the masked pixels to find what is still visible.

use std::path::Path;

use image::{Rgb, RgbImage};

use super::Finding;
use crate::base::{Evidence, Kind, Region};
use crate::detect::Detector;
use crate::error::Result;
use crate::find::{self, Target};
use crate::geometry::Shape;
use crate::intake::FileKind;
use crate::mask::{is_masked, masked_share};
use crate::models::sha256_bytes;
use crate::pages::{Document, Limits};
use crate::pipeline::Jobs;
use crate::write::manifest::{ManifestLine, ManifestRegion};

/// Share of a region found again by the re-scan that must be mask-coloured for it to count as
/// covered (the re-scan's boxes are estimates: eyes under a bar, text padding).
const RESCAN_MASKED_SHARE: f64 = 0.5;
/// The same for regions of ink (a signature, writing in a name cell): the box of all the unread
/// ink beside a label, in which the re-scan also sees the mask itself, so any real mask in it
/// counts.
const RESCAN_MASKED_SHARE_INK: f64 = 0.1;
/// Long side of the report's thumbnails, in pixels.
const THUMBNAIL_SIDE: u32 = 360;

/// One output page read for the workers: the line's index and the page's pixels, or why the
/// page could not be read.
pub(super) struct PageJob {
    pub(super) index: usize,
    hash_problem: Option<Finding>,
    pixels: std::result::Result<RgbImage, Option<Finding>>,
}

/// The reader thread: every listed page of every output, read once per output file.
pub(super) fn read_outputs(
    out: &Path,
    lines: &[&ManifestLine],
    dpi: u32,
    limits: &Limits,
    jobs: Jobs<PageJob>,
) {
    let mut by_output: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (index, line) in lines.iter().enumerate() {
        if let (Some(output), Some(_)) = (&line.output, line.page) {
            by_output.entry(output).or_default().push(index);
        }
    }
    for (output, indices) in by_output {
        let first = lines[indices[0]];
        let unreadable = |e: String| Finding::OutputUnreadable(e);
        let opened = std::fs::read(out.join(output))
            .map_err(|e| unreadable(e.to_string()))
            .and_then(|bytes| {
                let hash_problem = (first.output_sha256.as_deref() != Some(&sha256_bytes(&bytes)))
                    .then_some(Finding::HashMismatch);
                let kind = FileKind::sniff(&bytes).map_err(|e| unreadable(e.to_string()))?;
                let document = Document::open(bytes, kind, first.dpi.unwrap_or(dpi), limits)
                    .map_err(|e| unreadable(e.to_string()))?;
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
                    .map_err(|e| Some(unreadable(e.to_string()))),
                Some(_) => Err(Some(unreadable(format!(
                    "page {number} missing from the output file"
                )))),
                None => Err(None),
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
pub(super) struct CheckedPage {
    pub(super) index: usize,
    pub(super) thumbnail: Option<Vec<u8>>,
    pub(super) problems: Vec<Finding>,
    /// Dismissed regions (by index) that the re-scan finds again.
    pub(super) found_again: Vec<usize>,
}

/// The page-level checks: hash, size, masks (the whole page when withheld) and the re-scan.
pub(super) fn check_page(
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
            checked.problems.extend(e);
            return checked;
        }
    };
    if (Some(pixels.width()), Some(pixels.height())) != (line.width, line.height) {
        checked.problems.push(Finding::SizeMismatch {
            page: [pixels.width(), pixels.height()],
            manifest: [line.width.unwrap_or(0), line.height.unwrap_or(0)],
        });
        return checked;
    }
    if line.withheld {
        let page = Shape::pixel_box([0, 0, pixels.width(), pixels.height()]);
        if !is_masked(&pixels, &page, mask_color) {
            checked.problems.push(Finding::WithheldNotPainted);
        }
    } else {
        for region in &line.regions {
            if !is_masked(&pixels, &region.shape(), mask_color) {
                checked.problems.push(Finding::NotMasked {
                    kind: region.kind,
                    bbox: region.bbox,
                });
            }
        }
        match residuals(&pixels, &line.regions, mask_color, target, detector) {
            Ok(residuals) => {
                for (kind, bbox) in residuals {
                    match line
                        .dismissed
                        .iter()
                        .position(|d| overlaps(d.region.bbox, bbox))
                    {
                        Some(dismissed) => checked.found_again.push(dismissed),
                        None => checked.problems.push(Finding::Unmasked { kind, bbox }),
                    }
                }
            }
            Err(e) => checked.problems.push(Finding::RescanFailed(e.to_string())),
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
/// detectors can still read is visible, whatever the manifest says; what the run masked
/// (`masks`, checked as opaque on their own) counts as found, as it did for the run's finder.
fn residuals(
    pixels: &RgbImage,
    masks: &[ManifestRegion],
    color: Rgb<u8>,
    target: Option<&Target>,
    detector: &mut dyn Detector,
) -> Result<Vec<(Kind, [u32; 4])>> {
    let detections = detector.detect(pixels)?;
    let masks: Vec<Region> = masks
        .iter()
        .map(|m| Region {
            kind: m.kind,
            evidence: m.evidence,
            shape: m.shape(),
        })
        .collect();
    let findings = find::on_masked_page(pixels, &detections, target, &masks);
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
