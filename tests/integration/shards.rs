//! Issue 32: a run split with `run --shard K/N` and joined with `merge` equals the run made on
//! one machine: on a scripted-detector intake of 40 applicants (namesakes, undecided folders
//! and folders without roster rows among them) through the library, and on the samples through
//! the real binary. Merge refuses shards that do not make one finished run, each with its own
//! error, and a merge cut short is neither taken for a finished one nor lost.

use blindfold::base::Lang;
use std::path::{Path, PathBuf};

use blindfold::detect::ScriptedDetector;
use blindfold::error::exit;
use blindfold::pipeline::merge;
use blindfold::pipeline::{self, RunConfig, Silent};
use blindfold::write::key::RunSettings;
use blindfold::write::lock::FolderLock;
use blindfold::write::shard::Shard;

use crate::common::scripted::{self, found, load_runtime, write_image, write_pdf, NAME_BOX};
use crate::common::*;

/// The 40-applicant intake's roster: 34 rows, of which two share a name.
const APPLICANTS: usize = 40;

/// An intake of [`APPLICANTS`] folders, each with a PNG and a two-page PDF: rows for most,
/// two rows of one name (李娜) that the folder 李娜 fits alike (undecided), and folders with
/// no row. Returns the intake and its roster.
fn big_intake(dir: &Path) -> (PathBuf, PathBuf) {
    let intake = dir.join("intake");
    let mut roster = String::from("name,unit\n");
    for i in 0..APPLICANTS {
        let name = match i {
            7 => "李娜".to_string(),
            _ => format!("申请人{i:02}"),
        };
        let folder = intake.join(format!("{i:02}_{name}"));
        std::fs::create_dir_all(&folder).unwrap();
        write_image(
            &folder.join("证书.png"),
            scripted::PNG,
            image::ImageFormat::Png,
        );
        write_pdf(
            &folder.join("推荐表.pdf"),
            &[scripted::PDF_PAGE_1, scripted::PDF_PAGE_2],
        );
        match i {
            7 => roster += "李娜,和静县人民医院\n李娜,轮台县人民医院\n",
            _ if i % 6 == 5 => {} // no roster row
            _ => roster += &format!("{name},和静县中医医院\n"),
        }
    }
    std::fs::write(intake.join("说明.txt"), "a loose file").unwrap();
    let roster_path = dir.join("roster.csv");
    std::fs::write(&roster_path, roster).unwrap();
    (intake, roster_path)
}

/// The scripted detector: every PNG reads 申请人03's name line (a name only on that
/// applicant's page), the PDFs' second pages the unit most applicants share.
fn script() -> ScriptedDetector {
    ScriptedDetector::new()
        .on(scripted::PNG, found("申请人：申请人03", NAME_BOX))
        .on(scripted::PDF_PAGE_2, found("和静县中医医院", NAME_BOX))
}

fn detectors() -> Vec<Box<dyn blindfold::detect::Detector>> {
    script().workers(2)
}

fn config(intake: &Path, roster: &Path, out: PathBuf, shard: Option<Shard>) -> RunConfig {
    RunConfig {
        intake: intake.to_path_buf(),
        roster: roster.to_path_buf(),
        shard,
        ..RunConfig::new(out)
    }
}

/// Runs shards 0 … N-1 of the intake into `dir/shard-K`; returns their folders.
fn run_shards(intake: &Path, roster: &Path, dir: &Path, count: usize) -> Vec<PathBuf> {
    (0..count)
        .map(|index| {
            let out = dir.join(format!("shard-{index}"));
            let shard = Shard { index, count };
            pipeline::run(
                &config(intake, roster, out.clone(), Some(shard)),
                detectors(),
                &Silent,
            )
            .unwrap();
            out
        })
        .collect()
}

/// A run's manifest without its timings, and the hashes of its outputs and key.
fn results(out: &Path) -> (Vec<serde_json::Value>, Vec<(String, String)>) {
    let mut files = tree_hashes(out);
    files.retain(|(name, _)| name.starts_with("files") || name == "key.csv");
    (manifest_without_timings(out), files)
}

/// The 40-applicant intake in `dir`, its roster, and its run on one machine.
fn intake_run_whole(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    load_runtime();
    let (intake, roster) = big_intake(dir);
    let whole = dir.join("whole");
    pipeline::run(
        &config(&intake, &roster, whole.clone(), None),
        detectors(),
        &Silent,
    )
    .unwrap();
    (intake, roster, whole)
}

