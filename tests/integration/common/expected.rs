//! Fixture groups with an `expected.json` (made by scripts/make_fixtures.py): every file run
//! through the real binary, what must be masked is, and nothing far from it.

use std::path::PathBuf;

use blindfold::geometry::{Rect, Shape};

use super::*;

/// How far outside an expected region a mask may reach, in pixels.
const MARGIN: u32 = 30;

/// The share of `shape`'s pixels lying outside every box of `allowed`, each grown by `margin`.
fn outside_share(shape: &Shape, allowed: &[[u32; 4]], margin: u32) -> f64 {
    let m = margin as f32;
    let grown: Vec<Shape> = allowed
        .iter()
        .map(|b| Shape::rect(&Rect::from_pixels(*b).padded(m, m)))
        .collect();
    share_where(shape, |p| !grown.iter().any(|g| g.contains(p, 0.0)))
}

/// The share of `shape`'s pixels (their centres) for which `test` holds.
fn share_where(shape: &Shape, test: impl Fn([f32; 2]) -> bool) -> f64 {
    let (mut hits, mut total) = (0usize, 0usize);
    for (x, y) in shape.pixels(0.0, u32::MAX, u32::MAX) {
        total += 1;
        hits += usize::from(test([x as f32 + 0.5, y as f32 + 0.5]));
    }
    hits as f64 / total.max(1) as f64
}

/// A `clear` entry of `expected.json`: a box `[x0, y0, x1, y1]` or a polygon `[[x, y], …]`.
fn clear_shape(clear: &serde_json::Value) -> Shape {
    if clear[0].is_array() {
        region_shape(&serde_json::json!({ "poly": clear }))
    } else {
        region_shape(&serde_json::json!({ "bbox": clear }))
    }
}

/// A fixture group laid out as a run's input, in a temporary folder.
pub struct GroupIntake {
    /// The temporary folder (removed when dropped); `out/` in it is free for the run.
    pub dir: tempfile::TempDir,
    /// `intake/`: each file of the group in its applicant's folder.
    pub intake: PathBuf,
    /// `roster.csv`, made from the group's roster.
    pub roster: PathBuf,
    /// The group's `expected.json`.
    pub expected: serde_json::Value,
}

/// Lays out the files of `tests/fixtures/<group>` as `expected.json` lists them.
pub fn group_intake(group: &str) -> GroupIntake {
    let fixtures = root().join("tests/fixtures").join(group);
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures.join("expected.json")).unwrap())
            .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let intake = dir.path().join("intake");
    for file in expected["files"].as_array().unwrap() {
        let folder = intake.join(file["folder"].as_str().unwrap());
        std::fs::create_dir_all(&folder).unwrap();
        let name = file["file"].as_str().unwrap();
        std::fs::copy(fixtures.join(name), folder.join(name)).unwrap();
    }
    let mut roster = String::from("folder,name,unit,aliases\n");
    for row in expected["roster"].as_array().unwrap() {
        let field = |key: &str| row[key].as_str().unwrap().to_string();
        roster += &format!(
            "{},{},{},{}\n",
            field("folder"),
            field("name"),
            field("unit"),
            field("aliases")
        );
    }
    let roster_path = dir.path().join("roster.csv");
    std::fs::write(&roster_path, roster).unwrap();
    GroupIntake {
        dir,
        intake,
        roster: roster_path,
        expected,
    }
}

/// Runs the files of `tests/fixtures/<group>` through `blindfold run` with the group's roster
/// and checks that its audit passes and every file against its `expected.json` entry: the verdict, status `ok`, each
/// expected region (its polygon) at least 95 % masked, each `clear` shape less than 5 % masked
/// and no manifest region reaching more than 10 % beyond [`MARGIN`] pixels of the expected ones.
pub fn assert_group_masked_as_expected(group: &str) {
    let GroupIntake {
        dir,
        intake,
        roster: roster_path,
        expected,
    } = group_intake(group);
    let out = dir.path().join("out");
    let output = run_intake(&intake, &out, &roster_path, &["--jobs", "1"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    let audit = blindfold(&[
        "audit",
        out.to_str().unwrap(),
        "--intake",
        intake.to_str().unwrap(),
        "--roster",
        roster_path.to_str().unwrap(),
    ]);
    assert_eq!(
        audit.status.code(),
        Some(0),
        "the audit of a fresh run finds no problem: {}",
        String::from_utf8_lossy(&audit.stdout)
    );

    let lines = manifest(&out);
    for file in expected["files"].as_array().unwrap() {
        let name = file["file"].as_str().unwrap();
        let source = format!("{}/{name}", file["folder"].as_str().unwrap());
        let line = lines
            .iter()
            .find(|l| l["source"] == source)
            .unwrap_or_else(|| panic!("no line for {name}"));
        let wanted: Vec<[u32; 4]> = file["regions"]
            .as_array()
            .unwrap()
            .iter()
            .map(region_bbox)
            .collect();
        assert_eq!(
            line["masking_required"],
            !wanted.is_empty(),
            "{name}: {line}"
        );
        assert_eq!(line["status"], "ok", "{name}: {line}");
        let page = &output_pages(&out, line)[0];
        for region in file["regions"].as_array().unwrap() {
            let covered = dark_share(page, &region_shape(region), 0.0);
            assert!(
                covered >= 0.95,
                "{name}: {} {} at {} is {covered:.2} masked",
                region["kind"],
                region["text"],
                region["bbox"]
            );
        }
        let masked: Vec<Shape> = line["regions"]
            .as_array()
            .unwrap()
            .iter()
            .map(region_shape)
            .collect();
        for clear in file["clear"].as_array().unwrap() {
            let hidden = share_where(&clear_shape(clear), |p| {
                masked.iter().any(|m| m.contains(p, 0.0))
            });
            assert!(hidden < 0.05, "{name}: {clear} is {hidden:.2} masked");
        }
        for (region, shape) in line["regions"].as_array().unwrap().iter().zip(&masked) {
            let far = outside_share(shape, &wanted, MARGIN);
            assert!(
                far <= 0.1,
                "{name}: {region} reaches {far:.2} beyond the truth"
            );
        }
    }
}
