//! Issue 30's hostile cases, one test per numbered item, named after it: what an applicant's
//! crafted file, a tampered run or a second process must not get past. Fast: the scripted
//! detector, no models.

use blindfold::audit::Finding;
use blindfold::base::Lang;
use blindfold::geometry::Rect;
use blindfold::pipeline::{self, RunConfig, Silent};
use blindfold::serve::{App, ServeOptions, StaffRun, UploadLimits};
use blindfold::write::lock::FolderLock;
use blindfold::write::manifest::{self, ManifestLine};

use crate::common::scripted::*;

/// A server's options on `data`, staff opening the run of `staff` if given.
fn serve_options(data: &std::path::Path, staff: Option<&RunConfig>) -> ServeOptions {
    ServeOptions {
        lang: None,
        data: data.to_path_buf(),
        staff: staff.map(|config| StaffRun {
            out: config.out.clone(),
            intake: config.intake.clone(),
            roster: Some(config.roster.clone()),
        }),
        user: "reviewer".into(),
        limits: UploadLimits::default(),
        config: RunConfig::new(Default::default()),
    }
}

fn run_again(config: &RunConfig) -> blindfold::error::Result<()> {
    pipeline::run(config, script().workers(2), &Silent).map(|_| ())
}

/// Item 1: the re-scan of a fresh run found "an unmasked name" where the run had masked the name
/// it read beside 姓名: with the name under its mask the re-scan read the label alone and took
/// the ink beside it (the mask, an ID photo's hair) for an unread name. What the run masked
/// now counts as found in the re-scan, as the value of the label it covers.
#[test]
fn item_01_the_audit_of_a_fresh_run_reports_no_problem() {
    const CARD: (u32, u32) = (700, 300);
    let label = Rect::new(100.0, 100.0, 160.0, 130.0);
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let mut card = blank(CARD);
    // A dark stroke right of the name, as the hair at an ID photo's edge.
    for y in 95..145 {
        for x in 628..634 {
            card.put_pixel(x, y, image::Rgb([30, 25, 20]));
        }
    }
    card.save(config.intake.join(FOLDER).join("身份证.png"))
        .unwrap();
    let read = |text: &str, x1: f32| found(text, Rect { x1, ..label });
    let reads_the_name = script().on(CARD, read(&format!("姓名{NAME}"), 220.0));
    load_runtime();
    pipeline::run(&config, reads_the_name.workers(2), &Silent).unwrap();

    let reads_the_label = script().on(CARD, read("姓名", 160.0));
    let problems: Vec<String> = audit_with(&config, reads_the_label)
        .problems
        .iter()
        .map(|p| p.public(Lang::En))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The public lines of the audit's problems.
fn audit_problems(config: &RunConfig) -> Vec<String> {
    audit(config)
        .problems
        .iter()
        .map(|p| p.public(Lang::En))
        .collect()
}

/// Item 2: a mask set to the original times 40/255, its hash updated, passed the audit: the
/// mask check allowed any pixel within 48 of the mask colour. Masks are now checked as opaque.
#[test]
fn item_02_a_see_through_mask_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let lines = run(&config);
    let png = line(&lines, "证书.png", Some(1));
    let output = png.output.clone().unwrap();
    let region = png.regions[0].bbox;
    for factor in [40u16, 12] {
        let mut pixels = image::open(config.out.join(&output)).unwrap().to_rgb8();
        // The name as it was, darkened rather than covered.
        let original = blank(PNG);
        for y in region[1]..region[3] {
            for x in region[0]..region[2] {
                let ink = (x / 4) % 3 == 0 && (y / 5) % 2 == 0;
                let value = if ink {
                    20
                } else {
                    original.get_pixel(x, y).0[0]
                };
                let value = (u16::from(value) * factor / 255) as u8;
                pixels.put_pixel(x, y, image::Rgb([value; 3]));
            }
        }
        pixels.save(config.out.join(&output)).unwrap();
        crate::common::rehash(&config.out, &output);
        let problems = audit_problems(&config);
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with(&output) && p.contains("is not masked")),
            "original x {factor}/255: {problems:#?}"
        );
    }
}

