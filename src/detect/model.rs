//! The real detector: PP-OCR text detection and recognition, RetinaFace, and the seal search
//! (with PP-OCR's seal text detection), with the text layer of a vector PDF page read instead of
//! its pixels where it can be trusted.

use std::time::{Duration, Instant};

use image::RgbImage;

use std::sync::Arc;

use super::orientation::{Orientation, OrientationClassifier};
use super::types::{Deadline, Detections, Detector};
use super::{face, layer, ocr, seals};
use crate::budget::MemoryBudget;
use crate::error::Result;
use crate::geometry::{Quad, Turn};
use crate::pages::Page;

/// The real detector: PP-OCR text detection and recognition, and RetinaFace.
pub struct ModelDetector {
    ocr: ocr::Ocr,
    faces: face::FaceDetector,
    orientation: OrientationClassifier,
    seal_text: seals::SealTextDetector,
    time_limit: Option<Duration>,
    times: StageTimes,
}

/// The time a detector has spent in each stage, over all the pages it read.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    /// Recognizing sample lines of text layers, to check them.
    pub layer_check: Duration,
    /// Text detection.
    pub text_detection: Duration,
    /// Text recognition (with the orientation check).
    pub text_recognition: Duration,
    /// Face search and confirmation.
    pub faces: Duration,
    /// Seal search and ring reading.
    pub seals: Duration,
    /// Page orientation.
    pub orientation: Duration,
}

impl StageTimes {
    /// Both detectors' times together.
    pub fn add(&mut self, other: &StageTimes) {
        self.layer_check += other.layer_check;
        self.text_detection += other.text_detection;
        self.text_recognition += other.text_recognition;
        self.faces += other.faces;
        self.seals += other.seals;
        self.orientation += other.orientation;
    }
}

/// Runs `f`, adding the time it took to `total`.
fn timed<T>(total: &mut Duration, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = f();
    *total += started.elapsed();
    result
}

/// The threads each worker's model sessions use: the machine's cores shared out between the
/// workers, at least one. With as many workers as cores (the default) every session runs on one
/// thread and the workers keep the cores busy with pages; with fewer workers each session gets
/// the cores left over. The sessions' threads sleep when idle instead of spinning
/// (`crate::detect::onnx`), so sharing costs no CPU.
pub fn threads_per_worker(workers: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores / workers.max(1)).max(1)
}

impl ModelDetector {
    /// Loads the models of `models` into sessions using `threads` threads each; the heavy
    /// passes reserve their memory from `budget`.
    pub fn new(
        models: &crate::models::Models,
        threads: usize,
        budget: Arc<MemoryBudget>,
    ) -> Result<ModelDetector> {
        Ok(ModelDetector {
            ocr: ocr::Ocr::new(models, threads, budget)?,
            faces: face::FaceDetector::new(&models.face, threads)?,
            orientation: OrientationClassifier::new(&models.orientation, threads)?,
            seal_text: seals::SealTextDetector::new(&models.seal_text, threads)?,
            time_limit: None,
            times: StageTimes::default(),
        })
    }

    /// One detector per worker, each with [`threads_per_worker`] threads, reserving from
    /// `budget` and giving up on a page after `time_limit`.
    pub fn pool(
        models: &crate::models::Models,
        workers: usize,
        time_limit: Option<Duration>,
        budget: &Arc<MemoryBudget>,
    ) -> Result<Vec<Box<dyn Detector>>> {
        let threads_each = threads_per_worker(workers);
        (0..workers.max(1))
            .map(|_| {
                ModelDetector::new(models, threads_each, budget.clone())
                    .map(|d| Box::new(d.with_time_limit(time_limit)) as Box<dyn Detector>)
            })
            .collect()
    }

    /// Gives up on a page (with [`Error::TimeLimit`]) once its detection has taken `limit`;
    /// checked between stages, recognition batches and seals.
    pub fn with_time_limit(mut self, limit: Option<Duration>) -> ModelDetector {
        self.time_limit = limit;
        self
    }

    /// The time spent in each stage so far.
    pub fn times(&self) -> StageTimes {
        self.times
    }
}

