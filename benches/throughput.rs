//! Whole-run throughput: runs the release binary on a set (an `intake/` folder and its
//! `roster.csv`), then runs the detectors alone on the same pages, and prints pages/min, the
//! run's CPU seconds per page, the model-only time and its split by stage, the overhead ratio
//! (wall time of the run / model-only time) and the run's peak resident memory.
//!
//! ```sh
//! cargo bench --bench throughput                               # the shipped samples
//! cargo bench --bench throughput -- --set ../shared/eval/dev   # another set
//! cargo bench --bench throughput -- --repeat 200 --no-model-only   # a 2,000-page intake
//! ```
//!
//! Model-only time is the wall time of `Detector::detect_page` (the text layer's check, OCR
//! detection and recognition, the face model, seal search and ring reading) on pages already in
//! memory, with as many workers and threads per session as the run uses: no file reading,
//! rendering, decoding, finding, masking, encoding or writing. Pages are held in memory a chunk
//! at a time. The split adds up each worker's time per stage (so it sums to about workers x
//! model-only time); reading is the time to render and decode the pages, on one thread.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use blindfold::budget::MemoryBudget;
use blindfold::detect::{threads_per_worker, Detector, ModelDetector, StageTimes};
use blindfold::intake::{Intake, Roster};
use blindfold::pages::{Document, Page};

mod common;
use common::repeat_set;

/// Pages decoded ahead of each model-only round (about 12 MB each at 200 DPI).
const CHUNK: usize = 64;
/// Rendering resolution of PDF pages, as in a default run.
const DPI: u32 = blindfold::pages::DEFAULT_DPI;

struct Options {
    set: PathBuf,
    repeat: usize,
    jobs: usize,
    model_only: bool,
}

fn options() -> Options {
    let mut options = Options {
        set: Path::new(env!("CARGO_MANIFEST_DIR")).join("samples"),
        repeat: 1,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        model_only: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--set" => options.set = PathBuf::from(value()),
            "--repeat" => options.repeat = value().parse().expect("--repeat N"),
            "--jobs" => options.jobs = value().parse().expect("--jobs N"),
            "--no-model-only" => options.model_only = false,
            // cargo passes `--bench`; criterion-style filters are ignored.
            _ => {}
        }
    }
    options
}

fn main() {
    let options = options();
    let work = tempfile::tempdir().expect("temporary folder");
    let set = if options.repeat > 1 {
        repeat_set(&options.set, options.repeat, work.path())
    } else {
        options.set.clone()
    };
    let run = run_binary(&set, &work.path().join("out"), options.jobs);
    println!(
        "set:            {} (x{})",
        options.set.display(),
        options.repeat
    );
    println!("workers:        {}", options.jobs);
    println!("pages:          {}", run.pages);
    println!("wall time:      {:.1} s", run.seconds);
    println!(
        "throughput:     {:.1} pages/min",
        run.pages as f64 * 60.0 / run.seconds
    );
    println!(
        "cpu time:       {:.1} s ({:.2} CPU-s/page)",
        run.cpu_seconds,
        run.cpu_seconds / run.pages as f64
    );
    println!("peak memory:    {:.0} MB (resident)", run.peak_rss_mb);
    if options.model_only {
        let models = model_only(&set, options.jobs);
        println!(
            "model-only:     {:.1} s ({} pages)",
            models.seconds, models.pages
        );
        println!("overhead ratio: {:.2}x", run.seconds / models.seconds);
        let t = &models.times;
        for (stage, time) in [
            ("reading pages", models.reading),
            ("text layer check", t.layer_check),
            ("text detection", t.text_detection),
            ("text recognition", t.text_recognition),
            ("faces", t.faces),
            ("seals", t.seals),
        ] {
            let per_page = time.as_secs_f64() * 1000.0 / models.pages.max(1) as f64;
            println!(
                "  {stage:<17} {:7.1} s  {per_page:6.0} ms/page",
                time.as_secs_f64()
            );
        }
    }
}

/// What a run of the binary took.
struct RunFigures {
    pages: usize,
    seconds: f64,
    cpu_seconds: f64,
    peak_rss_mb: f64,
}

