//! Finding and loading the native libraries: ONNX Runtime and PDFium.
//!
//! Lookup order for each library: the folder given with `--runtime-dir` or the
//! `BLINDFOLD_RUNTIME_DIR` environment variable (then nowhere else); otherwise `runtime/` next to
//! the executable and the
//! executable's own folder (the layout of a `dist` folder); `runtime/<platform>/` in the
//! working directory; `runtime/<platform>/` of the source tree the binary was built from.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use pdfium_render::prelude::Pdfium;

use crate::error::{Error, Result};

/// Environment variable naming a folder that holds the native libraries.
pub const RUNTIME_DIR_ENV: &str = "BLINDFOLD_RUNTIME_DIR";

/// The platform folder name used by `scripts/fetch_runtime.py`.
pub const PLATFORM: &str = if cfg!(all(target_os = "windows", target_arch = "x86_64")) {
    "win-amd64"
} else if cfg!(all(target_os = "macos", target_arch = "aarch64")) {
    "macos-arm64"
} else if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
    "linux-x86_64"
} else {
    "unsupported"
};

/// File names of the ONNX Runtime library on this platform, preferred first.
const ORT_FILES: &[&str] = if cfg!(target_os = "windows") {
    &["onnxruntime.dll"]
} else if cfg!(target_os = "macos") {
    &["libonnxruntime.dylib"]
} else {
    &["libonnxruntime.so", "libonnxruntime.so.1"]
};

/// File names of the PDFium library on this platform.
const PDFIUM_FILES: &[&str] = if cfg!(target_os = "windows") {
    &["pdfium.dll"]
} else if cfg!(target_os = "macos") {
    &["libpdfium.dylib"]
} else {
    &["libpdfium.so"]
};

/// The folders searched for native libraries, in order.
pub fn search_dirs(explicit: Option<&Path>) -> Vec<PathBuf> {
    // A folder named by the user is the only place looked at: silently loading another copy
    // would hide their mistake.
    if let Some(dir) = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(RUNTIME_DIR_ENV).map(PathBuf::from))
    {
        return vec![dir];
    }
    let mut dirs = Vec::new();
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        dirs.push(exe_dir.join("runtime"));
        dirs.push(exe_dir);
    }
    if let Ok(cwd) = std::env::current_dir() {
        dirs.push(cwd.join("runtime").join(PLATFORM));
    }
    dirs.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("runtime")
            .join(PLATFORM),
    );
    dirs.dedup();
    dirs
}

