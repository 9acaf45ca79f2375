//! The manifest: one JSON line per page (or per failed file), as the contract in the README
//! describes. The masked text itself never appears in it.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::base::{Evidence, Kind, Region};
use crate::error::{Error, ErrorKind, PageError, Result};
use crate::geometry::{Point, Shape};

/// The file name of the manifest in a run's output folder (beside [`super::key::KEY_FILE`],
/// [`super::key::SETTINGS_FILE`] and the edit journal's).
pub const MANIFEST_FILE: &str = "manifest.jsonl";

/// A page's verdict.
/// Ordered by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Processed, and the result can be trusted.
    Ok,
    /// Processed, but a human should look (see `review`).
    Review,
    /// Could not be processed (see `error`).
    Error,
}

impl Status {
    /// The manifest's name for the status.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Review => "review",
            Status::Error => "error",
        }
    }
}

/// One masked region as written to the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestRegion {
    /// What it hides.
    pub kind: Kind,
    /// `[x0, y0, x1, y1]` in output-page pixels: the whole pixels `poly` touches.
    pub bbox: [u32; 4],
    /// The exact outline that is painted: a convex polygon in output-page pixels, to a tenth
    /// of a pixel (empty in manifests written before outlines were: then `bbox` is painted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub poly: Vec<Point>,
    /// Why it was masked.
    pub evidence: Evidence,
}

impl ManifestRegion {
    /// The manifest form of a region on a `width x height` page.
    pub fn from_region(region: &Region, width: u32, height: u32) -> ManifestRegion {
        ManifestRegion::new(region.kind, region.evidence, &region.shape, width, height)
    }

    /// A region of `kind` covering `shape`, cut to the `width x height` page.
    pub fn new(
        kind: Kind,
        evidence: Evidence,
        shape: &Shape,
        width: u32,
        height: u32,
    ) -> ManifestRegion {
        let on_page = shape.clipped_to(&Shape::pixel_box([0, 0, width, height]));
        // Rounded corners may leave a short edge turned: the hull of the rounded corners is
        // convex again, and what is painted and checked.
        let tenth = |v: f32| (v * 10.0).round() / 10.0;
        let stored = Shape::convex_hull(on_page.corners().iter().map(|p| p.map(tenth)).collect());
        ManifestRegion {
            kind,
            bbox: stored.bbox().to_pixels(width, height),
            poly: stored.corners().to_vec(),
            evidence,
        }
    }

    /// The outline to paint and check.
    pub fn shape(&self) -> Shape {
        if self.poly.len() >= 3 {
            Shape::polygon(self.poly.clone())
        } else {
            Shape::pixel_box(self.bbox)
        }
    }
}

/// One line of `manifest.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestLine {
    /// Input path relative to the intake, '/'-separated.
    pub source: String,
    /// 1-based page number, or None for a file that failed entirely.
    pub page: Option<usize>,
    /// Output path relative to the output folder, or None.
    pub output: Option<String>,
    /// Page width in output pixels.
    pub width: Option<u32>,
    /// Page height in output pixels.
    pub height: Option<u32>,
    /// Whether anything on the page needed covering (是否需要遮盖).
    pub masking_required: bool,
    /// ok, review or error.
    pub status: Status,
    /// The masked regions.
    pub regions: Vec<ManifestRegion>,
    /// Why the file or page failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What kind of failure `error` is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<ErrorKind>,
    /// The page could not be analysed and is painted over whole in the output.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withheld: bool,
    /// Why the page needs review.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review: Vec<String>,
    /// Pseudonymous applicant code (the output folder).
    #[serde(default)]
    pub applicant: Option<String>,
    /// Rendering resolution for PDF pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpi: Option<u32>,
    /// SHA-256 of the source file.
    #[serde(default)]
    pub source_sha256: Option<String>,
    /// SHA-256 of the output file.
    #[serde(default)]
    pub output_sha256: Option<String>,
    /// Seconds spent on this page (detection, finding and masking).
    #[serde(default)]
    pub seconds: f64,
    /// blindfold version.
    #[serde(default)]
    pub tool: String,
    /// Model files used, with the start of their SHA-256.
    #[serde(default)]
    pub models: Vec<String>,
    /// How many corrections the page has had (see `crate::edit`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub revision: u64,
    /// Regions the run found that a person removed, with who, when and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dismissed: Vec<Dismissal>,
    /// A person's confirmation of the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<Reviewed>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A region found by the run and removed by a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dismissal {
    /// The region as the run found it.
    #[serde(flatten)]
    pub region: ManifestRegion,
    /// Who removed it.
    pub by: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Why.
    pub reason: String,
}

