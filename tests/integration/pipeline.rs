//! The batch and the audit through the library, on a scripted detector: fast, without models.

use crate::common::scripted::*;
use blindfold::base::Lang;
use blindfold::detect::{Answer, ScriptedDetector};
use blindfold::pipeline::{self, RunConfig, Silent};
use blindfold::write::manifest::{self, ManifestLine, Status};

#[test]
fn images_and_pdfs_are_masked_where_the_detector_reads_the_applicant() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let lines = run(&config);
    assert_eq!(lines.len(), 5, "{lines:#?}");

    let png = line(&lines, "证书.png", Some(1));
    assert_eq!((png.status, png.masking_required), (Status::Ok, true));
    let output = png.output.as_deref().unwrap();
    assert!(output.starts_with("files/A001/") && output.ends_with(".png"));
    let name = png.regions[0].bbox;
    let pixels = &output_pages(&config.out, png)[0];
    assert!(masked(pixels, name));
    assert!(!masked(pixels, [0, 0, 90, 90]), "nothing else is painted");

    let (first, second) = (
        line(&lines, "推荐表.pdf", Some(1)),
        line(&lines, "推荐表.pdf", Some(2)),
    );
    assert!(!first.masking_required && second.masking_required);
    assert_eq!((second.width, second.height), (Some(500), Some(300)));
    let pages = output_pages(&config.out, second);
    assert_eq!(pages.len(), 2);
    assert!(masked(&pages[1], second.regions[0].bbox));
    let bytes = std::fs::read(config.out.join(second.output.as_ref().unwrap())).unwrap();
    assert_eq!(
        second.output_sha256.as_deref(),
        Some(blindfold::models::sha256_bytes(&bytes).as_str())
    );
    assert_eq!(first.output_sha256, second.output_sha256);

    let text = line(&lines, "说明.png", None);
    assert_eq!(text.status, Status::Error);
    assert_eq!(
        text.error_kind,
        Some(blindfold::error::ErrorKind::Unsupported)
    );
    assert!(config.out.join("key.csv").is_file() && config.out.join("run.json").is_file());
}

#[test]
fn a_page_whose_analysis_fails_is_withheld_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let lines = run(&config);
    let broken = line(&lines, "照片.jpg", Some(1));
    assert_eq!(broken.status, Status::Error);
    assert!(broken.withheld && broken.masking_required);
    assert_eq!(
        broken.error_kind,
        Some(blindfold::error::ErrorKind::Analysis)
    );
    assert!(broken.error.as_ref().unwrap().contains("model exploded"));
    let pixels = &output_pages(&config.out, broken)[0];
    assert!(
        masked(pixels, [0, 0, BROKEN.0, BROKEN.1]),
        "painted over whole"
    );
    assert_eq!(line(&lines, "证书.png", Some(1)).status, Status::Ok);
}

#[test]
fn a_page_over_the_time_limit_is_withheld() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    load_runtime();
    let detector = ScriptedDetector::new().on(PDF_PAGE_1, Answer::TimesOut(0.5));
    pipeline::run(&config, detector.workers(1), &Silent).unwrap();
    let lines = manifest::read(&config.out.join("manifest.jsonl")).unwrap();
    let slow = line(&lines, "推荐表.pdf", Some(1));
    assert_eq!(
        slow.error_kind,
        Some(blindfold::error::ErrorKind::TimeLimit)
    );
    assert!(slow.withheld);
    let pages = output_pages(&config.out, slow);
    assert!(masked(&pages[0], [0, 0, PDF_PAGE_1.0, PDF_PAGE_1.1]));
    assert!(!masked(&pages[1], [0, 0, PDF_PAGE_2.0, PDF_PAGE_2.1]));
}

#[test]
fn a_page_whose_analysis_panics_is_withheld_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    load_runtime();
    let detector =
        ScriptedDetector::new().on(PDF_PAGE_1, Answer::Panics("index out of range".into()));
    pipeline::run(&config, detector.workers(2), &Silent).unwrap();
    let lines = manifest::read(&config.out.join("manifest.jsonl")).unwrap();
    let broken = line(&lines, "推荐表.pdf", Some(1));
    assert_eq!(broken.status, Status::Error);
    assert_eq!(
        broken.error_kind,
        Some(blindfold::error::ErrorKind::Analysis)
    );
    assert!(broken
        .error
        .as_ref()
        .unwrap()
        .contains("index out of range"));
    assert!(broken.withheld);
    let pages = output_pages(&config.out, broken);
    assert!(masked(&pages[0], [0, 0, PDF_PAGE_1.0, PDF_PAGE_1.1]));
    assert!(!masked(&pages[1], [0, 0, PDF_PAGE_2.0, PDF_PAGE_2.1]));
    assert_eq!(line(&lines, "证书.png", Some(1)).status, Status::Ok);
}

#[test]
fn resume_redoes_only_what_is_missing_and_ends_as_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let first = run(&config);
    let pdf = line(&first, "推荐表.pdf", Some(1)).output.clone().unwrap();
    std::fs::remove_file(config.out.join(&pdf)).unwrap();
    let resumed = RunConfig {
        resume: true,
        ..config.clone()
    };
    let second = run(&resumed);
    let without_times = |lines: &[ManifestLine]| {
        lines
            .iter()
            .map(|l| ManifestLine {
                seconds: 0.0,
                ..l.clone()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(without_times(&first), without_times(&second));
    assert!(config.out.join(pdf).is_file());
}

#[test]
fn dry_runs_write_the_manifest_but_no_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let config = RunConfig {
        dry_run: true,
        ..config(dir.path())
    };
    let lines = run(&config);
    assert!(lines.iter().all(|l| l.output.is_none()));
    assert!(line(&lines, "证书.png", Some(1)).masking_required);
    assert!(!config.out.join("files").exists());
}

#[test]
fn a_clean_run_passes_its_audit() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    run(&config);
    let result = audit(&config);
    assert!(result.problems.is_empty(), "{:#?}", result.problems);
}

#[test]
fn the_audit_finds_a_mask_painted_out_and_a_name_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let lines = run(&config);
    let png = line(&lines, "证书.png", Some(1));
    let path = config.out.join(png.output.as_ref().unwrap());
    write_image(&path, PNG, image::ImageFormat::Png);
    let problems: Vec<String> = audit(&config)
        .problems
        .iter()
        .map(|p| p.public(Lang::En))
        .collect();
    let place = format!("{} page 1: ", png.output.as_ref().unwrap());
    let about_png = |what: &str| {
        problems
            .iter()
            .any(|p| p.starts_with(&place) && p.contains(what))
    };
    assert!(about_png("SHA-256"), "{problems:#?}");
    assert!(about_png("name region"), "{problems:#?}");
    assert!(about_png("re-scan found an unmasked name"), "{problems:#?}");
}
