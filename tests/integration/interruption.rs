//! A run killed with SIGKILL at several points and resumed with `--resume` ends with the same
//! outputs and manifest lines (timings aside) as a run that was never interrupted.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// Starts a run on the samples and kills it (SIGKILL) once the manifest has `lines` lines, or
/// after `delay` when `lines` is 0.
fn killed_run(out: &Path, lines: usize, delay: Duration) {
    let root = root();
    let mut child = Command::new(env!("CARGO_BIN_EXE_blindfold"))
        .arg("run")
        .arg(root.join("samples/intake"))
        .arg("--out")
        .arg(out)
        .arg("--roster")
        .arg(root.join("samples/roster.csv"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start blindfold");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("poll blindfold").is_some() {
            eprintln!("run ended before the kill point ({lines} lines)");
            return;
        }
        let written = std::fs::read_to_string(out.join("manifest.jsonl"))
            .map(|text| text.lines().count())
            .unwrap_or(0);
        let due = if lines == 0 {
            started.elapsed() >= delay
        } else {
            written >= lines
        };
        if due {
            child.kill().expect("SIGKILL");
            child.wait().expect("reap blindfold");
            eprintln!("killed with {written} manifest lines written");
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn killed_runs_resume_to_the_same_result() {
    let dir = tempfile::tempdir().unwrap();
    let intake = root().join("samples/intake");
    let roster = root().join("samples/roster.csv");
    let whole = dir.path().join("whole");
    assert!(run_intake(&intake, &whole, &roster, &[]).status.success());
    let expected_lines = manifest_without_timings(&whole);
    let expected_files = tree_hashes(&whole.join("files"));

    let kill_points = [
        (0, Duration::from_millis(300)),
        (2, Duration::ZERO),
        (6, Duration::ZERO),
    ];
    for (lines, delay) in kill_points {
        let out = dir.path().join(format!("killed-{lines}"));
        killed_run(&out, lines, delay);
        let resumed = run_intake(&intake, &out, &roster, &["--resume"]);
        assert!(resumed.status.success(), "resume after {lines} lines");
        assert_eq!(
            manifest_without_timings(&out),
            expected_lines,
            "manifest after a kill at {lines} lines"
        );
        assert_eq!(
            tree_hashes(&out.join("files")),
            expected_files,
            "outputs after a kill at {lines} lines"
        );
    }
}

#[test]
fn resume_redoes_an_output_that_was_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let intake = root().join("samples/intake");
    let roster = root().join("samples/roster.csv");
    let out = dir.path().join("out");
    assert!(run_intake(&intake, &out, &roster, &[]).status.success());
    let expected = tree_hashes(&out.join("files"));
    let damaged = out.join(manifest(&out)[0]["output"].as_str().unwrap());
    std::fs::write(&damaged, b"not what the run wrote").unwrap();

    let resumed = run_intake(&intake, &out, &roster, &["--resume"]);
    assert!(resumed.status.success());
    assert_eq!(tree_hashes(&out.join("files")), expected);
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(stderr.contains("9 pages"), "{stderr}");
}
