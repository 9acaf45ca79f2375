//! The shape of a mask: a convex polygon in page pixels — a text line's quadrilateral, an eye
//! bar along the eye line, a seal's disc — with what painting and checking masks needs.

use std::f32::consts::PI;

use super::{Ellipse, Point, Rect};

/// A convex polygon in page pixels. Its corners run counter-clockwise as the maths goes (which
/// is clockwise on a page, whose y axis points down).
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    corners: Vec<Point>,
}

/// Corners of the polygon that stands in for an ellipse.
const ELLIPSE_CORNERS: usize = 32;
/// How far (degrees) a turned text line's direction as detected may be from the ink's.
pub const DIRECTION_TOLERANCE: f32 = 3.0;

impl Shape {
    /// The convex polygon with these corners, given in either direction.
    pub fn polygon(mut corners: Vec<Point>) -> Shape {
        if twice_signed_area(&corners) < 0.0 {
            corners.reverse();
        }
        Shape { corners }
    }

    /// The rectangle as a shape.
    pub fn rect(rect: &Rect) -> Shape {
        Shape::polygon(rect.quad().to_vec())
    }

    /// The box of whole pixels `[x0, y0, x1, y1]` (a manifest's `bbox`, a page) as a shape.
    pub fn pixel_box(bbox: [u32; 4]) -> Shape {
        Shape::rect(&Rect::from_pixels(bbox))
    }

    /// The ellipse as a polygon whose edges touch it from outside (so the polygon holds all of
    /// it).
    pub fn ellipse(ellipse: &Ellipse) -> Shape {
        let grow = 1.0 / (PI / ELLIPSE_CORNERS as f32).cos();
        let corners = (0..ELLIPSE_CORNERS)
            .map(|k| ellipse.point(2.0 * PI * k as f32 / ELLIPSE_CORNERS as f32, grow))
            .collect();
        Shape::polygon(corners)
    }

