//! Red official seals (公章): round red rings carrying a unit's name. A seal is masked as the
//! applicant's unit unless the text around it shows it belongs to an issuing authority or a
//! school; when in doubt it is masked.

use image::{GrayImage, Luma, RgbImage};
use imageproc::region_labelling::{connected_components, Connectivity};

use super::{Evidence, Kind, Line, Region};
use crate::detect::Face;
use crate::geometry::Rect;

/// The page is examined at 1/STEP of its size: seals are large.
const STEP: u32 = 4;
/// Smallest seal diameter, as a fraction of the page's shorter side (a 3 cm seal on A4 is 0.14).
const MIN_DIAMETER: f32 = 0.06;
/// Words showing that a seal belongs to an issuer, not to the applicant's unit.
const AUTHORITY_WORDS: &[&str] = &[
    "人力资源",
    "社会保障",
    "保障厅",
    "资格评审",
    "职改办",
    "人社",
    "卫生健康委员会",
    "卫健委",
    "职称改革",
    "大学",
    "学院",
    "学校",
    "教育厅",
    "教育局",
    "考试",
    "继续医学教育委员会",
    "委员会办公室",
];

/// Whether a pixel is seal red.
fn is_red(p: [u8; 3]) -> bool {
    let [r, g, b] = p.map(i32::from);
    r > 120 && r - g > 60 && r - b > 50
}

/// Finds seals to mask.
pub fn find(page: &RgbImage, lines: &[Line], faces: &[Face], unit_boxes: &[Rect]) -> Vec<Region> {
    let mut regions = Vec::new();
    for seal in candidates(page) {
        let on_a_face = faces.iter().any(|f| {
            f.bbox
                .padded(f.bbox.width() * 0.3, f.bbox.height() * 0.3)
                .overlaps(&seal)
        });
        if on_a_face || !belongs_to_applicant(&seal, lines, unit_boxes) {
            continue;
        }
        regions.push(Region {
            kind: Kind::Unit,
            evidence: Evidence::Seal,
            rect: seal.padded(seal.width() * 0.04, seal.height() * 0.04),
        });
        // The signer line stamped over by the seal is the unit's name, mostly unreadable to OCR.
        for line in lines
            .iter()
            .filter(|l| crosses(&seal, &l.bbox) && !is_date(l))
        {
            let h = line.bbox.height();
            regions.push(Region {
                kind: Kind::Unit,
                evidence: Evidence::Seal,
                rect: line.bbox.padded(0.2 * h, 0.1 * h),
            });
        }
    }
    regions
}

/// Whether a text line runs through the seal's middle band.
fn crosses(seal: &Rect, line: &Rect) -> bool {
    let band = Rect::new(
        seal.x0,
        seal.y0 + 0.2 * seal.height(),
        seal.x1,
        seal.y1 - 0.2 * seal.height(),
    );
    line.intersection(&band).area() > 0.3 * line.area()
}

/// Dates under a seal (2024年3月14日) stay readable.
fn is_date(line: &Line) -> bool {
    let digits = line
        .norm
        .chars
        .iter()
        .filter(|c| c.is_ascii_digit())
        .count();
    digits * 2 >= line.norm.len()
}

/// Round red rings on the page, in page pixels.
pub fn candidates(page: &RgbImage) -> Vec<Rect> {
    let (w, h) = (page.width().div_ceil(STEP), page.height().div_ceil(STEP));
    let red = GrayImage::from_fn(w, h, |x, y| {
        let hit = (0..STEP).any(|dy| {
            (0..STEP).any(|dx| {
                let (px, py) = (x * STEP + dx, y * STEP + dy);
                px < page.width() && py < page.height() && is_red(page.get_pixel(px, py).0)
            })
        });
        Luma([u8::from(hit) * 255])
    });
    let closed = imageproc::morphology::close(&red, imageproc::distance_transform::Norm::LInf, 2);
    let labels = connected_components(&closed, Connectivity::Eight, Luma([0u8]));
    let mut boxes: Vec<Rect> = Vec::new();
    for (x, y, l) in labels.enumerate_pixels() {
        let id = l.0[0] as usize;
        if id == 0 {
            continue;
        }
        if boxes.len() < id {
            boxes.resize(id, Rect::new(f32::MAX, f32::MAX, f32::MIN, f32::MIN));
        }
        let b = &mut boxes[id - 1];
        *b = Rect::new(
            b.x0.min(x as f32),
            b.y0.min(y as f32),
            b.x1.max(x as f32 + 1.0),
            b.y1.max(y as f32 + 1.0),
        );
    }
    let min_side = MIN_DIAMETER * w.min(h) as f32;
    boxes
        .into_iter()
        .filter(|b| b.width() >= min_side && b.height() >= min_side)
        .filter(|b| (0.75..1.33).contains(&(b.width() / b.height())))
        .filter(|b| is_ring(&red, b))
        .map(|b| {
            Rect::new(
                b.x0 * STEP as f32,
                b.y0 * STEP as f32,
                b.x1 * STEP as f32,
                b.y1 * STEP as f32,
            )
        })
        .collect()
}