/// Item 3: files in `files/` that the manifest does not name (an unmasked original named after
/// the applicant, a stray `999.jpg`) passed the audit. Each is now a problem, its name shown
/// to staff only.
#[test]
fn item_03_files_the_manifest_does_not_name_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    run(&config);
    assert!(audit_problems(&config).is_empty());
    let original = config.intake.join(FOLDER).join(format!("{NAME}-证书.png"));
    let dropped_in = format!("files/A001/{NAME}-证书.png");
    std::fs::copy(&original, config.out.join(&dropped_in)).unwrap();
    std::fs::write(config.out.join("files/999.jpg"), b"stray").unwrap();

    let result = audit(&config);
    let stray: Vec<&blindfold::audit::Problem> = result
        .problems
        .iter()
        .filter(|p| p.finding == Finding::StrayFile)
        .collect();
    assert_eq!(stray.len(), 2, "{:#?}", result.problems);
    for problem in &stray {
        assert!(
            !problem.public(Lang::En).contains(NAME),
            "{}",
            problem.public(Lang::En)
        );
    }
    assert!(
        stray
            .iter()
            .any(|p| p.for_staff(Lang::En).contains(&dropped_in)),
        "staff see which file"
    );
    assert!(
        !result.html(Lang::En).contains(NAME),
        "the report names no one"
    );
}

/// Item 4: a withdrawn intake file's output stayed in `files/` after `--resume`, and went to the
/// reviewers with nothing in the manifest to say so.
#[test]
fn item_04_resume_removes_the_outputs_of_withdrawn_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path());
    let lines = run(&config);
    let withdrawn = line(&lines, "推荐表.pdf", Some(1)).output.clone().unwrap();
    std::fs::remove_file(config.intake.join(FOLDER).join("推荐表.pdf")).unwrap();

    config.resume = true;
    run_again(&config).unwrap();

    assert!(!config.out.join(&withdrawn).exists(), "{withdrawn} stayed");
    let mut outputs: Vec<String> = manifest::read(&config.out.join("manifest.jsonl"))
        .unwrap()
        .into_iter()
        .filter_map(|l| l.output)
        .collect();
    let mut on_disk: Vec<String> = walkdir::WalkDir::new(config.out.join("files"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(&config.out).unwrap();
            relative.to_string_lossy().replace('\\', "/")
        })
        .collect();
    on_disk.sort();
    outputs.sort();
    assert_eq!(
        on_disk, outputs,
        "files/ holds exactly what the manifest names"
    );
    assert!(
        audit(&config).problems.is_empty(),
        "a resumed run passes its audit"
    );
}

/// Item 5: `--resume` with another `--dpi` or `--mask-color` kept the old outputs, rewrote
/// `run.json`, and the audit then found false problems. It is refused, naming the change.
#[test]
fn item_05_resume_with_other_settings_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path());
    run(&config);
    let settings = std::fs::read(config.out.join("run.json")).unwrap();

    config.resume = true;
    config.output.dpi = 150;
    config.output.mask_color = image::Rgb([255, 0, 0]);
    let error = run_again(&config).unwrap_err().to_string();
    assert!(error.contains("--dpi 150"), "{error}");
    assert!(error.contains("--mask-color ff0000"), "{error}");
    assert_eq!(
        std::fs::read(config.out.join("run.json")).unwrap(),
        settings,
        "run.json untouched"
    );

    config.output = Default::default();
    run_again(&config).unwrap();
    assert!(audit(&config).problems.is_empty());
}

/// Item 11: `check --out DIR` deleted an existing `DIR/files/**`, and `run --overwrite` did the
/// same in a folder blindfold never wrote. Both now refuse and leave it as it was.
#[test]
fn item_11_nothing_blindfold_did_not_write_is_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path());
    let theirs = config.out.join("files/photos/mine.jpg");
    std::fs::create_dir_all(theirs.parent().unwrap()).unwrap();
    std::fs::write(&theirs, b"somebody's photo").unwrap();

    config.overwrite = true;
    let error = run_again(&config).unwrap_err().to_string();
    assert!(error.contains("did not write"), "{error}");
    let request = blindfold::check::CheckRequest {
        paths: vec![config.intake.join(FOLDER)],
        name: NAME.into(),
        unit: UNIT.into(),
        aliases: Vec::new(),
    };
    let checked = blindfold::check::run(&request, &config, script().workers(1), &Silent);
    assert!(checked.is_err());
    assert_eq!(std::fs::read(&theirs).unwrap(), b"somebody's photo");

    // A folder a run wrote is still replaced.
    std::fs::remove_dir_all(config.out.join("files")).unwrap();
    run(&config);
    run_again(&config).unwrap();
}

