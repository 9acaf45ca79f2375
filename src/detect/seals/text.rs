//! The seal text detector (PP-OCRv4's mobile seal text detection): where the curved text of a
//! seal lies. Run on a seal candidate's crop, in any ink, it tells a seal (text round its rim)
//! from a ring without (an emblem, a drawn circle, a round object in a photo), and gives the
//! radii between which the ring text runs, where it is unwrapped for the recogniser.

use image::RgbImage;
use ort::session::Session;
use ort::value::TensorRef;

use crate::error::{Error, Result};
use crate::geometry::Rect;

/// The crop is scaled to this many pixels a side: the detector finds nothing on a small crop,
/// and at 512 it finds the same rim text as at its usual 736 in half the time.
const SIDE: u32 = 512;
/// Text probability above which a pixel of the detector's map is text.
const TEXT: f32 = 0.3;
/// Rings (of the ellipse filling the crop) in which text is counted, from the centre out.
const BINS: usize = 10;
/// Ring text lies from this share of the radius out; inside is the star and the print under
/// the seal.
const RIM_FROM: f32 = 0.5;
/// A seal's rim has text in at least this share of one ring's pixels (seals: 0.5-0.85; a ring
/// of body text round a crop's middle: up to 0.15).
const MIN_RIM_TEXT: f32 = 0.3;
/// The band is widened by this share of the radius each way: the detector's map marks the
/// middle of the characters.
const BAND_PAD: f32 = 0.05;

/// Where a seal's ring text runs, as shares of its radii.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RingBand {
    /// The text's outer edge.
    pub outer: f32,
    /// The text's inner edge.
    pub inner: f32,
}

/// The seal text detector's session.
pub struct SealTextDetector {
    session: Session,
}

impl SealTextDetector {
    /// Loads the model at `model` into a session with `threads` threads.
    pub fn new(model: &std::path::Path, threads: usize) -> Result<SealTextDetector> {
        Ok(SealTextDetector {
            session: super::super::onnx::session(model, threads)?,
        })
    }

    /// The band of ring text of the seal candidate boxed by `seal` on `page`; None when its rim
    /// holds no text, so that it is not a seal.
    pub fn ring_band(&mut self, page: &RgbImage, seal: &Rect) -> Result<Option<RingBand>> {
        let [x0, y0, x1, y1] = seal.to_pixels(page.width(), page.height());
        if x1 <= x0 || y1 <= y0 {
            return Ok(None);
        }
        let crop = crate::pages::scaled(page, [x0, y0, x1 - x0, y1 - y0], (SIDE, SIDE));
        let input = super::super::onnx::bgr_tensor(&crop, super::super::onnx::imagenet);
        let outputs = self
            .session
            .run(ort::inputs![TensorRef::from_array_view(&input)?])?;
        let map = outputs[0].try_extract_array::<f32>()?;
        let shape = map.shape().to_vec();
        let [.., h, w] = shape[..] else {
            return Err(Error::Inference {
                detail: format!("seal text detector gave a map of shape {shape:?}"),
                source: None,
            });
        };
        let text: Vec<bool> = map.iter().map(|&p| p > TEXT).collect();
        Ok(band_of(&text, w, h))
    }
}

/// The ring text's band in a text map `w` by `h` (row by row) of a seal's crop: the rings of
/// the rim whose share of text is at least half the best's; None when no rim ring reaches
/// [`MIN_RIM_TEXT`].
fn band_of(text: &[bool], w: usize, h: usize) -> Option<RingBand> {
    let (mut on, mut all) = ([0usize; BINS], [0usize; BINS]);
    for (i, &is_text) in text.iter().enumerate().take(w * h) {
        let (x, y) = ((i % w) as f32 + 0.5, (i / w) as f32 + 0.5);
        let r = ((x / w as f32) * 2.0 - 1.0).hypot((y / h as f32) * 2.0 - 1.0);
        if r < 1.0 {
            let bin = (r * BINS as f32) as usize;
            all[bin] += 1;
            on[bin] += usize::from(is_text);
        }
    }
    let share = |b: usize| on[b] as f32 / all[b].max(1) as f32;
    let rim = (RIM_FROM * BINS as f32) as usize..BINS;
    let peak = rim.clone().map(share).fold(0.0, f32::max);
    if peak < MIN_RIM_TEXT {
        return None;
    }
    let banded: Vec<usize> = rim.filter(|&b| share(b) >= peak / 2.0).collect();
    let (first, last) = (*banded.first()?, *banded.last()?);
    Some(RingBand {
        outer: ((last + 1) as f32 / BINS as f32 + BAND_PAD).min(1.0),
        inner: first as f32 / BINS as f32 - BAND_PAD,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text map `side` square with text where `at(r)` holds, r the share of the radius.
    fn map(side: usize, at: impl Fn(f32) -> bool) -> Vec<bool> {
        (0..side * side)
            .map(|i| {
                let (x, y) = ((i % side) as f32 + 0.5, (i / side) as f32 + 0.5);
                let c = side as f32 / 2.0;
                at(((x - c) / c).hypot((y - c) / c))
            })
            .collect()
    }

    #[test]
    fn text_round_the_rim_is_a_seals_band() {
        let band = band_of(&map(128, |r| (0.62..0.88).contains(&r)), 128, 128).unwrap();
        assert!((band.inner - 0.55).abs() < 0.01, "{band:?}");
        assert!((band.outer - 0.95).abs() < 0.01, "{band:?}");
    }

    #[test]
    fn a_ring_with_text_only_in_its_middle_or_none_is_not_a_seal() {
        assert_eq!(band_of(&map(128, |r| r < 0.3), 128, 128), None);
        assert_eq!(band_of(&map(128, |_| false), 128, 128), None);
    }
}