    /// The rectangle turned along `direction` that holds `points`, grown by `along` at both
    /// ends and `across` on both sides: what a turned line's characters fit in. On a bent page
    /// or a curved photo the detector's direction may be off by a few degrees, so the rectangle
    /// is made wide enough for its ends to hold the line even where its direction is
    /// [`DIRECTION_TOLERANCE`] off; where the page-aligned box round the points (grown the same
    /// way) is smaller, as for a level line, that box is the shape.
    pub fn along_line(points: &[Point], direction: Point, along: f32, across: f32) -> Shape {
        let length = direction[0].hypot(direction[1]);
        let u = if length > 1e-6 {
            [direction[0] / length, direction[1] / length]
        } else {
            [1.0, 0.0]
        };
        let n = [-u[1], u[0]];
        let (mut s0, mut s1, mut t0, mut t1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in points {
            let (s, t) = (dot(*p, u), dot(*p, n));
            (s0, s1, t0, t1) = (s0.min(s), s1.max(s), t0.min(t), t1.max(t));
        }
        if points.is_empty() {
            return Shape {
                corners: Vec::new(),
            };
        }
        let wide = across + 0.5 * (s1 - s0) * DIRECTION_TOLERANCE.to_radians().sin();
        let (s0, s1, t0, t1) = (s0 - along, s1 + along, t0 - wide, t1 + wide);
        let at = |s: f32, t: f32| [s * u[0] + t * n[0], s * u[1] + t * n[1]];
        let turned = Shape::polygon(vec![at(s0, t0), at(s1, t0), at(s1, t1), at(s0, t1)]);
        let horizontal = u[0].abs() >= u[1].abs();
        let (dx, dy) = if horizontal {
            (along, across)
        } else {
            (across, along)
        };
        let aligned = Shape::rect(&Rect::around(points).padded(dx, dy));
        if aligned.area() <= turned.area() {
            aligned
        } else {
            turned
        }
    }

    /// The corners, in order.
    pub fn corners(&self) -> &[Point] {
        &self.corners
    }

    /// The smallest page-aligned rectangle holding the shape.
    pub fn bbox(&self) -> Rect {
        if self.corners.is_empty() {
            return Rect::new(0.0, 0.0, 0.0, 0.0);
        }
        Rect::around(&self.corners)
    }

    /// Area in square pixels.
    pub fn area(&self) -> f32 {
        twice_signed_area(&self.corners) / 2.0
    }

    /// Whether `p` lies inside the shape grown by `margin` pixels on every side (shrunk when
    /// `margin` is negative). A shape without area holds nothing.
    pub fn contains(&self, p: Point, margin: f32) -> bool {
        self.area() > 0.0 && self.inward_edges().iter().all(|e| e.depth(p) >= -margin)
    }

    /// The pixels (column, row) of a `width` x `height` page whose centres lie inside the shape
    /// grown by `margin`: the pixels a check of the mask looks at.
    pub fn pixels(&self, margin: f32, width: u32, height: u32) -> impl Iterator<Item = (u32, u32)> {
        let limits = self.edge_limits(|_| -margin);
        self.pixels_where(margin, width, height, move |p| {
            limits.iter().all(|(e, limit)| e.depth(p) >= *limit)
        })
    }

    /// The pixels of a `width` x `height` page whose squares share some area with the shape
    /// grown by `grow` pixels: the pixels painting the shape covers. A page-aligned rectangle
    /// on whole pixels touches exactly the pixels inside it.
    pub fn touched_pixels(
        &self,
        grow: f32,
        width: u32,
        height: u32,
    ) -> impl Iterator<Item = (u32, u32)> {
        // The square meets the polygon unless an edge's outward normal separates them; the
        // square reaches half its width along each axis of the normal.
        let limits = self.edge_limits(|e| -(grow + 0.5 * (e.inward[0].abs() + e.inward[1].abs())));
        self.pixels_where(grow, width, height, move |p| {
            limits.iter().all(|(e, limit)| e.depth(p) > *limit)
        })
    }

    /// Every edge with the depth `limit` gives it, or none at all (nothing passes) for a shape
    /// without area.
    fn edge_limits(&self, limit: impl Fn(&Edge) -> f32) -> Vec<(Edge, f32)> {
        if self.area() <= 0.0 {
            return vec![(Edge::NOWHERE, 0.0)];
        }
        self.inward_edges()
            .into_iter()
            .map(|e| {
                let l = limit(&e);
                (e, l)
            })
            .collect()
    }

    /// The pixels within the box round the shape grown by `grow` whose centres pass `test`.
    fn pixels_where(
        &self,
        grow: f32,
        width: u32,
        height: u32,
        test: impl Fn(Point) -> bool,
    ) -> impl Iterator<Item = (u32, u32)> {
        let grow = grow.max(0.0);
        let [x0, y0, x1, y1] = self.bbox().padded(grow, grow).to_pixels(width, height);
        (y0..y1)
            .flat_map(move |y| (x0..x1).map(move |x| (x, y)))
            .filter(move |&(x, y)| test([x as f32 + 0.5, y as f32 + 0.5]))
    }

    /// The edges of non-zero length, each with the normal pointing inside.
    fn inward_edges(&self) -> Vec<Edge> {
        self.edges()
            .filter_map(|(a, b)| {
                let e = [b[0] - a[0], b[1] - a[1]];
                let length = e[0].hypot(e[1]);
                (length > 0.0).then(|| Edge {
                    a,
                    inward: [-e[1] / length, e[0] / length],
                })
            })
            .collect()
    }

    /// The smallest convex shape holding both (their convex hull).
    pub fn hull(&self, other: &Shape) -> Shape {
        Shape::convex_hull(self.corners.iter().chain(&other.corners).copied().collect())
    }

    /// The smallest convex shape holding all `points` (corners on a straight edge and repeated
    /// ones are dropped).
    pub fn convex_hull(mut points: Vec<Point>) -> Shape {
        points.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
        points.dedup();
        if points.len() < 3 {
            return Shape::polygon(points);
        }
        // Andrew's monotone chain: the lower then the upper chain, turning left only.
        let mut hull: Vec<Point> = Vec::with_capacity(points.len() + 1);
        for pass in [
            &points[..],
            &points.iter().rev().copied().collect::<Vec<_>>()[..],
        ] {
            let start = hull.len();
            for &p in pass {
                while hull.len() >= start + 2 {
                    let (a, b) = (hull[hull.len() - 2], hull[hull.len() - 1]);
                    if cross([b[0] - a[0], b[1] - a[1]], [p[0] - a[0], p[1] - a[1]]) > 0.0 {
                        break;
                    }
                    hull.pop();
                }
                hull.push(p);
            }
            hull.pop();
        }
        Shape::polygon(hull)
    }

    /// The part of the shape inside `other` (both convex).
    pub fn clipped_to(&self, other: &Shape) -> Shape {
        let mut kept = self.corners.clone();
        for (a, b) in other.edges() {
            let e = [b[0] - a[0], b[1] - a[1]];
            let side = |p: Point| cross(e, [p[0] - a[0], p[1] - a[1]]);
            let input = std::mem::take(&mut kept);
            for (i, &p) in input.iter().enumerate() {
                let q = input[(i + 1) % input.len()];
                let (sp, sq) = (side(p), side(q));
                if sp >= 0.0 {
                    kept.push(p);
                }
                if (sp >= 0.0) != (sq >= 0.0) {
                    let t = sp / (sp - sq);
                    kept.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
                }
            }
        }
        Shape::polygon(kept)
    }

    /// The shape with every coordinate multiplied by `factor` (a page scaled for a thumbnail).
    pub fn scaled(&self, factor: f32) -> Shape {
        self.mapped(&|p| [p[0] * factor, p[1] * factor])
    }

    /// The shape with every corner mapped by `to` (a scale, a quarter turn).
    pub fn mapped(&self, to: &dyn Fn(Point) -> Point) -> Shape {
        Shape::polygon(self.corners.iter().map(|&p| to(p)).collect())
    }

    fn edges(&self) -> impl Iterator<Item = (Point, Point)> + '_ {
        let n = self.corners.len();
        (0..n).map(move |i| (self.corners[i], self.corners[(i + 1) % n]))
    }
}

