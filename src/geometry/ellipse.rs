//! Ellipses: the rings of round and oval seals, level or stamped at a tilt.

use super::{Point, Rect};

/// An ellipse in page pixels: a seal's ring. A round seal's has equal radii.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ellipse {
    /// The centre.
    pub center: Point,
    /// Half the length along its own axis.
    pub rx: f32,
    /// Half the length across its own axis.
    pub ry: f32,
    /// The angle of its axis from the page's x axis, in radians, turning towards the page's y
    /// axis (clockwise as a page is seen); 0 for a level ellipse.
    pub tilt: f32,
}

impl Ellipse {
    /// The level ellipse filling `rect`.
    pub fn filling(rect: &Rect) -> Ellipse {
        Ellipse {
            center: rect.center(),
            rx: rect.width() / 2.0,
            ry: rect.height() / 2.0,
            tilt: 0.0,
        }
    }

    /// The point at parametric `angle` (radians) on the ellipse with both radii scaled by
    /// `share`.
    pub fn point(&self, angle: f32, share: f32) -> Point {
        let (ex, ey) = (share * self.rx * angle.cos(), share * self.ry * angle.sin());
        let (c, s) = (self.tilt.cos(), self.tilt.sin());
        [
            self.center[0] + ex * c - ey * s,
            self.center[1] + ex * s + ey * c,
        ]
    }

    /// The smallest rectangle holding the ellipse.
    pub fn bbox(&self) -> Rect {
        let (c, s) = (self.tilt.cos(), self.tilt.sin());
        let half_w = (self.rx * c).hypot(self.ry * s);
        let half_h = (self.rx * s).hypot(self.ry * c);
        let [cx, cy] = self.center;
        Rect::new(cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    }

    /// The same ellipse with both radii multiplied by `factor`.
    pub fn grown(&self, factor: f32) -> Ellipse {
        Ellipse {
            rx: self.rx * factor,
            ry: self.ry * factor,
            ..*self
        }
    }

    /// The same ellipse with every coordinate multiplied by `factor` (found on a shrunk page,
    /// on the page).
    pub fn scaled(&self, factor: f32) -> Ellipse {
        Ellipse {
            center: self.center.map(|v| v * factor),
            ..self.grown(factor)
        }
    }

    /// The same ellipse moved by `dx`, `dy` pixels.
    pub fn moved(&self, dx: f32, dy: f32) -> Ellipse {
        Ellipse {
            center: [self.center[0] + dx, self.center[1] + dy],
            ..*self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_ellipse_fills_its_box() {
        let rect = Rect::new(10.0, 20.0, 110.0, 80.0);
        let e = Ellipse::filling(&rect);
        assert_eq!(e.bbox(), rect);
        let p = e.point(0.0, 1.0);
        assert!((p[0] - 110.0).abs() < 1e-4 && (p[1] - 50.0).abs() < 1e-4);
    }

    #[test]
    fn a_tilted_ellipses_box_holds_its_points_and_touches_them() {
        let e = Ellipse {
            center: [100.0, 100.0],
            rx: 60.0,
            ry: 30.0,
            tilt: 30f32.to_radians(),
        };
        let b = e.bbox();
        let points: Vec<Point> = (0..360)
            .map(|k| e.point((k as f32).to_radians(), 1.0))
            .collect();
        assert!(points
            .iter()
            .all(|p| b.padded(0.01, 0.01).contains(p[0], p[1])));
        let tight = Rect::around(&points);
        assert!(
            (tight.x0 - b.x0).abs() < 0.5 && (tight.y1 - b.y1).abs() < 0.5,
            "{b:?}"
        );
        // Turned 30 degrees towards y, the axis's end lies right and below the centre.
        let end = e.point(0.0, 1.0);
        assert!(end[0] > 140.0 && end[1] > 125.0, "{end:?}");
    }
}
