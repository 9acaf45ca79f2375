//! `blindfold doctor` and the runtime lookup, seen from the command line.

use crate::common::*;

#[test]
fn doctor_reports_versions_and_model_hashes() {
    let output = blindfold(&["doctor"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(text.contains("ONNX Runtime 1.31"), "{text}");
    assert!(text.contains("PDFium"), "{text}");
    assert!(
        text.contains("retinaface_mnet025.onnx") && text.contains("sha256 ok"),
        "{text}"
    );
}

#[test]
fn missing_runtime_names_the_file_and_the_fix() {
    let empty = tempfile::tempdir().unwrap();
    let output = blindfold(&["doctor", "--runtime-dir", empty.path().to_str().unwrap()]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        text.contains("libonnxruntime.so") || text.contains("onnxruntime.dll"),
        "{text}"
    );
    assert!(text.contains("fetch_runtime.py"), "{text}");
}

#[test]
fn broken_runtime_library_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "libonnxruntime.so",
        "onnxruntime.dll",
        "libonnxruntime.dylib",
        "libpdfium.so",
        "pdfium.dll",
        "libpdfium.dylib",
    ] {
        std::fs::write(dir.path().join(name), b"this is not a shared library").unwrap();
    }
    let output = blindfold(&["doctor", "--runtime-dir", dir.path().to_str().unwrap()]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{text}");
    assert!(text.contains("ONNX Runtime: FAILED"), "{text}");
    assert!(text.contains("PDFium: FAILED"), "{text}");
}

#[test]
fn run_without_runtime_fails_with_a_hint_and_exit_code_3() {
    let empty = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let intake = root().join("samples/intake");
    let roster = root().join("samples/roster.csv");
    let output = blindfold(&[
        "run",
        intake.to_str().unwrap(),
        "--out",
        out.path().join("o").to_str().unwrap(),
        "--roster",
        roster.to_str().unwrap(),
        "--runtime-dir",
        empty.path().to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        err.starts_with("error: ") && err.contains("hint: "),
        "{err}"
    );
}
