//! `blindfold doctor`: what this installation would run with, and whether it is complete.

use std::fmt::Write as _;
use std::path::Path;

use crate::models::Models;
use crate::runtime::Runtime;

/// The doctor's report: printable text and whether everything is in order.
pub struct Report {
    /// Human-readable lines.
    pub text: String,
    /// True when libraries load and every model matches its hash.
    pub healthy: bool,
}

/// Checks the native libraries and models; `threads` is the worker count a run would use.
pub fn examine(runtime_dir: Option<&Path>, models_dir: Option<&Path>, threads: usize) -> Report {
    let mut text = String::new();
    let mut healthy = true;
    let _ = writeln!(text, "blindfold {}", crate::VERSION);
    match Runtime::locate(runtime_dir) {
        Ok(runtime) => {
            match crate::runtime::load_onnxruntime(&runtime.onnxruntime) {
                Ok(version) => {
                    let _ = writeln!(
                        text,
                        "ONNX Runtime {version}: {}",
                        runtime.onnxruntime.display()
                    );
                }
                Err(e) => {
                    healthy = false;
                    let _ = writeln!(text, "ONNX Runtime: FAILED: {e}");
                }
            }
            match crate::runtime::load_pdfium(&runtime.pdfium) {
                Ok(_) => {
                    let _ = writeln!(
                        text,
                        "PDFium ({}): {}",
                        crate::runtime::pdfium_build(&runtime.pdfium),
                        runtime.pdfium.display()
                    );
                }
                Err(e) => {
                    healthy = false;
                    let _ = writeln!(text, "PDFium: FAILED: {e}");
                }
            }
        }
        Err(e) => {
            healthy = false;
            let _ = writeln!(text, "runtime: MISSING: {e}");
            if let Some(hint) = e.hint() {
                let _ = writeln!(text, "  hint: {hint}");
            }
        }
    }
    match Models::locate(models_dir) {
        Ok(models) => {
            let _ = writeln!(text, "models: {}", models.dir.display());
            for check in models.check() {
                let verdict = match &check.actual {
                    None => "MISSING".to_string(),
                    Some(_) if check.ok() => "sha256 ok".to_string(),
                    Some(actual) => format!("SHA-256 MISMATCH (found {actual})"),
                };
                healthy &= check.ok();
                let _ = writeln!(text, "  {:<28} {verdict}", check.name);
            }
        }
        Err(e) => {
            healthy = false;
            let _ = writeln!(text, "models: MISSING: {e}");
        }
    }
    let _ = writeln!(text, "threads: {threads} worker(s)");
    let _ = writeln!(
        text,
        "{}",
        if healthy {
            "all checks passed"
        } else {
            "some checks FAILED"
        }
    );
    Report { text, healthy }
}
