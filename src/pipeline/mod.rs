//! The batch: intake → pages → detect → find → mask → write, in parallel.
//!
//! One thread owns PDFium: it opens PDFs and renders their pages into a bounded channel (PDFium
//! serialises all calls anyway); image files are decoded by the workers. Each worker owns its own
//! detector (ONNX Runtime sessions are used mutably) and renders its pages' outputs. The calling
//! thread is the only writer: it assembles output PDFs from their pages and appends manifest
//! lines. The jobs around the threads live beside this file: [`out_dir`] (the output folder),
//! `plan` (tasks, output paths, the key), `analyse` (one page), `writer` (manifest and PDFs),
//! `resume`, and `workers` (the reader and worker threads, shared with the audit).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::Sender;

use crate::budget::MemoryBudget;

mod analyse;
pub mod merge;
pub mod out_dir;
mod plan;
mod resume;
mod shard;
mod workers;
mod writer;

pub use out_dir::{clear_results, ensure_apart};
pub use plan::output_path;
pub use workers::{fan_out, Jobs, ThreadClock};
pub use writer::{Counts, Summary, ThreadTimes};

use crate::detect::Detector;
use crate::error::{Error, PageError, Result};
use crate::find::FindOptions;
use crate::intake::{Intake, Roster};
use crate::models::sha256_bytes;
use crate::pages::{image_file, Document, Limits, Page};
use crate::write::key::{self, RunSettings};
use crate::write::manifest::{ManifestLine, ManifestWriter, Status};
use crate::write::pdf::PdfPage;
use crate::write::render::{self, Masks, OutputOptions};
use crate::write::shard::{IntakeNotes, Shard};
use crate::write::{self};
use analyse::{analyse, page_line, withhold};
use plan::FileTask;
use resume::Planned;
use writer::Writer;

/// Everything a run needs to know.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The intake folder (one sub-folder per applicant).
    pub intake: PathBuf,
    /// The output folder.
    pub out: PathBuf,
    /// The roster (CSV or workbook).
    pub roster: PathBuf,
    /// The roster workbook's sheet to read (default: the first with a header row).
    pub sheet: Option<String>,
    /// Replace the contents of a non-empty output folder.
    pub overwrite: bool,
    /// Continue an interrupted run in the output folder: files it finished (manifest lines
    /// present, source unchanged, output intact) are kept, the rest is done.
    pub resume: bool,
    /// Detect and write the manifest only: no output files.
    pub dry_run: bool,
    /// Also write `previews/`: every page with its regions outlined, not painted.
    pub previews: bool,
    /// How each output is written.
    pub output: OutputOptions,
    /// Size limits for pages.
    pub limits: Limits,
    /// What to mask besides name, unit and eyes.
    pub find: FindOptions,
    /// Model identifiers recorded in the manifest.
    pub models: Vec<String>,
    /// The run's memory budget, shared with its detectors (its waits are reported).
    pub memory: Arc<MemoryBudget>,
    /// Process only this shard of the applicants (`--shard K/N`); `merge` joins the shards.
    pub shard: Option<Shard>,
}

impl RunConfig {
    /// A configuration writing into `out` with default options (paths to be filled in).
    pub fn new(out: PathBuf) -> RunConfig {
        RunConfig {
            intake: PathBuf::new(),
            out,
            roster: PathBuf::new(),
            sheet: None,
            overwrite: false,
            resume: false,
            dry_run: false,
            previews: false,
            output: OutputOptions::default(),
            limits: Limits::default(),
            find: FindOptions::default(),
            models: Vec::new(),
            memory: Arc::new(MemoryBudget::unlimited()),
            shard: None,
        }
    }
}

/// What the run reports as it goes.
pub trait Progress: Sync {
    /// Called once the intake is known.
    fn start(&self, files: usize);
    /// Called whenever a file is finished, with the pages it had and where the threads' time
    /// has gone so far.
    fn file_done(&self, pages: usize, times: &ThreadTimes);
}

