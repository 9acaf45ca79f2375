//! Fixture groups with an `expected.json` (made by scripts/make_fixtures.py): every file run
//! through the real binary, what must be masked is, and nothing far from it.

use super::*;

/// How far outside an expected region a mask may reach, in pixels.
const MARGIN: u32 = 30;

/// The share of `inner` lying outside every box of `allowed`, each grown by `margin`.
fn outside_share(inner: [u32; 4], allowed: &[[u32; 4]], margin: u32) -> f64 {
    let [x0, y0, x1, y1] = inner;
    let mut outside = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            let inside = allowed.iter().any(|b| {
                x + margin >= b[0] && x < b[2] + margin && y + margin >= b[1] && y < b[3] + margin
            });
            outside += u64::from(!inside);
        }
    }
    outside as f64 / (u64::from(x1 - x0) * u64::from(y1 - y0)).max(1) as f64
}

/// Runs the files of `tests/fixtures/<group>` through `blindfold run` with the group's roster
/// and checks every file against its `expected.json` entry: the verdict, status `ok`, each
/// expected region at least 95 % masked, each `clear` box less than 5 % masked and no manifest
/// region reaching more than 10 % beyond [`MARGIN`] pixels of the expected ones.
pub fn assert_group_masked_as_expected(group: &str) {
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
    let out = dir.path().join("out");
    let output = run_intake(&intake, &out, &roster_path, &["--jobs", "1"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");

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
        for (region, bbox) in file["regions"].as_array().unwrap().iter().zip(&wanted) {
            let covered = dark_fraction(page, *bbox);
            assert!(
                covered >= 0.95,
                "{name}: {} {} at {bbox:?} is {covered:.2} masked",
                region["kind"],
                region["text"]
            );
        }
        let masked: Vec<[u32; 4]> = line["regions"]
            .as_array()
            .unwrap()
            .iter()
            .map(region_bbox)
            .collect();
        for clear in file["clear"].as_array().unwrap() {
            let bbox = region_bbox(&serde_json::json!({ "bbox": clear }));
            let hidden = 1.0 - outside_share(bbox, &masked, 0);
            assert!(hidden < 0.05, "{name}: {clear} is {hidden:.2} masked");
        }
        for (region, bbox) in line["regions"].as_array().unwrap().iter().zip(&masked) {
            let far = outside_share(*bbox, &wanted, MARGIN);
            assert!(
                far <= 0.1,
                "{name}: {region} reaches {far:.2} beyond the truth"
            );
        }
    }
}