/// Item 9: a second `--resume` started while the first ran on the same folder: both exited 0
/// and the manifest lost a line. Only one process writes into an output folder; the other is
/// refused with its own exit code, naming the holder, and nothing of the first is lost.
#[test]
fn item_09_a_second_run_on_a_busy_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path());
    let lines = run(&config);
    let manifest = std::fs::read(config.out.join(manifest::MANIFEST_FILE)).unwrap();

    let first = FolderLock::acquire(&config.out, "run").unwrap();
    config.resume = true;
    let error = run_again(&config).unwrap_err();
    assert!(matches!(error, blindfold::Error::Busy { .. }), "{error:?}");
    assert_eq!(error.exit_code(), blindfold::error::exit::BUSY);
    assert!(
        error.to_string().contains("blindfold run, process"),
        "{error}"
    );
    config.overwrite = true;
    config.resume = false;
    assert!(matches!(
        run_again(&config),
        Err(blindfold::Error::Busy { .. })
    ));
    assert_eq!(
        std::fs::read(config.out.join(manifest::MANIFEST_FILE)).unwrap(),
        manifest,
        "the manifest is untouched"
    );

    drop(first);
    run_again(&config).unwrap();
    let again = manifest::read(&config.out.join(manifest::MANIFEST_FILE)).unwrap();
    assert_eq!(again.len(), lines.len());
    assert!(audit(&config).problems.is_empty());
}

/// Item 10: two staff servers opened the same run, and each kept its own view: one's mask went
/// to the manifest, the other's to the output. The second server is refused while the first
/// holds the run.
#[test]
fn item_10_a_second_staff_server_on_one_run_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    run(&config);
    let open = |data: &str| {
        App::new(
            serve_options(&dir.path().join(data), Some(&config)),
            8471,
            script().workers(1),
        )
    };
    let alice = open("alice").unwrap();
    let bob = open("bob").err().expect("a second server is refused");
    assert!(matches!(bob, blindfold::Error::Busy { .. }), "{bob:?}");
    assert!(bob.to_string().contains("blindfold serve"), "{bob}");
    drop(alice);
}

/// Item 12: the key was on `xdg-open`'s command line (another user read it in `ps`), stayed
/// valid for the server's life and was replayed from the browser's history. The browser is
/// opened on a launch page only the user can read; every key lets one browser in once, and the
/// launch page gets a fresh one when its key is spent.
#[test]
fn item_12_keys_are_spent_once_and_the_launch_page_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(
        serve_options(&dir.path().join("data"), None),
        8472,
        script().workers(1),
    )
    .unwrap();
    let launch = app.launch_page().to_path_buf();
    let key_in = |page: &std::path::Path| {
        let text = std::fs::read_to_string(page).unwrap();
        let start = text.find("?token=").unwrap() + 7;
        text[start..start + 32].to_string()
    };
    #[cfg(unix)]
    assert_eq!(mode(&launch), 0o600);
    let first = key_in(&launch);
    let router = blindfold::serve::router(app.clone());
    let exchange = |key: &str| {
        let request = axum::http::Request::builder()
            .uri(format!("/?token={key}"))
            .header("host", "127.0.0.1:8472")
            .body(axum::body::Body::empty())
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime
            .block_on(tower::ServiceExt::oneshot(router.clone(), request))
            .unwrap()
            .status()
    };
    assert_eq!(exchange(&first), 303);
    assert_eq!(exchange(&first), 401, "a spent key");
    let second = key_in(&launch);
    assert_ne!(first, second, "the launch page holds a fresh key");
    assert_eq!(exchange(&second), 303);
    let printed = app.key_url();
    let printed = printed.split("?token=").nth(1).unwrap();
    assert_eq!(exchange(printed), 303);
    assert_eq!(exchange(printed), 401);
}

