//! Quarter turns of a page: a page photographed turned is read upright, and what is found on the
//! upright page is mapped back onto the page as it is.

use image::RgbImage;

use super::Point;

/// How far a page's content is turned clockwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Turn {
    /// Upright.
    #[default]
    None,
    /// A quarter turn clockwise (the text runs downwards).
    Quarter,
    /// Upside down.
    Half,
    /// Three quarters clockwise (the text runs upwards).
    ThreeQuarters,
}

impl Turn {
    /// The page turned upright.
    pub fn upright(self, page: &RgbImage) -> RgbImage {
        match self {
            Turn::None => page.clone(),
            Turn::Quarter => image::imageops::rotate270(page),
            Turn::Half => image::imageops::rotate180(page),
            Turn::ThreeQuarters => image::imageops::rotate90(page),
        }
    }

    /// Where a point of the page as it is (`width x height`) lies on the upright page.
    pub fn forward(self, [x, y]: Point, width: f32, height: f32) -> Point {
        match self {
            Turn::None => [x, y],
            Turn::Quarter => [y, width - x],
            Turn::Half => [width - x, height - y],
            Turn::ThreeQuarters => [height - y, x],
        }
    }

    /// Where a point of the upright page lies on the page as it is (`width x height`).
    pub fn back(self, [u, v]: Point, width: f32, height: f32) -> Point {
        match self {
            Turn::None => [u, v],
            Turn::Quarter => [width - v, u],
            Turn::Half => [width - u, height - v],
            Turn::ThreeQuarters => [v, height - u],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_map_between_the_page_and_its_upright_copy() {
        let mut page = RgbImage::new(40, 30);
        page.put_pixel(5, 7, image::Rgb([255, 0, 0]));
        for turn in [Turn::None, Turn::Quarter, Turn::Half, Turn::ThreeQuarters] {
            let upright = turn.upright(&page);
            let (u, v) = upright
                .enumerate_pixels()
                .find(|(_, _, p)| p.0[0] == 255)
                .map(|(x, y, _)| (x, y))
                .unwrap();
            let centre = [u as f32 + 0.5, v as f32 + 0.5];
            assert_eq!(turn.back(centre, 40.0, 30.0), [5.5, 7.5], "{turn:?}");
            assert_eq!(turn.forward([5.5, 7.5], 40.0, 30.0), centre, "{turn:?}");
        }
    }
}