#[test]
fn shards_merged_equal_the_run_on_one_machine() {
    let dir = tempfile::tempdir().unwrap();
    let (intake, roster, whole) = intake_run_whole(dir.path());
    let expected = results(&whole);
    assert!(expected.0.len() > 3 * APPLICANTS, "{}", expected.0.len());
    let undecided = expected
        .0
        .iter()
        .filter(|l| l["status"] == "review")
        .count();
    assert!(undecided >= 3, "the namesakes' folder is reviewed");

    for count in [1, 2, 3, 5] {
        let here = dir.path().join(format!("n{count}"));
        let shards = run_shards(&intake, &roster, &here, count);
        let merged = here.join("merged");
        let summary = merge::merge(&shards, &merged).unwrap();
        assert_eq!(results(&merged), expected, "{count} shards");
        assert_eq!(
            summary.per_applicant.len(),
            APPLICANTS + 1,
            "{count} shards"
        );
        assert_eq!(
            summary.notes.folders_without_roster_row.len(),
            APPLICANTS / 6,
            "{count} shards"
        );
        assert_eq!(summary.notes.undecided_folders.len(), 1);
        assert!(!merged.join(merge::MERGING_FILE).exists());
        assert!(
            shards.iter().all(|s| !s.join("key.csv").exists()),
            "the merged folder holds the only key"
        );
        assert!(
            audit_problems(&intake, &roster, &merged).is_empty(),
            "{count} shards"
        );
    }
}

/// The audit's problems of the run of `intake` in `out` (scripted re-scan).
fn audit_problems(intake: &Path, roster: &Path, out: &Path) -> Vec<String> {
    let config = config(intake, roster, out.to_path_buf(), None);
    scripted::audit_with(&config, script())
        .problems
        .iter()
        .map(|p| p.public(Lang::En))
        .collect()
}

#[test]
fn merge_refuses_shards_that_are_not_one_finished_run() {
    load_runtime();
    let dir = tempfile::tempdir().unwrap();
    let (intake, roster) = big_intake(dir.path());
    let shards = run_shards(&intake, &roster, dir.path(), 3);
    let out = dir.path().join("merged");
    let refused = |given: &[PathBuf], what: &str| {
        let error = merge::merge(given, &out).unwrap_err();
        assert!(error.to_string().contains(what), "{what}: {error}");
        assert!(
            !out.join("manifest.jsonl").exists(),
            "{what}: nothing merged"
        );
        error.exit_code()
    };

    let missing = refused(&shards[..2], "shard 2/3 missing");
    let repeated = refused(
        &[shards[0].clone(), shards[1].clone(), shards[1].clone()],
        "given twice",
    );
    assert_eq!((missing, repeated), (exit::SHARDS, exit::SHARDS));

    // A shard of the same intake once a file was added: another fingerprint.
    let other = dir.path().join("other");
    let added = intake.join("00_申请人00").join("补交.png");
    std::fs::write(&added, b"x").unwrap();
    pipeline::run(
        &config(
            &intake,
            &roster,
            other.clone(),
            Some(Shard { index: 2, count: 3 }),
        ),
        detectors(),
        &Silent,
    )
    .unwrap();
    let mixed = [shards[0].clone(), shards[1].clone(), other];
    assert_eq!(refused(&mixed, "another intake, roster"), exit::SHARDS);
    std::fs::remove_file(&added).unwrap();

    // A dry run's shard (no outputs) among real ones.
    let dry = dir.path().join("dry");
    let mut dry_config = config(
        &intake,
        &roster,
        dry.clone(),
        Some(Shard { index: 2, count: 3 }),
    );
    dry_config.dry_run = true;
    pipeline::run(&dry_config, detectors(), &Silent).unwrap();
    let with_dry = [shards[0].clone(), shards[1].clone(), dry];
    assert_eq!(refused(&with_dry, "another intake, roster"), exit::SHARDS);

    // A shard that stopped before its end.
    let settings = RunSettings::read(&shards[2]).unwrap();
    let mut stopped = settings.clone();
    stopped.shard.as_mut().unwrap().finished = false;
    stopped.write(&shards[2]).unwrap();
    assert_eq!(refused(&shards, "did not finish"), exit::SHARDS);
    settings.write(&shards[2]).unwrap();

    // An applicant claimed by two shards, then by none.
    let mut twice = settings.clone();
    let record = twice.shard.as_mut().unwrap();
    let first_of_0 = RunSettings::read(&shards[0])
        .unwrap()
        .shard
        .unwrap()
        .applicants[0]
        .clone();
    record.applicants.push(first_of_0);
    twice.write(&shards[2]).unwrap();
    assert_eq!(refused(&shards, "is in two shards"), exit::SHARDS);
    let mut none = settings.clone();
    none.shard.as_mut().unwrap().applicants.remove(0);
    none.write(&shards[2]).unwrap();
    assert_eq!(refused(&shards, "is in none of the shards"), exit::SHARDS);
    settings.write(&shards[2]).unwrap();

    // A shard still running: its folder is locked.
    let running = FolderLock::acquire(&shards[1], "run").unwrap();
    assert_eq!(
        refused(&shards, "in use by another blindfold process"),
        exit::BUSY
    );
    let status = merge::status(&shards);
    assert_eq!(
        status.iter().map(|s| s.state).collect::<Vec<_>>(),
        [
            merge::ShardState::Finished,
            merge::ShardState::Running,
            merge::ShardState::Finished
        ]
    );
    assert!(status.iter().all(|s| s.pages > 0 && s.files > 0));
    drop(running);

    merge::merge(&shards, &out).unwrap();
    assert!(audit_problems(&intake, &roster, &out).is_empty());
}

