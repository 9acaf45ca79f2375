//! Detection: text lines with per-character boxes (OCR) and faces with eye landmarks.
//!
//! Inference sits behind the [`Detector`] trait so that the later stages and their tests can
//! run on a fake detector as well as on the real models.

pub mod face;
pub mod layer;
pub mod ocr;
pub mod scripted;
pub mod seals;

use image::RgbImage;

use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::geometry::{Point, Quad, Rect};
use crate::pages::Page;

/// One recognized character and where it is on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// The character.
    pub ch: char,
    /// Its box along the line, in page pixels.
    pub quad: Quad,
    /// Recognizer confidence, 0..1.
    pub confidence: f32,
}

/// A line of text found on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// The line's box in reading order, in page pixels.
    pub quad: Quad,
    /// The recognized characters, in reading order.
    pub glyphs: Vec<Glyph>,
    /// Mean recognizer confidence of the line, 0..1.
    pub confidence: f32,
}

impl TextLine {
    /// The recognized text.
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.ch).collect()
    }

    /// The axis-aligned box of the whole line.
    pub fn bbox(&self) -> Rect {
        Rect::around(&self.quad)
    }

    /// The height of the line (across the reading direction).
    pub fn height(&self) -> f32 {
        crate::geometry::distance(self.quad[0], self.quad[3])
    }

    /// Whether the recognizer could not read the line with confidence.
    pub fn is_unreadable(&self) -> bool {
        self.glyphs.is_empty() || self.confidence < ocr::MIN_LINE_CONFIDENCE
    }
}

/// A face and its five landmarks.
#[derive(Debug, Clone, PartialEq)]
pub struct Face {
    /// The face box, in page pixels.
    pub bbox: Rect,
    /// Detector confidence, 0..1.
    pub score: f32,
    /// Left eye, right eye (as seen in the image), nose, left and right mouth corner.
    pub landmarks: [Point; 5],
}

/// Everything detected on one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Detections {
    /// Text lines, in no particular order.
    pub lines: Vec<TextLine>,
    /// Faces.
    pub faces: Vec<Face>,
    /// Round seals and their ring text.
    pub seals: Vec<seals::Seal>,
}

impl Detections {
    /// The same detections moved by `dx`, `dy` pixels (from a crop to its page).
    fn moved(mut self, dx: f32, dy: f32) -> Detections {
        let point = |p: &mut Point| *p = [p[0] + dx, p[1] + dy];
        let rect = |r: &mut Rect| *r = Rect::new(r.x0 + dx, r.y0 + dy, r.x1 + dx, r.y1 + dy);
        for line in &mut self.lines {
            line.quad.iter_mut().for_each(point);
            for glyph in &mut line.glyphs {
                glyph.quad.iter_mut().for_each(point);
            }
        }
        for face in &mut self.faces {
            rect(&mut face.bbox);
            face.landmarks.iter_mut().for_each(point);
        }
        for seal in &mut self.seals {
            rect(&mut seal.rect);
        }
        self
    }

    /// Adds what was detected elsewhere on the same page.
    fn extend(&mut self, other: Detections) {
        self.lines.extend(other.lines);
        self.faces.extend(other.faces);
        self.seals.extend(other.seals);
    }
}

/// Something that finds text and faces on a page image.
pub trait Detector: Send {
    /// Detects text lines and faces on `page`.
    fn detect(&mut self, page: &RgbImage) -> Result<Detections>;

    /// Detects on a page that may carry its PDF text layer; a detector that cannot use the
    /// layer reads the pixels alone.
    fn detect_page(&mut self, page: &Page) -> Result<Detections> {
        self.detect(&page.pixels)
    }
}

/// The real detector: PP-OCR text detection and recognition, and RetinaFace.
pub struct ModelDetector {
    ocr: ocr::Ocr,
    faces: face::FaceDetector,
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
}

impl StageTimes {
    /// Both detectors' times together.
    pub fn add(&mut self, other: &StageTimes) {
        self.layer_check += other.layer_check;
        self.text_detection += other.text_detection;
        self.text_recognition += other.text_recognition;
        self.faces += other.faces;
        self.seals += other.seals;
    }
}

/// Runs `f`, adding the time it took to `total`.
fn timed<T>(total: &mut Duration, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = f();
    *total += started.elapsed();
    result
}

impl ModelDetector {
    /// Loads the models of `models` into sessions using `threads` threads each.
    pub fn new(models: &crate::models::Models, threads: usize) -> Result<ModelDetector> {
        Ok(ModelDetector {
            ocr: ocr::Ocr::new(models, threads)?,
            faces: face::FaceDetector::new(&models.face, threads)?,
            time_limit: None,
            times: StageTimes::default(),
        })
    }

