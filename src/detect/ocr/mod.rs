//! OCR: PP-OCR text detection and recognition, with a box for every character.
//!
//! Stages: [`det::detect`] finds line boxes; their orientation is settled page-wide (pages scanned
//! sideways or upside down read correctly); [`rec::recognize`] reads each line; each character's
//! centre along the line becomes its own box.

pub mod det;
pub mod rec;

use image::RgbImage;
use ort::session::Session;

use std::sync::Arc;

use super::types::{Deadline, Glyph, ReadChar, TextLine};
use crate::base::pixels::{luminance, INK_CONTRAST};
use crate::budget::MemoryBudget;
use crate::error::{Error, Result};
use crate::geometry::{distance, lerp, sub_quad, Quad};

/// How many of the longest lines of each direction are read both ways to settle orientation.
const ORIENTATION_SAMPLE: usize = 4;
/// Mean confidence above which a sample of lines is taken to be the right way up.
const CONFIDENT_READING: f32 = 0.9;

/// Text detection and recognition sessions plus the recognizer's alphabet.
pub struct Ocr {
    detector: Session,
    recognizer: Session,
    alphabet: rec::Alphabet,
    deadline: Deadline,
    budget: Arc<MemoryBudget>,
}

impl Ocr {
    /// Loads the OCR models; the heavy detection passes reserve their memory from `budget`.
    pub fn new(
        models: &crate::models::Models,
        threads: usize,
        budget: Arc<MemoryBudget>,
    ) -> Result<Ocr> {
        let dict = std::fs::read_to_string(&models.ocr_dict)
            .map_err(|e| Error::io(&models.ocr_dict, e))?;
        Ok(Ocr {
            detector: crate::detect::onnx::session(&models.ocr_det, threads)?,
            recognizer: crate::detect::onnx::session(&models.ocr_rec, threads)?,
            alphabet: rec::Alphabet::from_dict(&dict)?,
            deadline: Deadline::default(),
            budget,
        })
    }

    /// Recognition stops with an error between batches once `deadline` has passed.
    pub fn set_deadline(&mut self, deadline: Deadline) {
        self.deadline = deadline;
    }

    /// Finds and reads every text line on `page`.
    pub fn read(&mut self, page: &RgbImage) -> Result<Vec<TextLine>> {
        let boxes = self.detect(page)?;
        self.read_boxes(page, &boxes)
    }

    /// Reads the lines detected on `page`, settling their orientation.
    pub fn read_boxes(&mut self, page: &RgbImage, boxes: &[det::TextBox]) -> Result<Vec<TextLine>> {
        let mut quads: Vec<Quad> = boxes.iter().map(|b| b.quad).collect();
        let mut decoded = self.recognize(page, &quads)?;
        self.settle_orientation(page, &mut quads, &mut decoded)?;
        Ok(quads
            .into_iter()
            .zip(decoded)
            .map(|(quad, chars)| line_from(fitted_to_ink(page, &quad), chars))
            .collect())
    }

    /// Reads an image that holds one line of text filling it (such as a seal's unwrapped ring).
    pub fn read_strip(&mut self, strip: &RgbImage) -> Result<Vec<ReadChar>> {
        let (w, h) = (strip.width() as f32, strip.height() as f32);
        let quad = [[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]];
        let chars = self.recognize(strip, &[quad])?;
        Ok(chars
            .iter()
            .flatten()
            .map(|c| ReadChar {
                ch: c.ch,
                confidence: c.confidence,
            })
            .collect())
    }

    /// Text detection alone: the line boxes of `page`, not yet oriented.
    pub fn detect(&mut self, page: &RgbImage) -> Result<Vec<det::TextBox>> {
        det::detect(&mut self.detector, page, &self.budget)
    }

    /// Recognition alone: the characters of each quad, read from its first corner to its second.
    pub fn recognize(
        &mut self,
        page: &RgbImage,
        quads: &[Quad],
    ) -> Result<Vec<Vec<rec::DecodedChar>>> {
        rec::recognize(
            &mut self.recognizer,
            &self.alphabet,
            page,
            quads,
            self.deadline,
        )
    }