/// Item 14: every start left a folder of unmasked page renders in `DATA/cache`. A server's
/// cache is locked while it runs and removed when it stops; what a crashed one left is removed
/// at the next start, and a live server's cache is left alone.
#[test]
fn item_14_page_caches_do_not_outlive_their_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let stale = data.join("cache/0123456789abcdef/3.jpg");
    std::fs::create_dir_all(stale.parent().unwrap()).unwrap();
    std::fs::write(&stale, b"an unmasked page").unwrap();
    let start = || App::new(serve_options(&data, None), 8473, script().workers(1)).unwrap();
    let first = start();
    assert!(
        !stale.parent().unwrap().exists(),
        "a dead server's cache is removed"
    );
    let live = first.launch_page().parent().unwrap().to_path_buf();
    let second = start();
    assert!(live.exists(), "a live server's cache is kept");
    first.remove_cache();
    assert!(!live.exists());
    assert!(second.launch_page().exists());
}

/// Item 15: `--data /tmp` made /tmp private to one user, and below it the key was readable by
/// all. An existing data folder is left as it is; blindfold's own folders in it are private,
/// and `key.csv` is the user's alone.
#[test]
#[cfg(unix)]
fn item_15_an_existing_data_folder_keeps_its_mode_and_the_key_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("shared");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let _app = App::new(serve_options(&data, None), 8474, script().workers(1)).unwrap();
    assert_eq!(mode(&data), 0o1777);
    assert_eq!(mode(&data.join("workspaces")), 0o700);
    assert_eq!(mode(&data.join("cache")), 0o700);

    let config = config(dir.path());
    run(&config);
    assert_eq!(mode(&config.out.join("key.csv")), 0o600);
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Item 7: a JPEG whose data breaks off inside (a flipped bit ends the decoder's reading, the
/// end marker is still there) decoded to a page whose rest repeats the last blocks, marked `ok`.
/// It is marked `review`, with the reason.
#[test]
fn item_07_a_damaged_jpeg_is_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let mut seed: u32 = 11;
    let scan = image::RgbImage::from_fn(640, 480, |_, _| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let v = 180 + ((seed >> 16) % 70) as u8;
        image::Rgb([v, v, v])
    });
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(scan)
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    jpeg.truncate(jpeg.len() * 2 / 5);
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    std::fs::write(config.intake.join(FOLDER).join("扫描.jpg"), jpeg).unwrap();
    let lines = run(&config);
    let damaged = lines
        .iter()
        .find(|l| l.source.ends_with("扫描.jpg"))
        .unwrap();
    assert_eq!(damaged.status, manifest::Status::Review, "{damaged:?}");
    assert!(
        damaged.review.iter().any(|r| r.contains("damaged JPEG")),
        "{:?}",
        damaged.review
    );
}

/// Item 8: a multi-page TIFF was decoded whole before its first page was read (120 A4 pages
/// took 2.98 GB). Its pages are now read, masked and written one at a time, each where it
/// belongs: the name found on page 2 is masked on page 2 of the output.
#[test]
fn item_08_a_multi_page_tiff_is_processed_page_by_page() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let pages: Vec<blindfold::pages::Page> = [PDF_PAGE_1, PNG, PDF_PAGE_2]
        .iter()
        .enumerate()
        .map(|(i, &size)| blindfold::pages::Page {
            number: i + 1,
            pixels: blank(size),
            greyscale: false,
            text: None,
        })
        .collect();
    let tiff =
        blindfold::write::raster::encode(&pages, blindfold::intake::FileKind::Tiff, 90).unwrap();
    std::fs::write(config.intake.join(FOLDER).join("合订.tif"), tiff).unwrap();
    let lines = run(&config);
    let tiff_lines: Vec<&ManifestLine> = lines
        .iter()
        .filter(|l| l.source.ends_with("合订.tif"))
        .collect();
    assert_eq!(tiff_lines.len(), 3);
    let outputs = output_pages(&config.out, tiff_lines[0]);
    assert_eq!(outputs.len(), 3);
    assert_eq!(outputs[1].dimensions(), PNG);
    assert!(tiff_lines[0].regions.is_empty());
    for (page, kind) in [
        (1, blindfold::base::Kind::Name),
        (2, blindfold::base::Kind::Unit),
    ] {
        let region = &tiff_lines[page].regions[0];
        assert_eq!(region.kind, kind);
        assert!(masked(&outputs[page], region.bbox), "page {}", page + 1);
    }
    assert!(audit(&config).problems.is_empty());
}