/// A person's confirmation that a page is right as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reviewed {
    /// Who confirmed it.
    pub by: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The page's status before the confirmation.
    pub status_was: Status,
}

impl ManifestLine {
    /// How many regions of each kind the page has.
    pub fn region_counts(&self) -> std::collections::BTreeMap<Kind, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for region in &self.regions {
            *counts.entry(region.kind).or_default() += 1;
        }
        counts
    }

    /// Records `error` on the line, which becomes an `error` line.
    pub fn fail(&mut self, error: &PageError) {
        self.status = Status::Error;
        self.error = Some(error.to_string());
        self.error_kind = Some(error.kind());
    }

    /// A line for a file that could not be processed at all.
    pub fn file_error(
        source: &str,
        applicant: Option<&str>,
        source_sha256: Option<String>,
        error: &PageError,
    ) -> ManifestLine {
        ManifestLine {
            source: source.to_string(),
            page: None,
            output: None,
            width: None,
            height: None,
            masking_required: false,
            status: Status::Error,
            regions: Vec::new(),
            error: Some(error.to_string()),
            error_kind: Some(error.kind()),
            withheld: false,
            review: Vec::new(),
            applicant: applicant.map(String::from),
            dpi: None,
            source_sha256,
            output_sha256: None,
            seconds: 0.0,
            tool: crate::VERSION.to_string(),
            models: Vec::new(),
            revision: 0,
            dismissed: Vec::new(),
            reviewed: None,
        }
    }
}

/// Appends manifest lines; the lines of one file go out in one write, so that a run killed at
/// any point leaves whole files' lines (or none) behind.
pub struct ManifestWriter {
    path: PathBuf,
    file: File,
}