impl ModelDetector {
    /// A page read upright whatever way it was scanned or photographed (the detections are on
    /// the upright page and say how it was turned). A page the classifier is unsure of is read as
    /// it is and turned the likeliest other way, and the reading with more recognised text is
    /// kept.
    fn read_upright(&mut self, page: &RgbImage, deadline: Deadline) -> Result<Detections> {
        let side = page.width().min(page.height());
        let orientation = timed(&mut self.times.orientation, || {
            self.orientation.classify(page)
        })?;
        let mut turned = |turn: Turn| -> Result<Detections> {
            if turn == Turn::None {
                return self.read(page, side, deadline);
            }
            let detections = self.read(&turn.upright(page), side, deadline)?;
            Ok(Detections { turn, ..detections })
        };
        match orientation {
            Orientation::Sure(turn) => turned(turn),
            Orientation::Unsure(turn) => {
                let as_it_is = turned(Turn::None)?;
                let other = turned(turn)?;
                Ok(if text_read(&other) > text_read(&as_it_is) {
                    other
                } else {
                    as_it_is
                })
            }
        }
    }

    /// Every model on `image`, cut from a page whose shorter side is `page_side` pixels: text
    /// lines, faces, seals.
    fn read(&mut self, image: &RgbImage, page_side: u32, deadline: Deadline) -> Result<Detections> {
        let (ocr, times) = (&mut self.ocr, &mut self.times);
        let boxes = timed(&mut times.text_detection, || ocr.detect(image))?;
        let lines = timed(&mut times.text_recognition, || {
            ocr.read_boxes(image, &boxes)
        })?;
        deadline.check()?;
        let faces = timed(&mut times.faces, || self.faces.detect(image))?;
        deadline.check()?;
        let seal_text = &mut self.seal_text;
        let seals = timed(&mut times.seals, || {
            seals::locate(image, page_side, seal_text, ocr)
        })?;
        deadline.check()?;
        let under = timed(&mut times.seals, || {
            seals::lines_under(image, &seals, &lines, ocr)
        })?;
        Ok(Detections {
            lines: lines.into_iter().chain(under).collect(),
            faces,
            seals,
            turn: Turn::None,
        })
    }

    /// A page read from its text layer, each line confirmed by what OCR reads in its box; the
    /// models read the layer's areas (pictures, unconfirmed lines) and nothing else. `None` when
    /// too much is left to the models and the whole page must be read.
    fn read_layered(
        &mut self,
        page: &RgbImage,
        layered: layer::Layered,
        deadline: Deadline,
    ) -> Result<Option<Detections>> {
        let quads: Vec<Quad> = layered.lines.iter().map(|line| line.quad).collect();
        let (ocr, times) = (&mut self.ocr, &mut self.times);
        let read: Vec<String> = timed(&mut times.layer_check, || ocr.recognize(page, &quads))?
            .iter()
            .map(|chars| chars.iter().map(|c| c.ch).collect())
            .collect();
        let layer::Reading::Layered(layered) = layer::confirm(layered, &read, page.dimensions())
        else {
            return Ok(None);
        };
        let mut detections = Detections {
            lines: layered.lines,
            ..Detections::default()
        };
        for area in &layered.areas {
            deadline.check()?;
            let [x0, y0, x1, y1] = area.to_pixels(page.width(), page.height());
            if x1 <= x0 || y1 <= y0 {
                continue;
            }
            let crop = image::imageops::crop_imm(page, x0, y0, x1 - x0, y1 - y0).to_image();
            let found = self.read(&crop, page.width().min(page.height()), deadline)?;
            detections.extend(found.moved(x0 as f32, y0 as f32));
        }
        Ok(Some(detections))
    }
}

impl Detector for ModelDetector {
    fn detect(&mut self, page: &RgbImage) -> Result<Detections> {
        let deadline = Deadline::after(self.time_limit);
        self.ocr.set_deadline(deadline);
        self.read_upright(page, deadline)
    }

    fn detect_page(&mut self, page: &Page) -> Result<Detections> {
        let Some(text) = &page.text else {
            return self.detect(&page.pixels);
        };
        let deadline = Deadline::after(self.time_limit);
        self.ocr.set_deadline(deadline);
        if let layer::Reading::Layered(layered) = layer::plan(&page.pixels, text) {
            if let Some(detections) = self.read_layered(&page.pixels, layered, deadline)? {
                return Ok(detections);
            }
        }
        self.read_upright(&page.pixels, deadline)
    }
}

/// How much text a reading holds: its recognised characters, each weighted by its confidence.
fn text_read(detections: &Detections) -> f32 {
    detections
        .lines
        .iter()
        .flat_map(|line| &line.glyphs)
        .map(|glyph| glyph.confidence)
        .sum()
}
