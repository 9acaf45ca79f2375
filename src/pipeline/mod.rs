//! The batch: intake → pages → detect → find → mask → write, in parallel.
//!
//! One thread owns PDFium and renders PDF pages into a bounded channel (PDFium serialises all
//! calls anyway); image files are decoded by the workers. Each worker owns its own detector
//! (ONNX Runtime sessions are used mutably). The calling thread is the only writer: it assembles
//! output PDFs from their pages and appends manifest lines.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::{bounded, unbounded, Sender};
use image::Rgb;

mod resume;

use crate::detect::Detector;
use crate::error::{Error, Result};
use crate::find::{self, FindOptions, Target};
use crate::intake::{FileKind, Folder, InputFile, Intake, Roster};
use crate::models::sha256_bytes;
use crate::pages::{self, Limits, Page};
use crate::write::manifest::{ManifestLine, ManifestRegion, ManifestWriter, Status};
use crate::write::{self, pdf::PdfPage, raster};

/// Everything a run needs to know.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The intake folder (one sub-folder per applicant).
    pub intake: PathBuf,
    /// The output folder.
    pub out: PathBuf,
    /// The roster CSV.
    pub roster: PathBuf,
    /// Resolution PDF pages are rendered at.
    pub dpi: u32,
    /// JPEG quality of outputs (1-100).
    pub jpeg_quality: u8,
    /// Colour of the masks.
    pub mask_color: Rgb<u8>,
    /// Replace the contents of a non-empty output folder.
    pub overwrite: bool,
    /// Continue an interrupted run in the output folder: files it finished (manifest lines
    /// present, source unchanged, output intact) are kept, the rest is done.
    pub resume: bool,
    /// Size limits for pages.
    pub limits: Limits,
    /// What to mask besides name, unit and eyes.
    pub find: FindOptions,
    /// Model identifiers recorded in the manifest.
    pub models: Vec<String>,
    /// Detect and write the manifest only: no output files.
    pub dry_run: bool,
    /// Also write `previews/`: every masked page with its regions outlined, not painted.
    pub previews: bool,
}

/// Counts of a finished run, overall and per applicant code.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Totals over the whole run.
    pub total: Counts,
    /// Counts per pseudonymous applicant code, in code order.
    pub per_applicant: Vec<(String, Counts)>,
    /// Folders of the intake that have no roster row.
    pub folders_without_roster_row: Vec<String>,
    /// Roster rows (line numbers) whose folder is not in the intake.
    pub roster_rows_without_folder: Vec<usize>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Page and file counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Files seen.
    pub files: usize,
    /// Pages processed.
    pub pages: usize,
    /// Pages with at least one mask.
    pub masked: usize,
    /// Pages that need a human look.
    pub review: usize,
    /// Error lines (failed files or pages).
    pub errors: usize,
}

impl Counts {
    fn add(&mut self, line: &ManifestLine) {
        if line.page.is_some() {
            self.pages += 1;
            self.masked += usize::from(line.masking_required && line.status != Status::Error);
        }
        self.review += usize::from(line.status == Status::Review);
        self.errors += usize::from(line.status == Status::Error);
    }
}

/// What the run reports as it goes.
pub trait Progress: Sync {
    /// Called once the intake is known.
    fn start(&self, files: usize);
    /// Called whenever a file is finished, with the pages it had.
    fn file_done(&self, pages: usize);
}

/// Progress that reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: usize) {}
    fn file_done(&self, _: usize) {}
}

/// One file to process, with what the workers need to know about its applicant.
#[derive(Clone)]
struct FileTask {
    file: InputFile,
    kind: FileKind,
    applicant_code: String,
    target: Option<Arc<Target>>,
    output: String,
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
    /// A whole file failed.
    FileFailed(ManifestLine),
    /// An image file is done (its output written).
    ImageDone(Vec<ManifestLine>),
    /// A PDF was opened: expect this many pages.
    PdfOpened(Arc<FileTask>, usize, String),
    /// One page of a PDF.
    PdfPage(Arc<FileTask>, ManifestLine, PdfPage),
}

