//! Command-line interface definitions.

use std::path::PathBuf;

use blindfold::base::Lang;
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
    /// Committee staff: mask a whole intake folder (one sub-folder per applicant) using the roster.
    #[command(after_help = "Examples:
  blindfold run intake/ --out masked/ --roster roster.csv
  blindfold run intake/ --out masked/ --roster 花名册.xlsx --sheet 花名册 --mask-id-numbers
  blindfold run intake/ --out masked/ --roster roster.csv --overwrite --jobs 2
  blindfold run intake/ --out preview/ --roster roster.csv --dry-run    # manifest only
  blindfold run intake/ --out masked/ --roster roster.csv --resume      # after an interruption
  blindfold run intake/ --out shard-2/ --roster roster.csv --shard 2/4  # one job of four

Outputs go to OUT/files/<code>/, the manifest to OUT/manifest.jsonl and the code -> applicant key
to OUT/key.csv (keep it away from reviewers). Exit codes: 0 all processed, 1 some files or pages
failed (see the manifest's error lines), 2 bad arguments or roster, 3 runtime or models missing,
4 the run itself failed, 5 another blindfold process is writing into OUT.")]
    Run(RunArgs),
    /// Committee staff: join the output folders of a run split with `run --shard K/N` into one.
    #[command(after_help = "Examples:
  blindfold merge shard-0/ shard-1/ shard-2/ shard-3/ --out masked/
  blindfold merge --status shard-*/     # while the jobs run: pages done, which have finished

Every shard of the run must be given once and have finished; all must come from the same intake,
roster and settings. Outputs are moved (renamed) into OUT, not copied; if a merge is cut short,
run the same command again to finish it. Exit codes: 0 merged, 1 some files or pages failed in
the shards, 2 bad arguments, 4 the merge failed, 5 a shard is still running, 6 the shards do not
make one finished run (missing, repeated, unfinished or mixed).")]
    Merge(MergeArgs),
    /// Applicants: check your own scans before uploading them (no roster needed).
    #[command(after_help = "Examples:
  blindfold check 身份证.jpg 承诺书.pdf --name 王玥 --unit 巴音郭楞蒙古自治州人民医院
  blindfold check my-scans/ --name 王玥 --unit 巴音郭楞蒙古自治州人民医院 --alias 巴州人民医院 --out checked/

Prints for every page whether masking is needed (是否需要遮盖) and what was found, writes masked
copies to OUT/files/ and previews with every region outlined and labelled to OUT/previews/.
Messages are in Chinese when the locale is Chinese (LANG=zh_CN...), else English; --lang decides.")]
    Check(CheckArgs),
    /// Auditors: verify a run's outputs against its manifest and re-scan them for anything left.
    #[command(after_help = "Examples:
  blindfold audit masked/ --intake intake/ --roster roster.csv
  blindfold audit masked/            # outputs and manifest only; names and units from key.csv

Checks that every file and page of the intake has manifest lines (with --intake), that every output
matches its SHA-256, that the pixels under every manifest region are masked, and re-scans every
output page with the detectors for a residual name, unit or unmasked eyes. Writes OUT/audit.html
(self-contained: thumbnails of the masked outputs only). Exit 0 when every check passes, 1 with
the list of problems otherwise.")]
    Audit(AuditArgs),
    /// The local web page: applicants check and correct their scans, staff review a run.
    #[command(after_help = "Examples:
  blindfold serve                      # applicants: opens the page in the browser
  blindfold serve --open masked/ --intake intake/ --roster roster.csv   # staff: review a run
  blindfold serve --lang en --port 8470 --no-browser

Listens on 127.0.0.1 only; nothing leaves the machine. The address it prints carries a key: only
the browser it opens gets in. Applicants' workspaces are kept in DATA until they delete them.
Every correction is journalled in the run's OUT/edits.jsonl and recorded in its manifest.")]
    Serve(ServeArgs),
    /// Applicants: what double-clicking blindfold does (the zip's 开始检查 starter runs it):
    /// opens the page of the blindfold already running, else serves the page and opens it.
    Start,
    /// Check that ONNX Runtime, PDFium and the models are present and intact.
    Doctor(EnvArgs),
}