/// Progress that reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: usize) {}
    fn file_done(&self, _: usize, _: &ThreadTimes) {}
}

/// Work for the workers.
enum Job {
    /// Decode and process a whole image file.
    Image(FileTask),
    /// Process one rendered PDF page.
    PdfPage(Arc<FileTask>, Page),
}

/// What the workers and the renderer send to the writer.
enum Outcome {
    /// A file is done: an image file with its output written, or a file that failed.
    FileDone(Vec<ManifestLine>),
    /// A PDF was opened: expect this many pages.
    PdfOpened(Arc<FileTask>, usize, String),
    /// One page of a PDF.
    PdfPage(Arc<FileTask>, Box<ManifestLine>, PdfPage),
}

/// Runs the whole batch of an intake and its roster with one detector per worker.
pub fn run(
    config: &RunConfig,
    detectors: Vec<Box<dyn Detector>>,
    progress: &dyn Progress,
) -> Result<Summary> {
    let _lock = out_dir::prepare(config)?;
    let roster = Roster::open(&config.roster, config.sheet.as_deref())?;
    let intake = Intake::scan(&config.intake, &roster)?;
    key::write_key(&config.out, &plan::key_rows(&intake, &roster))?;
    process(
        config,
        &intake,
        intake_notes(&intake, Some(&roster)),
        detectors,
        progress,
    )
}

/// What a run says about its intake and roster besides the pages.
pub fn intake_notes(intake: &Intake, roster: Option<&Roster>) -> IntakeNotes {
    IntakeNotes {
        folders_without_roster_row: intake
            .folders
            .iter()
            .filter(|f| f.applicant.is_none() && f.undecided.is_none())
            .map(|f| f.code.clone())
            .collect(),
        undecided_folders: intake
            .folders
            .iter()
            .filter_map(|f| Some((f.code.clone(), f.undecided.as_ref()?.reason.clone())))
            .collect(),
        roster_rows_without_folder: intake.missing_folders.iter().map(|a| a.line).collect(),
        duplicate_roster_rows: roster.map_or_else(Vec::new, |roster| {
            roster
                .duplicates
                .iter()
                .map(|d| (d.row.line, d.first_line))
                .collect()
        }),
    }
}

