//! Face detection with RetinaFace (MobileNet-0.25), which also gives five landmarks per face.
//!
//! The page is searched once at a reduced size (long side [`SEARCH_SIDE`]) with a lenient score;
//! each face found there is then confirmed, and its landmarks measured, on a full-resolution
//! crop around it. Small photos (a 56-pixel-wide ID photo on an A4 page at 200 DPI) are found,
//! and the model's occasional false faces in small print are dropped by the second look.

use image::RgbImage;
use ndarray::Array4;
use ort::session::Session;
use ort::value::TensorRef;

use super::types::Face;
use crate::error::{Error, Result};
use crate::geometry::{Point, Rect};

/// Long side of the page as the face model first sees it.
pub const SEARCH_SIDE: u32 = 1280;
/// Candidates of the first look scoring below this are ignored.
const SEARCH_THRESHOLD: f32 = 0.3;
/// Faces are kept when the full-resolution look scores them at least this.
const SCORE_THRESHOLD: f32 = 0.7;
/// The crop of the second look: the candidate's box grown by this many times its size on each
/// side, shrunk when needed to at most [`CROP_SIDE`] pixels.
const CROP_MARGIN: f32 = 0.6;
const CROP_SIDE: u32 = 640;
/// Overlapping detections above this IoU are merged.
const NMS_IOU: f32 = 0.4;
/// Per-channel means subtracted from BGR input (as the packaged model was used).
const MEAN_BGR: [f32; 3] = [104.0, 117.0, 127.0];
/// Anchor strides and sizes of the model.
const ANCHORS: [(u32, [f32; 2]); 3] =
    [(8, [16.0, 32.0]), (16, [64.0, 128.0]), (32, [256.0, 512.0])];
const VARIANCE: [f32; 2] = [0.1, 0.2];

/// A RetinaFace session.
pub struct FaceDetector {
    session: Session,
}

impl FaceDetector {
    /// Loads the face model.
    pub fn new(model: &std::path::Path, threads: usize) -> Result<FaceDetector> {
        Ok(FaceDetector {
            session: crate::detect::onnx::session(model, threads)?,
        })
    }

    /// Finds faces on `page`, in page pixels.
    pub fn detect(&mut self, page: &RgbImage) -> Result<Vec<Face>> {
        let whole = [0, 0, page.width(), page.height()];
        let candidates = self.look(page, whole, SEARCH_SIDE, SEARCH_THRESHOLD)?;
        let mut faces = Vec::new();
        for candidate in candidates {
            let b = candidate.bbox;
            let (mx, my) = (CROP_MARGIN * b.width(), CROP_MARGIN * b.height());
            let around = b.padded(mx, my).to_pixels(page.width(), page.height());
            let confirmed = self
                .look(page, around, CROP_SIDE, SCORE_THRESHOLD)?
                .into_iter()
                .filter(|f| iou(&f.bbox, &b) > 0.3 && has_a_faces_layout(f))
                .max_by(|a, b| a.score.total_cmp(&b.score));
            faces.extend(confirmed);
        }
        Ok(non_maximum_suppression(faces))
    }

    /// Runs the model on the `[x0, y0, x1, y1]` area of `page`, shrunk so that its long side is
    /// at most `side`; returns the faces scoring at least `threshold`, in page pixels.
    fn look(
        &mut self,
        page: &RgbImage,
        [x, y, x1, y1]: [u32; 4],
        side: u32,
        threshold: f32,
    ) -> Result<Vec<Face>> {
        let (w, h) = (x1.saturating_sub(x).max(1), y1.saturating_sub(y).max(1));
        let scale = (side as f32 / w.max(h) as f32).min(1.0);
        let sw = ((w as f32 * scale).round() as u32).max(32);
        let sh = ((h as f32 * scale).round() as u32).max(32);
        let image = crate::pages::scaled(page, [x, y, w, h], (sw, sh));
        let input = to_tensor(&image);
        let outputs = self
            .session
            .run(ort::inputs![TensorRef::from_array_view(&input)?])?;
        let get = |name: &str| -> Result<ndarray::ArrayViewD<'_, f32>> {
            outputs
                .get(name)
                .ok_or_else(|| Error::Inference {
                    detail: format!("face model has no output {name}"),
                    source: None,
                })?
                .try_extract_array::<f32>()
                .map_err(Error::from)
        };
        let (loc, conf, landmarks) = (get("loc")?, get("conf")?, get("landmarks")?);
        let mut faces = Vec::new();
        for (i, prior) in priors(sw, sh).iter().enumerate() {
            let score = conf[[0, i, 1]];
            if score < threshold {
                continue;
            }
            let l: [f32; 4] = std::array::from_fn(|k| loc[[0, i, k]]);
            let lm: [f32; 10] = std::array::from_fn(|k| landmarks[[0, i, k]]);
            let face = decode(prior, &l, &lm, score, w as f32, h as f32);
            faces.push(Face {
                bbox: Rect::new(
                    face.bbox.x0 + x as f32,
                    face.bbox.y0 + y as f32,
                    face.bbox.x1 + x as f32,
                    face.bbox.y1 + y as f32,
                ),
                landmarks: face
                    .landmarks
                    .map(|[px, py]| [px + x as f32, py + y as f32]),
                ..face
            });
        }
        Ok(non_maximum_suppression(faces))
    }
}

