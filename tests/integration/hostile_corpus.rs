//! Issue 30's hostile corpus (`scripts/make_fixtures.py --group hostile`) through the real
//! binary and real processes: each crafted file is masked or sent to review, each tampering
//! with a fresh run's outputs is caught by the audit, and a second run or server on a busy
//! folder is refused while nothing of the first is lost.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::expected::{group_intake, GroupIntake};
use crate::common::*;

/// The corpus run once: its input and a fresh run's output folder `out/`.
fn fresh_run() -> GroupIntake {
    let corpus = group_intake("hostile");
    let output = run_intake(
        &corpus.intake,
        &out(&corpus),
        &corpus.roster,
        &["--jobs", "1"],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    corpus
}

fn out(corpus: &GroupIntake) -> std::path::PathBuf {
    corpus.dir.path().join("out")
}

/// `blindfold audit` of `out` against the corpus: its exit code and report.
fn audit(corpus: &GroupIntake, out: &Path) -> (Option<i32>, String) {
    let output = blindfold(&[
        "audit",
        out.to_str().unwrap(),
        "--intake",
        corpus.intake.to_str().unwrap(),
        "--roster",
        corpus.roster.to_str().unwrap(),
    ]);
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.code(), report)
}

/// The manifest line of `file`'s page `page`.
fn line_of(out: &Path, file: &str, page: u64) -> serde_json::Value {
    manifest(out)
        .into_iter()
        .find(|l| l["source"].as_str().unwrap().ends_with(file) && l["page"] == page)
        .unwrap_or_else(|| panic!("no line for {file} page {page}"))
}

/// Items 6, 7 and 8: the lying text layer leaves no character of the name or unit visible and
/// is not `ok` without reading what is drawn; the damaged JPEG goes to review; the TIFF's name
/// is masked on the pages it is on. A fresh run's audit finds nothing.
#[test]
fn hostile_files_are_masked_or_reviewed_and_the_fresh_audit_is_clean() {
    let corpus = fresh_run();
    let out = out(&corpus);
    assert_eq!(audit(&corpus, &out).0, Some(0));
    for file in corpus.expected["files"].as_array().unwrap() {
        let name = file["file"].as_str().unwrap();
        let first = line_of(&out, name, 1);
        assert_eq!(first["status"], file["status"], "{name}: {first}");
        let Some(pages) = file["pages"].as_array() else {
            continue;
        };
        let outputs = output_pages(&out, &first);
        assert_eq!(outputs.len(), pages.len(), "{name}");
        for (number, (regions, page)) in pages.iter().zip(&outputs).enumerate() {
            let line = line_of(&out, name, number as u64 + 1);
            let wanted = regions.as_array().unwrap();
            assert_eq!(
                line["masking_required"],
                !wanted.is_empty(),
                "{name}: {line}"
            );
            for region in wanted {
                let covered = dark_share(page, &region_shape(region), 0.0);
                assert!(
                    covered >= 0.95,
                    "{name} page {}: {} {} is {covered:.2} masked",
                    number + 1,
                    region["kind"],
                    region["text"]
                );
            }
        }
    }
}

