//! The single writer: manifest lines in whole files, PDF assembly from their pages, counts.

use std::collections::HashMap;

use super::plan::FileTask;
use super::workers::ThreadClock;
use super::{Outcome, Progress, RunConfig};
use crate::budget::MemoryBudget;
use crate::error::Result;
use crate::write::manifest::{ManifestLine, ManifestWriter, Status};
use crate::write::pdf::PdfPage;
use crate::write::shard::IntakeNotes;
use crate::write::{self, render};

/// Counts of a finished run, overall and per applicant code.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Totals over the whole run.
    pub total: Counts,
    /// Counts per pseudonymous applicant code, in code order.
    pub per_applicant: Vec<(String, Counts)>,
    /// What the run says about the intake and roster besides the pages.
    pub notes: IntakeNotes,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Where the threads spent time besides working on pages.
    pub threads: ThreadTimes,
}

/// Where a run's threads spent time besides working on pages, in seconds so far: the serial
/// parts (reading, writing) and the waits, added up over the threads that waited.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ThreadTimes {
    /// The reader opening files and rendering PDF pages (it alone calls PDFium), not counting
    /// its waits for a free worker.
    pub reading: f64,
    /// The writer assembling output PDFs and writing the manifest.
    pub writing: f64,
    /// Workers waiting for the reader to give them a page.
    pub waiting_for_reader: f64,
    /// Heavy passes waiting for the memory budget.
    pub waiting_for_memory: f64,
}

impl ThreadTimes {
    /// The times of `clock` and `memory`'s waits so far.
    pub fn of(clock: &ThreadClock, memory: &MemoryBudget) -> ThreadTimes {
        ThreadTimes {
            reading: clock.reading.total().as_secs_f64(),
            writing: clock.taking.total().as_secs_f64(),
            waiting_for_reader: clock.waiting_for_reader.total().as_secs_f64(),
            waiting_for_memory: memory.waited().as_secs_f64(),
        }
    }
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
    fn add_line(&mut self, line: &ManifestLine) {
        if line.page.is_some() {
            self.pages += 1;
            self.masked += usize::from(line.masking_required && line.status != Status::Error);
        }
        self.review += usize::from(line.status == Status::Review);
        self.errors += usize::from(line.status == Status::Error);
    }
}

/// A run's counts as its files are done: in total and per applicant.
#[derive(Default)]
pub(super) struct Tally {
    total: Counts,
    per_applicant: HashMap<String, Counts>,
}

impl Tally {
    /// Adds the lines of one file.
    pub fn add_file(&mut self, lines: &[ManifestLine]) {
        let code = lines
            .first()
            .and_then(|l| l.applicant.clone())
            .unwrap_or_default();
        let counts = self.per_applicant.entry(code).or_default();
        counts.files += 1;
        self.total.files += 1;
        for line in lines {
            counts.add_line(line);
            self.total.add_line(line);
        }
    }

    /// The summary of these counts (applicants in code order).
    pub fn into_summary(self) -> Summary {
        let mut per_applicant: Vec<(String, Counts)> = self.per_applicant.into_iter().collect();
        per_applicant.sort_by(|a, b| a.0.cmp(&b.0));
        Summary {
            total: self.total,
            per_applicant,
            ..Summary::default()
        }
    }
}

/// A PDF being assembled from its pages.
struct PdfAssembly {
    source_sha256: String,
    pages: Vec<Option<(ManifestLine, PdfPage)>>,
    received: usize,
}

/// Takes the workers' outcomes in any order and writes each file's lines once it is complete.
pub(super) struct Writer<'a> {
    config: &'a RunConfig,
    manifest: ManifestWriter,
    pdfs: HashMap<String, PdfAssembly>,
    tally: Tally,
    progress: &'a dyn Progress,
    clock: &'a ThreadClock,
}

impl<'a> Writer<'a> {
    pub fn new(
        config: &'a RunConfig,
        manifest: ManifestWriter,
        progress: &'a dyn Progress,
        clock: &'a ThreadClock,
    ) -> Writer<'a> {
        Writer {
            config,
            manifest,
            pdfs: HashMap::new(),
            tally: Tally::default(),
            progress,
            clock,
        }
    }

    /// Takes one outcome; writes a file's lines when the file is complete.
    pub fn accept(&mut self, outcome: Outcome) -> Result<()> {
        match outcome {
            Outcome::FileDone(lines) => self.file_done(lines),
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
                let source = &task.file.source;
                let Some(assembly) = self.pdfs.get_mut(source) else {
                    unreachable!("the renderer announces a PDF before its pages");
                };
                let slot = line.page.unwrap_or(1) - 1;
                assembly.pages[slot] = Some((*line, page));
                assembly.received += 1;
                if assembly.received == assembly.pages.len() {
                    let assembly = self.pdfs.remove(source).expect("assembly present");
                    let lines = self.write_pdf(&task, assembly)?;
                    self.file_done(lines)?;
                }
                Ok(())
            }
        }
    }

    /// Assembles, checks and writes a PDF; its lines get the hashes (or, when the written PDF
    /// fails its check, the file becomes one error line).
    fn write_pdf(&self, task: &FileTask, assembly: PdfAssembly) -> Result<Vec<ManifestLine>> {
        let (mut lines, pages): (Vec<ManifestLine>, Vec<PdfPage>) =
            assembly.pages.into_iter().flatten().unzip();
        let output_sha = if self.config.dry_run {
            None
        } else {
            let masks: Vec<render::Masks> = lines.iter().map(render::Masks::from).collect();
            match render::assemble_pdf(&pages, &masks, &self.config.output) {
                Ok(rendered) => {
                    write::write_atomic(&self.config.out.join(&task.output), &rendered.bytes)?;
                    Some(rendered.sha256)
                }
                Err(e) => return Ok(vec![task.failed(Some(assembly.source_sha256), &e)]),
            }
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
    pub fn count(&mut self, lines: &[ManifestLine]) {
        self.tally.add_file(lines);
        let pages = lines.iter().filter(|l| l.page.is_some()).count();
        let times = ThreadTimes::of(self.clock, &self.config.memory);
        self.progress.file_done(pages, &times);
    }

    /// Closes the manifest and rewrites it sorted, then returns the counts.
    pub fn finish(self) -> Result<Summary> {
        self.manifest.finish_sorted()?;
        Ok(Summary {
            threads: ThreadTimes::of(self.clock, &self.config.memory),
            ..self.tally.into_summary()
        })
    }
}
