//! Corrections to a finished run through the library (`blindfold::edit`), on the scripted
//! detector: outputs made again from the originals, the manifest, the journal after a crash,
//! the audit and `run --resume`.

use crate::common::scripted::*;
use blindfold::base::{Evidence, Kind, Lang};
use blindfold::edit::{self, Action, Edit, EditError, EditedRun};
use blindfold::pipeline::RunConfig;
use blindfold::write::manifest::{self, ManifestLine, Status};

fn edit_of(line: &ManifestLine, action: Action) -> Edit {
    Edit {
        output: line.output.clone().unwrap(),
        page: line.page.unwrap(),
        revision: line.revision,
        by: "staff".into(),
        at: "2026-12-01T10:00:00Z".into(),
        action,
    }
}

/// On the PDF: a mask drawn on its first page (which had none), the unit mask on its second
/// page removed as a mistake, and the second page confirmed.
fn correct(run: &mut EditedRun) {
    let first = line(run.lines(), "推荐表.pdf", Some(1)).clone();
    let add = Action::Add {
        kind: Kind::Name,
        bbox: [20, 20, 120, 60],
    };
    run.edit(edit_of(&first, add)).unwrap();
    let second = line(run.lines(), "推荐表.pdf", Some(2)).clone();
    let remove = Action::Remove {
        index: 0,
        reason: "the issuing hospital, not the applicant's".into(),
    };
    run.edit(edit_of(&second, remove)).unwrap();
    let second = line(run.lines(), "推荐表.pdf", Some(2)).clone();
    run.edit(edit_of(&second, Action::Confirm)).unwrap();
}

fn read_manifest(config: &RunConfig) -> Vec<ManifestLine> {
    manifest::read(&config.out.join("manifest.jsonl")).unwrap()
}

#[test]
fn corrected_outputs_are_made_again_from_the_originals_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let before = run(&config);
    let unit_box = line(&before, "推荐表.pdf", Some(2)).regions[0].bbox;
    let mut edited = EditedRun::open(&config.out, &config.intake).unwrap();
    correct(&mut edited);

    let lines = read_manifest(&config);
    let (first, second) = (
        line(&lines, "推荐表.pdf", Some(1)),
        line(&lines, "推荐表.pdf", Some(2)),
    );
    assert!(first.masking_required);
    assert_eq!(first.regions[0].evidence, Evidence::Manual);
    assert!(!second.masking_required && second.regions.is_empty());
    assert_eq!(second.dismissed[0].region.bbox, unit_box);
    assert_eq!(second.dismissed[0].by, "staff");
    assert_eq!(second.reviewed.as_ref().unwrap().status_was, Status::Ok);
    assert_eq!((first.revision, second.revision), (1, 2));

    let pages = output_pages(&config.out, first);
    assert!(masked(&pages[0], [20, 20, 120, 60]));
    assert!(!masked(&pages[1], unit_box), "the removed mask is gone");
    let bytes = std::fs::read(config.out.join(first.output.as_ref().unwrap())).unwrap();
    let sha = blindfold::models::sha256_bytes(&bytes);
    assert_eq!(first.output_sha256.as_deref(), Some(sha.as_str()));
    assert_ne!(
        first.output_sha256,
        line(&before, "推荐表.pdf", Some(1)).output_sha256
    );
    let png = |lines: &[ManifestLine]| line(lines, "证书.png", Some(1)).clone();
    assert_eq!(png(&lines), png(&before), "other files are untouched");

    let audit = audit(&config);
    assert!(audit.problems.is_empty(), "{:#?}", audit.problems);
    let corrections: Vec<String> = audit
        .corrections
        .iter()
        .map(|c| c.change.text(Lang::En))
        .collect();
    assert_eq!(corrections.len(), 3, "{corrections:#?}");
    assert!(corrections.iter().any(|c| c.contains("drawn by hand")));
    assert!(corrections
        .iter()
        .any(|c| c.contains("removed by staff") && c.contains("the issuing hospital")));
    assert!(corrections
        .iter()
        .any(|c| c.starts_with("confirmed by staff")));
}

#[test]
fn an_edit_made_on_an_old_revision_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    run(&config);
    let mut edited = EditedRun::open(&config.out, &config.intake).unwrap();
    let page = line(edited.lines(), "证书.png", Some(1)).clone();
    edited.edit(edit_of(&page, Action::Confirm)).unwrap();
    let manifest_before = read_manifest(&config);
    let stale = edit_of(&page, Action::Restore { index: 0 });
    assert!(matches!(
        edited.edit(stale),
        Err(EditError::Conflict { current: 1 })
    ));
    assert_eq!(read_manifest(&config), manifest_before);
    assert_eq!(edit::journal::read(&config.out).unwrap().len(), 1);
}