/// An edge of a shape: a point on it and its unit normal pointing inside.
struct Edge {
    a: Point,
    inward: Point,
}

impl Edge {
    /// An edge nothing lies inside of.
    const NOWHERE: Edge = Edge {
        a: [0.0, f32::INFINITY],
        inward: [0.0, 1.0],
    };

    /// How far `p` lies inside the edge (negative outside).
    fn depth(&self, p: Point) -> f32 {
        (p[0] - self.a[0]) * self.inward[0] + (p[1] - self.a[1]) * self.inward[1]
    }
}

fn dot(a: Point, b: Point) -> f32 {
    a[0] * b[0] + a[1] * b[1]
}

fn cross(a: Point, b: Point) -> f32 {
    a[0] * b[1] - a[1] * b[0]
}

/// Twice the polygon's area, positive when its corners run counter-clockwise as the maths goes.
fn twice_signed_area(corners: &[Point]) -> f32 {
    let n = corners.len();
    (0..n)
        .map(|i| cross(corners[i], corners[(i + 1) % n]))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f32, y0: f32, side: f32) -> Shape {
        Shape::rect(&Rect::new(x0, y0, x0 + side, y0 + side))
    }

    #[test]
    fn corners_in_either_direction_give_the_same_inside() {
        let forward = Shape::polygon(vec![[0.0, 0.0], [10.0, 0.0], [10.0, 4.0], [0.0, 4.0]]);
        let backward = Shape::polygon(vec![[0.0, 4.0], [10.0, 4.0], [10.0, 0.0], [0.0, 0.0]]);
        assert_eq!(forward.area(), 40.0);
        assert_eq!(backward.area(), 40.0);
        for shape in [forward, backward] {
            assert!(shape.contains([5.0, 2.0], 0.0));
            assert!(!shape.contains([5.0, 5.0], 0.0));
            assert!(shape.contains([5.0, 5.0], 1.5));
            assert!(!shape.contains([5.0, 0.5], -1.0));
        }
    }

    #[test]
    fn touched_pixels_are_those_the_shape_shares_area_with() {
        let shape = Shape::rect(&Rect::new(2.5, 3.2, 6.0, 5.0));
        let mut touched: Vec<(u32, u32)> = shape.touched_pixels(0.0, 20, 20).collect();
        touched.sort();
        let expected: Vec<(u32, u32)> = (2..6).flat_map(|x| (3..5).map(move |y| (x, y))).collect();
        assert_eq!(touched, expected);
        // A diamond touches the pixels its corners reach into, not the corners of its box.
        let diamond = Shape::polygon(vec![[5.0, 0.5], [9.5, 5.0], [5.0, 9.5], [0.5, 5.0]]);
        let touched: Vec<(u32, u32)> = diamond.touched_pixels(0.0, 20, 20).collect();
        assert!(
            touched.contains(&(0, 4)) && touched.contains(&(4, 0)) && touched.contains(&(9, 5))
        );
        assert!(!touched.contains(&(0, 0)) && !touched.contains(&(9, 9)));
        // Grown by a pixel: one more ring.
        assert_eq!(shape.touched_pixels(1.0, 20, 20).count(), 6 * 4);
        // Centres inside: the check's pixels.
        assert_eq!(shape.pixels(0.0, 20, 20).count(), 4 * 2);
    }

    #[test]
    fn an_ellipse_polygon_holds_the_ellipse_and_leaves_the_corners_of_its_box() {
        let disc = Shape::ellipse(&Ellipse::filling(&Rect::new(30.0, 30.0, 70.0, 70.0)));
        for k in 0..360 {
            let a = (k as f32).to_radians();
            assert!(disc.contains([50.0 + 20.0 * a.cos(), 50.0 + 20.0 * a.sin()], 1e-3));
        }
        assert!(!disc.contains([32.0, 32.0], 0.0));
        let ratio = disc.area() / (PI * 400.0);
        assert!((1.0..1.02).contains(&ratio), "{ratio}");
    }

    #[test]
    fn a_turned_line_gets_a_turned_box_that_holds_it_with_its_direction_a_little_off() {
        // A line 200 long and 20 high, turned by 20 degrees.
        let (c, s) = (20f32.to_radians().cos(), 20f32.to_radians().sin());
        let at = |a: f32, b: f32| [100.0 + a * c - b * s, 100.0 + a * s + b * c];
        let points = [at(0.0, 0.0), at(200.0, 0.0), at(200.0, 20.0), at(0.0, 20.0)];
        let shape = Shape::along_line(&points, [c, s], 2.0, 1.0);
        // The line's ink even where the detector's direction is 3 degrees off (turned round
        // the line's middle, as a box fitted to the ink is).
        let (c2, s2) = (17f32.to_radians().cos(), 17f32.to_radians().sin());
        let [mx, my] = at(100.0, 10.0);
        let off = |a: f32, b: f32| [mx + a * c2 - b * s2, my + a * s2 + b * c2];
        let ends = [
            (-100.0, -10.0),
            (100.0, -10.0),
            (100.0, 10.0),
            (-100.0, 10.0),
        ];
        for p in points.into_iter().chain(ends.map(|(a, b)| off(a, b))) {
            assert!(shape.contains(p, 1e-3), "{p:?}");
        }
        // Far less than the page-aligned box round the same points.
        assert!(shape.area() < 0.5 * Rect::around(&points).area());
        // A level line keeps its page-aligned box.
        let level = [[0.0, 0.0], [200.0, 0.0], [200.0, 20.0], [0.0, 20.0]];
        let shape = Shape::along_line(&level, [1.0, 0.07], 2.0, 1.0);
        assert_eq!(shape.bbox(), Rect::new(-2.0, -1.0, 202.0, 21.0));
    }

    #[test]
    fn hull_and_clip_of_two_squares() {
        let (a, b) = (square(0.0, 0.0, 10.0), square(5.0, 5.0, 10.0));
        assert_eq!(a.clipped_to(&b).area(), 25.0);
        assert_eq!(a.hull(&b).area(), 200.0);
        assert_eq!(a.clipped_to(&square(20.0, 0.0, 5.0)).area(), 0.0);
        assert_eq!(a.hull(&a).area(), 100.0);
    }
}
