//! The `blindfold` command: a thin layer that parses arguments, runs the library and maps errors
//! to exit codes.

mod cli;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use blindfold::base::lang::count;
use blindfold::budget::MemoryBudget;
use blindfold::detect::{Detector, ModelDetector};
use blindfold::error::exit;
use blindfold::find::FindOptions;
use blindfold::models::Models;
use blindfold::pages::Limits;
use blindfold::pipeline::{self, Progress, RunConfig, Summary, ThreadTimes};
use blindfold::runtime::Runtime;
use blindfold::write::manifest::MANIFEST_FILE;
use blindfold::write::render::OutputOptions;
use blindfold::{Error, Result};
use clap::Parser;

fn main() -> ExitCode {
    blindfold::platform::limit_malloc_arenas();
    let _console = blindfold::platform::Console::setup();
    if std::env::args_os().len() == 1 && blindfold::platform::own_console() {
        return start();
    }
    match try_main(cli::Cli::parse()) {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => report(&e),
    }
}

/// Prints an error and its hint; returns its exit code.
fn report(e: &Error) -> ExitCode {
    eprintln!("error: {e}");
    if let Some(hint) = e.hint() {
        eprintln!("hint: {hint}");
    }
    ExitCode::from(e.exit_code() as u8)
}

/// Double-clicked in Explorer: [`start_page`]; an error stays on screen until Enter.
fn start() -> ExitCode {
    match start_page() {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            let code = report(&e);
            blindfold::platform::wait_for_enter(cli::PRESS_ENTER);
            code
        }
    }
}

/// `blindfold start`, or a double-click: opens the page of the server already running, else
/// serves the local web page and opens it in the browser. The window says what runs; closing it
/// stops it.
fn start_page() -> Result<i32> {
    let lang = blindfold::base::Lang::choose(None);
    let data = blindfold::platform::data_dir();
    if let Some(launch) = blindfold::serve::running_launch_page(&data) {
        println!("{}", cli::already_running(lang));
        blindfold::platform::open_in_browser(&launch.display().to_string());
        std::thread::sleep(Duration::from_secs(3));
        return Ok(exit::OK);
    }
    println!("{}", cli::double_clicked(lang));
    try_main(cli::Cli::parse_from(["blindfold", "serve"]))
}

fn try_main(cli: cli::Cli) -> Result<i32> {
    match cli.command {
        cli::Command::Doctor(env) => {
            let report = blindfold::doctor::examine(
                env.runtime_dir.as_deref(),
                env.models.as_deref(),
                jobs(&env),
            );
            print!("{}", report.text);
            Ok(if report.healthy {
                exit::OK
            } else {
                exit::ENVIRONMENT
            })
        }
        cli::Command::Run(args) => run(args),
        cli::Command::Merge(args) => merge(args),
        cli::Command::Check(args) => check(args),
        cli::Command::Audit(args) => audit(args),
        cli::Command::Serve(args) => serve(args),
        cli::Command::Start => start_page(),
    }
}

fn jobs(env: &cli::EnvArgs) -> usize {
    env.jobs
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .max(1)
}

/// The run's memory budget: `--memory`, or the default for its workers and this machine; what
/// the workers themselves hold is set aside, the rest is for the heavy passes.
fn memory_budget(env: &cli::EnvArgs) -> Arc<MemoryBudget> {
    let workers = jobs(env);
    let total = env.memory.unwrap_or_else(|| {
        MemoryBudget::default_run_mb(workers, blindfold::platform::machine_memory_mb())
    });
    Arc::new(MemoryBudget::for_run(total, workers))
}

/// Loads the runtime and models and creates one detector per worker, each reserving from
/// `budget` and giving up on a page after `time_limit`.
fn detectors(
    env: &cli::EnvArgs,
    time_limit: Option<Duration>,
    budget: &Arc<MemoryBudget>,
) -> Result<Vec<Box<dyn Detector>>> {
    let runtime = Runtime::locate(env.runtime_dir.as_deref())?;
    runtime.load()?;
    let models = Models::locate(env.models.as_deref())?;
    models.verify()?;
    ModelDetector::pool(&models, jobs(env), time_limit, budget)
}

