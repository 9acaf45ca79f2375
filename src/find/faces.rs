//! Eye bars (or whole faces) from a face's landmarks.

use crate::base::{Evidence, Kind, Region};
use crate::detect::Face;
use crate::geometry::{Point, Shape};

/// Most angle, in degrees, between a face's eye line and the page's lines of text for the eye
/// line to be trusted alone. Failure class "eye bars on half-turned faces": landmarks of a face
/// turned half away put the eye line askew, and a bar along it alone leaves eyelids uncovered,
/// while a page photographed turned turns its text and its faces alike.
const EYE_LINE_AGREES_DEG: f32 = 8.0;

/// Eye bar (or whole face) from a face's landmarks: from 0.6 of the eye distance (at least 0.3
/// of the face's width) and 2 px outside each eye, 0.4 of it and 2 px above and below the eye
/// line, turned with the eye line. Where the eye line is askew to `text_direction` (the page's
/// lines of text, a vector), the bar also covers the same bar laid along the text.
pub(super) fn region(face: &Face, cover_face: bool, text_direction: Point) -> Region {
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
    let eye_line = if eye_distance > 1e-3 { d } else { [1.0, 0.0] };
    let mut corners = bar_corners(left, right, eye_line, iod);
    let askew = angle_between(eye_line, text_direction) > EYE_LINE_AGREES_DEG.to_radians();
    if askew {
        corners.extend(bar_corners(left, right, text_direction, iod));
    }
    Region {
        kind: Kind::Eyes,
        evidence: Evidence::Landmarks,
        shape: Shape::convex_hull(corners),
    }
}

/// The corners of a bar along `direction` round both eyes, `iod` setting its size.
fn bar_corners(left: Point, right: Point, direction: Point, iod: f32) -> Vec<Point> {
    let length = direction[0].hypot(direction[1]).max(1e-6);
    let mut u = [direction[0] / length, direction[1] / length];
    // The bar runs from the left eye to the right one whichever way the direction points.
    if (right[0] - left[0]) * u[0] + (right[1] - left[1]) * u[1] < 0.0 {
        u = [-u[0], -u[1]];
    }
    let n = [-u[1], u[0]];
    // Two more pixels each way: on a small photo a landmark one pixel off uncovers an eyelid.
    let (along, across) = (0.6 * iod + 2.0, 0.4 * iod + 2.0);
    [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]
        .iter()
        .map(|&(s, t): &(f32, f32)| {
            let base = if s < 0.0 { left } else { right };
            [
                base[0] + s * along * u[0] + t * across * n[0],
                base[1] + s * along * u[1] + t * across * n[1],
            ]
        })
        .collect()
}

/// The angle between two lines (not directions), 0 to 90 degrees, in radians.
fn angle_between(a: Point, b: Point) -> f32 {
    let cross = a[0] * b[1] - a[1] * b[0];
    let dot = a[0] * b[0] + a[1] * b[1];
    cross.abs().atan2(dot.abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Rect;

    const HORIZONTAL: Point = [1.0, 0.0];

    /// A face whose eyes are 40 px apart on a line turned by `degrees`, the left one at
    /// (130, 150); with the eye line's direction.
    fn face_with_eye_line(degrees: f32) -> (Face, Point) {
        let (c, s) = (degrees.to_radians().cos(), degrees.to_radians().sin());
        let (left, right) = ([130.0, 150.0], [130.0 + 40.0 * c, 150.0 + 40.0 * s]);
        let face = Face {
            bbox: Rect::new(100.0, 100.0, 200.0, 240.0),
            score: 0.99,
            landmarks: [left, right, [150.0, 190.0], [130.0, 210.0], [160.0, 225.0]],
        };
        (face, [c, s])
    }

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
        let r = region(&face, false, HORIZONTAL).rect();
        assert!(
            r.x0 <= 130.0 - 0.55 * 40.0 && r.x1 >= 170.0 + 0.55 * 40.0,
            "{r:?}"
        );
        assert!(
            r.y0 <= 150.0 - 0.35 * 40.0 && r.y1 >= 150.0 + 0.35 * 40.0,
            "{r:?}"
        );
        assert_eq!(region(&face, true, HORIZONTAL).kind, Kind::Face);
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
        let bar = region(&face, false, HORIZONTAL).shape;
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
        assert!(region(&one_spot, false, HORIZONTAL).shape.area() > 500.0);
    }

    #[test]
    fn eye_bar_of_a_tilted_face_lies_along_the_eye_line() {
        let (face, [c, s]) = face_with_eye_line(30.0);
        // The page's text is turned alike: the eye line is trusted.
        let bar = region(&face, false, [c, s]).shape;
        for eye in [face.landmarks[0], face.landmarks[1]] {
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

    #[test]
    fn eye_bar_askew_to_the_text_also_covers_the_bar_along_the_text() {
        // Failure class "eye bars on half-turned faces": on an upright page, landmarks put the
        // eye line of a face turned half away 20 degrees askew.
        let (face, eye_line) = face_with_eye_line(20.0);
        let [left, right] = [face.landmarks[0], face.landmarks[1]];
        let bar = region(&face, false, HORIZONTAL).shape;
        // The bar along the text round both eyes: 0.5 eye distances out, 0.35 above and below.
        for p in [
            [left[0] - 20.0, left[1] - 14.0],
            [left[0] - 20.0, left[1] + 14.0],
            [right[0] + 20.0, right[1] - 14.0],
            [right[0] + 20.0, right[1] + 14.0],
        ] {
            assert!(bar.contains(p, 0.0), "{p:?} outside {bar:?}");
        }
        // Still a bar: the mouth stays visible.
        assert!(!bar.contains([145.0, 215.0], 0.0), "{bar:?}");
        // Where the eye line agrees with the text, the bar is the eye line's alone.
        let along = region(&face, false, eye_line).shape;
        assert!(along.area() < 0.8 * bar.area(), "{along:?} {bar:?}");
    }
}
