//! Eye bars (or whole faces) from a face's landmarks.

use crate::base::{Evidence, Kind, Region};
use crate::detect::Face;
use crate::geometry::{Point, Shape};

/// Eye bar (or whole face) from a face's landmarks: from 0.6 of the eye distance (at least 0.3
/// of the face's width) and 2 px outside each eye, 0.4 of it and 2 px above and below the eye
/// line, turned with the eye line.
pub(super) fn region(face: &Face, cover_face: bool) -> Region {
    if cover_face {
        let pad = 0.1 * face.bbox.width();
        return Region {
            kind: Kind::Face,
            evidence: Evidence::Landmarks,
            shape: Shape::rect(&face.bbox.padded(pad, pad)),
        };
    }
    let [left, right] = [face.landmarks[0], face.landmarks[1]];
    let d = [right[0] - left[0], right[1] - left[1]];
    let eye_distance = d[0].hypot(d[1]);
    // A profile's eyes are close together: the bar is sized by at least 0.3 of the face's width.
    let iod = eye_distance.max(face.bbox.width() * 0.3);
    let u = if eye_distance > 1e-3 {
        [d[0] / eye_distance, d[1] / eye_distance]
    } else {
        [1.0, 0.0]
    };
    let n = [-u[1], u[0]];
    // Two more pixels each way: on a small photo a landmark one pixel off uncovers an eyelid.
    let (along, across) = (0.6 * iod + 2.0, 0.4 * iod + 2.0);
    let corners: Vec<Point> = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]
        .iter()
        .map(|&(s, t): &(f32, f32)| {
            let base = if s < 0.0 { left } else { right };
            [
                base[0] + s * along * u[0] + t * across * n[0],
                base[1] + s * along * u[1] + t * across * n[1],
            ]
        })
        .collect();
    Region {
        kind: Kind::Eyes,
        evidence: Evidence::Landmarks,
        shape: Shape::polygon(corners),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Rect;

    #[test]
    fn eye_bar_covers_both_eyes_generously() {
        let face = Face {
            bbox: Rect::new(100.0, 100.0, 200.0, 220.0),
            score: 0.99,
            landmarks: [
                [130.0, 150.0],
                [170.0, 150.0],
                [150.0, 175.0],
                [135.0, 195.0],
                [165.0, 195.0],
            ],
        };
        let r = region(&face, false).rect();
        assert!(
            r.x0 <= 130.0 - 0.55 * 40.0 && r.x1 >= 170.0 + 0.55 * 40.0,
            "{r:?}"
        );
        assert!(
            r.y0 <= 150.0 - 0.35 * 40.0 && r.y1 >= 150.0 + 0.35 * 40.0,
            "{r:?}"
        );
        assert_eq!(region(&face, true).kind, Kind::Face);
    }

    #[test]
    fn eye_bar_of_a_profile_covers_both_eyes_whole() {
        // Eyes 8 px apart on a face 100 px wide: the bar is sized by the face, not shrunk.
        let face = Face {
            bbox: Rect::new(100.0, 100.0, 200.0, 220.0),
            score: 0.99,
            landmarks: [
                [150.0, 150.0],
                [158.0, 150.0],
                [185.0, 178.0],
                [160.0, 197.0],
                [166.0, 197.0],
            ],
        };
        let bar = region(&face, false).shape;
        let r = bar.bbox();
        assert!(r.y0 <= 150.0 - 12.0 && r.y1 >= 150.0 + 12.0, "{r:?}");
        assert!(r.x0 <= 150.0 - 18.0 && r.x1 >= 158.0 + 18.0, "{r:?}");
        // Both eyes on one spot: still a bar round it.
        let one_spot = Face {
            landmarks: [
                [150.0, 150.0],
                [150.0, 150.0],
                [150.0, 175.0],
                [140.0, 195.0],
                [160.0, 195.0],
            ],
            ..face
        };
        assert!(region(&one_spot, false).shape.area() > 500.0);
    }

    #[test]
    fn eye_bar_of_a_tilted_face_lies_along_the_eye_line() {
        // Eyes 40 px apart on a line turned by 30 degrees.
        let (c, s) = (30f32.to_radians().cos(), 30f32.to_radians().sin());
        let left = [130.0, 150.0];
        let right = [130.0 + 40.0 * c, 150.0 + 40.0 * s];
        let face = Face {
            bbox: Rect::new(100.0, 100.0, 200.0, 240.0),
            score: 0.99,
            landmarks: [left, right, [150.0, 190.0], [130.0, 210.0], [160.0, 225.0]],
        };
        let bar = region(&face, false).shape;
        for eye in [left, right] {
            // Each eye with 0.5 eye distances round it along the line, 0.35 across.
            for (a, b) in [(-0.5, -0.35), (0.5, -0.35), (0.5, 0.35), (-0.5, 0.35)] {
                let p = [
                    eye[0] + 40.0 * (a * c - b * s),
                    eye[1] + 40.0 * (a * s + b * c),
                ];
                assert!(bar.contains(p, 0.0), "{p:?} outside {bar:?}");
            }
        }
        // The nose and the mouth stay visible; the page-aligned box would cover far more.
        assert!(!bar.contains([150.0, 190.0], 0.0));
        assert!(bar.area() < 0.6 * bar.bbox().area(), "{bar:?}");
    }
}