/// The run configuration shared by `run` and `check`; the caller fills in the paths.
fn run_config(mask: &cli::MaskArgs, out: PathBuf) -> Result<RunConfig> {
    Ok(RunConfig {
        output: OutputOptions {
            dpi: mask.dpi,
            jpeg_quality: mask.jpeg_quality,
            mask_color: blindfold::mask::parse_color(&mask.mask_color).map_err(Error::Usage)?,
            max_file_bytes: mask.max_file_size,
        },
        limits: Limits {
            max_pixels: mask.max_pixels.saturating_mul(1_000_000),
            max_pages: mask.max_pages,
        },
        find: FindOptions {
            cover_face: mask.cover_face,
            id_numbers: mask.mask_id_numbers,
        },
        models: Models::identifiers(),
        memory: memory_budget(&mask.env),
        ..RunConfig::new(out)
    })
}

fn run(args: cli::RunArgs) -> Result<i32> {
    let config = RunConfig {
        intake: args.intake,
        roster: args.roster,
        sheet: args.sheet,
        overwrite: args.overwrite,
        resume: args.resume,
        dry_run: args.dry_run,
        shard: args.shard,
        ..run_config(&args.mask, args.out)?
    };
    let detectors = detectors(&args.mask.env, time_limit(&args.mask)?, &config.memory)?;
    let progress = ProgressReport::new();
    let summary = pipeline::run(&config, detectors, &progress)?;
    progress.finish();
    print_summary(&config.out, config.dry_run, &summary);
    Ok(exit_code(&summary))
}

fn merge(args: cli::MergeArgs) -> Result<i32> {
    use pipeline::merge::{self, ShardState};
    let Some(out) = args.out.filter(|_| !args.status) else {
        for shard in merge::status(&args.shards) {
            let which = shard.shard.map_or("?".to_string(), |s| s.to_string());
            let state = match shard.state {
                ShardState::NotStarted => "not started",
                ShardState::Running => "running",
                ShardState::Finished => "finished",
                ShardState::Stopped => "stopped (run it again with --resume)",
            };
            println!(
                "shard {which:<6} {:>6} files {:>8} pages  {state:<10}  {}",
                shard.files,
                shard.pages,
                shard.dir.display()
            );
        }
        return Ok(exit::OK);
    };
    let summary = merge::merge(&args.shards, &out)?;
    print_summary(&out, false, &summary);
    Ok(exit_code(&summary))
}

/// The per-page time limit of `--page-time-limit` (None for 0).
fn time_limit(mask: &cli::MaskArgs) -> Result<Option<Duration>> {
    let seconds = mask.page_time_limit;
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(Error::Usage(format!(
            "--page-time-limit must be a number of seconds >= 0, not {seconds}"
        )));
    }
    Ok((seconds > 0.0).then(|| Duration::from_secs_f64(seconds)))
}

fn exit_code(summary: &Summary) -> i32 {
    if summary.total.errors > 0 {
        exit::PARTIAL
    } else {
        exit::OK
    }
}

fn check(args: cli::CheckArgs) -> Result<i32> {
    let lang = blindfold::base::Lang::choose(args.lang.as_deref());
    let config = run_config(&args.mask, args.out)?;
    let request = blindfold::check::CheckRequest {
        paths: args.paths,
        name: args.name,
        unit: args.unit,
        aliases: args.aliases,
    };
    let detectors = detectors(&args.mask.env, time_limit(&args.mask)?, &config.memory)?;
    let progress = ProgressReport::new();
    let (summary, lines) = blindfold::check::run(&request, &config, detectors, &progress)?;
    progress.finish();
    print!("{}", blindfold::check::report(&lines, &config.out, lang));
    Ok(exit_code(&summary))
}

fn serve(args: cli::ServeArgs) -> Result<i32> {
    let options = blindfold::serve::ServeOptions {
        lang: args
            .lang
            .as_deref()
            .map(|l| blindfold::base::Lang::choose(Some(l))),
        data: args.data.unwrap_or_else(blindfold::platform::data_dir),
        staff: args.open.map(|out| blindfold::serve::StaffRun {
            out,
            intake: args.intake.unwrap_or_default(),
            roster: args.roster,
        }),
        user: args.user.unwrap_or_else(blindfold::platform::user_name),
        limits: blindfold::serve::UploadLimits {
            max_bytes: args.max_upload.saturating_mul(1024 * 1024),
            max_files: args.max_files,
        },
        config: run_config(&args.mask, PathBuf::new())?,
    };
    let detectors = detectors(
        &args.mask.env,
        time_limit(&args.mask)?,
        &options.config.memory,
    )?;
    blindfold::serve::serve(options, args.port, !args.no_browser, detectors)?;
    Ok(exit::OK)
}

