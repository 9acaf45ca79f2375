//! Vector PDFs whose text layer lies (tests/fixtures/layer, made by scripts/make_fixtures.py):
//! invisible text, a garbled character map, text hidden under an image. What the page shows is
//! masked, whatever its text says; invisible text on blank paper is not.

use crate::common::*;

fn expected() -> serde_json::Value {
    let path = root().join("tests/fixtures/layer/expected.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn bbox(value: &serde_json::Value) -> [u32; 4] {
    let numbers: Vec<u32> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect();
    numbers.try_into().unwrap()
}

#[test]
fn what_the_page_shows_is_masked_whatever_its_text_layer_says() {
    let expected = expected();
    let dir = tempfile::tempdir().unwrap();
    let intake = dir.path().join("intake");
    let folder = intake.join("A");
    std::fs::create_dir_all(&folder).unwrap();
    for file in expected["files"].as_array().unwrap() {
        let name = file["file"].as_str().unwrap();
        std::fs::copy(
            root().join("tests/fixtures/layer").join(name),
            folder.join(name),
        )
        .unwrap();
    }
    let roster = dir.path().join("roster.csv");
    let r = &expected["roster"];
    std::fs::write(
        &roster,
        format!(
            "folder,name,unit,aliases\nA,{},{},{}\n",
            r["name"].as_str().unwrap(),
            r["unit"].as_str().unwrap(),
            r["aliases"].as_str().unwrap()
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = run_intake(&intake, &out, &roster, &["--jobs", "1"]);
    assert_eq!(output.status.code(), Some(0));

    let lines = manifest(&out);
    for file in expected["files"].as_array().unwrap() {
        let name = file["file"].as_str().unwrap();
        let line = lines
            .iter()
            .find(|l| l["source"] == format!("A/{name}"))
            .unwrap_or_else(|| panic!("no line for {name}"));
        assert_eq!(line["masking_required"], true, "{name}");
        let page = &output_pages(&out, line)[0];
        for region in file["regions"].as_array().unwrap() {
            let covered = dark_fraction(page, bbox(&region["bbox"]));
            assert!(
                covered >= 0.95,
                "{name}: {} at {} is {covered:.2} masked",
                region["kind"],
                region["bbox"]
            );
        }
        for clear in file["clear"].as_array().unwrap() {
            let covered = dark_fraction(page, bbox(clear));
            assert!(covered < 0.05, "{name}: invisible text at {clear} masked");
        }
    }
}
