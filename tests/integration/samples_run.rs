//! The whole pipeline on the shipped samples: one run, checked from every side an auditor would.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::common::*;

struct Run {
    out: PathBuf,
    before: Vec<(String, String)>,
    _dir: tempfile::TempDir,
}

/// Runs `blindfold run` on samples/ with two workers, once for all tests of this file.
fn samples_run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let intake = root().join("samples/intake");
        let before = tree_hashes(&intake);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let roster = root().join("samples/roster.csv");
        let output = run_intake(&intake, &out, &roster, &["--jobs", "2"]);
        assert!(output.status.success(), "run failed");
        Run {
            out,
            before,
            _dir: dir,
        }
    })
}

fn truth() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("samples/truth.json")).unwrap())
        .unwrap()
}

/// The manifest line of a truth page.
fn line_for<'a>(
    lines: &'a [serde_json::Value],
    file: &serde_json::Value,
    page: &serde_json::Value,
) -> &'a serde_json::Value {
    lines
        .iter()
        .find(|l| l["source"] == file["source"] && l["page"] == page["page"])
        .unwrap_or_else(|| panic!("no manifest line for {} p{}", file["source"], page["page"]))
}

/// A region's `bbox` as numbers.
fn bbox(region: &serde_json::Value) -> Vec<f64> {
    region["bbox"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

#[test]
fn manifest_has_exactly_one_line_per_page() {
    let lines = manifest(&samples_run().out);
    let truth = truth();
    let mut expected: Vec<(String, u64)> = Vec::new();
    for file in truth["files"].as_array().unwrap() {
        for page in file["pages"].as_array().unwrap() {
            expected.push((
                file["source"].as_str().unwrap().to_string(),
                page["page"].as_u64().unwrap(),
            ));
        }
    }
    let mut got: Vec<(String, u64)> = lines
        .iter()
        .map(|l| {
            (
                l["source"].as_str().unwrap().to_string(),
                l["page"].as_u64().unwrap(),
            )
        })
        .collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
}

#[test]
fn manifest_sizes_are_output_pixels_and_regions_are_black() {
    let run = samples_run();
    for line in manifest(&run.out) {
        let pages = output_pages(&run.out, &line);
        let page = &pages[line["page"].as_u64().unwrap() as usize - 1];
        assert_eq!(
            page.width() as u64,
            line["width"].as_u64().unwrap(),
            "{line}"
        );
        assert_eq!(
            page.height() as u64,
            line["height"].as_u64().unwrap(),
            "{line}"
        );
        for region in line["regions"].as_array().unwrap() {
            // JPEG ringing may lighten the outermost pixels: look one pixel inside.
            let dark = dark_share(page, &region_shape(region), -1.0);
            assert!(
                dark > 0.99,
                "{} region {region} only {dark:.3} dark",
                line["source"]
            );
        }
    }
}

#[test]
fn names_units_and_eyes_of_the_truth_are_covered() {
    let run = samples_run();
    let lines = manifest(&run.out);
    let (mut covered, mut total, mut missed) = (0, 0, Vec::new());
    for file in truth()["files"].as_array().unwrap() {
        for page in file["pages"].as_array().unwrap() {
            let line = line_for(&lines, file, page);
            let pixels = &output_pages(&run.out, line)[page["page"].as_u64().unwrap() as usize - 1];
            for region in page["regions"].as_array().unwrap() {
                let is_seal = region["shape"] == "seal";
                if is_seal || !["name", "unit", "eyes"].contains(&region["kind"].as_str().unwrap())
                {
                    continue;
                }
                let fraction = dark_share(pixels, &region_shape(region), 0.0);
                total += 1;
                if fraction >= 0.9 {
                    covered += 1;
                } else {
                    missed.push(format!(
                        "{} p{} {} {} {fraction:.2}",
                        file["source"], page["page"], region["kind"], region["bbox"]
                    ));
                }
            }
        }
    }
    // Seals are circles in square truth boxes (their corners stay visible): judged in
    // `seals_of_the_unit_are_masked_and_authority_seals_stay_visible`.
    assert_eq!(covered, total, "missed: {missed:#?}");
}

#[test]
fn nothing_is_masked_far_from_what_must_be_masked() {
    let lines = manifest(&samples_run().out);
    let mut strays = Vec::new();
    for file in truth()["files"].as_array().unwrap() {
        for page in file["pages"].as_array().unwrap() {
            let line = line_for(&lines, file, page);
            let wanted: Vec<Vec<f64>> = page["regions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["kind"] != "authority_seal")
                .map(bbox)
                .collect();
            for region in line["regions"].as_array().unwrap() {
                let b = bbox(region);
                let (cx, cy) = ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
                let near = wanted.iter().any(|w| {
                    let grow = (0.5 * (w[3] - w[1])).max(30.0);
                    (w[0] - grow..=w[2] + grow).contains(&cx)
                        && (w[1] - grow..=w[3] + grow).contains(&cy)
                });
                if !near {
                    strays.push(format!("{} p{}: {region}", file["source"], page["page"]));
                }
            }
        }
    }
    assert!(
        strays.is_empty(),
        "regions far from any truth region: {strays:#?}"
    );
}

#[test]
fn verdicts_match_the_truth() {
    let lines = manifest(&samples_run().out);
    for file in truth()["files"].as_array().unwrap() {
        for page in file["pages"].as_array().unwrap() {
            let line = line_for(&lines, file, page);
            assert_eq!(
                line["masking_required"], page["masking_required"],
                "{}",
                file["source"]
            );
        }
    }
}

#[test]
fn no_output_path_contains_a_name() {
    let run = samples_run();
    let names: Vec<String> = truth()["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    for (path, _) in tree_hashes(&run.out.join("files")) {
        for name in &names {
            let bare: String = name.chars().filter(|c| *c != '·').collect();
            assert!(
                !path.contains(name.as_str()) && !path.contains(&bare),
                "{path} contains {name}"
            );
        }
    }
    for line in manifest(&run.out) {
        let output = line["output"].as_str().unwrap();
        assert!(
            names.iter().all(|n| !output.contains(n.as_str())),
            "{output}"
        );
    }
}

#[test]
fn originals_are_byte_identical_after_the_run() {
    let run = samples_run();
    assert_eq!(tree_hashes(&root().join("samples/intake")), run.before);
}

#[test]
fn output_pdfs_hold_only_images() {
    let run = samples_run();
    for (path, _) in tree_hashes(&run.out.join("files"))
        .into_iter()
        .filter(|(p, _)| p.ends_with(".pdf"))
    {
        let doc = lopdf::Document::load(run.out.join("files").join(&path)).unwrap();
        assert!(doc.trailer.get(b"Info").is_err(), "{path} has Info");
        assert!(
            doc.catalog().unwrap().get(b"Metadata").is_err(),
            "{path} has XMP"
        );
        for (_, page_id) in doc.get_pages() {
            let content = doc.get_page_content(page_id);
            let text = String::from_utf8_lossy(&content);
            assert!(!text.contains("BT"), "{path} has a text object");
            assert!(
                doc.get_page_fonts(page_id).unwrap().is_empty(),
                "{path} has fonts"
            );
        }
    }
}

#[test]
fn output_images_carry_no_exif() {
    let run = samples_run();
    for (path, _) in tree_hashes(&run.out.join("files"))
        .into_iter()
        .filter(|(p, _)| !p.ends_with(".pdf"))
    {
        let bytes = std::fs::read(run.out.join("files").join(&path)).unwrap();
        assert!(
            !bytes.windows(6).any(|w| w == b"Exif\0\0"),
            "{path} has EXIF"
        );
        assert!(
            !bytes
                .windows(4)
                .any(|w| w == b"eXIf" || w == b"tEXt" || w == b"iTXt"),
            "{path} has metadata chunks"
        );
    }
}

#[test]
fn output_hashes_match_the_manifest_and_key_is_outside_the_files_tree() {
    let run = samples_run();
    for line in manifest(&run.out) {
        let path = run.out.join(line["output"].as_str().unwrap());
        assert_eq!(
            blindfold::models::sha256_file(&path).unwrap(),
            line["output_sha256"].as_str().unwrap()
        );
        assert!(line["source_sha256"].is_string() && line["tool"].is_string());
    }
    let key = std::fs::read_to_string(run.out.join("key.csv")).unwrap();
    assert!(key.contains("王玥") && key.starts_with("code,folder,name"));
}

#[test]
fn seals_of_the_unit_are_masked_and_authority_seals_stay_visible() {
    let run = samples_run();
    let lines = manifest(&run.out);
    let mut checked = 0;
    for file in truth()["files"].as_array().unwrap() {
        for page in file["pages"].as_array().unwrap() {
            let line = line_for(&lines, file, page);
            let masked = |x: f64, y: f64| {
                line["regions"].as_array().unwrap().iter().any(|r| {
                    let b = bbox(r);
                    (b[0]..=b[2]).contains(&x) && (b[1]..=b[3]).contains(&y)
                })
            };
            for seal in page["regions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["shape"] == "seal")
            {
                let b = bbox(seal);
                let (cx, cy, r) = (
                    (b[0] + b[2]) / 2.0,
                    (b[1] + b[3]) / 2.0,
                    (b[2] - b[0]) / 2.0,
                );
                // The centre and the ring's top, bottom, left and right.
                let points = [
                    (cx, cy),
                    (cx, b[1] + 0.05 * r),
                    (cx, b[3] - 0.05 * r),
                    (b[0] + 0.05 * r, cy),
                    (b[2] - 0.05 * r, cy),
                ];
                let covered = points.iter().filter(|&&(x, y)| masked(x, y)).count();
                let where_ = format!(
                    "{} p{}: {} seal",
                    file["source"], page["page"], seal["kind"]
                );
                match seal["kind"].as_str().unwrap() {
                    "unit" => assert_eq!(covered, points.len(), "{where_} not masked: {line}"),
                    _ => assert_eq!(covered, 0, "{where_} masked: {line}"),
                }
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 3,
        "the samples hold a vector, a greyscale and an authority seal"
    );
}

/// Regression (the small-print pass was one lock for the whole process; it now reserves from a
/// memory budget): results do not depend on how many workers there are or on how long passes
/// wait for memory. One worker, and eight with a budget so small that every pass waits for the
/// others, give the same manifest (timings aside) and byte-identical outputs as two.
#[test]
fn results_are_byte_identical_across_1_2_and_8_workers() {
    let two = samples_run();
    let intake = root().join("samples/intake");
    let roster = root().join("samples/roster.csv");
    for args in [&["--jobs", "1"][..], &["--jobs", "8", "--memory", "1"]] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let output = run_intake(&intake, &out, &roster, args);
        assert!(output.status.success(), "run {args:?} failed");
        assert_eq!(
            manifest_without_timings(&out),
            manifest_without_timings(&two.out),
            "{args:?}"
        );
        assert_eq!(
            tree_hashes(&out.join("files")),
            tree_hashes(&two.out.join("files")),
            "{args:?}"
        );
    }
}