fn audit(args: cli::AuditArgs) -> Result<i32> {
    let mask_color = args
        .mask_color
        .as_deref()
        .map(blindfold::mask::parse_color)
        .transpose()
        .map_err(Error::Usage)?;
    let detectors = detectors(&args.env, None, &memory_budget(&args.env))?;
    let report_path = args.report.unwrap_or_else(|| args.out.join("audit.html"));
    let audit = blindfold::audit::Audit {
        out: args.out,
        intake: args.intake,
        roster: args.roster,
        mask_color,
    };
    let result = audit.run(detectors)?;
    let lang = blindfold::base::Lang::choose(None);
    blindfold::write::write_atomic(&report_path, result.html(lang).as_bytes())?;
    for problem in &result.problems {
        println!("{}", problem.for_staff(lang));
    }
    let correction = if lang == blindfold::base::Lang::Zh {
        "人工修改"
    } else {
        "correction"
    };
    for c in &result.corrections {
        println!("{correction}: {}", c.text(lang));
    }
    let (pages, problems, corrections, report) = (
        result.pages.len(),
        result.problems.len(),
        result.corrections.len(),
        report_path.display(),
    );
    if lang == blindfold::base::Lang::Zh {
        eprintln!("blindfold 审核：检查了 {pages} 页，发现 {problems} 个问题，人工修改 {corrections} 处；报告：{report}");
    } else {
        let (pages, problems, corrections) = (
            count(pages, "page", "pages"),
            count(problems, "problem", "problems"),
            count(corrections, "correction", "corrections"),
        );
        eprintln!("blindfold audit: {pages} checked, {problems}, {corrections}; report: {report}");
    }
    Ok(if result.problems.is_empty() {
        exit::OK
    } else {
        exit::PARTIAL
    })
}

/// Progress on stderr: a bar on a terminal, a line every few seconds otherwise.
struct ProgressReport {
    bar: Option<indicatif::ProgressBar>,
    pages: AtomicUsize,
    files: AtomicUsize,
    total: AtomicUsize,
    started: Instant,
    last_line: Mutex<Instant>,
    /// Progress in Chinese.
    zh: bool,
}

impl ProgressReport {
    fn new() -> ProgressReport {
        let zh = blindfold::base::Lang::choose(None) == blindfold::base::Lang::Zh;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(if zh {
                    "{bar:30} {pos}/{len} 个文件  {msg}  还需 {eta}"
                } else {
                    "{bar:30} {pos}/{len} files  {msg}  ETA {eta}"
                })
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        ProgressReport {
            bar,
            pages: AtomicUsize::new(0),
            files: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            started: Instant::now(),
            last_line: Mutex::new(Instant::now()),
            zh,
        }
    }

