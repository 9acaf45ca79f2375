//! The three users' commands on the samples: the applicant's `check`, the staff's `run
//! --dry-run`, and the auditor's `audit` on a clean run and on runs tampered with afterwards.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::common::*;

/// The applicant folder used here: a PDF, a PNG table and a JPEG ID card with a photo.
const FOLDER: &str = "01_阿依古丽·买买提";
const NAME: &str = "阿依古丽·买买提";
const UNIT: &str = "焉耆回族自治县人民医院";

/// An intake of the one sample folder, with its roster.
fn small_intake(dir: &Path) -> (PathBuf, PathBuf) {
    let intake = dir.join("intake");
    copy_dir(
        &root().join("samples/intake").join(FOLDER),
        &intake.join(FOLDER),
    );
    let roster = dir.join("roster.csv");
    std::fs::write(
        &roster,
        format!("folder,name,unit,aliases\n{FOLDER},{NAME},{UNIT},焉耆县人民医院\n"),
    )
    .unwrap();
    (intake, roster)
}

struct CleanRun {
    dir: tempfile::TempDir,
}

impl CleanRun {
    fn intake(&self) -> PathBuf {
        self.dir.path().join("intake")
    }
    fn roster(&self) -> PathBuf {
        self.dir.path().join("roster.csv")
    }
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
}

/// One run on the small intake, shared by the audit tests (each audits its own copy).
fn clean_run() -> &'static CleanRun {
    static RUN: OnceLock<CleanRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let run = CleanRun {
            dir: tempfile::tempdir().unwrap(),
        };
        small_intake(run.dir.path());
        let output = run_intake(&run.intake(), &run.out(), &run.roster(), &[]);
        assert!(output.status.success(), "run failed");
        run
    })
}

/// A copy of the clean run's output folder to tamper with.
fn copy_of_output(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    copy_dir(&clean_run().out(), &out);
    out
}

fn audit(out: &Path) -> (Option<i32>, String) {
    let run = clean_run();
    let output = blindfold(&[
        "audit",
        out.to_str().unwrap(),
        "--intake",
        run.intake().to_str().unwrap(),
        "--roster",
        run.roster().to_str().unwrap(),
    ]);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn write_manifest(out: &Path, lines: &[serde_json::Value]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(out.join("manifest.jsonl"), text).unwrap();
}

#[test]
fn check_prints_each_pages_verdict_and_writes_copies_and_previews() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("checked");
    let folder = root().join("samples/intake").join(FOLDER);
    let args = |lang: &'static str| {
        vec![
            "check".to_string(),
            folder.to_str().unwrap().to_string(),
            "--name".into(),
            NAME.into(),
            "--unit".into(),
            UNIT.into(),
            "--out".into(),
            out.to_str().unwrap().to_string(),
            "--lang".into(),
            lang.into(),
        ]
    };
    let zh: Vec<String> = args("zh");
    let output = blindfold(&zh.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    let lines = manifest(&out);
    assert_eq!(lines.len(), 3, "three one-page files");
    for line in &lines {
        let table = line["source"].as_str().unwrap().contains("工作量统计表");
        assert_eq!(
            line["masking_required"], !table,
            "only the table needs nothing: {line}"
        );
        let output_file = out.join(line["output"].as_str().unwrap());
        assert!(
            output_file.is_file(),
            "masked copy {}",
            output_file.display()
        );
        let stem = line["output"].as_str().unwrap()["files/".len()..]
            .rsplit_once('.')
            .unwrap()
            .0
            .to_string();
        let preview = out.join(format!("previews/{stem}-p1.jpg"));
        let pixels = image::open(&preview)
            .expect("preview is an image")
            .to_rgb8();
        assert_eq!(
            (pixels.width(), pixels.height()),
            (
                line["width"].as_u64().unwrap() as u32,
                line["height"].as_u64().unwrap() as u32
            )
        );
        if table {
            continue;
        }
        // Previews outline, they do not paint: the first region's inside is not masked.
        assert!(dark_fraction(&pixels, region_bbox(&line["regions"][0])) < 0.9);
    }
    assert_eq!(text.matches("是否需要遮盖：是").count(), 2, "{text}");
    assert_eq!(text.matches("是否需要遮盖：否").count(), 1, "{text}");
    assert!(text.contains("眼睛 1 处"), "the ID card's photo: {text}");
    assert!(text.contains("姓名"));
    assert!(text.contains("共 3 页：需要遮盖 2 页"));

    let en: Vec<String> = args("en");
    let output = blindfold(&en.iter().map(String::as_str).collect::<Vec<_>>());
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(text.matches("masking needed: yes").count(), 2, "{text}");
    assert_eq!(text.matches("masking needed: no").count(), 1, "{text}");
}

#[test]
fn check_refuses_an_output_folder_inside_its_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("scans");
    std::fs::create_dir_all(&inputs).unwrap();
    let out = inputs.join("checked");
    let output = blindfold(&[
        "check",
        inputs.to_str().unwrap(),
        "--name",
        NAME,
        "--unit",
        UNIT,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("must not be inside"));
}

#[test]
fn dry_run_writes_the_manifest_and_no_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let (intake, roster) = small_intake(dir.path());
    let out = dir.path().join("out");
    let output = run_intake(&intake, &out, &roster, &["--dry-run"]);
    assert!(output.status.success());
    assert!(!out.join("files").exists(), "no masked files in a dry run");
    let lines = manifest(&out);
    assert_eq!(lines.len(), 3);
    let masked = lines
        .iter()
        .filter(|l| l["masking_required"] == true)
        .count();
    assert_eq!(masked, 2, "the promise and the ID card, not the table");
    for line in &lines {
        assert_eq!(line["output"], serde_json::Value::Null);
        assert_eq!(line["output_sha256"], serde_json::Value::Null);
    }
}

