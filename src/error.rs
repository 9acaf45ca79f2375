//! Typed errors of the library, and the process exit code each maps to.

use std::path::PathBuf;
use std::sync::Arc;

/// A foreign error (image, lopdf, csv, serde_json …) kept as the source of an [`Error`].
pub type Source = Box<dyn std::error::Error + Send + Sync>;

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
        /// The loader's error, if one caused it; shared, since a failed load is kept and reported
        /// again on every later use of the library.
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    },
    /// A model file is missing, altered or unusable.
    #[error("model {name}: {detail}")]
    Model {
        /// File name of the model.
        name: String,
        /// What is wrong with it.
        detail: String,
        /// ONNX Runtime's error, when it could not make a session of the file.
        #[source]
        source: Option<Source>,
    },
    /// The roster could not be used.
    #[error("roster {path}: {detail}")]
    Roster {
        /// Path of the roster file.
        path: PathBuf,
        /// What is wrong, with the row and column where they apply.
        detail: String,
    },
    /// A command-line argument or combination of them is unusable.
    #[error("{0}")]
    Usage(String),
    /// Another blindfold process is writing into the output folder.
    #[error("{folder} is in use by another blindfold process: {holder}")]
    Busy {
        /// The output folder.
        folder: PathBuf,
        /// Who holds it, as it wrote itself into the lock file (command, process id, start).
        holder: String,
    },
    /// Shards' output folders that cannot be joined into one run.
    #[error("cannot merge: {0}")]
    Shards(String),
    /// A file or page could not be processed.
    #[error(transparent)]
    Page(#[from] PageError),
    /// A manifest line or the key file of a run could not be read.
    #[error("{path} line {line}: {source}")]
    Record {
        /// The manifest or key file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The parser's error saying what is wrong with it.
        source: Source,
    },
    /// Model inference failed on a page.
    #[error("inference failed: {detail}")]
    Inference {
        /// What failed.
        detail: String,
        /// ONNX Runtime's or ndarray's error, when one caused it.
        #[source]
        source: Option<Source>,
    },
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
        /// The encoder's or writer's error, when one caused it.
        #[source]
        source: Option<Source>,
    },
}

/// Why one input file or page could not be processed. The manifest records the English message
/// as `error` and the [`ErrorKind`] as `error_kind`, which front ends show in the user's language.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PageError {
    /// The file could not be read from disk.
    #[error("cannot read: {0}")]
    Unreadable(String),
    /// The file has no bytes.
    #[error("empty file (0 bytes)")]
    Empty,
    /// The file is neither a PDF nor a supported image.
    #[error("not a PDF or a supported image (JPEG, PNG, TIFF, BMP, WebP, GIF)")]
    Unsupported,
    /// A symbolic link, which is reported rather than followed.
    #[error("symbolic link: not followed")]
    Symlink,
    /// A file lying in the intake folder itself.
    #[error("file is not inside an applicant folder")]
    OutsideFolder,
    /// A PDF that needs a password to open.
    #[error("encrypted PDF: it needs a password to open (ask for an unprotected copy)")]
    Encrypted,
    /// A PDF whose structure cannot be read, or that PDFium could not open.
    #[error("{0}")]
    DamagedPdf(String),
    /// A document without pages.
    #[error("PDF has no pages")]
    NoPages,
    /// More pages than `--max-pages`.
    #[error("{pages} pages, more than the limit of {max} (--max-pages)")]
    TooManyPages {
        /// Pages counted so far.
        pages: usize,
        /// The limit.
        max: usize,
    },
    /// A page without pixels.
    #[error("page has no pixels ({width}x{height})")]
    NoPixels {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
    },
    /// A page larger than `--max-pixels`.
    #[error("page of {width}x{height} pixels exceeds the limit of {max} pixels (--max-pixels)")]
    TooLarge {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
        /// The limit, in pixels.
        max: u64,
    },
    /// An image that cannot be decoded.
    #[error("{0}")]
    Undecodable(String),
    /// A PDF page that cannot be rendered.
    #[error("{0}")]
    Unrenderable(String),
    /// PDFium is not available to open PDFs.
    #[error("{0}")]
    NoPdfium(String),
    /// The detectors failed on the page; it is withheld (painted over).
    #[error("analysis failed, page withheld: {0}")]
    Analysis(String),
    /// The page's analysis ran past `--page-time-limit`; it is withheld.
    #[error(
        "analysis failed, page withheld: analysis stopped after the per-page time limit of \
         {seconds} s (--page-time-limit)"
    )]
    TimeLimit {
        /// The limit, in seconds.
        seconds: f64,
    },
    /// The output could not be encoded, verified or written.
    #[error("{0}")]
    Output(String),
}

/// The kind of a [`PageError`], as the manifest's `error_kind` records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// See [`PageError::Unreadable`].
    Unreadable,
    /// See [`PageError::Empty`].
    Empty,
    /// See [`PageError::Unsupported`].
    Unsupported,
    /// See [`PageError::Symlink`].
    Symlink,
    /// See [`PageError::OutsideFolder`].
    OutsideFolder,
    /// See [`PageError::Encrypted`].
    Encrypted,
    /// See [`PageError::DamagedPdf`].
    DamagedPdf,
    /// See [`PageError::NoPages`].
    NoPages,
    /// See [`PageError::TooManyPages`].
    TooManyPages,
    /// See [`PageError::NoPixels`] and [`PageError::TooLarge`].
    PageSize,
    /// See [`PageError::Undecodable`].
    Undecodable,
    /// See [`PageError::Unrenderable`].
    Unrenderable,
    /// See [`PageError::NoPdfium`].
    NoPdfium,
    /// See [`PageError::Analysis`].
    Analysis,
    /// See [`PageError::TimeLimit`].
    TimeLimit,
    /// See [`PageError::Output`].
    Output,
}