    fn rate(&self) -> f64 {
        self.pages.load(Ordering::Relaxed) as f64 / self.started.elapsed().as_secs_f64().max(1e-3)
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for ProgressReport {
    fn start(&self, files: usize) {
        self.total.store(files, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.set_length(files as u64);
        }
    }

    fn file_done(&self, pages: usize, times: &ThreadTimes) {
        let pages = self.pages.fetch_add(pages, Ordering::Relaxed) + pages;
        let files = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        let (rate, waited) = (self.rate(), waits(times, self.zh));
        let message = if self.zh {
            format!("{pages} 页，每秒 {rate:.1} 页，等待{waited}")
        } else {
            format!("{pages} pages, {rate:.1} pages/s, waited {waited}")
        };
        match &self.bar {
            Some(bar) => {
                bar.set_position(files as u64);
                bar.set_message(message);
            }
            None => {
                let mut last = self.last_line.lock().unwrap_or_else(|p| p.into_inner());
                let total = self.total.load(Ordering::Relaxed);
                if last.elapsed().as_secs() >= 5 || files == total {
                    if self.zh {
                        eprintln!("blindfold：{files}/{total} 个文件，{message}");
                    } else {
                        eprintln!("blindfold: {files}/{total} files, {message}");
                    }
                    *last = Instant::now();
                }
            }
        }
    }
}

/// The summary `run` and `merge` print, in the user's language: counts, what to look at, where
/// the results are.
fn print_summary(out: &std::path::Path, dry_run: bool, summary: &Summary) {
    let lang = blindfold::base::Lang::choose(None);
    let zh = lang == blindfold::base::Lang::Zh;
    let say =
        |chinese: String, english: String| eprintln!("{}", if zh { chinese } else { english });
    let t = summary.total;
    let (applicants, rate) = (
        summary.per_applicant.len(),
        t.pages as f64 * 60.0 / summary.seconds.max(1e-3),
    );
    let (files, pages, masked, review, errors, seconds) = (
        t.files,
        t.pages,
        t.masked,
        t.review,
        t.errors,
        summary.seconds,
    );
    say(
        format!("blindfold：{applicants} 位申报人，{files} 个文件，{pages} 页（需要遮盖 {masked} 页，需人工复核 {review} 页），出错 {errors} 个，用时 {seconds:.1} 秒（每分钟 {rate:.1} 页）"),
        format!(
            "blindfold: {}, {}, {} ({masked} masked, {review} to review), {} in {seconds:.1} s ({rate:.1} pages/min)",
            count(applicants, "applicant", "applicants"),
            count(files, "file", "files"),
            count(pages, "page", "pages"),
            count(errors, "error", "errors"),
        ),
    );
    let threads = &summary.threads;
    let (reading, writing, waited) = (threads.reading, threads.writing, waits(threads, zh));
    say(
        format!("  线程：读取 {reading:.1} 秒，写出 {writing:.1} 秒；等待{waited}"),
        format!("  threads: reading {reading:.1} s, writing {writing:.1} s; waited {waited}"),
    );
    for (code, c) in &summary.per_applicant {
        let (files, pages, masked, review, errors) =
            (c.files, c.pages, c.masked, c.review, c.errors);
        say(
            format!("  {code:<12} {files} 个文件，{pages} 页，遮盖 {masked} 页，复核 {review} 页，出错 {errors} 个"),
            format!(
                "  {code:<12} {}, {}, {masked} masked, {review} review, {}",
                count(files, "file", "files"),
                count(pages, "page", "pages"),
                count(errors, "error", "errors"),
            ),
        );
    }
    let notes = &summary.notes;
    if !notes.folders_without_roster_row.is_empty() {
        let folders = notes.folders_without_roster_row.join(", ");
        say(
            format!("  名单中没有的文件夹（每页都要人工复核）：{folders}"),
            format!("  folders without a roster row (review every page): {folders}"),
        );
    }
    for (code, reason) in &notes.undecided_folders {
        let reason = lang.review_reason(reason);
        say(
            format!("  {code}：{reason}（每页都要人工复核）"),
            format!("  {code}: {reason} (review every page)"),
        );
    }
    for (line, first) in &notes.duplicate_roster_rows {
        say(
            format!("  名单第 {line} 行与第 {first} 行重复：未使用"),
            format!("  roster row {line} repeats row {first}: left out"),
        );
    }
    if !notes.roster_rows_without_folder.is_empty() {
        let rows: Vec<String> = notes
            .roster_rows_without_folder
            .iter()
            .map(|l| l.to_string())
            .collect();
        let rows = rows.join(", ");
        say(
            format!("  名单中这些行在材料目录里没有文件夹：{rows}"),
            format!("  roster rows with no folder in the intake (lines): {rows}"),
        );
    }
    let (files, manifest, key) = (
        out.join("files"),
        out.join(MANIFEST_FILE),
        out.join("key.csv"),
    );
    let (files, manifest, key) = (files.display(), manifest.display(), key.display());
    if dry_run {
        say(
            "遮盖件：无（试运行）".into(),
            "outputs:  none (dry run)".into(),
        );
    } else {
        say(format!("遮盖件：{files}"), format!("outputs:  {files}"));
    }
    say(
        format!("清单：  {manifest}"),
        format!("manifest: {manifest}"),
    );
    say(
        format!("对照表：{key}（编号 → 申报人；不要交给评审专家）"),
        format!("key:      {key} (code → applicant; keep it away from reviewers)"),
    );
}

/// The waits of a run so far, in worker-seconds, in Chinese or English.
fn waits(times: &ThreadTimes, zh: bool) -> String {
    let (memory, reader) = (times.waiting_for_memory, times.waiting_for_reader);
    if zh {
        format!("内存 {memory:.1} 秒、读取 {reader:.1} 秒")
    } else {
        format!("{memory:.1} s for memory, {reader:.1} s for the reader")
    }
}