/// Runs the whole batch of an intake and its roster with one detector per worker.
pub fn run(
    config: &RunConfig,
    detectors: Vec<Box<dyn Detector>>,
    progress: &dyn Progress,
) -> Result<Summary> {
    check_folders(config)?;
    let roster = Roster::from_path(&config.roster)?;
    let intake = Intake::scan(&config.intake, &roster)?;
    std::fs::create_dir_all(&config.out).map_err(|e| Error::io(&config.out, e))?;
    write_key(config, &intake)?;
    process(config, &intake, detectors, progress)
}

/// Processes every file of an intake already scanned into `config.out` (manifest, outputs and
/// previews; no key) with one detector per worker.
pub fn process(
    config: &RunConfig,
    intake: &Intake,
    detectors: Vec<Box<dyn Detector>>,
    progress: &dyn Progress,
) -> Result<Summary> {
    let started = Instant::now();
    progress.start(intake.file_count());

    let (mut tasks, early) = plan(intake);
    let workers = detectors.len().max(1);
    let (job_tx, job_rx) = bounded::<Job>(workers * 2);
    let (out_tx, out_rx) = unbounded::<Outcome>();
    for line in early {
        out_tx.send(Outcome::FileFailed(line)).ok();
    }
    let manifest_path = config.out.join("manifest.jsonl");
    let mut writer = if config.resume {
        let finished = resume_from(config, &mut tasks)?;
        let mut writer = Writer::new(config, ManifestWriter::append(&manifest_path)?, progress);
        for lines in finished {
            writer.count(&lines);
        }
        writer
    } else {
        Writer::new(config, ManifestWriter::create(&manifest_path)?, progress)
    };

    let result = std::thread::scope(|scope| -> Result<()> {
        let renderer_out = out_tx.clone();
        let renderer_jobs = job_tx.clone();
        scope.spawn(move || render_and_dispatch(config, tasks, renderer_jobs, renderer_out));
        drop(job_tx);
        for mut detector in detectors {
            let jobs = job_rx.clone();
            let results = out_tx.clone();
            scope.spawn(move || {
                for job in jobs {
                    let outcome = work(config, detector.as_mut(), job);
                    if results.send(outcome).is_err() {
                        break;
                    }
                }
            });
        }
        drop(out_tx);
        drop(job_rx);
        for outcome in out_rx {
            writer.accept(outcome)?;
        }
        Ok(())
    });
    result?;
    writer.finish();
    write::manifest::sort_in_place(&manifest_path)?;

    let mut summary = writer.summary;
    summary.folders_without_roster_row = intake
        .folders
        .iter()
        .filter(|f| f.applicant.is_none())
        .map(|f| f.code.clone())
        .collect();
    summary.roster_rows_without_folder = intake.missing_folders.iter().map(|a| a.line).collect();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Refuses an output folder inside the intake (or the reverse), and a non-empty one without
/// `overwrite`.
fn check_folders(config: &RunConfig) -> Result<()> {
    let intake = config
        .intake
        .canonicalize()
        .map_err(|e| Error::io(&config.intake, e))?;
    if !intake.is_dir() {
        return Err(Error::Usage(format!(
            "intake {} is not a folder",
            config.intake.display()
        )));
    }
    ensure_apart(std::slice::from_ref(&intake), &config.out)?;
    let non_empty = std::fs::read_dir(&config.out)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if non_empty && !config.resume {
        if !config.overwrite {
            return Err(Error::Usage(format!(
                "output folder {} is not empty (use --resume to continue the run in it, \
                 --overwrite to replace its contents)",
                config.out.display()
            )));
        }
        clear_results(&config.out)?;
    }
    Ok(())
}

/// Prepares an interrupted run's output folder to be continued: drops the tasks of the files it
/// finished, leaves only their lines in the manifest and returns them, file by file.
fn resume_from(config: &RunConfig, tasks: &mut Vec<FileTask>) -> Result<Vec<Vec<ManifestLine>>> {
    resume::remove_temporary_files(&config.out);
    let sources: HashMap<&str, &Path> = tasks
        .iter()
        .map(|t| (t.file.source.as_str(), t.file.path.as_path()))
        .collect();
    let finished = resume::finished(&config.out, &sources, config.dry_run)?;
    drop(sources);
    tasks.retain(|t| !finished.contains_key(&t.file.source));
    let finished: Vec<Vec<ManifestLine>> = finished.into_values().collect();
    let text = write::manifest::to_text(&finished.concat())?;
    write::write_atomic(&config.out.join("manifest.jsonl"), text.as_bytes())?;
    Ok(finished)
}

/// Refuses an output folder inside one of the inputs, or holding one.
pub fn ensure_apart(inputs: &[PathBuf], out: &Path) -> Result<()> {
    let out = absolute(out);
    for input in inputs {
        let input = absolute(input);
        if out.starts_with(&input) || input.starts_with(&out) {
            return Err(Error::Usage(format!(
                "the output folder {} must not be inside {}, nor contain it",
                out.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Removes what an earlier run wrote into `out` (and nothing else).
pub fn clear_results(out: &Path) -> Result<()> {
    for name in ["files", "previews", "manifest.jsonl", "key.csv"] {
        let path = out.join(name);
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        if let Err(e) = removed {
            if e.kind() != std::io::ErrorKind::NotFound {
                return Err(Error::io(path, e));
            }
        }
    }
    Ok(())
}

/// The absolute form of a path that may not exist yet (its existing ancestor canonicalized).
fn absolute(path: &Path) -> PathBuf {
    let mut missing = Vec::new();
    let mut current = path.to_path_buf();
    loop {
        if let Ok(real) = current.canonicalize() {
            return missing.into_iter().rev().fold(real, |p, part| p.join(part));
        }
        match (
            current.file_name().map(|n| n.to_os_string()),
            current.parent(),
        ) {
            (Some(name), Some(parent)) => {
                missing.push(name);
                current = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// The folder → applicant key, kept beside (not inside) the reviewer-bound `files/` tree.
fn write_key(config: &RunConfig, intake: &Intake) -> Result<()> {
    let mut key = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Encode {
        what: "key.csv",
        detail: e.to_string(),
    };
    key.write_record(["code", "folder", "name", "unit", "roster_line"])
        .map_err(fail)?;
    for folder in &intake.folders {
        let (name, unit, line) = match &folder.applicant {
            Some(a) => (a.name.as_str(), a.unit.as_str(), a.line.to_string()),
            None => ("", "", String::new()),
        };
        key.write_record([
            folder.code.as_str(),
            folder.name.as_str(),
            name,
            unit,
            line.as_str(),
        ])
        .map_err(fail)?;
    }
    let bytes = key.into_inner().map_err(|e| Error::Encode {
        what: "key.csv",
        detail: e.to_string(),
    })?;
    write::write_atomic(&config.out.join("key.csv"), &bytes)
}

/// Splits the intake into file tasks and the error lines of files that cannot be processed.
fn plan(intake: &Intake) -> (Vec<FileTask>, Vec<ManifestLine>) {
    let mut tasks = Vec::new();
    let mut errors = Vec::new();
    for file in &intake.loose_files {
        errors.push(error_line(file, None));
    }
    for folder in &intake.folders {
        let target = folder
            .applicant
            .as_ref()
            .map(|a| Arc::new(Target::for_applicant(a)));
        for (index, file) in folder.files.iter().enumerate() {
            match file.kind {
                Ok(kind) => tasks.push(FileTask {
                    file: file.clone(),
                    kind,
                    applicant_code: folder.code.clone(),
                    target: target.clone(),
                    output: output_path(folder, index, kind),
                }),
                Err(_) => errors.push(error_line(file, Some(&folder.code))),
            }
        }
    }
    (tasks, errors)
}

/// `files/<code>/<NNN>.<ext>`: nothing of the original name survives.
fn output_path(folder: &Folder, index: usize, kind: FileKind) -> String {
    format!(
        "files/{}/{:03}.{}",
        folder.code,
        index + 1,
        raster::output_extension(kind)
    )
}

fn error_line(file: &InputFile, code: Option<&str>) -> ManifestLine {
    let message = file.kind.as_ref().err().cloned().unwrap_or_default();
    let sha = std::fs::read(&file.path).ok().map(|b| sha256_bytes(&b));
    ManifestLine::file_error(&file.source, code, sha, message)
}

/// The renderer thread: opens PDFs with PDFium and renders their pages in order; image files are
/// passed to the workers as they are.
fn render_and_dispatch(
    config: &RunConfig,
    tasks: Vec<FileTask>,
    jobs: Sender<Job>,
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
        let bytes = match std::fs::read(&task.file.path) {
            Ok(b) => b,
            Err(e) => {
                results
                    .send(Outcome::FileFailed(file_failed(
                        &task,
                        None,
                        format!("cannot read: {e}"),
                    )))
                    .ok();
                continue;
            }
        };
        let sha = sha256_bytes(&bytes);
        let pdfium = match crate::runtime::pdfium() {
            Ok(p) => p,
            Err(e) => {
                results
                    .send(Outcome::FileFailed(file_failed(
                        &task,
                        Some(sha),
                        e.to_string(),
                    )))
                    .ok();
                continue;
            }
        };
        let pdf = match pages::pdf::PdfFile::open(pdfium, bytes, &config.limits) {
            Ok(pdf) => pdf,
            Err(message) => {
                results
                    .send(Outcome::FileFailed(file_failed(&task, Some(sha), message)))
                    .ok();
                continue;
            }
        };
        let count = pdf.page_count();
        results
            .send(Outcome::PdfOpened(task.clone(), count, sha))
            .ok();
        for number in 1..=count {
            match pdf.render(number, config.dpi as f32, &config.limits) {
                Ok(page) => {
                    if jobs.send(Job::PdfPage(task.clone(), page)).is_err() {
                        return;
                    }
                }
                Err(message) => {
                    let (line, page) = failed_page(config, &task, number, message);
                    results
                        .send(Outcome::PdfPage(task.clone(), line, page))
                        .ok();
                }
            }
        }
    }
}

fn file_failed(task: &FileTask, sha: Option<String>, message: String) -> ManifestLine {
    ManifestLine::file_error(&task.file.source, Some(&task.applicant_code), sha, message)
}

/// A page that could not be rendered: an error line, and a black placeholder page in the
/// output PDF so that page numbers stay aligned.
fn failed_page(
    config: &RunConfig,
    task: &FileTask,
    number: usize,
    message: String,
) -> (ManifestLine, PdfPage) {
    let (w, h) = (config.dpi * 827 / 100, config.dpi * 1169 / 100);
    let placeholder = Page {
        number,
        pixels: image::RgbImage::from_pixel(w, h, config.mask_color),
        greyscale: false,
    };
    let jpeg = raster::encode_jpeg(&placeholder, config.jpeg_quality).unwrap_or_default();
    let mut line = page_line(config, task, number, w, h);
    line.status = Status::Error;
    line.masking_required = true;
    line.error = Some(message);
    (
        line,
        PdfPage {
            jpeg,
            width: w,
            height: h,
            greyscale: false,
        },
    )
}

fn page_line(
    config: &RunConfig,
    task: &FileTask,
    number: usize,
    width: u32,
    height: u32,
) -> ManifestLine {
    ManifestLine {
        source: task.file.source.clone(),
        page: Some(number),
        output: (!config.dry_run).then(|| task.output.clone()),
        width: Some(width),
        height: Some(height),
        masking_required: false,
        status: Status::Ok,
        regions: Vec::new(),
        error: None,
        review: Vec::new(),
        applicant: Some(task.applicant_code.clone()),
        dpi: task.kind.is_pdf().then_some(config.dpi),
        source_sha256: None,
        output_sha256: None,
        seconds: 0.0,
        tool: crate::VERSION.to_string(),
        models: config.models.clone(),
    }
}

/// A worker's handling of one job.
fn work(config: &RunConfig, detector: &mut dyn Detector, job: Job) -> Outcome {
    match job {
        Job::PdfPage(task, mut page) => {
            let line = analyse_and_mask(config, detector, &task, &mut page);
            let encoded = if config.dry_run {
                Ok(Vec::new())
            } else {
                raster::encode_jpeg(&page, config.jpeg_quality)
            };
            let pdf_page = match encoded {
                Ok(jpeg) => PdfPage {
                    jpeg,
                    width: page.pixels.width(),
                    height: page.pixels.height(),
                    greyscale: page.greyscale,
                },
                Err(e) => {
                    let (line, placeholder) =
                        failed_page(config, &task, page.number, e.to_string());
                    return Outcome::PdfPage(task, line, placeholder);
                }
            };
            Outcome::PdfPage(task, line, pdf_page)
        }
        Job::Image(task) => match process_image(config, detector, &task) {
            Ok(lines) => Outcome::ImageDone(lines),
            Err((sha, message)) => Outcome::FileFailed(file_failed(&task, sha, message)),
        },
    }
}

/// Decodes, masks and writes an image file; returns its manifest lines.
fn process_image(
    config: &RunConfig,
    detector: &mut dyn Detector,
    task: &FileTask,
) -> std::result::Result<Vec<ManifestLine>, (Option<String>, String)> {
    let bytes = std::fs::read(&task.file.path).map_err(|e| (None, format!("cannot read: {e}")))?;
    let sha = sha256_bytes(&bytes);
    let mut pages = pages::image_file::decode(&bytes, task.kind, &config.limits)
        .map_err(|m| (Some(sha.clone()), m))?;
    let mut lines: Vec<ManifestLine> = pages
        .iter_mut()
        .map(|page| analyse_and_mask(config, detector, task, page))
        .collect();
    let output_sha = if config.dry_run {
        None
    } else {
        let encoded = raster::encode(&pages, task.kind, config.jpeg_quality)
            .map_err(|e| (Some(sha.clone()), e.to_string()))?;
        write::write_atomic(&config.out.join(&task.output), &encoded)
            .map_err(|e| (Some(sha.clone()), e.to_string()))?;
        Some(sha256_bytes(&encoded))
    };
    let incomplete = pages::image_file::incompleteness(&bytes, task.kind);
    for line in &mut lines {
        if let Some(reason) = &incomplete {
            line.status = line.status.max(Status::Review);
            line.review.push(reason.clone());
        }
        line.source_sha256 = Some(sha.clone());
        line.output_sha256.clone_from(&output_sha);
    }
    Ok(lines)
}

/// Detects, finds and paints the masks of one page; returns its manifest line (without hashes).
fn analyse_and_mask(
    config: &RunConfig,
    detector: &mut dyn Detector,
    task: &FileTask,
    page: &mut Page,
) -> ManifestLine {
    let started = Instant::now();
    let (w, h) = page.pixels.dimensions();
    let mut line = page_line(config, task, page.number, w, h);
    match detector.detect(&page.pixels) {
        Ok(detections) => {
            let findings = find::find(
                &page.pixels,
                &detections,
                task.target.as_deref(),
                &config.find,
            );
            line.regions = findings
                .regions
                .iter()
                .map(|r| ManifestRegion::from_region(r, w, h))
                .collect();
            if config.previews {
                if let Err(e) = write_preview(config, task, page, &line.regions) {
                    line.review.push(format!("preview not written: {e}"));
                }
            }
            crate::mask::paint(&mut page.pixels, &findings.regions, config.mask_color);
            line.masking_required = !line.regions.is_empty();
            if !findings.review.is_empty() {
                line.status = Status::Review;
                line.review.extend(findings.review);
            }
        }
        Err(e) => {
            // Fail closed: the page is withheld (painted over) and flagged.
            let all = find::Region {
                kind: find::Kind::Name,
                evidence: find::Evidence::Pattern,
                rect: crate::geometry::Rect::new(0.0, 0.0, w as f32, h as f32),
            };
            crate::mask::paint(&mut page.pixels, &[all], config.mask_color);
            line.status = Status::Error;
            line.masking_required = true;
            line.error = Some(format!("analysis failed, page withheld: {e}"));
        }
    }
    line.seconds = started.elapsed().as_secs_f64();
    line
}

/// Writes the page with its regions outlined (before they are painted) to its preview path.
fn write_preview(
    config: &RunConfig,
    task: &FileTask,
    page: &Page,
    regions: &[ManifestRegion],
) -> Result<()> {
    let mut preview = Page {
        number: page.number,
        pixels: page.pixels.clone(),
        greyscale: false,
    };
    write::preview::outline(&mut preview.pixels, regions, 1.0, true);
    let jpeg = raster::encode_jpeg(&preview, PREVIEW_QUALITY)?;
    let path = write::preview::preview_path(&task.output, page.number);
    write::write_atomic(&config.out.join(path), &jpeg)
}

/// JPEG quality of previews: enough to read the page and the tags.
const PREVIEW_QUALITY: u8 = 80;

/// A PDF being assembled from its pages.
struct PdfAssembly {
    source_sha256: String,
    pages: Vec<Option<(ManifestLine, PdfPage)>>,
    received: usize,
}

/// The single writer: manifest lines, PDF assembly and counts.
struct Writer<'a> {
    config: &'a RunConfig,
    manifest: ManifestWriter,
    pdfs: HashMap<String, PdfAssembly>,
    summary: Summary,
    per_applicant: HashMap<String, Counts>,
    progress: &'a dyn Progress,
}

impl<'a> Writer<'a> {
    fn new(
        config: &'a RunConfig,
        manifest: ManifestWriter,
        progress: &'a dyn Progress,
    ) -> Writer<'a> {
        Writer {
            config,
            manifest,
            pdfs: HashMap::new(),
            summary: Summary::default(),
            per_applicant: HashMap::new(),
            progress,
        }
    }

    fn accept(&mut self, outcome: Outcome) -> Result<()> {
        match outcome {
            Outcome::FileFailed(line) => self.file_done(vec![line]),
            Outcome::ImageDone(lines) => self.file_done(lines),
            Outcome::PdfOpened(task, count, sha) => {
                self.pdfs.insert(
                    task.file.source.clone(),
                    PdfAssembly {
                        source_sha256: sha,
                        pages: vec![None; count],
                        received: 0,
                    },
                );
                Ok(())
            }
            Outcome::PdfPage(task, line, page) => {
                let source = task.file.source.clone();
                let assembly = self
                    .pdfs
                    .get_mut(&source)
                    .ok_or_else(|| Error::Input(format!("{source}: page before open")))?;
                let slot = line.page.unwrap_or(1) - 1;
                assembly.pages[slot] = Some((line, page));
                assembly.received += 1;
                if assembly.received == assembly.pages.len() {
                    let assembly = self.pdfs.remove(&source).expect("assembly present");
                    let lines = self.write_pdf(&task, assembly)?;
                    self.file_done(lines)?;
                }
                Ok(())
            }
        }
    }

    fn write_pdf(&self, task: &FileTask, assembly: PdfAssembly) -> Result<Vec<ManifestLine>> {
        let (mut lines, pages): (Vec<ManifestLine>, Vec<PdfPage>) =
            assembly.pages.into_iter().flatten().unzip();
        let output_sha = if self.config.dry_run {
            None
        } else {
            let bytes = write::pdf::build(&pages, self.config.dpi as f32)?;
            write::write_atomic(&self.config.out.join(&task.output), &bytes)?;
            Some(sha256_bytes(&bytes))
        };
        for line in &mut lines {
            line.source_sha256 = Some(assembly.source_sha256.clone());
            line.output_sha256.clone_from(&output_sha);
        }
        Ok(lines)
    }

    fn file_done(&mut self, lines: Vec<ManifestLine>) -> Result<()> {
        self.manifest.write(&lines)?;
        self.count(&lines);
        Ok(())
    }

    /// Adds a finished file's lines to the counts and the progress.
    fn count(&mut self, lines: &[ManifestLine]) {
        let code = lines
            .first()
            .and_then(|l| l.applicant.clone())
            .unwrap_or_default();
        let counts = self.per_applicant.entry(code).or_default();
        counts.files += 1;
        self.summary.total.files += 1;
        for line in lines {
            counts.add(line);
            self.summary.total.add(line);
        }
        self.progress
            .file_done(lines.iter().filter(|l| l.page.is_some()).count());
    }

    fn finish(&mut self) {
        let mut per: Vec<(String, Counts)> = self.per_applicant.drain().collect();
        per.sort_by(|a, b| a.0.cmp(&b.0));
        self.summary.per_applicant = per;
    }
}
