//! Scaling without a big machine: the whole batch (reading, rendering, finding, masking,
//! encoding, writing) with a detector that takes a fixed time per page and no CPU (it sleeps),
//! at 1, 2, 4, 8, 16 and 32 workers. Were nothing serial, the wall time would be
//! pages x the model's time / workers, plus the batch's own CPU time spread over the machine's
//! cores; the table shows how close each run comes, and what the serial parts took.
//!
//! ```sh
//! cargo bench --bench scaling                                  # the samples x 11 (99 pages)
//! cargo bench --bench scaling -- --seconds 0.5 --workers 1,4,16
//! cargo bench --bench scaling -- --set ../shared/eval/dev --copies 1
//! ```
//!
//! Columns: `ideal` = pages x seconds / workers + CPU / cores; `reading` = the reader thread's
//! time opening files and rendering PDF pages (it alone calls PDFium), not counting its waits for
//! a free worker; `writing` = the calling thread's time assembling PDFs and writing the manifest;
//! `idle` = workers' time waiting for the reader, added up.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use blindfold::detect::{Detections, Detector};
use blindfold::error::Result;
use blindfold::pipeline::{self, RunConfig, Silent};
use image::RgbImage;

mod common;
use common::repeat_set;

/// A detector that finds nothing and takes `0` per page, without using the CPU.
struct Sleeping(Duration);

impl Detector for Sleeping {
    fn detect(&mut self, _page: &RgbImage) -> Result<Detections> {
        std::thread::sleep(self.0);
        Ok(Detections::default())
    }
}

struct Options {
    set: PathBuf,
    copies: usize,
    seconds: f64,
    workers: Vec<usize>,
}

fn options() -> Options {
    let mut options = Options {
        set: Path::new(env!("CARGO_MANIFEST_DIR")).join("samples"),
        copies: 11,
        seconds: 1.0,
        workers: vec![1, 2, 4, 8, 16, 32],
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--set" => options.set = PathBuf::from(value()),
            "--copies" => options.copies = value().parse().expect("--copies N"),
            "--seconds" => options.seconds = value().parse().expect("--seconds S"),
            "--workers" => {
                options.workers = value()
                    .split(',')
                    .map(|n| n.parse().expect("--workers N,N,..."))
                    .collect()
            }
            // cargo passes `--bench`; criterion-style filters are ignored.
            _ => {}
        }
    }
    options
}

/// This process's CPU time so far (user and system).
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

fn main() {
    let options = options();
    let runtime = blindfold::runtime::Runtime::locate(None).expect("runtime (fetch_runtime.py)");
    runtime.load().expect("load the runtime");
    let work = tempfile::tempdir().expect("temporary folder");
    let set = repeat_set(&options.set, options.copies, work.path());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_page = Duration::from_secs_f64(options.seconds);
    println!(
        "set: {} x{}, model time {:.2} s per page (a sleep), {cores} cores",
        options.set.display(),
        options.copies,
        options.seconds
    );
    println!(
        "{:>7} {:>5} {:>8} {:>8} {:>6} {:>9} {:>7} {:>9} {:>8} {:>8}",
        "workers",
        "pages",
        "wall s",
        "ideal s",
        "ratio",
        "pages/min",
        "CPU s",
        "reading s",
        "writing s",
        "idle s"
    );
    for &workers in &options.workers {
        let config = RunConfig {
            intake: set.join("intake"),
            roster: set.join("roster.csv"),
            overwrite: true,
            ..RunConfig::new(work.path().join(format!("out-{workers}")))
        };
        let detectors: Vec<Box<dyn Detector>> = (0..workers)
            .map(|_| Box::new(Sleeping(per_page)) as Box<dyn Detector>)
            .collect();
        let (cpu_before, started) = (cpu_time(), Instant::now());
        let summary = pipeline::run(&config, detectors, &Silent).expect("run");
        let wall = started.elapsed().as_secs_f64();
        let cpu = (cpu_time() - cpu_before).as_secs_f64();
        let pages = summary.total.pages;
        let ideal = pages as f64 * options.seconds / workers as f64 + cpu / cores as f64;
        let t = summary.threads;
        println!(
            "{workers:>7} {pages:>5} {wall:>8.2} {ideal:>8.2} {:>6.2} {:>9.1} {cpu:>7.2} {:>9.2} {:>8.2} {:>8.2}",
            wall / ideal,
            pages as f64 * 60.0 / wall,
            t.reading,
            t.writing,
            t.waiting_for_reader
        );
    }
}
