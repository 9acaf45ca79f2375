//! Shared helpers for the integration tests: paths, running the binary, reading outputs.

pub mod expected;
mod files;
pub mod scripted;
pub use files::copy_dir;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

use blindfold::geometry::Shape;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the blindfold binary; prints its output when the test fails.
pub fn blindfold(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_blindfold"))
        .args(args)
        .output()
        .expect("run blindfold");
    eprintln!(
        "$ blindfold {}\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Runs `blindfold run INTAKE --out OUT --roster ROSTER` with any further arguments.
pub fn run_intake(intake: &Path, out: &Path, roster: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        intake.to_str().expect("UTF-8 path"),
        "--out",
        out.to_str().expect("UTF-8 path"),
        "--roster",
        roster.to_str().expect("UTF-8 path"),
    ];
    args.extend_from_slice(extra);
    blindfold(&args)
}

/// Parses a manifest into JSON values.
pub fn manifest(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("manifest.jsonl"))
        .expect("manifest")
        .lines()
        .map(|l| serde_json::from_str(l).expect("manifest line is JSON"))
        .collect()
}

/// The manifest's lines without their timings (which differ from run to run).
pub fn manifest_without_timings(out: &Path) -> Vec<serde_json::Value> {
    manifest(out)
        .into_iter()
        .map(|mut line| {
            line.as_object_mut().unwrap().remove("seconds");
            line
        })
        .collect()
}

/// Every page of an output file as pixels: images decoded, PDFs re-rendered with PDFium at the
/// manifest's resolution.
pub fn output_pages(out: &Path, line: &serde_json::Value) -> Vec<image::RgbImage> {
    let path = out.join(line["output"].as_str().expect("output path"));
    let runtime = blindfold::runtime::Runtime::locate(None).expect("runtime");
    runtime.load().expect("load runtime");
    let dpi = line["dpi"].as_u64().unwrap_or(200) as u32;
    let limits = Default::default();
    blindfold::pages::Document::read(&path, dpi, &limits)
        .expect("open output")
        .pages(limits)
        .map(|page| page.expect("output page").pixels)
        .collect()
}

/// A manifest region's `bbox` in pixels.
pub fn region_bbox(region: &serde_json::Value) -> [u32; 4] {
    let numbers: Vec<u32> = region["bbox"]
        .as_array()
        .expect("bbox array")
        .iter()
        .map(|v| v.as_u64().expect("bbox number") as u32)
        .collect();
    numbers.try_into().expect("four numbers")
}

/// The outline of a manifest or truth region: its `poly`, else its `bbox`.
pub fn region_shape(region: &serde_json::Value) -> Shape {
    match region["poly"].as_array() {
        Some(points) if points.len() >= 3 => Shape::polygon(
            points
                .iter()
                .map(|p| [0, 1].map(|i| p[i].as_f64().expect("poly number") as f32))
                .collect(),
        ),
        _ => Shape::pixel_box(region_bbox(region)),
    }
}

/// Fraction of pixels inside `bbox` with luminance at most 40 (the scorer's "masked").
pub fn dark_fraction(page: &image::RgbImage, bbox: [u32; 4]) -> f64 {
    dark_share(page, &Shape::pixel_box(bbox), 0.0)
}

/// Fraction of the pixels whose centres lie inside `shape` grown by `margin` (shrunk when
/// negative) with luminance at most 40.
pub fn dark_share(page: &image::RgbImage, shape: &Shape, margin: f32) -> f64 {
    let (mut dark, mut total) = (0usize, 0usize);
    for (x, y) in shape.pixels(margin, page.width(), page.height()) {
        let [r, g, b] = page.get_pixel(x, y).0.map(f64::from);
        total += 1;
        dark += usize::from(0.299 * r + 0.587 * g + 0.114 * b <= 40.0);
    }
    dark as f64 / total.max(1) as f64
}

/// SHA-256 of every file below `dir`, by relative path.
pub fn tree_hashes(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, blindfold::models::sha256_file(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// A child process (a server, a run) killed when the test ends, however it ends.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Rewrites the manifest's `output_sha256` of `output` in `out` to the output's current bytes,
/// as a tamperer who knows the format would.
pub fn rehash(out: &Path, output: &str) {
    use blindfold::write::manifest;
    let path = out.join(manifest::MANIFEST_FILE);
    let sha = blindfold::models::sha256_file(&out.join(output)).unwrap();
    let mut lines = manifest::read(&path).unwrap();
    for line in lines
        .iter_mut()
        .filter(|l| l.output.as_deref() == Some(output))
    {
        line.output_sha256 = Some(sha.clone());
    }
    std::fs::write(&path, manifest::to_text(&lines).unwrap()).unwrap();
}