fn run_binary(set: &Path, out: &Path, jobs: usize) -> RunFigures {
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_blindfold"))
        .arg("run")
        .arg(set.join("intake"))
        .arg("--out")
        .arg(out)
        .arg("--roster")
        .arg(set.join("roster.csv"))
        .args(["--overwrite", "--jobs", &jobs.to_string()])
        .stdin(Stdio::null())
        .status()
        .expect("run blindfold");
    let seconds = started.elapsed().as_secs_f64();
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "blindfold failed: {status}"
    );
    let manifest = std::fs::read_to_string(out.join("manifest.jsonl")).expect("manifest");
    let pages = manifest
        .lines()
        .filter(|line| !line.contains("\"page\":null"))
        .count();
    let (cpu_seconds, peak_rss_kb) = children_usage();
    RunFigures {
        pages,
        seconds,
        cpu_seconds,
        peak_rss_mb: peak_rss_kb as f64 / 1024.0,
    }
}

/// The CPU seconds (user + system) of the child processes waited for, and the largest resident
/// set of any of them (Linux reports kilobytes).
#[cfg(unix)]
fn children_usage() -> (f64, i64) {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_CHILDREN is a valid selector.
    let usage = unsafe {
        assert_eq!(
            libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()),
            0
        );
        usage.assume_init()
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (
        seconds(usage.ru_utime) + seconds(usage.ru_stime),
        usage.ru_maxrss,
    )
}

/// Not measured off Unix (the figures show 0).
#[cfg(not(unix))]
fn children_usage() -> (f64, i64) {
    (0.0, 0)
}

/// What the detectors alone took on a set.
struct ModelOnly {
    pages: usize,
    /// Wall time of detection.
    seconds: f64,
    /// Time spent rendering and decoding the pages.
    reading: Duration,
    /// Every worker's time per stage, added up.
    times: StageTimes,
}

/// Runs the detectors alone on every page of the set.
fn model_only(set: &Path, jobs: usize) -> ModelOnly {
    blindfold::runtime::Runtime::locate(None)
        .and_then(|runtime| runtime.load())
        .expect("runtime (run scripts/fetch_runtime.py)");
    let models = blindfold::models::Models::locate(None).expect("models");
    let budget = Arc::new(MemoryBudget::unlimited());
    let mut detectors: Vec<ModelDetector> = (0..jobs.max(1))
        .map(|_| {
            ModelDetector::new(&models, threads_per_worker(jobs), budget.clone()).expect("detector")
        })
        .collect();

    let roster = Roster::from_path(&set.join("roster.csv")).expect("roster");
    let intake = Intake::scan(&set.join("intake"), &roster).expect("intake");
    let files = intake
        .folders
        .iter()
        .flat_map(|folder| &folder.files)
        .filter(|file| file.kind.is_ok());
    let mut chunk = Vec::new();
    let (mut pages, mut seconds, mut reading) = (0, 0.0, Duration::ZERO);
    for file in files {
        let started = Instant::now();
        chunk.extend(pages_of(&file.path));
        reading += started.elapsed();
        if chunk.len() >= CHUNK {
            pages += chunk.len();
            seconds += detect_all(&mut detectors, std::mem::take(&mut chunk));
        }
    }
    pages += chunk.len();
    seconds += detect_all(&mut detectors, chunk);
    let mut times = StageTimes::default();
    for detector in &detectors {
        times.add(&detector.times());
    }
    ModelOnly {
        pages,
        seconds,
        reading,
        times,
    }
}

/// The pages of one file, as the run renders or decodes them (none when it cannot).
fn pages_of(path: &Path) -> Vec<Page> {
    let limits = Default::default();
    Document::read(path, DPI, &limits)
        .map(|document| document.pages(limits).filter_map(Result::ok).collect())
        .unwrap_or_default()
}

/// Wall time of detecting every page, the workers taking pages in turn.
fn detect_all(detectors: &mut [ModelDetector], pages: Vec<Page>) -> f64 {
    let queue = Mutex::new(pages.into_iter());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for detector in detectors.iter_mut() {
            let queue = &queue;
            scope.spawn(move || loop {
                let next = queue.lock().expect("page queue").next();
                let Some(page) = next else { break };
                detector.detect_page(&page).expect("detection");
            });
        }
    });
    started.elapsed().as_secs_f64()
}
