//! Small geometry types shared by the stages: points, quadrilaterals, rectangles and the
//! convex shapes of masks and the ellipses of seals, in page pixels.

mod ellipse;
mod shape;
mod turn;

use serde::{Deserialize, Serialize};

pub use ellipse::Ellipse;
pub use shape::Shape;
pub use turn::Turn;

/// A point in page pixels.
pub type Point = [f32; 2];

/// A quadrilateral in reading order: top-left, top-right, bottom-right, bottom-left.
pub type Quad = [Point; 4];

/// An axis-aligned rectangle `[x0, y0, x1, y1]` in page pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
}

impl Rect {
    /// A rectangle from its edges.
    pub fn new(x0: f32, y0: f32, x1: f32, y1: f32) -> Rect {
        Rect { x0, y0, x1, y1 }
    }

    /// The smallest rectangle holding all `points`.
    pub fn around(points: &[Point]) -> Rect {
        let mut r = Rect::new(f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in points {
            r.x0 = r.x0.min(p[0]);
            r.y0 = r.y0.min(p[1]);
            r.x1 = r.x1.max(p[0]);
            r.y1 = r.y1.max(p[1]);
        }
        r
    }

    /// The rectangle's corners in reading order.
    pub fn quad(&self) -> Quad {
        [
            [self.x0, self.y0],
            [self.x1, self.y0],
            [self.x1, self.y1],
            [self.x0, self.y1],
        ]
    }

    /// Width (zero when empty).
    pub fn width(&self) -> f32 {
        (self.x1 - self.x0).max(0.0)
    }

    /// Height (zero when empty).
    pub fn height(&self) -> f32 {
        (self.y1 - self.y0).max(0.0)
    }

    /// Area in square pixels.
    pub fn area(&self) -> f32 {
        self.width() * self.height()
    }

    /// This rectangle grown by `dx` left and right and `dy` above and below.
    pub fn padded(&self, dx: f32, dy: f32) -> Rect {
        Rect::new(self.x0 - dx, self.y0 - dy, self.x1 + dx, self.y1 + dy)
    }

    /// The smallest rectangle holding both.
    pub fn union(&self, other: &Rect) -> Rect {
        Rect::new(
            self.x0.min(other.x0),
            self.y0.min(other.y0),
            self.x1.max(other.x1),
            self.y1.max(other.y1),
        )
    }

    /// The common part of both rectangles (may be empty).
    pub fn intersection(&self, other: &Rect) -> Rect {
        Rect::new(
            self.x0.max(other.x0),
            self.y0.max(other.y0),
            self.x1.min(other.x1),
            self.y1.min(other.y1),
        )
    }

    /// Whether the rectangles share any area.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.intersection(other).area() > 0.0
    }

    /// Whether the point lies inside (edges included).
    pub fn contains(&self, x: f32, y: f32) -> bool {
        (self.x0..=self.x1).contains(&x) && (self.y0..=self.y1).contains(&y)
    }

    /// Clamped to a `width` x `height` page and rounded outward to whole pixels.
    pub fn to_pixels(&self, width: u32, height: u32) -> [u32; 4] {
        let clamp = |v: f32, max: u32| v.clamp(0.0, max as f32);
        [
            clamp(self.x0.floor(), width) as u32,
            clamp(self.y0.floor(), height) as u32,
            clamp(self.x1.ceil(), width) as u32,
            clamp(self.y1.ceil(), height) as u32,
        ]
    }

    /// The rectangle of whole pixels `[x0, y0, x1, y1]` (as [`Rect::to_pixels`] gives).
    pub fn from_pixels([x0, y0, x1, y1]: [u32; 4]) -> Rect {
        Rect::new(x0 as f32, y0 as f32, x1 as f32, y1 as f32)
    }

    /// The rectangle with every coordinate multiplied by `factor` (a box found on a shrunk
    /// page, on the page).
    pub fn scaled(&self, factor: f32) -> Rect {
        Rect::new(
            self.x0 * factor,
            self.y0 * factor,
            self.x1 * factor,
            self.y1 * factor,
        )
    }

    /// The centre point.
    pub fn center(&self) -> Point {
        [(self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0]
    }
}

/// Linear interpolation between two points.
pub fn lerp(a: Point, b: Point, t: f32) -> Point {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
}

/// Euclidean distance between two points.
pub fn distance(a: Point, b: Point) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// The part of a reading-order quad between fractions `t0` and `t1` of its length.
pub fn sub_quad(quad: &Quad, t0: f32, t1: f32) -> Quad {
    let [tl, tr, br, bl] = *quad;
    [
        lerp(tl, tr, t0),
        lerp(tl, tr, t1),
        lerp(bl, br, t1),
        lerp(bl, br, t0),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rect_operations() {
        let a = Rect::new(0.0, 0.0, 10.0, 10.0);
        let b = Rect::new(5.0, 5.0, 20.0, 20.0);
        assert_eq!(a.intersection(&b).area(), 25.0);
        assert!(a.overlaps(&b));
        assert_eq!(a.union(&b), Rect::new(0.0, 0.0, 20.0, 20.0));
        assert_eq!(
            Rect::new(-2.5, 1.2, 9.1, 50.0).to_pixels(8, 40),
            [0, 1, 8, 40]
        );
    }

    #[test]
    fn sub_quad_takes_a_slice_along_the_line() {
        let q: Quad = [[0.0, 0.0], [100.0, 0.0], [100.0, 10.0], [0.0, 10.0]];
        let s = sub_quad(&q, 0.25, 0.5);
        assert_eq!(Rect::around(&s), Rect::new(25.0, 0.0, 50.0, 10.0));
    }
}
