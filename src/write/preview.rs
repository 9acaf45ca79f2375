//! Previews: a page with each masked region outlined and labelled with its kind instead of
//! painted over, so that a person can see what will be covered (the applicant's check) or what
//! was covered (the audit report's thumbnails).

use std::collections::HashSet;

use font8x8::UnicodeFonts;
use image::{Rgb, RgbImage};

use super::manifest::ManifestRegion;
use crate::base::Kind;

/// The outline colour of a region kind.
pub fn kind_color(kind: Kind) -> Rgb<u8> {
    match kind {
        Kind::Name => Rgb([220, 30, 30]),
        Kind::Unit => Rgb([30, 90, 220]),
        Kind::Eyes | Kind::Face => Rgb([20, 150, 60]),
        Kind::IdNumber => Rgb([150, 40, 180]),
    }
}

/// Draws each region's outline (`scale` maps page pixels to `image` pixels) and, when `labels`
/// is set, its kind in a tag above its top-left corner.
pub fn outline(image: &mut RgbImage, regions: &[ManifestRegion], scale: f32, labels: bool) {
    let (w, h) = image.dimensions();
    let thickness = ((w.max(h) as f32 / 600.0).round() as u32).max(1);
    for region in regions {
        let color = kind_color(region.kind);
        let shape = region.shape().scaled(scale);
        let inside: HashSet<(u32, u32)> = shape.touched_pixels(0.0, w, h).collect();
        for (x, y) in shape.touched_pixels(thickness as f32, w, h) {
            if !inside.contains(&(x, y)) {
                image.put_pixel(x, y, color);
            }
        }
        let [x0, y0, _, y1] = shape.bbox().to_pixels(w, h).map(i64::from);
        if labels {
            let glyph = i64::from(thickness.max(2));
            let tag_height = 8 * glyph + 2 * glyph;
            let tag_y = if y0 - tag_height > 0 {
                y0 - tag_height - 1
            } else {
                y1 + 1
            };
            draw_tag(image, x0 - 1, tag_y, region.kind.as_str(), glyph, color);
        }
    }
}

/// White text on a filled tag of `color`, with glyphs of 8 x `scale` pixels.
fn draw_tag(image: &mut RgbImage, x: i64, y: i64, text: &str, scale: i64, color: Rgb<u8>) {
    let pad = scale;
    let width = text.chars().count() as i64 * 8 * scale + 2 * pad;
    let height = 8 * scale + 2 * pad;
    for ty in y..y + height {
        for tx in x..x + width {
            put(image, tx, ty, color);
        }
    }
    for (i, ch) in text.chars().enumerate() {
        let Some(rows) = font8x8::BASIC_FONTS.get(ch) else {
            continue;
        };
        let left = x + pad + i as i64 * 8 * scale;
        for (row, bits) in rows.iter().enumerate() {
            for col in 0..8 {
                if bits & (1 << col) == 0 {
                    continue;
                }
                let (px, py) = (left + col * scale, y + pad + row as i64 * scale);
                for dy in 0..scale {
                    for dx in 0..scale {
                        put(image, px + dx, py + dy, Rgb([255, 255, 255]));
                    }
                }
            }
        }
    }
}

fn put(image: &mut RgbImage, x: i64, y: i64, color: Rgb<u8>) {
    if x >= 0 && y >= 0 && x < i64::from(image.width()) && y < i64::from(image.height()) {
        image.put_pixel(x as u32, y as u32, color);
    }
}

/// Where the preview of a page of `output` (`files/<code>/<NNN>.<ext>`) goes:
/// `previews/<code>/<NNN>-p<page>.jpg`.
pub fn preview_path(output: &str, page: usize) -> String {
    let stem = output
        .strip_prefix("files/")
        .unwrap_or(output)
        .rsplit_once('.')
        .map_or(output, |(stem, _)| stem);
    format!("previews/{stem}-p{page}.jpg")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(kind: Kind, bbox: [u32; 4]) -> ManifestRegion {
        ManifestRegion {
            kind,
            bbox,
            poly: Vec::new(),
            evidence: crate::base::Evidence::Roster,
        }
    }

    #[test]
    fn outlines_surround_the_region_and_leave_it_visible() {
        let mut image = RgbImage::from_pixel(200, 100, Rgb([255, 255, 255]));
        outline(
            &mut image,
            &[region(Kind::Name, [50, 40, 150, 60])],
            1.0,
            true,
        );
        assert_eq!(*image.get_pixel(49, 50), kind_color(Kind::Name));
        assert_eq!(*image.get_pixel(150, 50), kind_color(Kind::Name));
        assert_eq!(*image.get_pixel(100, 50), Rgb([255, 255, 255]));
        // The tag sits above the region and holds white glyph pixels.
        let tag = (20..39).flat_map(|y| (49..90).map(move |x| (x, y)));
        let colors: Vec<_> = tag.map(|(x, y)| *image.get_pixel(x, y)).collect();
        assert!(colors.contains(&kind_color(Kind::Name)));
        assert!(colors.contains(&Rgb([255, 255, 255])));
    }

    #[test]
    fn scaled_outlines_follow_the_thumbnail() {
        let mut image = RgbImage::from_pixel(100, 50, Rgb([255, 255, 255]));
        outline(
            &mut image,
            &[region(Kind::Eyes, [100, 40, 120, 60])],
            0.5,
            false,
        );
        assert_eq!(*image.get_pixel(49, 25), kind_color(Kind::Eyes));
        assert_eq!(*image.get_pixel(55, 25), Rgb([255, 255, 255]));
    }

    #[test]
    fn preview_paths_mirror_outputs() {
        assert_eq!(
            preview_path("files/A001/002.pdf", 3),
            "previews/A001/002-p3.jpg"
        );
    }
}