    /// One detector per worker, the machine's cores shared out between them, each giving up on
    /// a page after `time_limit`.
    pub fn pool(
        models: &crate::models::Models,
        workers: usize,
        time_limit: Option<Duration>,
    ) -> Result<Vec<Box<dyn Detector>>> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads_each = (cores / workers.max(1)).max(1);
        (0..workers.max(1))
            .map(|_| {
                ModelDetector::new(models, threads_each)
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
        let seals = timed(&mut times.seals, || seals::find(image, page_side, ocr))?;
        deadline.check()?;
        let under = timed(&mut times.seals, || {
            seals::lines_under(image, &seals, &lines, ocr)
        })?;
        Ok(Detections {
            lines: lines.into_iter().chain(under).collect(),
            faces,
            seals,
        })
    }

    /// A page read from its text layer where the layer agrees with what OCR reads in a sample
    /// of its lines; the models read the layer's areas (pictures) and nothing else. `None` when
    /// the layer disagrees and the whole page must be read.
    fn read_layered(
        &mut self,
        page: &RgbImage,
        layered: layer::Layered,
        deadline: Deadline,
    ) -> Result<Option<Detections>> {
        let quads: Vec<Quad> = layered
            .samples
            .iter()
            .map(|&(i, _)| layered.lines[i].quad)
            .collect();
        let (ocr, times) = (&mut self.ocr, &mut self.times);
        let read: Vec<String> = timed(&mut times.layer_check, || ocr.recognize(page, &quads))?
            .iter()
            .map(|chars| chars.iter().map(|c| c.ch).collect())
            .collect();
        if !layer::agrees(&layered, &read) {
            return Ok(None);
        }
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
        self.read(page, page.width().min(page.height()), deadline)
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
        let (w, h) = page.pixels.dimensions();
        self.read(&page.pixels, w.min(h), deadline)
    }
}

/// The moment a page's detection must stop by, if any.
#[derive(Debug, Clone, Copy, Default)]
pub struct Deadline {
    at: Option<(Instant, Duration)>,
}

impl Deadline {
    /// `limit` from now (no deadline without a limit).
    pub fn after(limit: Option<Duration>) -> Deadline {
        Deadline {
            at: limit.map(|limit| (Instant::now() + limit, limit)),
        }
    }

    /// An error once the deadline has passed.
    pub fn check(&self) -> Result<()> {
        match self.at {
            Some((at, limit)) if Instant::now() >= at => Err(Error::TimeLimit {
                seconds: limit.as_secs_f64(),
            }),
            _ => Ok(()),
        }
    }
}

/// A page as a model input: BGR channel order, NCHW, each channel value passed through `scale`
/// (the models differ only in how they normalize).
pub(crate) fn bgr_tensor(
    image: &RgbImage,
    scale: impl Fn(usize, f32) -> f32,
) -> ndarray::Array4<f32> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut input = ndarray::Array4::<f32>::zeros((1, 3, h, w));
    for (x, y, p) in image.enumerate_pixels() {
        for (c, channel) in [2usize, 1, 0].into_iter().enumerate() {
            input[[0, c, y as usize, x as usize]] = scale(c, f32::from(p.0[channel]));
        }
    }
    input
}

/// Creates an ONNX Runtime session for a model file.
pub(crate) fn session(path: &std::path::Path, threads: usize) -> Result<ort::session::Session> {
    let environment = crate::runtime::ort_environment()?;
    let model_error =
        |e: ort::Error<ort::session::builder::SessionBuilder>| crate::error::Error::Model {
            name: path.display().to_string(),
            detail: e.to_string(),
        };
    ort::session::Session::builder(environment)?
        .with_intra_threads(threads)
        .map_err(model_error)?
        .with_inter_threads(1)
        .map_err(model_error)?
        // Page sizes vary: no arena, which would keep the largest page's buffers for the whole
        // run (it doubled peak memory). The memory pattern puts a run's tensors in one block,
        // freed whole after it, which malloc returns to the system instead of keeping the holes
        // of many: dev set at 2 workers 1013 -> 810-894 MB peak, as fast.
        .with_memory_pattern(true)
        .map_err(model_error)?
        .with_execution_providers([ort::ep::CPU::default().with_arena_allocator(false).build()])
        .map_err(model_error)?
        .commit_from_file(path)
        .map_err(|e| crate::error::Error::Model {
            name: path.display().to_string(),
            detail: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_pass_only_when_set() {
        assert!(Deadline::default().check().is_ok());
        assert!(Deadline::after(Some(Duration::from_secs(60)))
            .check()
            .is_ok());
        let passed = Deadline::after(Some(Duration::ZERO));
        assert!(matches!(passed.check(), Err(Error::TimeLimit { .. })));
    }
}