/// RetinaFace input: BGR minus channel means, NCHW.
fn to_tensor(image: &RgbImage) -> Array4<f32> {
    crate::detect::onnx::bgr_tensor(image, |c, v| v - MEAN_BGR[c])
}

/// Anchor boxes (cx, cy, w, h), relative to the input size, in the model's output order.
fn priors(w: u32, h: u32) -> Vec<[f32; 4]> {
    let mut out = Vec::new();
    for (stride, sizes) in ANCHORS {
        let (fw, fh) = (w.div_ceil(stride), h.div_ceil(stride));
        for row in 0..fh {
            for col in 0..fw {
                for size in sizes {
                    out.push([
                        (col as f32 + 0.5) * stride as f32 / w as f32,
                        (row as f32 + 0.5) * stride as f32 / h as f32,
                        size / w as f32,
                        size / h as f32,
                    ]);
                }
            }
        }
    }
    out
}

/// Decodes one anchor's regression into a face in page pixels (`pw` x `ph`).
fn decode(prior: &[f32; 4], loc: &[f32; 4], lm: &[f32; 10], score: f32, pw: f32, ph: f32) -> Face {
    let cx = prior[0] + loc[0] * VARIANCE[0] * prior[2];
    let cy = prior[1] + loc[1] * VARIANCE[0] * prior[3];
    let bw = prior[2] * (loc[2] * VARIANCE[1]).exp();
    let bh = prior[3] * (loc[3] * VARIANCE[1]).exp();
    let landmarks: [Point; 5] = std::array::from_fn(|k| {
        [
            (prior[0] + lm[2 * k] * VARIANCE[0] * prior[2]) * pw,
            (prior[1] + lm[2 * k + 1] * VARIANCE[0] * prior[3]) * ph,
        ]
    });
    Face {
        bbox: Rect::new(
            (cx - bw / 2.0) * pw,
            (cy - bh / 2.0) * ph,
            (cx + bw / 2.0) * pw,
            (cy + bh / 2.0) * ph,
        ),
        score,
        landmarks,
    }
}

/// Whether the five landmarks lie as on a face, however it is turned or tilted: the mouth below
/// the eye line and the nose not beyond the mouth (in the face's own up and down), and the
/// landmarks within the face's box. Printed patterns the model sometimes scores as faces (a
/// form's margin, a logo) can give landmarks in no such order; real faces down to a profile's
/// keep it, so the bounds are wide, and eyes on one spot (no eye line to judge by) pass.
fn has_a_faces_layout(face: &Face) -> bool {
    let [left, right, nose, mouth_left, mouth_right] = face.landmarks;
    let eyes = [right[0] - left[0], right[1] - left[1]];
    let eye_distance = eyes[0].hypot(eyes[1]);
    let size = face.bbox.width().max(face.bbox.height());
    if eye_distance < 1.0 {
        return true;
    }
    // Down the face: across the eye line, towards the mouth.
    let down = [-eyes[1] / eye_distance, eyes[0] / eye_distance];
    let middle = [(left[0] + right[0]) / 2.0, (left[1] + right[1]) / 2.0];
    let depth = |p: Point| ((p[0] - middle[0]) * down[0] + (p[1] - middle[1]) * down[1]) / size;
    let mouth = depth([
        (mouth_left[0] + mouth_right[0]) / 2.0,
        (mouth_left[1] + mouth_right[1]) / 2.0,
    ]);
    let around = face.bbox.padded(0.25 * size, 0.25 * size);
    let inside = face.landmarks.iter().all(|p| around.contains(p[0], p[1]));
    mouth > 0.1 && depth(nose) > -0.1 && depth(nose) < mouth + 0.1 && inside
}