/// Arguments of `blindfold serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Language of the page: zh or en (default: the browser's).
    #[arg(long, value_parser = ["zh", "en"])]
    pub lang: Option<String>,
    /// Port on 127.0.0.1 (default: any free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Do not open the browser; only print the address.
    #[arg(long)]
    pub no_browser: bool,
    /// Staff: the output folder of a finished run to review.
    #[arg(long, value_name = "OUT_DIR", requires = "intake")]
    pub open: Option<PathBuf>,
    /// Staff: the run's intake (the originals corrections are rendered from).
    #[arg(long, value_name = "DIR", requires = "open")]
    pub intake: Option<PathBuf>,
    /// Staff: the run's roster (unit aliases for the audit).
    #[arg(long, value_name = "CSV", requires = "open")]
    pub roster: Option<PathBuf>,
    /// Who makes the corrections, as the manifest records it (default: the login name).
    #[arg(long)]
    pub user: Option<String>,
    /// Where applicants' workspaces and cached page images are kept
    /// (default: %LOCALAPPDATA%\\blindfold or ~/.local/share/blindfold).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Largest upload at once, in megabytes.
    #[arg(long, default_value_t = 200, value_name = "MB")]
    pub max_upload: usize,
    /// Most files in one applicant's workspace.
    #[arg(long, default_value_t = 300)]
    pub max_files: usize,
    /// Reading, masking and output options.
    #[command(flatten)]
    pub mask: MaskArgs,
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
    /// Memory the run may use, in MB (default: 512 per worker, at most half the machine's, at
    /// least 1024). Heavy passes wait for room in it instead of running at once.
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u64).range(1..))]
    pub memory: Option<u64>,
}

/// How pages are read, what is masked and how outputs are written (shared by run and check).
#[derive(Debug, Args)]
pub struct MaskArgs {
    /// Resolution PDF pages are rendered at.
    #[arg(long, default_value_t = blindfold::pages::DEFAULT_DPI, value_parser = clap::value_parser!(u32).range(50..=600))]
    pub dpi: u32,
    /// JPEG quality of JPEG outputs and PDF pages.
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u8).range(30..=100))]
    pub jpeg_quality: u8,
    /// Largest output file wanted, in MB: a JPEG or PDF output over it is encoded again at lower
    /// JPEG qualities (down to 35) until it fits; its pixels and masks stay where they are.
    #[arg(long, value_name = "MB", value_parser = positive_megabytes)]
    pub max_file_size: Option<u64>,
    /// Mask colour as RRGGBB.
    #[arg(long, default_value = "000000", value_name = "RRGGBB")]
    pub mask_color: String,
    /// Cover whole faces instead of an eye bar.
    #[arg(long)]
    pub cover_face: bool,
    /// Also mask ID-card numbers: any valid 18-digit one, and the applicant's own from the
    /// roster even when OCR misread or split it.
    #[arg(long)]
    pub mask_id_numbers: bool,
    /// Largest page accepted, in millions of pixels.
    #[arg(long, default_value_t = 100, value_name = "MEGAPIXELS")]
    pub max_pixels: u64,
    /// Most pages accepted from one file.
    #[arg(long, default_value_t = 500)]
    pub max_pages: usize,
    /// Seconds one page's analysis may take before the page is withheld as an error (0: no
    /// limit).
    #[arg(long, default_value_t = 120.0, value_name = "SECONDS")]
    pub page_time_limit: f64,
    /// Runtime, models and threads.
    #[command(flatten)]
    pub env: EnvArgs,
}

/// Arguments of `blindfold run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The intake folder: one sub-folder per applicant, files nested at any depth.
    pub intake: PathBuf,
    /// Output folder (must not be inside the intake).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Roster: the official 花名册 workbook (.xlsx, .xls) or CSV (UTF-8, UTF-16, GBK), with
    /// name and unit columns (姓名, 工作单位; optional 身份证号, 档案号, folder, aliases).
    #[arg(long, value_name = "FILE")]
    pub roster: PathBuf,
    /// The roster workbook's sheet (default: the first with a 姓名/工作单位 header row).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Replace the results of an earlier run in a non-empty output folder.
    #[arg(long)]
    pub overwrite: bool,
    /// Continue an interrupted run in OUT: files it finished (manifest lines present, source
    /// unchanged, output intact) are kept, the rest is done.
    #[arg(long, conflicts_with = "overwrite")]
    pub resume: bool,
    /// Detect and write the manifest (and key) only, no masked files.
    #[arg(long)]
    pub dry_run: bool,
    /// Process only shard K of N (K = 0 to N-1): every Nth applicant folder, for one job of a
    /// batch scheduler's array; join the shards' output folders with `blindfold merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<blindfold::write::shard::Shard>,
    /// Reading, masking and output options.
    #[command(flatten)]
    pub mask: MaskArgs,
}

