//! Bad files and unusual formats in one intake: every file accounted for, bad ones as error
//! lines, good ones processed with their metadata dropped, and a partial exit code.
//! Unix only: the intake holds a symlink and a file name that is not UTF-8.

use std::os::unix::ffi::OsStrExt;

use crate::common::*;

fn expected(dir: &str) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(
        root()
            .join("tests/fixtures")
            .join(dir)
            .join("expected.json"),
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["files"].as_array().unwrap().clone()
}

#[test]
fn odd_and_bad_files_are_all_accounted_for() {
    let dir = tempfile::tempdir().unwrap();
    let intake = dir.path().join("intake");
    let folder = intake.join("2024ZC0117");
    std::fs::create_dir_all(folder.join("bad")).unwrap();
    std::fs::create_dir_all(folder.join("meta")).unwrap();
    for sub in ["bad", "meta"] {
        for entry in std::fs::read_dir(root().join("tests/fixtures").join(sub)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() != "expected.json" {
                std::fs::copy(entry.path(), folder.join(sub).join(entry.file_name())).unwrap();
            }
        }
    }
    std::fs::write(intake.join("stray.pdf"), b"%PDF-1.4 not in a folder").unwrap();
    // A link out of the intake (never followed), a name that is not UTF-8, a 240-byte name.
    let outside = root().join("samples/intake/03_李建国/推荐人选公示.pdf");
    std::os::unix::fs::symlink(&outside, folder.join("link.pdf")).unwrap();
    let not_utf8 = std::ffi::OsStr::from_bytes(b"scan-\xff\xfe.png");
    std::fs::copy(folder.join("meta/rgba.png"), folder.join(not_utf8)).unwrap();
    let long_name = format!("{}.jpg", "很长的文件名".repeat(13));
    std::fs::copy(folder.join("meta/with_exif.jpg"), folder.join(&long_name)).unwrap();
    let roster = dir.path().join("roster.csv");
    std::fs::write(
        &roster,
        "folder,name,unit,aliases\n2024ZC0117,王玥,巴音郭楞蒙古自治州人民医院,巴州人民医院\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = run_intake(&intake, &out, &roster, &[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a run with bad files is partial"
    );

    let lines = manifest(&out);
    let line_for = |source: &str| {
        lines
            .iter()
            .filter(|l| l["source"] == source)
            .cloned()
            .collect::<Vec<_>>()
    };
    for file in expected("bad") {
        let source = format!("2024ZC0117/bad/{}", file["file"].as_str().unwrap());
        let got = line_for(&source);
        assert!(!got.is_empty(), "{source} missing from the manifest");
        let accept: Vec<&str> = file["accept"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for line in &got {
            assert!(
                accept.contains(&line["status"].as_str().unwrap()),
                "{source}: {line}"
            );
            if line["status"] == "error" {
                assert!(!line["error"].as_str().unwrap_or("").is_empty(), "{line}");
            }
        }
    }
    let encrypted = &line_for("2024ZC0117/bad/encrypted.pdf")[0];
    assert!(
        encrypted["error"].as_str().unwrap().contains("encrypted"),
        "{encrypted}"
    );
    assert_eq!(line_for("stray.pdf")[0]["status"], "error");
    for (source, needle) in [
        ("2024ZC0117/bad/bomb.png", "exceeds the limit"),
        ("2024ZC0117/bad/huge_page.pdf", "exceeds the limit"),
        ("2024ZC0117/link.pdf", "symbolic link"),
    ] {
        let line = &line_for(source)[0];
        assert!(line["error"].as_str().unwrap().contains(needle), "{line}");
    }
    for source in [
        "2024ZC0117/scan-\u{FFFD}\u{FFFD}.png".to_string(),
        format!("2024ZC0117/{long_name}"),
    ] {
        let line = &line_for(&source)[0];
        assert_eq!(line["status"], "ok", "{line}");
        assert!(out.join(line["output"].as_str().unwrap()).is_file());
    }

    for file in expected("meta") {
        let source = format!("2024ZC0117/meta/{}", file["file"].as_str().unwrap());
        let got = line_for(&source);
        assert_eq!(
            got.len() as u64,
            file["pages"].as_u64().unwrap(),
            "{source}: {got:?}"
        );
        for line in &got {
            assert_ne!(line["status"], "error", "{line}");
            let pixels = &output_pages(&out, line)[line["page"].as_u64().unwrap() as usize - 1];
            assert_eq!(
                (pixels.width() as u64, pixels.height() as u64),
                (
                    line["width"].as_u64().unwrap(),
                    line["height"].as_u64().unwrap()
                )
            );
            if !source.ends_with(".pdf") {
                assert_eq!(
                    pixels.width() as u64,
                    file["width"].as_u64().unwrap(),
                    "{source}: width after orientation"
                );
            }
        }
        let bytes = std::fs::read(out.join(got[0]["output"].as_str().unwrap())).unwrap();
        for needle in ["王玥".as_bytes(), b"Exif\0\0", b"Author", b"x:xmpmeta"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{source}: output carries {:?}",
                String::from_utf8_lossy(needle)
            );
        }
    }
}

#[test]
fn pages_over_the_time_limit_are_withheld_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = run_intake(
        &root().join("samples/intake"),
        &out,
        &root().join("samples/roster.csv"),
        &["--page-time-limit", "0.001"],
    );
    assert_eq!(output.status.code(), Some(1), "pages failed: a partial run");
    let lines = manifest(&out);
    assert_eq!(lines.len(), 9, "every page still has its line");
    for line in &lines {
        assert_eq!(line["status"], "error", "{line}");
        assert!(
            line["error"].as_str().unwrap().contains("time limit"),
            "{line}"
        );
        // Withheld: the output page exists and is painted over entirely.
        let page = &output_pages(&out, line)[line["page"].as_u64().unwrap() as usize - 1];
        assert!(dark_fraction(page, [0, 0, page.width(), page.height()]) > 0.99);
    }
}
