//! Per-stage timings of the pipeline on the shipped samples: render, OCR detection and
//! recognition, faces, finding, masking, encoding and PDF writing. Run with `cargo bench`;
//! `benches/README.md` holds the figures of the last run and the machine that made them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use blindfold::budget::MemoryBudget;
use blindfold::detect::{Detector, ModelDetector};
use blindfold::find::{FindOptions, Target};
use blindfold::intake::roster::Applicant;
use blindfold::intake::FileKind;
use blindfold::internals::FaceDetector;
use blindfold::internals::Ocr;
use blindfold::pages::{Document, Page};
use blindfold::write::manifest::ManifestRegion;
use blindfold::write::render::{self, Masks, OutputOptions};
use blindfold::write::{pdf, raster};
use criterion::{criterion_group, criterion_main, Criterion};

/// The A4 page timed by the OCR benches: the public notice, a full page of running text.
const TEXT_PAGE: &str = "samples/intake/03_李建国/推荐人选公示.pdf";
/// The page timed by the face bench: an ID card with its photo.
const PHOTO_PAGE: &str = "samples/intake/01_阿依古丽·买买提/阿依古丽·买买提-身份证正面.jpg";
/// Rendering resolution, as in a run.
const DPI: u32 = blindfold::pages::DEFAULT_DPI;
/// Threads per ONNX Runtime session: the whole machine, as a one-worker run would use.
const THREADS: usize = 2;

fn sample(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A memory budget that never makes a pass wait (one pass runs at a time here).
fn unlimited() -> Arc<MemoryBudget> {
    Arc::new(MemoryBudget::unlimited())
}

fn models() -> blindfold::models::Models {
    blindfold::runtime::Runtime::locate(None)
        .and_then(|runtime| runtime.load())
        .expect("runtime (run scripts/fetch_runtime.py)");
    blindfold::models::Models::locate(None).expect("models")
}

/// The first page of a sample file, as a run reads it.
fn first_page(path: &str) -> Page {
    let limits = Default::default();
    Document::read(&sample(path), DPI, &limits)
        .expect("open sample")
        .page(1, &limits)
        .expect("first page")
}

fn text_page() -> Page {
    first_page(TEXT_PAGE)
}

fn photo_page() -> Page {
    first_page(PHOTO_PAGE)
}

fn applicant() -> Applicant {
    Applicant {
        folder: "03_李建国".into(),
        name: "李建国".into(),
        unit: "巴音郭楞蒙古自治州人民医院".into(),
        aliases: vec!["巴州人民医院".into()],
        archive_no: None,
        id_number: None,
        line: 2,
    }
}

fn render(c: &mut Criterion) {
    models();
    let limits = Default::default();
    let mut document = Document::read(&sample(TEXT_PAGE), DPI, &limits).expect("open sample");
    c.bench_function("render A4 page at 200 dpi", |b| {
        b.iter(|| document.page(1, &limits).expect("render"))
    });
}

fn ocr(c: &mut Criterion) {
    let mut ocr = Ocr::new(&models(), THREADS, unlimited()).expect("OCR models");
    let page = text_page();
    let quads: Vec<_> = ocr
        .detect(&page.pixels)
        .expect("detect")
        .iter()
        .map(|b| b.quad)
        .collect();
    eprintln!(
        "text page: {}x{} px, {} lines",
        page.pixels.width(),
        page.pixels.height(),
        quads.len()
    );
    let mut group = c.benchmark_group("ocr");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("detect A4 page", |b| {
        b.iter(|| ocr.detect(&page.pixels).expect("detect"))
    });
    group.bench_function("recognize all lines of the A4 page", |b| {
        b.iter(|| ocr.recognize(&page.pixels, &quads).expect("recognize"))
    });
    group.bench_function("read A4 page (detect, orient, recognize)", |b| {
        b.iter(|| ocr.read(&page.pixels).expect("read"))
    });
    group.finish();
}

fn faces(c: &mut Criterion) {
    let mut faces = FaceDetector::new(&models().face, THREADS).expect("face model");
    let page = photo_page();
    let mut group = c.benchmark_group("faces");
    group.sample_size(10);
    group.bench_function("find faces on an ID card scan", |b| {
        b.iter(|| faces.detect(&page.pixels).expect("faces"))
    });
    group.finish();
}

fn find_and_mask(c: &mut Criterion) {
    let mut detector = ModelDetector::new(&models(), THREADS, unlimited()).expect("models");
    let page = text_page();
    let detections = detector.detect(&page.pixels).expect("detect");
    c.bench_function("find seal candidates on the A4 page", |b| {
        b.iter(|| blindfold::internals::seal_candidates(&page.pixels))
    });
    let target = Target::for_applicant(&applicant());
    let options = FindOptions::default();
    c.bench_function("find regions on the A4 page", |b| {
        b.iter(|| blindfold::find::on_page(&page.pixels, &detections, Some(&target), &options))
    });
    let (w, h) = page.pixels.dimensions();
    let regions: Vec<ManifestRegion> =
        blindfold::find::on_page(&page.pixels, &detections, Some(&target), &options)
            .regions
            .iter()
            .map(|r| ManifestRegion::from_region(r, w, h))
            .collect();
    let masks = Masks {
        regions,
        withheld: false,
    };
    c.bench_function("mask, encode and check the A4 page as a PDF page", |b| {
        b.iter_batched(
            || page.clone(),
            |page| render::pdf_page(page, &masks, &OutputOptions::default()).expect("render"),
            criterion::BatchSize::LargeInput,
        )
    });
}

fn encode(c: &mut Criterion) {
    models();
    let page = text_page();
    let mut group = c.benchmark_group("encode");
    group.sample_size(10);
    group.bench_function("PNG", |b| {
        b.iter(|| raster::encode(std::slice::from_ref(&page), FileKind::Png, 90).expect("PNG"))
    });
    group.bench_function("JPEG quality 90", |b| {
        b.iter(|| raster::encode_jpeg(&page, 90).expect("JPEG"))
    });
    let jpeg = raster::encode_jpeg(&page, 90).expect("JPEG");
    let pdf_page = pdf::PdfPage {
        jpeg,
        width: page.pixels.width(),
        height: page.pixels.height(),
        greyscale: page.greyscale,
    };
    group.bench_function("PDF of 5 JPEG pages", |b| {
        b.iter(|| pdf::build(&vec![pdf_page.clone(); 5], DPI as f32).expect("PDF"))
    });
    group.finish();
}

criterion_group!(stages, render, ocr, faces, find_and_mask, encode);
criterion_main!(stages);