/// Arguments of `blindfold merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' output folders, one per shard.
    #[arg(required = true, value_name = "SHARD_OUT")]
    pub shards: Vec<PathBuf>,
    /// The merged output folder (new or empty).
    #[arg(long, value_name = "DIR", required_unless_present = "status")]
    pub out: Option<PathBuf>,
    /// Only show how far each shard is: pages done, running or finished.
    #[arg(long, conflicts_with = "out")]
    pub status: bool,
}

/// Arguments of `blindfold check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check (PDF, JPEG, PNG, TIFF, BMP, WebP, GIF).
    #[arg(required = true, value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,
    /// Your name as it appears on the documents.
    #[arg(long)]
    pub name: String,
    /// Your work unit (工作单位).
    #[arg(long)]
    pub unit: String,
    /// Another spelling of the unit, e.g. an abbreviation (repeatable).
    #[arg(long = "alias", value_name = "ALIAS")]
    pub aliases: Vec<String>,
    /// Folder for the masked copies and previews (its earlier results are replaced).
    #[arg(long, default_value = "blindfold-check", value_name = "DIR")]
    pub out: PathBuf,
    /// Language of the messages: zh or en (default: from the locale).
    #[arg(long, value_parser = ["zh", "en"])]
    pub lang: Option<String>,
    /// Reading, masking and output options.
    #[command(flatten)]
    pub mask: MaskArgs,
}

/// Arguments of `blindfold audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The output folder of a run (holding manifest.jsonl, key.csv and files/).
    pub out: PathBuf,
    /// The run's intake: check that every file and page of it has manifest lines.
    #[arg(long, value_name = "DIR")]
    pub intake: Option<PathBuf>,
    /// The run's roster: unit aliases for the re-scan (names and units come from key.csv).
    #[arg(long, value_name = "CSV")]
    pub roster: Option<PathBuf>,
    /// The mask colour the run used, as RRGGBB (default: the one its run.json records).
    #[arg(long, value_name = "RRGGBB")]
    pub mask_color: Option<String>,
    /// Where to write the HTML report (default: OUT/audit.html).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Runtime, models and threads.
    #[command(flatten)]
    pub env: EnvArgs,
}

/// Shown when blindfold.exe is started without arguments in a console of its own (double-clicked
/// in Explorer): the local web page is starting, and how to stop it.
pub fn double_clicked(lang: Lang) -> String {
    let version = env!("CARGO_PKG_VERSION");
    match lang {
        Lang::Zh => format!(
            "blindfold {version} 盲评材料遮盖工具\n\n\
             正在启动检查页面，稍后会在浏览器中打开（约半分钟）。\n\
             使用期间请保持本窗口打开；用完后关闭本窗口即可退出。\n\
             命令行用法（评审办公室、审核）：在命令提示符中运行 blindfold --help\n"
        ),
        Lang::En => format!(
            "blindfold {version}: masks names, work units and eyes for blind review\n\n\
             Starting the check page; it opens in your browser in about half a minute.\n\
             Keep this window open while you use it; close the window to stop it.\n\
             Command-line use (committee staff, auditors): run blindfold --help in a Command \
             Prompt\n"
        ),
    }
}

/// Shown when blindfold.exe is double-clicked while its page is already being served.
pub fn already_running(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "blindfold 检查页面已在运行，已在浏览器中再次打开。本窗口将自动关闭。",
        Lang::En => {
            "The blindfold check page is already running; it was opened in your browser again. \
             This window closes by itself."
        }
    }
}

/// The prompt that keeps a double-clicked console window open.
pub const PRESS_ENTER: &str = "按回车键关闭窗口 / Press Enter to close this window.";

/// A size in MB above zero (`--max-file-size 2`, `0.5`), in bytes.
fn positive_megabytes(text: &str) -> Result<u64, String> {
    text.parse::<f64>()
        .ok()
        .and_then(blindfold::write::render::megabytes)
        .ok_or_else(|| format!("{text} is not a size in MB above 0 (e.g. 2 or 0.5)"))
}
