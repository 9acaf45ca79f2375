//! Typed errors of the library, and the process exit code each maps to.

use std::path::PathBuf;

/// Everything that can go wrong in blindfold, grouped by what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A native library (ONNX Runtime or PDFium) was not found or could not be loaded.
    #[error("{what} not available: {detail}")]
    Runtime {
        /// Which library ("ONNX Runtime", "PDFium").
        what: &'static str,
        /// What was tried and why it failed.
        detail: String,
    },
    /// A model file is missing, altered or unusable.
    #[error("model {name}: {detail}")]
    Model {
        /// File name of the model.
        name: String,
        /// What is wrong with it.
        detail: String,
    },
    /// The roster CSV could not be used.
    #[error("roster {path}: {detail}")]
    Roster {
        /// Path of the roster file.
        path: PathBuf,
        /// What is wrong, with a line number where one applies.
        detail: String,
    },
    /// A command-line argument or combination of them is unusable.
    #[error("{0}")]
    Usage(String),
    /// An input file could not be turned into pages.
    #[error("{0}")]
    Input(String),
    /// Model inference failed on a page.
    #[error("inference failed: {0}")]
    Inference(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A page's analysis ran past the per-page time limit.
    #[error("analysis stopped after the per-page time limit of {seconds} s (--page-time-limit)")]
    TimeLimit {
        /// The limit, in seconds.
        seconds: f64,
    },
    /// An output could not be encoded.
    #[error("encoding {what} failed: {detail}")]
    Encode {
        /// What was being written ("JPEG", "PDF" ...).
        what: &'static str,
        /// Why it failed.
        detail: String,
    },
}

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A one-line hint telling the user how to fix this error, if there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Runtime { .. } => Some(
                "fetch the libraries with `python3 scripts/fetch_runtime.py`, or point \
                 BLINDFOLD_RUNTIME_DIR (or --runtime-dir) at a folder holding them"
                    .into(),
            ),
            Error::Model { .. } => Some(
                "restore the models with `python3 scripts/fetch_models.py`, or point \
                 BLINDFOLD_MODELS (or --models) at a folder holding them"
                    .into(),
            ),
            Error::Roster { .. } => Some(
                "the roster needs a header row with folder,name,unit[,aliases] \
                 (or 文件夹,姓名,工作单位[,单位别名])"
                    .into(),
            ),
            Error::Usage(_) => Some("see `blindfold --help`".into()),
            _ => None,
        }
    }

    /// The process exit code documented in the README for this kind of error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Roster { .. } => exit::USAGE,
            Error::Runtime { .. } | Error::Model { .. } => exit::ENVIRONMENT,
            _ => exit::FAILURE,
        }
    }
}

impl From<ort::Error> for Error {
    fn from(e: ort::Error) -> Self {
        Error::Inference(e.to_string())
    }
}

/// Process exit codes (documented in the README).
pub mod exit {
    /// Every input was processed.
    pub const OK: i32 = 0;
    /// The run finished but some files could not be processed (see the manifest's error lines),
    /// or an audit found problems.
    pub const PARTIAL: i32 = 1;
    /// Bad command line or roster.
    pub const USAGE: i32 = 2;
    /// Native libraries or models missing or broken.
    pub const ENVIRONMENT: i32 = 3;
    /// The run itself failed (e.g. the output folder could not be written).
    pub const FAILURE: i32 = 4;
}
