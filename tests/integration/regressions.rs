//! One test per fixed bug, named after it. Fast: the scripted detector, no models.

use crate::common::scripted::*;
use blindfold::base::Lang;
use blindfold::write::key::RunSettings;
use blindfold::write::manifest::{self, ManifestLine};

/// The audit report once named intake files (whose names hold the applicant's) for files
/// without outputs, files missing from the manifest and broken files.
#[test]
fn audit_report_names_no_applicant_for_a_tampered_run_broken_files_and_missing_lines() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let lines = run(&config);
    let png = line(&lines, "证书.png", Some(1));
    write_image(
        &config.out.join(png.output.as_ref().unwrap()),
        PNG,
        image::ImageFormat::Png,
    );
    let kept: Vec<ManifestLine> = lines
        .iter()
        .filter(|l| !l.source.ends_with("推荐表.pdf") || l.page == Some(1))
        .cloned()
        .collect();
    let text = manifest::to_text(&kept).unwrap();
    std::fs::write(config.out.join("manifest.jsonl"), text).unwrap();
    std::fs::write(
        config
            .intake
            .join(FOLDER)
            .join(format!("{NAME}-未处理.pdf")),
        b"%PDF-1.4 broken",
    )
    .unwrap();

    let result = audit(&config);
    let public: Vec<String> = result.problems.iter().map(|p| p.public(Lang::En)).collect();
    assert!(
        public
            .iter()
            .any(|p| p.ends_with("page 2: no manifest line")),
        "{public:#?}"
    );
    assert!(public.iter().any(|p| p.contains("SHA-256")), "{public:#?}");
    assert!(
        public
            .iter()
            .any(|p| p.starts_with("files/A001/") && p.contains("no manifest line")),
        "the new file is named by its place: {public:#?}"
    );
    let html = result.html(Lang::En);
    for shown in public.iter().map(String::as_str).chain([html.as_str()]) {
        assert!(!shown.contains(NAME), "a name in the report: {shown}");
    }
    assert!(
        result.problems.iter().any(|p| p
            .for_staff(Lang::En)
            .contains(&format!("{NAME}-未处理.pdf"))),
        "staff see the intake path at the console"
    );
}

/// The audit read outputs with the default limits, so a run made with larger ones failed its
/// own audit: it now reads them with the limits the run recorded.
#[test]
fn audit_reads_outputs_with_the_runs_own_limits() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    run(&config);
    assert!(audit(&config).problems.is_empty());
    let mut settings = RunSettings::read(&config.out).unwrap();
    settings.max_pages = 1;
    settings.write(&config.out).unwrap();
    let problems: Vec<String> = audit(&config)
        .problems
        .iter()
        .map(|p| p.public(Lang::En))
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("more than the limit of 1")),
        "{problems:#?}"
    );
}

/// A missing key.csv silently left the re-scan without the applicants' names.
#[test]
fn audit_says_when_the_key_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    run(&config);
    std::fs::remove_file(config.out.join("key.csv")).unwrap();
    let problems: Vec<String> = audit(&config)
        .problems
        .iter()
        .map(|p| p.public(Lang::En))
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("run: key.csv cannot be read")),
        "{problems:#?}"
    );
}

/// A withheld page was recorded as a made-up name region the size of the page: it now has its
/// own mark, no regions, and the audit checks that it is painted over.
#[test]
fn withheld_pages_have_no_made_up_regions() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let lines = run(&config);
    let broken = line(&lines, "照片.jpg", Some(1));
    assert!(broken.withheld && broken.regions.is_empty());
    assert!(audit(&config).problems.is_empty());
}