fn iou(a: &Rect, b: &Rect) -> f32 {
    let inter = a.intersection(b).area();
    inter / (a.area() + b.area() - inter).max(1e-6)
}

/// Keeps the best-scoring face of every overlapping group.
fn non_maximum_suppression(mut faces: Vec<Face>) -> Vec<Face> {
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Face> = Vec::new();
    for face in faces {
        if kept.iter().all(|k| iou(&k.bbox, &face.bbox) < NMS_IOU) {
            kept.push(face);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priors_cover_every_stride() {
        let p = priors(64, 32);
        // 8x4 cells x2 + 4x2 x2 + 2x1 x2
        assert_eq!(p.len(), 64 + 16 + 4);
        assert_eq!(p[0], [4.0 / 64.0, 4.0 / 32.0, 16.0 / 64.0, 16.0 / 32.0]);
    }

    #[test]
    fn zero_regression_gives_the_anchor() {
        let face = decode(
            &[0.5, 0.5, 0.25, 0.5],
            &[0.0; 4],
            &[0.0; 10],
            0.9,
            100.0,
            50.0,
        );
        assert_eq!(face.bbox, Rect::new(37.5, 12.5, 62.5, 37.5));
        assert_eq!(face.landmarks[0], [50.0, 25.0]);
    }

    fn face_with(landmarks: [Point; 5]) -> Face {
        Face {
            bbox: Rect::new(100.0, 100.0, 200.0, 220.0),
            score: 0.9,
            landmarks,
        }
    }

    #[test]
    fn faces_turned_tilted_or_in_profile_keep_their_layout() {
        let frontal = [
            [130.0, 150.0],
            [170.0, 150.0],
            [150.0, 175.0],
            [135.0, 195.0],
            [165.0, 195.0],
        ];
        let half_turned = [
            [140.0, 150.0],
            [165.0, 152.0],
            [168.0, 176.0],
            [145.0, 196.0],
            [166.0, 197.0],
        ];
        let profile = [
            [150.0, 150.0],
            [158.0, 151.0],
            [185.0, 178.0],
            [160.0, 197.0],
            [166.0, 197.0],
        ];
        // Tilted by 30 degrees round the face's middle.
        let (c, s) = (30f32.to_radians().cos(), 30f32.to_radians().sin());
        let tilted = frontal.map(|[x, y]| {
            let (dx, dy) = (x - 150.0, y - 170.0);
            [150.0 + dx * c - dy * s, 170.0 + dx * s + dy * c]
        });
        for landmarks in [frontal, half_turned, profile, tilted] {
            assert!(has_a_faces_layout(&face_with(landmarks)), "{landmarks:?}");
        }
    }

    #[test]
    fn landmarks_in_no_faces_order_are_not_a_face() {
        // Mouth above the eyes, on the eye line, nose below the mouth, landmarks far outside
        // the box.
        let mouth_above = [
            [130.0, 180.0],
            [170.0, 180.0],
            [150.0, 175.0],
            [135.0, 140.0],
            [165.0, 140.0],
        ];
        let flat = [
            [120.0, 150.0],
            [140.0, 150.0],
            [155.0, 150.0],
            [170.0, 151.0],
            [185.0, 150.0],
        ];
        let nose_low = [
            [130.0, 150.0],
            [170.0, 150.0],
            [150.0, 215.0],
            [135.0, 180.0],
            [165.0, 180.0],
        ];
        let outside = [
            [130.0, 150.0],
            [170.0, 150.0],
            [150.0, 175.0],
            [135.0, 195.0],
            [165.0, 320.0],
        ];
        for landmarks in [mouth_above, flat, nose_low, outside] {
            assert!(!has_a_faces_layout(&face_with(landmarks)), "{landmarks:?}");
        }
    }

    #[test]
    fn nms_keeps_the_best_of_overlapping_faces() {
        let face = |x: f32, score: f32| Face {
            bbox: Rect::new(x, 0.0, x + 10.0, 10.0),
            score,
            landmarks: [[0.0; 2]; 5],
        };
        let kept = non_maximum_suppression(vec![face(0.0, 0.8), face(1.0, 0.95), face(50.0, 0.75)]);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].score, 0.95);
    }
}