impl PageError {
    /// The error's kind, for the manifest and for messages in the user's language.
    pub fn kind(&self) -> ErrorKind {
        match self {
            PageError::Unreadable(_) => ErrorKind::Unreadable,
            PageError::Empty => ErrorKind::Empty,
            PageError::Unsupported => ErrorKind::Unsupported,
            PageError::Symlink => ErrorKind::Symlink,
            PageError::OutsideFolder => ErrorKind::OutsideFolder,
            PageError::Encrypted => ErrorKind::Encrypted,
            PageError::DamagedPdf(_) => ErrorKind::DamagedPdf,
            PageError::NoPages => ErrorKind::NoPages,
            PageError::TooManyPages { .. } => ErrorKind::TooManyPages,
            PageError::NoPixels { .. } | PageError::TooLarge { .. } => ErrorKind::PageSize,
            PageError::Undecodable(_) => ErrorKind::Undecodable,
            PageError::Unrenderable(_) => ErrorKind::Unrenderable,
            PageError::NoPdfium(_) => ErrorKind::NoPdfium,
            PageError::Analysis(_) => ErrorKind::Analysis,
            PageError::TimeLimit { .. } => ErrorKind::TimeLimit,
            PageError::Output(_) => ErrorKind::Output,
        }
    }

    /// The error of a page whose detection failed.
    pub fn analysis(error: &Error) -> PageError {
        match error {
            Error::TimeLimit { seconds } => PageError::TimeLimit { seconds: *seconds },
            other => PageError::Analysis(other.to_string()),
        }
    }
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

    /// An [`Error::Encode`] of `what` caused by `source`, whose message is its detail.
    pub fn encoder(what: &'static str, source: impl Into<Source>) -> Self {
        let source = source.into();
        Error::Encode {
            what,
            detail: source.to_string(),
            source: Some(source),
        }
    }

    /// An [`Error::Inference`] caused by `source`, whose message is its detail.
    pub fn inference(source: impl Into<Source>) -> Self {
        let source = source.into();
        Error::Inference {
            detail: source.to_string(),
            source: Some(source),
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
                "the roster (.xlsx, .xls or CSV) needs a header row with name and unit columns: \
                 name,unit[,folder,aliases,id_number,archive_no] or 姓名,工作单位[,身份证号,档案号]"
                    .into(),
            ),
            Error::Usage(_) => Some("see `blindfold --help`".into()),
            Error::Busy { .. } => Some(
                "wait for it to finish or stop it (its lock goes with it), or choose another \
                 output folder"
                    .into(),
            ),
            Error::Shards(_) => Some(
                "merge the output folders of every shard of one run (`run --shard K/N`, K = 0 \
                 to N-1), each finished, all made from the same intake, roster and settings"
                    .into(),
            ),
            Error::Io { source, .. } if crate::platform::is_locked(source) => Some(
                "another program has the file open and locked (Excel, a PDF viewer …): \
                 close it there and try again"
                    .into(),
            ),
            _ => None,
        }
    }

    /// The process exit code documented in the README for this kind of error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Roster { .. } => exit::USAGE,
            Error::Runtime { .. } | Error::Model { .. } => exit::ENVIRONMENT,
            Error::Busy { .. } => exit::BUSY,
            Error::Shards(_) => exit::SHARDS,
            _ => exit::FAILURE,
        }
    }
}

impl From<ort::Error> for Error {
    fn from(e: ort::Error) -> Self {
        Error::inference(e)
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
    /// Another blindfold process is writing into the output folder.
    pub const BUSY: i32 = 5;
    /// `merge`: the shards do not make one finished run (missing, repeated, unfinished or
    /// mixed).
    pub const SHARDS: i32 = 6;
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn converted_errors_keep_their_source_and_message() {
        let image = || image::load_from_memory(b"not an image").unwrap_err();
        let encode = Error::encoder("PNG", image());
        let before = Error::Encode {
            what: "PNG",
            detail: image().to_string(),
            source: None,
        };
        assert_eq!(encode.to_string(), before.to_string());
        let source = encode.source().expect("the image error is kept");
        assert!(source.downcast_ref::<image::ImageError>().is_some());

        let shape = || ndarray::ShapeError::from_kind(ndarray::ErrorKind::IncompatibleShape);
        let inference = Error::inference(shape());
        assert_eq!(
            inference.to_string(),
            Error::Inference {
                detail: shape().to_string(),
                source: None
            }
            .to_string()
        );
        assert!(inference.source().is_some());

        let json = serde_json::from_str::<u32>("x").unwrap_err();
        let message = format!("run.json line 1: {json}");
        let record = Error::Record {
            path: "run.json".into(),
            line: 1,
            source: json.into(),
        };
        assert_eq!(record.to_string(), message);
        assert!(record.source().unwrap().is::<serde_json::Error>());
    }
}