/// Items 2–5: each tampering the corpus lists for the honest form, on a copy of a fresh run,
/// is caught: see-through and lighter masks, extra files, an orphaned output (removed by
/// `--resume`), changed settings (refused).
#[test]
fn each_tampering_of_a_fresh_run_is_caught() {
    let corpus = fresh_run();
    let fresh = out(&corpus);
    let form = line_of(&fresh, "登记表.png", 1);
    let output = form["output"].as_str().unwrap().to_string();
    let names: Vec<[u32; 4]> = form["regions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "name")
        .map(region_bbox)
        .collect();
    assert!(!names.is_empty(), "{form}");
    let original = image::open(corpus.intake.join(form["source"].as_str().unwrap()))
        .unwrap()
        .to_rgb8();
    let tampered = |case: &str, paint: &dyn Fn(&image::Rgb<u8>) -> image::Rgb<u8>| {
        let copy = corpus.dir.path().join(case);
        copy_dir(&fresh, &copy);
        let mut pixels = image::open(copy.join(&output)).unwrap().to_rgb8();
        for [x0, y0, x1, y1] in &names {
            for y in *y0..*y1 {
                for x in *x0..*x1 {
                    pixels.put_pixel(x, y, paint(original.get_pixel(x, y)));
                }
            }
        }
        pixels.save(copy.join(&output)).unwrap();
        rehash(&copy, &output);
        let (code, report) = audit(&corpus, &copy);
        assert_eq!(code, Some(1), "{case}: {report}");
        assert!(report.contains("is not masked"), "{case}: {report}");
    };
    tampered("see-through", &|p| {
        image::Rgb(p.0.map(|v| (u16::from(v) * 40 / 255) as u8))
    });
    tampered("lighter", &|_| image::Rgb([90, 90, 90]));

    let extra = corpus.dir.path().join("extra");
    copy_dir(&fresh, &extra);
    let folder = extra.join(&output).parent().unwrap().to_path_buf();
    std::fs::copy(
        corpus.intake.join(form["source"].as_str().unwrap()),
        folder.join("王玥.png"),
    )
    .unwrap();
    std::fs::copy(extra.join(&output), folder.join("999.jpg")).unwrap();
    let (code, report) = audit(&corpus, &extra);
    assert_eq!(code, Some(1), "{report}");
    assert!(report.contains("999.jpg"), "{report}");

    let orphan = corpus.dir.path().join("orphan");
    copy_dir(&fresh, &orphan);
    let withdrawn = corpus.intake.join(form["source"].as_str().unwrap());
    let kept = corpus.dir.path().join("withdrawn.png");
    std::fs::rename(&withdrawn, &kept).unwrap();
    let resumed = run_intake(&corpus.intake, &orphan, &corpus.roster, &["--resume"]);
    assert_eq!(resumed.status.code(), Some(0), "{resumed:?}");
    assert!(
        !orphan.join(&output).exists(),
        "the withdrawn form's output is removed"
    );
    assert_eq!(audit(&corpus, &orphan).0, Some(0));
    std::fs::rename(&kept, &withdrawn).unwrap();

    for setting in [["--dpi", "150"], ["--mask-color", "ff0000"]] {
        let drift = corpus.dir.path().join(format!("drift{}", setting[0]));
        copy_dir(&fresh, &drift);
        let results = |dir: &Path| {
            let mut files = tree_hashes(dir);
            files.retain(|(name, _)| name != "blindfold.lock");
            files
        };
        let before = results(&drift);
        let refused = run_intake(
            &corpus.intake,
            &drift,
            &corpus.roster,
            &["--resume", setting[0], setting[1]],
        );
        assert_eq!(refused.status.code(), Some(2), "{setting:?}: {refused:?}");
        assert_eq!(results(&drift), before, "{setting:?}: nothing changed");
    }
}

/// Starts `blindfold serve` on the run in `out` for staff, keeping its data in `data`; returns
/// once it listens, or its exit code and error when it stops before.
fn staff_server(corpus: &GroupIntake, out: &Path, data: &str) -> Result<Process, (i32, String)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_blindfold"))
        .args(["serve", "--no-browser", "--port", "0", "--open"])
        .arg(out)
        .arg("--intake")
        .arg(&corpus.intake)
        .arg("--roster")
        .arg(&corpus.roster)
        .arg("--data")
        .arg(corpus.dir.path().join(data))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    if first.starts_with("blindfold serve: http://127.0.0.1:") {
        return Ok(Process(child));
    }
    let output = child.wait_with_output().unwrap();
    Err((
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

/// Items 9 and 10 with real processes: while a staff server holds the run, `blindfold run`
/// and a second server are refused (exit 5, naming the holder) and change nothing; a second
/// run started while the first runs is refused, or (when the first has already ended) runs
/// after it; either way the manifest keeps every page and the audit finds nothing.
#[test]
fn two_runs_and_two_servers_on_one_folder_lose_nothing() {
    let corpus = fresh_run();
    let out = out(&corpus);
    let pages = manifest(&out).len();

    let alice = staff_server(&corpus, &out, "alice").unwrap();
    let before = tree_hashes(&out);
    let run = run_intake(&corpus.intake, &out, &corpus.roster, &["--resume"]);
    assert_eq!(run.status.code(), Some(5), "{run:?}");
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("blindfold serve"),
        "{run:?}"
    );
    let (code, error) = staff_server(&corpus, &out, "bob")
        .err()
        .expect("bob is refused");
    assert_eq!(code, 5, "{error}");
    assert!(error.contains("blindfold serve"), "{error}");
    assert_eq!(
        tree_hashes(&out),
        before,
        "the refused ones changed nothing"
    );
    drop(alice);

    let first = Command::new(env!("CARGO_BIN_EXE_blindfold"))
        .arg("run")
        .arg(&corpus.intake)
        .arg("--out")
        .arg(&out)
        .arg("--roster")
        .arg(&corpus.roster)
        .args(["--overwrite", "--jobs", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = Process(first);
    let holder = format!("blindfold run, process {}", first.0.id());
    let lock = out.join("blindfold.lock");
    while std::fs::read_to_string(&lock).unwrap_or_default() != holder
        && first.0.try_wait().unwrap().is_none()
    {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let second = run_intake(&corpus.intake, &out, &corpus.roster, &["--resume"]);
    let first_code = first.0.wait().unwrap().code();
    assert_eq!(first_code, Some(0));
    match second.status.code() {
        Some(5) => assert!(String::from_utf8_lossy(&second.stderr).contains(&holder)),
        Some(0) => eprintln!("the first run ended before the second started"),
        other => panic!("second run: {other:?} {second:?}"),
    }
    let lines = manifest(&out);
    assert_eq!(lines.len(), pages, "every page is in the manifest");
    let sources: Vec<(String, u64)> = lines
        .iter()
        .map(|l| {
            (
                l["source"].as_str().unwrap().to_string(),
                l["page"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(sources, sorted, "the manifest is in order");
    assert_eq!(audit(&corpus, &out).0, Some(0));
}