impl ManifestWriter {
    /// Creates (truncates) the manifest at `path`.
    pub fn create(path: &Path) -> Result<ManifestWriter> {
        Self::open(
            path,
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true),
        )
    }

    /// Opens the manifest at `path` to add lines after those it has.
    pub fn append(path: &Path) -> Result<ManifestWriter> {
        Self::open(path, std::fs::OpenOptions::new().append(true).create(true))
    }

    fn open(path: &Path, options: &std::fs::OpenOptions) -> Result<ManifestWriter> {
        let file = options.open(path).map_err(|e| Error::io(path, e))?;
        Ok(ManifestWriter {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Writes the lines of one file.
    pub fn write(&mut self, lines: &[ManifestLine]) -> Result<()> {
        self.file
            .write_all(to_text(lines)?.as_bytes())
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Closes the manifest, then rewrites it sorted by source and page, atomically.
    ///
    /// The file is closed first because Windows refuses to replace a file that is still open
    /// (`Access denied`).
    pub fn finish_sorted(self) -> Result<()> {
        let ManifestWriter { path, file } = self;
        drop(file);
        let mut lines = read(&path)?;
        sort(&mut lines);
        super::write_atomic(&path, to_text(&lines)?.as_bytes())
    }
}

/// Puts lines in a manifest's order: by source, then page.
pub fn sort(lines: &mut [ManifestLine]) {
    lines.sort_by(|a, b| a.source.cmp(&b.source).then(a.page.cmp(&b.page)));
}

/// Lines as manifest text: one JSON object per line.
pub fn to_text(lines: &[ManifestLine]) -> Result<String> {
    let mut text = String::new();
    for line in lines {
        text.push_str(&serde_json::to_string(line).map_err(|e| Error::encoder("manifest", e))?);
        text.push('\n');
    }
    Ok(text)
}

/// Reads every line of a manifest.
pub fn read(path: &Path) -> Result<Vec<ManifestLine>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    super::json_lines(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::{Evidence, Kind};
    use crate::geometry::{Ellipse, Rect};

    #[test]
    fn error_line_follows_the_contract() {
        let line = ManifestLine::file_error("a/b.pdf", Some("A001"), None, &PageError::Empty);
        let json: serde_json::Value = serde_json::to_value(&line).unwrap();
        assert_eq!(json["page"], serde_json::Value::Null);
        assert_eq!(json["status"], "error");
        assert_eq!(json["error"], "empty file (0 bytes)");
        assert_eq!(json["error_kind"], "empty");
        assert!(json.get("withheld").is_none());
        assert_eq!(json["output"], serde_json::Value::Null);
    }

    #[test]
    fn regions_use_contract_kind_names() {
        let region = Region {
            kind: Kind::IdNumber,
            evidence: Evidence::Roster,
            shape: Shape::rect(&Rect::new(1.5, 2.0, 10.2, 20.0)),
        };
        let m = ManifestRegion::from_region(&region, 100, 100);
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["kind"], "id_number");
        assert_eq!(json["evidence"], "roster");
        assert_eq!(m.bbox, [1, 2, 11, 20]);
        assert!((m.shape().area() - 8.7 * 18.0).abs() < 1e-3);
    }

    #[test]
    fn outlines_are_cut_to_the_page_and_old_lines_without_them_paint_their_box() {
        let disc = Region {
            kind: Kind::Unit,
            evidence: Evidence::Seal,
            shape: Shape::ellipse(&Ellipse::filling(&Rect::new(75.0, 30.0, 115.0, 70.0))),
        };
        let m = ManifestRegion::from_region(&disc, 100, 100);
        assert_eq!(m.bbox, [74, 29, 100, 71]);
        assert!(m.poly.iter().all(|p| p[0] <= 100.0));
        let old: ManifestRegion =
            serde_json::from_str(r#"{"kind":"name","bbox":[1,2,11,20],"evidence":"roster"}"#)
                .unwrap();
        assert_eq!(old.shape().area(), 180.0);
    }

    #[test]
    fn lines_are_written_whole_and_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        let mut writer = ManifestWriter::create(&path).unwrap();
        writer
            .write(&[ManifestLine::file_error("b", None, None, &PageError::Empty)])
            .unwrap();
        writer
            .write(&[ManifestLine::file_error(
                "a",
                None,
                None,
                &PageError::Symlink,
            )])
            .unwrap();
        writer.finish_sorted().unwrap();
        let lines = read(&path).unwrap();
        assert_eq!(lines[0].source, "a");
        assert_eq!(lines.len(), 2);
    }

    /// Windows: `run` and `check` ended with "manifest.jsonl: Access denied. (os error 5)": the
    /// manifest was replaced by its sorted copy while the writer still held it open. Linux allows
    /// that, leaving the writer's descriptor on the replaced file ("... (deleted)").
    #[cfg(target_os = "linux")]
    #[test]
    fn manifest_is_closed_before_it_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        let descriptors_on_manifest = || {
            std::fs::read_dir("/proc/self/fd")
                .unwrap()
                .filter_map(|fd| std::fs::read_link(fd.unwrap().path()).ok())
                .filter(|target| target.starts_with(dir.path()))
                .count()
        };
        let mut writer = ManifestWriter::create(&path).unwrap();
        writer
            .write(&[ManifestLine::file_error("a", None, None, &PageError::Empty)])
            .unwrap();
        assert_eq!(descriptors_on_manifest(), 1);
        writer.finish_sorted().unwrap();
        assert_eq!(descriptors_on_manifest(), 0);
        assert_eq!(read(&path).unwrap().len(), 1);
    }
}