/// A seal has red all round its rim and is mostly paper inside (not a solid red blob).
fn is_ring(red: &GrayImage, b: &Rect) -> bool {
    let [cx, cy] = b.center();
    let r = (b.width() + b.height()) / 4.0;
    let at = |x: f32, y: f32| {
        let (x, y) = (x.round() as i64, y.round() as i64);
        x >= 0
            && y >= 0
            && (x as u32) < red.width()
            && (y as u32) < red.height()
            && red.get_pixel(x as u32, y as u32).0[0] > 0
    };
    let rim = (0..72)
        .filter(|k| {
            let t = *k as f32 * std::f32::consts::TAU / 72.0;
            [0.85, 0.92, 0.99]
                .iter()
                .any(|f| at(cx + f * r * t.cos(), cy + f * r * t.sin()))
        })
        .count();
    let mut inside = 0;
    let mut total = 0;
    for y in b.y0 as u32..b.y1 as u32 {
        for x in b.x0 as u32..b.x1 as u32 {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            if dx * dx + dy * dy <= (0.8 * r).powi(2) {
                total += 1;
                inside += usize::from(red.get_pixel(x, y).0[0] > 0);
            }
        }
    }
    rim >= 50 && (inside as f32) < 0.6 * total.max(1) as f32
}

/// A seal is the applicant's unless authority text is near it and no unit text is.
fn belongs_to_applicant(seal: &Rect, lines: &[Line], unit_boxes: &[Rect]) -> bool {
    let near = seal.padded(seal.width(), seal.height() * 0.6);
    if unit_boxes.iter().any(|u| u.overlaps(&near)) {
        return true;
    }
    let authority_nearby = lines.iter().filter(|l| l.bbox.overlaps(&near)).any(|l| {
        let text: String = l.norm.chars.iter().collect();
        AUTHORITY_WORDS.iter().any(|w| text.contains(w))
    });
    !authority_nearby
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_with_ring(cx: f32, cy: f32, r: f32) -> RgbImage {
        let mut page = RgbImage::from_pixel(1200, 1600, image::Rgb([250, 250, 245]));
        for (x, y, p) in page.enumerate_pixels_mut() {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            if (r - 8.0..=r).contains(&d) || (d < 0.6 * r && (x / 6 + y / 9) % 5 == 0) {
                *p = image::Rgb([220, 40, 40]);
            }
        }
        page
    }

    #[test]
    fn red_ring_is_found_where_it_is() {
        let seals = candidates(&page_with_ring(600.0, 800.0, 150.0));
        assert_eq!(seals.len(), 1, "{seals:?}");
        let s = seals[0];
        assert!(
            (s.center()[0] - 600.0).abs() < 10.0 && (s.center()[1] - 800.0).abs() < 10.0,
            "{s:?}"
        );
        assert!((s.width() - 300.0).abs() < 16.0, "{s:?}");
    }

    #[test]
    fn solid_red_blob_is_not_a_seal() {
        let mut page = RgbImage::from_pixel(1200, 1600, image::Rgb([255, 255, 255]));
        for y in 300..600 {
            for x in 300..600 {
                page.put_pixel(x, y, image::Rgb([200, 30, 30]));
            }
        }
        assert!(candidates(&page).is_empty());
    }

    #[test]
    fn authority_seal_stays_visible() {
        let page = page_with_ring(600.0, 800.0, 150.0);
        let text = super::super::tests::line_at(
            "新疆维吾尔自治区人力资源和社会保障厅",
            300.0,
            700.0,
            30.0,
        );
        let lines = vec![Line::new(&text)];
        assert!(find(&page, &lines, &[], &[]).is_empty());
        assert_eq!(find(&page, &[], &[], &[]).len(), 1);
    }
}