    /// Turns lines by 180 degrees where they read better that way (pages scanned upside down,
    /// or sideways the other way round), deciding once for the horizontal and once for the
    /// vertical lines from the longest ones. Lines that already read confidently are left alone,
    /// so an upright page costs no extra recognition.
    fn settle_orientation(
        &mut self,
        page: &RgbImage,
        quads: &mut [Quad],
        decoded: &mut [Vec<rec::DecodedChar>],
    ) -> Result<()> {
        for vertical in [false, true] {
            let mut group: Vec<usize> = (0..quads.len())
                .filter(|&i| is_vertical(&quads[i]) == vertical)
                .collect();
            group.sort_by(|&a, &b| length(&quads[b]).total_cmp(&length(&quads[a])));
            let sample = &group[..group.len().min(ORIENTATION_SAMPLE)];
            let as_found: Vec<Vec<rec::DecodedChar>> =
                sample.iter().map(|&i| decoded[i].clone()).collect();
            let upright = mean_confidence(&as_found);
            if sample.is_empty() || upright >= CONFIDENT_READING {
                continue;
            }
            let flipped: Vec<Quad> = sample.iter().map(|&i| turned_180(&quads[i])).collect();
            if mean_confidence(&self.recognize(page, &flipped)?) <= upright {
                continue;
            }
            let turned: Vec<Quad> = group.iter().map(|&i| turned_180(&quads[i])).collect();
            let reread = self.recognize(page, &turned)?;
            for ((&i, quad), chars) in group.iter().zip(turned).zip(reread) {
                quads[i] = quad;
                decoded[i] = chars;
            }
        }
        Ok(())
    }
}

/// Fitting a line box to its ink: the box keeps this much of the ink's height above and below
/// it (the text layer's lines are boxed the same way).
pub const INK_MARGIN: f32 = 0.12;
/// A row across the line is ink when at least this fraction of its samples are dark.
const MIN_ROW_INK: f32 = 0.02;

/// The quad narrowed across the line to the rows where its ink is, with [`INK_MARGIN`] either
/// side: the detector's boxes are taller than the text (more so at a small input size), and the
/// mask follows the box. A box without clear ink stays as it is.
pub fn fitted_to_ink(page: &RgbImage, quad: &Quad) -> Quad {
    let (len, thick) = (length(quad), distance(quad[0], quad[3]));
    let (cols, rows) = ((len / 2.0).ceil() as usize, thick.ceil() as usize);
    if cols < 2 || rows < 4 {
        return *quad;
    }
    let luma = |p: crate::geometry::Point| {
        let x = (p[0].max(0.0) as u32).min(page.width() - 1);
        let y = (p[1].max(0.0) as u32).min(page.height() - 1);
        luminance(page.get_pixel(x, y).0)
    };
    let samples: Vec<Vec<u8>> = (0..rows)
        .map(|r| {
            let t = (r as f32 + 0.5) / rows as f32;
            let (a, b) = (lerp(quad[0], quad[3], t), lerp(quad[1], quad[2], t));
            (0..cols)
                .map(|c| luma(lerp(a, b, (c as f32 + 0.5) / cols as f32)))
                .collect()
        })
        .collect();
    let all = samples.iter().flatten();
    let (lo, hi) = (*all.clone().min().unwrap_or(&0), *all.max().unwrap_or(&0));
    if hi - lo < INK_CONTRAST {
        return *quad;
    }
    let threshold = lo + (hi - lo) / 2;
    let needed = (MIN_ROW_INK * cols as f32).max(2.0) as usize;
    let inked: Vec<bool> = samples
        .iter()
        .map(|row| row.iter().filter(|&&v| v < threshold).count() >= needed)
        .collect();
    let (Some(first), Some(last)) = (
        inked.iter().position(|&i| i),
        inked.iter().rposition(|&i| i),
    ) else {
        return *quad;
    };
    let (t0, t1) = (first as f32 / rows as f32, (last + 1) as f32 / rows as f32);
    let margin = INK_MARGIN * (t1 - t0);
    let (t0, t1) = ((t0 - margin).max(0.0), (t1 + margin).min(1.0));
    [
        lerp(quad[0], quad[3], t0),
        lerp(quad[1], quad[2], t0),
        lerp(quad[1], quad[2], t1),
        lerp(quad[0], quad[3], t1),
    ]
}

