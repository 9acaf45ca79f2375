//! Painting masks: opaque rectangles written into the page's pixels.

use image::{Rgb, RgbImage};

use crate::find::Region;

/// Paints every region onto the page in `color`, clamped to the page.
pub fn paint(page: &mut RgbImage, regions: &[Region], color: Rgb<u8>) {
    let (w, h) = page.dimensions();
    for region in regions {
        let [x0, y0, x1, y1] = region.rect.to_pixels(w, h);
        for y in y0..y1 {
            for x in x0..x1 {
                page.put_pixel(x, y, color);
            }
        }
    }
}

/// Parses a colour written as `RRGGBB` or `#RRGGBB`.
pub fn parse_color(text: &str) -> Result<Rgb<u8>, String> {
    let hex = text.trim_start_matches('#');
    let valid = hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit());
    if !valid {
        return Err(format!("{text:?} is not a colour like 000000 or #202020"));
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|e| e.to_string());
    Ok(Rgb([byte(0)?, byte(2)?, byte(4)?]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::find::{Evidence, Kind};
    use crate::geometry::Rect;

    #[test]
    fn paints_inside_and_clamps_to_page() {
        let mut page = RgbImage::from_pixel(20, 10, Rgb([255, 255, 255]));
        let region = Region {
            kind: Kind::Name,
            evidence: Evidence::Roster,
            rect: Rect::new(15.2, -3.0, 40.0, 4.5),
        };
        paint(&mut page, &[region], Rgb([0, 0, 0]));
        assert_eq!(page.get_pixel(15, 0).0, [0, 0, 0]);
        assert_eq!(page.get_pixel(19, 4).0, [0, 0, 0]);
        assert_eq!(page.get_pixel(14, 0).0, [255, 255, 255]);
        assert_eq!(page.get_pixel(19, 5).0, [255, 255, 255]);
    }

    #[test]
    fn colours_parse() {
        assert_eq!(parse_color("#102030"), Ok(Rgb([16, 32, 48])));
        assert_eq!(parse_color("000000"), Ok(Rgb([0, 0, 0])));
        assert!(parse_color("black").is_err());
    }
}