#[test]
fn a_merge_cut_short_is_not_taken_for_finished_and_running_it_again_finishes_it() {
    let dir = tempfile::tempdir().unwrap();
    let (intake, roster, whole) = intake_run_whole(dir.path());
    let shards = run_shards(&intake, &roster, dir.path(), 2);

    // An output vanishes from the last shard: the merge stops after moving the folders.
    let lost = "files/A002/002.png";
    let kept = std::fs::read(shards[1].join(lost)).unwrap();
    std::fs::remove_file(shards[1].join(lost)).unwrap();
    let out = dir.path().join("merged");
    let error = merge::merge(&shards, &out).unwrap_err();
    assert!(error.to_string().contains(lost), "{error}");
    assert!(out.join(merge::MERGING_FILE).exists());
    let audit = blindfold::audit::Audit {
        out: out.clone(),
        intake: Some(intake.clone()),
        roster: Some(roster.clone()),
        mask_color: None,
    }
    .run(detectors())
    .map(drop)
    .expect_err("the audit refuses a half-merged folder");
    assert!(audit.to_string().contains("has not finished"), "{audit}");

    std::fs::write(out.join(lost), kept).unwrap();
    merge::merge(&shards, &out).unwrap();
    assert!(!out.join(merge::MERGING_FILE).exists());
    assert_eq!(results(&out), results(&whole));
    assert!(audit_problems(&intake, &roster, &out).is_empty());
    let again = merge::merge(&shards, &out).unwrap_err();
    assert!(
        again.to_string().contains("holds a finished run"),
        "{again}"
    );
}

/// The samples with the real models through the binary: 1, 2, 3 and 5 shards (more shards than
/// applicants) merge into the single run's manifest and output bytes.
#[test]
fn the_samples_sharded_and_merged_equal_their_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let intake = root().join("samples/intake");
    let roster = root().join("samples/roster.csv");
    let whole = dir.path().join("whole");
    let output = run_intake(&intake, &whole, &roster, &["--jobs", "2"]);
    assert_eq!(output.status.code(), Some(0));
    for count in [1, 2, 3, 5] {
        let mut shards = Vec::new();
        for index in 0..count {
            let out = dir.path().join(format!("n{count}-{index}"));
            let shard = format!("{index}/{count}");
            let output = run_intake(&intake, &out, &roster, &["--jobs", "2", "--shard", &shard]);
            assert_eq!(output.status.code(), Some(0), "{shard}");
            shards.push(out.to_str().unwrap().to_string());
        }
        let merged = dir.path().join(format!("n{count}-merged"));
        let mut args = vec!["merge"];
        args.extend(shards.iter().map(String::as_str));
        args.extend(["--out", merged.to_str().unwrap()]);
        assert_eq!(blindfold(&args).status.code(), Some(0), "{count} shards");
        assert_eq!(results(&merged), results(&whole), "{count} shards");
    }
}
