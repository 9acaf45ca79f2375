//! One page's analysis: detect, find, and the page's manifest line (regions, verdict, review
//! reasons; hashes come later, with the output).

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use super::plan::FileTask;
use super::RunConfig;
use crate::detect::Detector;
use crate::error::PageError;
use crate::find;
use crate::pages::Page;
use crate::write::manifest::{ManifestLine, ManifestRegion, Status};

/// Detects and finds what to mask on `page`. A page whose detection fails (or runs out of
/// time), or whose analysis panics (a bug), is withheld: its line says so and the renderer
/// paints it over whole — fail closed — while the batch goes on.
pub(super) fn analyse(
    config: &RunConfig,
    detector: &mut dyn Detector,
    task: &FileTask,
    page: &Page,
) -> ManifestLine {
    let started = Instant::now();
    let (w, h) = page.pixels.dimensions();
    let mut line = page_line(config, task, page.number, w, h);
    let analysed = std::panic::catch_unwind(AssertUnwindSafe(|| {
        detector.detect_page(page).map(|detections| {
            find::on_page(
                &page.pixels,
                &detections,
                task.target.as_deref(),
                &config.find,
            )
        })
    }));
    match analysed {
        Ok(Ok(findings)) => {
            line.regions = findings
                .regions
                .iter()
                .map(|r| ManifestRegion::from_region(r, w, h))
                .collect();
            line.masking_required = !line.regions.is_empty();
            if !findings.review.is_empty() {
                line.status = Status::Review;
                line.review.extend(findings.review);
            }
        }
        Ok(Err(e)) => withhold(&mut line, &PageError::analysis(&e)),
        Err(panic) => withhold(&mut line, &PageError::Analysis(panic_message(&*panic))),
    }
    line.seconds = started.elapsed().as_secs_f64();
    line
}

/// What a panic's payload says, for the manifest.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let said = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("internal error (a bug; please report it): {said}")
}

/// Marks a page that cannot be shown: an error, painted over whole.
pub(super) fn withhold(line: &mut ManifestLine, error: &PageError) {
    line.fail(error);
    line.withheld = true;
    line.masking_required = true;
}

/// A page's line before analysis: where it is, where it goes, nothing found yet.
pub(super) fn page_line(
    config: &RunConfig,
    task: &FileTask,
    number: usize,
    width: u32,
    height: u32,
) -> ManifestLine {
    ManifestLine {
        source: task.file.source.clone(),
        page: Some(number),
        output: (!config.dry_run).then(|| task.output.clone()),
        width: Some(width),
        height: Some(height),
        masking_required: false,
        status: Status::Ok,
        regions: Vec::new(),
        error: None,
        error_kind: None,
        withheld: false,
        review: Vec::new(),
        applicant: Some(task.applicant_code.clone()),
        dpi: task.kind.is_pdf().then_some(config.output.dpi),
        source_sha256: None,
        output_sha256: None,
        seconds: 0.0,
        tool: crate::VERSION.to_string(),
        models: config.models.clone(),
        revision: 0,
        dismissed: Vec::new(),
        reviewed: None,
    }
}
