//! An intake made at test time for the scripted detector (no models): one applicant with a PNG
//! holding the name, a two-page PDF holding the unit on its second page, a JPEG the detector
//! fails on and a text file. Pages are told apart by their sizes, which the script answers to.

use std::path::{Path, PathBuf};

use blindfold::audit::{Audit, AuditResult};
use blindfold::detect::Detections;
use blindfold::detect::{text_line, Answer, ScriptedDetector};
use blindfold::geometry::Rect;
use blindfold::pipeline::{self, RunConfig, Silent};
use blindfold::write::manifest::{self, ManifestLine};
use blindfold::write::pdf::{self, PdfPage};
use image::{Rgb, RgbImage};

pub const FOLDER: &str = "01_王玥";
pub const NAME: &str = "王玥";
pub const UNIT: &str = "和静县中医医院";

/// The PNG's size; the script reads the applicant's name on it.
pub const PNG: (u32, u32) = (600, 400);
/// The PDF's two pages: the unit is read on the second.
pub const PDF_PAGE_1: (u32, u32) = (400, 300);
pub const PDF_PAGE_2: (u32, u32) = (500, 300);
/// A JPEG on which the detector fails.
pub const BROKEN: (u32, u32) = (320, 240);

pub const NAME_BOX: Rect = Rect {
    x0: 100.0,
    y0: 100.0,
    x1: 400.0,
    y1: 140.0,
};
pub const UNIT_BOX: Rect = Rect {
    x0: 50.0,
    y0: 50.0,
    x1: 450.0,
    y1: 90.0,
};

pub fn found(text: &str, rect: Rect) -> Answer {
    Answer::Found(Detections {
        lines: vec![text_line(text, rect)],
        ..Detections::default()
    })
}

pub fn script() -> ScriptedDetector {
    ScriptedDetector::new()
        .on(PNG, found(&format!("申请人：{NAME}"), NAME_BOX))
        .on(PDF_PAGE_2, found(UNIT, UNIT_BOX))
        .on(BROKEN, Answer::Fails("model exploded".into()))
}

pub fn blank(size: (u32, u32)) -> RgbImage {
    RgbImage::from_pixel(size.0, size.1, Rgb([235, 235, 235]))
}

pub fn write_image(path: &Path, size: (u32, u32), format: image::ImageFormat) {
    blank(size).save_with_format(path, format).unwrap();
}

/// A PDF whose pages are images of the given sizes at 200 DPI.
pub fn write_pdf(path: &Path, sizes: &[(u32, u32)]) {
    let pages: Vec<PdfPage> = sizes
        .iter()
        .map(|&size| {
            let page = blindfold::pages::Page {
                number: 1,
                pixels: blank(size),
                greyscale: false,
                text: None,
            };
            PdfPage {
                jpeg: blindfold::write::raster::encode_jpeg(&page, 90).unwrap(),
                width: size.0,
                height: size.1,
                greyscale: false,
            }
        })
        .collect();
    std::fs::write(path, pdf::build(&pages, 200.0).unwrap()).unwrap();
}

/// An intake with one applicant: a PNG holding the name, a two-page PDF holding the unit on its
/// second page, a JPEG the detector fails on and a text file; the roster beside it.
pub fn intake(dir: &Path) -> (PathBuf, PathBuf) {
    let folder = dir.join("intake").join(FOLDER);
    std::fs::create_dir_all(&folder).unwrap();
    write_image(
        &folder.join(format!("{NAME}-证书.png")),
        PNG,
        image::ImageFormat::Png,
    );
    write_pdf(&folder.join("推荐表.pdf"), &[PDF_PAGE_1, PDF_PAGE_2]);
    write_image(&folder.join("照片.jpg"), BROKEN, image::ImageFormat::Jpeg);
    std::fs::write(folder.join(format!("{NAME}-说明.png")), "not an image").unwrap();
    let roster = dir.join("roster.csv");
    std::fs::write(
        &roster,
        format!("folder,name,unit\n{FOLDER},{NAME},{UNIT}\n"),
    )
    .unwrap();
    (dir.join("intake"), roster)
}

pub fn config(dir: &Path) -> RunConfig {
    let (intake, roster) = intake(dir);
    RunConfig {
        intake,
        roster,
        ..RunConfig::new(dir.join("out"))
    }
}

pub fn load_runtime() {
    let runtime = blindfold::runtime::Runtime::locate(None).expect("runtime");
    runtime.load().expect("load runtime");
}

pub fn run(config: &RunConfig) -> Vec<ManifestLine> {
    load_runtime();
    pipeline::run(config, script().workers(2), &Silent).expect("run");
    manifest::read(&config.out.join("manifest.jsonl")).unwrap()
}

pub fn line<'a>(
    lines: &'a [ManifestLine],
    source_end: &str,
    page: Option<usize>,
) -> &'a ManifestLine {
    lines
        .iter()
        .find(|l| l.source.ends_with(source_end) && l.page == page)
        .unwrap_or_else(|| panic!("no line for {source_end} page {page:?}"))
}

pub fn output_pages(out: &Path, line: &ManifestLine) -> Vec<RgbImage> {
    let limits = Default::default();
    let path = out.join(line.output.as_ref().expect("output"));
    blindfold::pages::Document::read(&path, 200, &limits)
        .unwrap()
        .pages(limits)
        .map(|p| p.unwrap().pixels)
        .collect()
}

pub fn masked(pixels: &RgbImage, bbox: [u32; 4]) -> bool {
    let shape = blindfold::geometry::Shape::pixel_box(bbox);
    blindfold::mask::is_masked(pixels, &shape, Rgb([0, 0, 0]))
}

pub fn audit(config: &RunConfig) -> AuditResult {
    audit_with(config, script())
}

/// The audit of the run in `config`, its re-scan reading what `detector` answers.
pub fn audit_with(config: &RunConfig, detector: ScriptedDetector) -> AuditResult {
    Audit {
        out: config.out.clone(),
        intake: Some(config.intake.clone()),
        roster: Some(config.roster.clone()),
        mask_color: None,
    }
    .run(detector.workers(2))
    .expect("audit")
}