/// A server killed after journalling an edit, before the manifest was written: opening the run
/// again replays the journal and ends where an uninterrupted run of edits ends.
#[test]
fn a_journal_replayed_after_a_crash_gives_the_same_manifest_and_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    run(&config);
    let crashed = dir.path().join("crashed");
    crate::common::copy_dir(&config.out, &crashed);

    let mut edited = EditedRun::open(&config.out, &config.intake).unwrap();
    correct(&mut edited);
    std::fs::copy(
        config.out.join(edit::journal::JOURNAL_FILE),
        crashed.join(edit::journal::JOURNAL_FILE),
    )
    .unwrap();

    EditedRun::open(&crashed, &config.intake).unwrap();
    let crashed_config = RunConfig::new(crashed.clone());
    assert_eq!(read_manifest(&crashed_config), read_manifest(&config));
    let pdf = line(&read_manifest(&config), "推荐表.pdf", Some(1))
        .output
        .clone()
        .unwrap();
    assert_eq!(
        std::fs::read(crashed.join(&pdf)).unwrap(),
        std::fs::read(config.out.join(&pdf)).unwrap()
    );
    // Opening again replays nothing more.
    EditedRun::open(&crashed, &config.intake).unwrap();
    assert_eq!(read_manifest(&crashed_config), read_manifest(&config));
}

#[test]
fn resume_keeps_the_corrections() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    run(&config);
    let mut edited = EditedRun::open(&config.out, &config.intake).unwrap();
    correct(&mut edited);
    let corrected = read_manifest(&config);
    let resumed = RunConfig {
        resume: true,
        ..config.clone()
    };
    let after = run(&resumed);
    let pdf = |lines: &[ManifestLine]| line(lines, "推荐表.pdf", Some(2)).clone();
    assert_eq!(pdf(&after), pdf(&corrected));
}

/// Issue 29: a finding of the audit's re-scan that a person judges none of the applicant's is
/// dismissed with a reason; the audit then passes and lists the dismissal, and restoring it
/// masks it.
#[test]
fn a_dismissed_audit_finding_passes_the_audit_and_restoring_it_masks_it() {
    use blindfold::audit::Finding;
    use blindfold::geometry::Rect;
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    run(&config);
    let beside = Rect {
        x0: 100.0,
        y0: 300.0,
        x1: 400.0,
        y1: 340.0,
    };
    let rescan = || {
        let lines = vec![
            blindfold::detect::text_line(&format!("申请人：{NAME}"), NAME_BOX),
            blindfold::detect::text_line(NAME, beside),
        ];
        let page = blindfold::detect::Answer::Found(blindfold::detect::Detections {
            lines,
            ..Default::default()
        });
        blindfold::detect::ScriptedDetector::new().on(PNG, page)
    };
    let first = audit_with(&config, rescan());
    let bbox = match first.problems.as_slice() {
        [problem] => match problem.finding {
            Finding::Unmasked {
                kind: Kind::Name,
                bbox,
            } => bbox,
            ref other => panic!("{other:?}"),
        },
        problems => panic!("{problems:#?}"),
    };

    let mut edited = EditedRun::open(&config.out, &config.intake).unwrap();
    let png = line(edited.lines(), "证书.png", Some(1)).clone();
    let empty = Action::Dismiss {
        kind: Kind::Name,
        bbox,
        reason: " ".into(),
    };
    assert!(matches!(
        edited.edit(edit_of(&png, empty)),
        Err(EditError::Invalid(_))
    ));
    let dismiss = Action::Dismiss {
        kind: Kind::Name,
        bbox,
        reason: "a namesake in the list of examiners".into(),
    };
    edited.edit(edit_of(&png, dismiss)).unwrap();
    let after = audit_with(&config, rescan());
    assert!(after.problems.is_empty(), "{:#?}", after.problems);
    let said: Vec<String> = after.corrections.iter().map(|c| c.text(Lang::En)).collect();
    assert!(
        said.iter().any(|c| c.contains("found by the audit")
            && c.contains("a namesake in the list of examiners")),
        "{said:#?}"
    );
    assert!(after
        .corrections
        .iter()
        .all(|c| !c.text(Lang::Zh).contains("audit")));

    let png = line(edited.lines(), "证书.png", Some(1)).clone();
    edited
        .edit(edit_of(&png, Action::Restore { index: 0 }))
        .unwrap();
    let png = line(edited.lines(), "证书.png", Some(1)).clone();
    assert!(png.dismissed.is_empty());
    let pixels = &output_pages(&config.out, &png)[0];
    assert!(masked(pixels, bbox), "restoring the finding masks it");
}
