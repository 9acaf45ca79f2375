//! Command-line interface definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Masks applicants' names, work units and eyes on scanned pages for blind review, and writes a
/// per-page audit manifest.
#[derive(Debug, Parser)]
#[command(name = "blindfold", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// blindfold's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Mask a whole intake folder (one sub-folder per applicant) using the roster.
    #[command(
        after_help = "Example:\n  blindfold run intake/ --out masked/ --roster roster.csv\n\n\
Outputs go to OUT/files/<code>/, the manifest to OUT/manifest.jsonl and the code → applicant key\n\
to OUT/key.csv (keep it away from reviewers)."
    )]
    Run(RunArgs),
    /// Check that ONNX Runtime, PDFium and the models are present and intact.
    Doctor(EnvArgs),
}

/// Where the native libraries and models are.
#[derive(Debug, Args, Clone)]
pub struct EnvArgs {
    /// Folder holding the ONNX Runtime and PDFium libraries [env: BLINDFOLD_RUNTIME_DIR].
    #[arg(long, value_name = "DIR")]
    pub runtime_dir: Option<PathBuf>,
    /// Folder holding the model files [env: BLINDFOLD_MODELS].
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// Worker threads (default: one per CPU core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

/// Arguments of `blindfold run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The intake folder: one sub-folder per applicant, files nested at any depth.
    pub intake: PathBuf,
    /// Output folder (must not be inside the intake).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Roster CSV: folder,name,unit,aliases (or the official Chinese headers).
    #[arg(long, value_name = "CSV")]
    pub roster: PathBuf,
    /// Resolution PDF pages are rendered at.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(50..=600))]
    pub dpi: u32,
    /// JPEG quality of JPEG outputs and PDF pages.
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u8).range(30..=100))]
    pub jpeg_quality: u8,
    /// Mask colour as RRGGBB.
    #[arg(long, default_value = "000000", value_name = "RRGGBB")]
    pub mask_color: String,
    /// Replace the results of an earlier run in a non-empty output folder.
    #[arg(long)]
    pub overwrite: bool,
    /// Cover whole faces instead of an eye bar.
    #[arg(long)]
    pub cover_face: bool,
    /// Also mask 18-digit ID-card numbers.
    #[arg(long)]
    pub mask_id_numbers: bool,
    /// Largest page accepted, in millions of pixels.
    #[arg(long, default_value_t = 100, value_name = "MEGAPIXELS")]
    pub max_pixels: u64,
    /// Most pages accepted from one file.
    #[arg(long, default_value_t = 500)]
    pub max_pages: usize,
    /// Runtime, models and threads.
    #[command(flatten)]
    pub env: EnvArgs,
}