/// Processes every file of an intake already scanned (of its shard, for a sharded run) into
/// `config.out` (manifest, settings, outputs and previews; no key) with one detector per worker.
pub fn process(
    config: &RunConfig,
    intake: &Intake,
    notes: IntakeNotes,
    detectors: Vec<Box<dyn Detector>>,
    progress: &dyn Progress,
) -> Result<Summary> {
    let started = Instant::now();
    let settings = RunSettings::new(&config.output, &config.limits);
    let mut shard = match config.shard {
        Some(shard) => Some(shard::record(config, intake, shard, &settings, &notes)?),
        None => None,
    };
    RunSettings {
        shard: shard.clone(),
        ..settings.clone()
    }
    .write(&config.out)?;

    let (mut tasks, mut early) = plan::plan(intake);
    if let Some(record) = &shard {
        shard::keep_own(record, &mut tasks, &mut early);
    }
    progress.start(tasks.len() + early.len());
    let clock = ThreadClock::default();
    let manifest_path = config.out.join(write::manifest::MANIFEST_FILE);
    let mut writer = if config.resume {
        let finished = resume_from(config, &mut tasks)?;
        let manifest = ManifestWriter::append(&manifest_path)?;
        let mut writer = Writer::new(config, manifest, progress, &clock);
        for lines in finished {
            writer.count(&lines);
        }
        writer
    } else {
        Writer::new(
            config,
            ManifestWriter::create(&manifest_path)?,
            progress,
            &clock,
        )
    };
    fan_out(
        detectors,
        &clock,
        |jobs, outcomes| {
            for line in early {
                outcomes.send(Outcome::FileDone(vec![line])).ok();
            }
            read_and_dispatch(config, tasks, jobs, outcomes)
        },
        |detector, job| work(config, detector, job),
        |outcome| writer.accept(outcome),
    )?;
    let mut summary = writer.finish()?;
    if let Some(record) = &mut shard {
        record.finished = true;
        RunSettings { shard, ..settings }.write(&config.out)?;
    }
    summary.notes = notes;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Prepares an interrupted run's output folder to be continued: drops the tasks of the files it
/// finished, leaves only their lines in the manifest and returns them, file by file.
fn resume_from(config: &RunConfig, tasks: &mut Vec<FileTask>) -> Result<Vec<Vec<ManifestLine>>> {
    resume::remove_temporary_files(&config.out);
    let planned: HashMap<&str, Planned> = tasks
        .iter()
        .map(|t| {
            let planned = Planned {
                input: &t.file.path,
                output: &t.output,
            };
            (t.file.source.as_str(), planned)
        })
        .collect();
    let finished = resume::finished(&config.out, &planned, config.dry_run)?;
    let outputs: HashSet<&str> = planned.values().map(|p| p.output).collect();
    resume::remove_orphans(&config.out, &outputs)?;
    drop(planned);
    tasks.retain(|t| !finished.contains_key(&t.file.source));
    let finished: Vec<Vec<ManifestLine>> = finished.into_values().collect();
    let text = write::manifest::to_text(&finished.concat())?;
    write::write_atomic(
        &config.out.join(write::manifest::MANIFEST_FILE),
        text.as_bytes(),
    )?;
    Ok(finished)
}

/// The reader thread: opens PDFs with PDFium and renders their pages in order; image files are
/// passed to the workers as they are (they decode them).
fn read_and_dispatch(
    config: &RunConfig,
    tasks: Vec<FileTask>,
    jobs: Jobs<Job>,
    results: Sender<Outcome>,
) {
    for task in tasks {
        if !task.kind.is_pdf() {
            if jobs.send(Job::Image(task)).is_err() {
                return;
            }
            continue;
        }
        let task = Arc::new(task);
        let (sha, opened) = open(config, &task);
        let mut document = match opened {
            Ok(document) => document,
            Err(e) => {
                results
                    .send(Outcome::FileDone(vec![task.failed(sha, &e)]))
                    .ok();
                continue;
            }
        };
        let count = document.page_count();
        let sha = sha.unwrap_or_default();
        results
            .send(Outcome::PdfOpened(task.clone(), count, sha))
            .ok();
        for number in 1..=count {
            match document.page(number, &config.limits) {
                Ok(page) => {
                    if jobs.send(Job::PdfPage(task.clone(), page)).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let (line, page) = withheld_page(config, &task, number, &e);
                    results
                        .send(Outcome::PdfPage(task.clone(), Box::new(line), page))
                        .ok();
                }
            }
        }
    }
}

/// Reads and opens a task's file: its SHA-256 (when it could be read) and its document.
fn open(config: &RunConfig, task: &FileTask) -> (Option<String>, Result<Document, PageError>) {
    match std::fs::read(&task.file.path) {
        Ok(bytes) => (
            Some(sha256_bytes(&bytes)),
            Document::open(bytes, task.kind, config.output.dpi, &config.limits),
        ),
        Err(e) => (
            None,
            Err(PageError::Unreadable(crate::platform::io_reason(&e))),
        ),
    }
}

/// A PDF page that could not be rendered or written: an error line, and a withheld placeholder
/// page in the output PDF so that page numbers stay aligned.
fn withheld_page(
    config: &RunConfig,
    task: &FileTask,
    number: usize,
    error: &PageError,
) -> (ManifestLine, PdfPage) {
    let placeholder = render::placeholder(number, &config.output);
    let (w, h) = placeholder.pixels.dimensions();
    let mut line = page_line(config, task, number, w, h);
    withhold(&mut line, error);
    let page = if config.dry_run {
        dry_run_page(&placeholder)
    } else {
        render::pdf_page(placeholder, &Masks::from(&line), &config.output)
            .expect("a page painted over whole passes its own check")
    };
    (line, page)
}

/// What stands for a page's output in a dry run: its size only.
fn dry_run_page(page: &Page) -> PdfPage {
    PdfPage {
        jpeg: Vec::new(),
        width: page.pixels.width(),
        height: page.pixels.height(),
        greyscale: page.greyscale,
    }
}

/// A worker's handling of one job.
fn work(config: &RunConfig, detector: &mut dyn Detector, job: Job) -> Outcome {
    match job {
        Job::PdfPage(task, page) => {
            let mut line = analyse(config, detector, &task, &page);
            write_preview(config, &task, &page, &mut line);
            if config.dry_run {
                let pdf_page = dry_run_page(&page);
                return Outcome::PdfPage(task, Box::new(line), pdf_page);
            }
            match render::pdf_page(page, &Masks::from(&line), &config.output) {
                Ok(pdf_page) => Outcome::PdfPage(task, Box::new(line), pdf_page),
                Err(e) => {
                    let number = line.page.unwrap_or(1);
                    let (line, placeholder) = withheld_page(config, &task, number, &e);
                    Outcome::PdfPage(task, Box::new(line), placeholder)
                }
            }
        }
        Job::Image(task) => Outcome::FileDone(process_image(config, detector, &task)),
    }
}

/// Decodes, analyses, renders and writes an image file, one page at a time; returns its
/// manifest lines (one error line when it fails).
fn process_image(
    config: &RunConfig,
    detector: &mut dyn Detector,
    task: &FileTask,
) -> Vec<ManifestLine> {
    let (sha, opened) = open(config, task);
    let mut document = match opened {
        Ok(document) => document,
        Err(e) => return vec![task.failed(sha, &e)],
    };
    let incomplete = document.incompleteness();
    let mut lines: Vec<ManifestLine> = Vec::new();
    let mut pages = (1..=document.page_count()).map(|number| {
        if number > 1 {
            crate::platform::release_freed_memory();
        }
        let page = document.page(number, &config.limits)?;
        let mut line = analyse(config, detector, task, &page);
        write_preview(config, task, &page, &mut line);
        let damage = image_file::damage(&page, task.kind);
        for reason in damage.into_iter().chain(incomplete.clone()) {
            line.status = line.status.max(Status::Review);
            line.review.push(reason);
        }
        let masks = Masks::from(&line);
        lines.push(line);
        Ok((page, masks))
    });
    let written = if config.dry_run {
        pages.try_for_each(|page| page.map(drop)).map(|()| None)
    } else {
        render::image_file(pages, task.kind, &config.output).and_then(|rendered| {
            write::write_atomic(&config.out.join(&task.output), &rendered.bytes)
                .map_err(|e| PageError::Output(e.to_string()))?;
            Ok(Some(rendered.sha256))
        })
    };
    let output_sha = match written {
        Ok(output_sha) => output_sha,
        Err(e) => return vec![task.failed(sha, &e)],
    };
    for line in &mut lines {
        line.source_sha256.clone_from(&sha);
        line.output_sha256.clone_from(&output_sha);
    }
    lines
}

/// Writes the page with its regions outlined to its preview path, when previews are asked for;
/// a preview that cannot be written is a reason to review the page.
fn write_preview(config: &RunConfig, task: &FileTask, page: &Page, line: &mut ManifestLine) {
    if !config.previews || line.withheld {
        return;
    }
    let path = config
        .out
        .join(write::preview::preview_path(&task.output, page.number));
    let written = render::preview(page, &line.regions)
        .map_err(Error::from)
        .and_then(|jpeg| write::write_atomic(&path, &jpeg));
    if let Err(e) = written {
        line.review.push(format!("preview not written: {e}"));
    }
}