/// Whether a reading-order quad runs more up-down than left-right.
fn is_vertical(quad: &Quad) -> bool {
    let dx = (quad[1][0] - quad[0][0]).abs();
    let dy = (quad[1][1] - quad[0][1]).abs();
    dy > dx
}

fn length(quad: &Quad) -> f32 {
    distance(quad[0], quad[1])
}

/// The same quad read from the other end.
fn turned_180(quad: &Quad) -> Quad {
    [quad[2], quad[3], quad[0], quad[1]]
}

fn mean_confidence(lines: &[Vec<rec::DecodedChar>]) -> f32 {
    let (sum, n) = lines
        .iter()
        .flatten()
        .fold((0.0, 0usize), |(s, n), c| (s + c.confidence, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f32
    }
}

/// Builds a text line, giving each character a box centred on its decoded position and about
/// as wide as the line is high (half that for Latin letters and digits).
pub fn line_from(quad: Quad, chars: Vec<rec::DecodedChar>) -> TextLine {
    let len = distance(quad[0], quad[1]).max(1.0);
    let thick = distance(quad[0], quad[3]);
    let glyphs: Vec<Glyph> = chars
        .iter()
        .map(|c| {
            let half = 0.5 * thick * if is_wide(c.ch) { 0.9 } else { 0.5 } / len;
            Glyph {
                ch: c.ch,
                quad: sub_quad(
                    &quad,
                    (c.center - half).max(0.0),
                    (c.center + half).min(1.0),
                ),
                confidence: c.confidence,
                alternatives: c.alternatives.clone(),
            }
        })
        .collect();
    let confidence = mean_confidence(std::slice::from_ref(&chars));
    TextLine {
        quad,
        glyphs,
        confidence,
    }
}

/// Whether a character is full-width (CJK ideographs, kana, full-width forms).
pub fn is_wide(ch: char) -> bool {
    matches!(ch as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFF60 | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Rect;

    #[test]
    fn glyph_boxes_follow_decoded_centres() {
        let quad: Quad = [[100.0, 50.0], [400.0, 50.0], [400.0, 80.0], [100.0, 80.0]];
        let chars = vec![
            rec::DecodedChar {
                ch: '王',
                confidence: 0.9,
                center: 0.1,
                alternatives: vec!['玥'],
            },
            rec::DecodedChar {
                ch: '1',
                confidence: 0.7,
                center: 0.5,
                alternatives: Vec::new(),
            },
        ];
        let line = line_from(quad, chars);
        assert_eq!(line.text(), "王1");
        assert_eq!(line.glyphs[0].alternatives, vec!['玥']);
        let wang = Rect::around(&line.glyphs[0].quad);
        assert!((wang.center()[0] - 130.0).abs() < 0.01);
        assert!((wang.width() - 27.0).abs() < 0.01);
        let one = Rect::around(&line.glyphs[1].quad);
        assert!((one.width() - 15.0).abs() < 0.01);
        assert!((line.confidence - 0.8).abs() < 1e-6);
    }

    #[test]
    fn turning_twice_is_identity() {
        let quad: Quad = [[0.0, 0.0], [10.0, 0.0], [10.0, 2.0], [0.0, 2.0]];
        assert_eq!(turned_180(&turned_180(&quad)), quad);
        assert!(!is_vertical(&quad));
        assert!(is_vertical(&[
            [0.0, 0.0],
            [0.0, 10.0],
            [-2.0, 10.0],
            [-2.0, 0.0]
        ]));
    }
}