#[test]
fn audit_passes_a_clean_run_and_writes_a_self_contained_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = copy_of_output(dir.path());
    let (code, stdout) = audit(&out);
    assert_eq!(code, Some(0), "{stdout}");
    let html = std::fs::read_to_string(out.join("audit.html")).unwrap();
    let pages = manifest(&out).len();
    assert_eq!(html.matches("<figure class=\"page").count(), pages);
    assert_eq!(html.matches("src=\"data:image/jpeg;base64,").count(), pages);
    let references = html.matches("src=\"").count() + html.matches("href=\"").count();
    assert_eq!(references, pages, "only inline images, no other references");
    assert!(!html.contains("url("), "no external styles");
    assert!(!html.contains(NAME), "no names in the report");
    assert!(html.contains("id=\"applicant-A001\""));
}

#[test]
fn audit_names_an_altered_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = copy_of_output(dir.path());
    let lines = manifest(&out);
    let pdf = lines
        .iter()
        .find(|l| l["output"].as_str().unwrap().ends_with(".pdf"))
        .unwrap();
    let path = out.join(pdf["output"].as_str().unwrap());
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"\n% changed\n");
    std::fs::write(&path, bytes).unwrap();

    let (code, stdout) = audit(&out);
    assert_eq!(code, Some(1));
    let expected = format!(
        "{} page 1: output file does not match the SHA-256",
        pdf["output"].as_str().unwrap()
    );
    assert!(stdout.contains(&expected), "{stdout}");
}

#[test]
fn audit_names_a_page_missing_from_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = copy_of_output(dir.path());
    let mut lines = manifest(&out);
    let dropped = lines.remove(0);
    write_manifest(&out, &lines);

    let (code, stdout) = audit(&out);
    assert_eq!(code, Some(1));
    let expected = format!("no manifest line ({})", dropped["source"].as_str().unwrap());
    assert!(stdout.contains(&expected), "{stdout}");
}

#[test]
fn audit_names_a_mask_removed_from_an_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = copy_of_output(dir.path());
    let mut lines = manifest(&out);
    let index = lines
        .iter()
        .position(|l| l["output"].as_str().unwrap().ends_with(".jpg"))
        .expect("the ID card stays a JPEG");
    let line = &lines[index];
    let bbox = region_bbox(
        line["regions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == "name")
            .expect("a name region on the ID card"),
    );

    // Put the original pixels back under the mask, and the new hash into the manifest, so that
    // only the pixels tell.
    let original = image::open(clean_run().intake().join(line["source"].as_str().unwrap()))
        .unwrap()
        .to_rgb8();
    let output_path = out.join(line["output"].as_str().unwrap());
    let mut masked = image::open(&output_path).unwrap().to_rgb8();
    for y in bbox[1]..bbox[3] {
        for x in bbox[0]..bbox[2] {
            masked.put_pixel(x, y, *original.get_pixel(x, y));
        }
    }
    masked.save(&output_path).unwrap();
    lines[index]["output_sha256"] = blindfold::models::sha256_file(&output_path).unwrap().into();
    write_manifest(&out, &lines);

    let (code, stdout) = audit(&out);
    assert_eq!(code, Some(1));
    let expected = format!(
        "{} page 1: name region {:?} is not masked",
        lines[index]["output"].as_str().unwrap(),
        bbox
    );
    assert!(stdout.contains(&expected), "{stdout}");
    assert!(
        stdout.contains("re-scan found an unmasked name"),
        "{stdout}"
    );
}

/// Without arguments from a shell blindfold prints clap's usage and exits 2; only a
/// double-clicked blindfold.exe (a Windows console of its own) shows the help and waits.
#[test]
fn no_arguments_print_the_usage_without_waiting() {
    let output = blindfold(&[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Usage: blindfold"), "{stderr}");
}

/// Issue 29 item 6: `run` and `audit` printed English under a Chinese locale. Their summaries
/// are in the user's language: no Latin word but the tool's name, codes and paths.
#[test]
fn run_and_audit_speak_chinese_under_a_chinese_locale() {
    let dir = tempfile::tempdir().unwrap();
    let (intake, roster) = small_intake(dir.path());
    let out = dir.path().join("out");
    let chinese = |args: &[&std::ffi::OsStr]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_blindfold"))
            .args(args)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "zh_CN.UTF-8")
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let os = |s: &Path| s.as_os_str().to_owned();
    let run = chinese(&[
        "run".as_ref(),
        &os(&intake),
        "--out".as_ref(),
        &os(&out),
        "--roster".as_ref(),
        &os(&roster),
    ]);
    let audit = chinese(&["audit".as_ref(), &os(&out)]);
    for text in [&run, &audit] {
        let without_paths = text
            .replace(dir.path().to_str().unwrap(), "")
            .replace("A001", "");
        let latin: Vec<&str> = without_paths
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| {
                !w.is_empty()
                    && ![
                        "blindfold",
                        "out",
                        "files",
                        "manifest",
                        "jsonl",
                        "key",
                        "csv",
                        "audit",
                        "html",
                    ]
                    .contains(w)
            })
            .collect();
        assert!(latin.is_empty(), "{latin:?} in\n{text}");
    }
    assert!(run.contains("位申报人"), "{run}");
    assert!(audit.contains("发现 0 个问题"), "{audit}");
}