/// Finds the first of `files` in `dirs`, or explains where it looked.
fn locate(what: &'static str, files: &[&str], dirs: &[PathBuf]) -> Result<PathBuf> {
    for dir in dirs {
        for file in files {
            let candidate = dir.join(file);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    let looked: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    Err(Error::Runtime {
        what,
        detail: format!("no {} in {}", files[0], looked.join(", ")),
        source: None,
    })
}

/// Where ONNX Runtime and PDFium were found.
#[derive(Debug, Clone)]
pub struct Runtime {
    /// The ONNX Runtime shared library.
    pub onnxruntime: PathBuf,
    /// The PDFium shared library.
    pub pdfium: PathBuf,
}

impl Runtime {
    /// Locates both libraries without loading them.
    pub fn locate(explicit_dir: Option<&Path>) -> Result<Runtime> {
        let dirs = search_dirs(explicit_dir);
        Ok(Runtime {
            onnxruntime: locate("ONNX Runtime", ORT_FILES, &dirs)?,
            pdfium: locate("PDFium", PDFIUM_FILES, &dirs)?,
        })
    }

    /// Loads both libraries (once per process) and returns their version strings.
    pub fn load(&self) -> Result<Versions> {
        Ok(Versions {
            onnxruntime: load_onnxruntime(&self.onnxruntime)?,
            pdfium: load_pdfium(&self.pdfium).map(|_| pdfium_build(&self.pdfium))?,
        })
    }
}

/// Versions of the loaded native libraries.
#[derive(Debug, Clone)]
pub struct Versions {
    /// ONNX Runtime version, e.g. "1.31.1".
    pub onnxruntime: String,
    /// PDFium build, as far as it can be told.
    pub pdfium: String,
}

/// Why a native library could not be loaded, kept for every later use of it.
#[derive(Debug, Clone)]
struct LoadFailure {
    /// What was tried and why it failed.
    detail: String,
    /// The loader's error, where one caused it.
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl LoadFailure {
    /// A failure whose detail is `source`'s message.
    fn of(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        LoadFailure {
            detail: source.to_string(),
            source: Some(Arc::new(source)),
        }
    }

    /// The error reported for the library `what`.
    fn error(&self, what: &'static str) -> Error {
        Error::Runtime {
            what,
            detail: self.detail.clone(),
            source: self.source.clone(),
        }
    }
}

impl From<&str> for LoadFailure {
    fn from(detail: &str) -> Self {
        LoadFailure {
            detail: detail.into(),
            source: None,
        }
    }
}

static ORT: OnceLock<std::result::Result<(ort::environment::Environment, String), LoadFailure>> =
    OnceLock::new();
static PDFIUM: OnceLock<std::result::Result<Pdfium, LoadFailure>> = OnceLock::new();

/// Loads ONNX Runtime from `path` (once per process) and returns its version.
///
/// A missing file, a file that is not a library, or a version older than the one this build
/// needs (1.31) give an error, never a panic.
pub fn load_onnxruntime(path: &Path) -> Result<String> {
    ort_state(Some(path)).map(|(_, version)| version.clone())
}

/// The ONNX Runtime environment that sessions are created in; `load_onnxruntime` must have
/// succeeded before.
pub fn ort_environment() -> Result<&'static ort::environment::Environment> {
    ort_state(None).map(|(env, _)| env)
}

fn ort_state(path: Option<&Path>) -> Result<&'static (ort::environment::Environment, String)> {
    ORT.get_or_init(|| {
        let path = path.ok_or("ONNX Runtime was not loaded before use")?;
        let environment = ort::init_from(path)
            .map_err(LoadFailure::of)?
            .with_name("blindfold")
            .with_telemetry(false)
            .build()
            .map_err(LoadFailure::of)?;
        Ok((environment, onnxruntime_version(path)?))
    })
    .as_ref()
    .map_err(|failure| failure.error("ONNX Runtime"))
}

/// Asks the ONNX Runtime library at `path` for its version string ("1.31.1").
fn onnxruntime_version(path: &Path) -> std::result::Result<String, LoadFailure> {
    // SAFETY: the library was just loaded by `ort::init_from`, which checked that it exports
    // `OrtGetApiBase`; the function takes no arguments and returns a pointer to a static table
    // whose `GetVersionString` returns a static NUL-terminated string.
    unsafe {
        let library = libloading::Library::new(path).map_err(LoadFailure::of)?;
        let get_api_base: libloading::Symbol<
            unsafe extern "C" fn() -> *const ort::sys::OrtApiBase,
        > = library.get(b"OrtGetApiBase").map_err(LoadFailure::of)?;
        let base = get_api_base();
        if base.is_null() {
            return Err("OrtGetApiBase returned nothing".into());
        }
        let version = std::ffi::CStr::from_ptr(((*base).GetVersionString)());
        Ok(version.to_string_lossy().into_owned())
    }
}

/// A PDFium error on one line (its own message is a multi-line debug dump).
pub fn pdfium_reason(error: &pdfium_render::prelude::PdfiumError) -> String {
    format!("{error:?}")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Binds PDFium from `path` (once per process) and returns the shared handle.
pub fn load_pdfium(path: &Path) -> Result<&'static Pdfium> {
    PDFIUM
        .get_or_init(|| {
            Pdfium::bind_to_library(path)
                .map(Pdfium::new)
                .map_err(|e| LoadFailure {
                    detail: format!("cannot load {}: {}", path.display(), pdfium_reason(&e)),
                    source: Some(Arc::new(e)),
                })
        })
        .as_ref()
        .map_err(|failure| failure.error("PDFium"))
}

/// The PDFium handle bound by [`load_pdfium`].
pub fn pdfium() -> Result<&'static Pdfium> {
    match PDFIUM.get() {
        Some(Ok(pdfium)) => Ok(pdfium),
        Some(Err(failure)) => Err(failure.error("PDFium")),
        None => Err(LoadFailure::from("not loaded before use").error("PDFium")),
    }
}

/// The PDFium build recorded by `scripts/fetch_runtime.py` in the folder's MANIFEST.txt,
/// since PDFium has no version call.
pub fn pdfium_build(path: &Path) -> String {
    let manifest = path.with_file_name("MANIFEST.txt");
    std::fs::read_to_string(manifest)
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.contains("pypdfium2"))
                .and_then(|l| l.split_whitespace().find(|w| w.starts_with("pypdfium2")))
                .map(|w| format!("from {w}"))
        })
        .unwrap_or_else(|| "unknown build".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 30 item 16: PDFium's errors printed as multi-line debug text.
    #[test]
    fn pdfium_errors_read_on_one_line() {
        use pdfium_render::prelude::{PdfiumError, PdfiumInternalError};
        let error = PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::FileError);
        assert!(error.to_string().contains('\n'));
        assert_eq!(
            pdfium_reason(&error),
            "PdfiumLibraryInternalError(FileError)"
        );
    }

    #[test]
    fn explicit_dir_is_the_only_place_searched() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = search_dirs(Some(dir.path()));
        assert_eq!(dirs, vec![dir.path().to_path_buf()]);
    }

    #[test]
    fn missing_library_names_file_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        let err = locate("ONNX Runtime", ORT_FILES, &[dir.path().to_path_buf()]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(ORT_FILES[0]), "{text}");
        assert!(text.contains(&dir.path().display().to_string()), "{text}");
        assert!(err.hint().unwrap().contains("fetch_runtime.py"));
    }

    #[test]
    fn library_found_in_explicit_dir() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(PDFIUM_FILES[0]), b"x").unwrap();
        let found = locate("PDFium", PDFIUM_FILES, &[dir.path().to_path_buf()]).unwrap();
        assert_eq!(found, dir.path().join(PDFIUM_FILES[0]));
    }
}
