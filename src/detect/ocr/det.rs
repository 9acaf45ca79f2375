//! Text detection with a DBNet model: probability map → connected regions → minimum-area
//! rectangles → score filter → unclip.

use image::{imageops, GrayImage, Luma, RgbImage};
use imageproc::point::Point as IpPoint;
use imageproc::region_labelling::{connected_components, Connectivity};
use ndarray::Array4;
use ort::session::Session;
use ort::value::TensorRef;

use crate::budget::MemoryBudget;
use crate::error::Result;
use crate::geometry::{Point, Quad, Rect};

/// Pixels whose probability exceeds this are text.
const BINARY_THRESHOLD: f32 = 0.3;
/// Regions whose mean probability is below this are dropped.
const BOX_THRESHOLD: f32 = 0.5;
/// How far DBNet's shrunk regions are grown back: area x ratio / perimeter.
const UNCLIP_RATIO: f32 = 1.6;
/// Regions thinner than this (in model pixels) are noise.
const MIN_SIDE: f32 = 3.0;

/// Size policy: the page is scaled so that its long side is at most [`FIRST_SIDE`] pixels (never
/// enlarged), then padded with white on the right and bottom to multiples of 32 and at least
/// [`MIN_INPUT_SIDE`] (padding, not stretching, keeps small images and thin strips in proportion).
/// At 200 DPI an A4 page becomes 679 x 960 in a 704 x 960 input, where 10.5 pt text is about 12
/// pixels high and its boxes about 18. When a box comes out thinner than [`SMALL_TEXT`], the
/// page has small print and is detected again at up to `MAX_SIDE` (1131 x 1600 for A4).
pub const MAX_SIDE: u32 = 1600;
/// Long side of the first detection pass.
pub const FIRST_SIDE: u32 = 960;
/// Boxes thinner than this (model pixels) at the first pass mean small print (about 7 pt at
/// 200 DPI on A4).
const SMALL_TEXT: f32 = 12.0;
/// Smallest input side: a one-line image gets white space above and below it, as on a page.
pub const MIN_INPUT_SIDE: u32 = 96;

/// How a page is fitted into the model input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// The scaled page's size.
    pub scaled: (u32, u32),
    /// The input size: the scaled page plus padding.
    pub input: (u32, u32),
}

impl Fit {
    /// The memory a pass over this input holds, in MB (rounded up).
    pub fn megabytes(&self) -> u64 {
        let pixels = u64::from(self.input.0) * u64::from(self.input.1);
        (pixels * BYTES_PER_INPUT_PIXEL).div_ceil(1_000_000)
    }
}

/// Bytes ONNX Runtime holds per pixel of the model input during a pass: about 175 MB for an A4
/// page at [`MAX_SIDE`] (a 1152 x 1600 input), measured. The small-print pass reserves this much
/// from the run's memory budget before it runs.
const BYTES_PER_INPUT_PIXEL: u64 = 96;

/// A detected text region before recognition.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// Corners in page pixels, in reading order (see [`reading_order`]).
    pub quad: Quad,
    /// Mean text probability inside the region.
    pub score: f32,
}

/// Finds text regions on a page: at [`FIRST_SIDE`], and again at [`MAX_SIDE`] when the page has
/// small print, that pass's memory reserved from `budget` first. Where faint ink is left outside
/// every region found, the page is detected once more with that ink deepened (see
/// [`faint_ink_deepened`]) and the regions found there are added.
pub fn detect(
    session: &mut Session,
    page: &RgbImage,
    budget: &MemoryBudget,
) -> Result<Vec<TextBox>> {
    let first = fit(page.width(), page.height(), FIRST_SIDE);
    let scaled = scaled_into(page, first);
    let boxes = detect_at(session, &scaled, first, page.dimensions())?;
    let scale = first.scaled.0 as f32 / page.width() as f32;
    let small = |b: &TextBox| {
        let q = &b.quad;
        let thick =
            crate::geometry::distance(q[0], q[3]).min(crate::geometry::distance(q[0], q[1]));
        thick * scale < SMALL_TEXT
    };
    let full = fit(page.width(), page.height(), MAX_SIDE);
    let (fit, scaled, mut boxes) = if full != first && boxes.iter().any(small) {
        let _reserved = budget.reserve(full.megabytes());
        let scaled = scaled_into(page, full);
        let boxes = detect_at(session, &scaled, full, page.dimensions())?;
        (full, scaled, boxes)
    } else {
        (first, scaled, boxes)
    };
    let to_page = page.width() as f32 / fit.scaled.0 as f32;
    let found: Vec<Rect> = boxes.iter().map(|b| Rect::around(&b.quad)).collect();
    let outside_found = |x: f32, y: f32| !found.iter().any(|r| r.contains(x, y));
    let unread = |x: u32, y: u32| outside_found(x as f32 * to_page, y as f32 * to_page);
    if let Some(deepened) = faint_ink_deepened(&scaled, unread) {
        let more = detect_at(session, &deepened, fit, page.dimensions())?;
        boxes.extend(more.into_iter().filter(|b| {
            let [cx, cy] = Rect::around(&b.quad).center();
            outside_found(cx, cy)
        }));
    }
    Ok(boxes)
}

/// The page scaled as `fit` says.
fn scaled_into(page: &RgbImage, fit: Fit) -> RgbImage {
    crate::pages::scaled(page, [0, 0, page.width(), page.height()], fit.scaled)
}

/// Finds text regions on a page scaled as `fit` says, in the pixels of the page of size `page`.
fn detect_at(
    session: &mut Session,
    scaled: &RgbImage,
    fit: Fit,
    (page_w, page_h): (u32, u32),
) -> Result<Vec<TextBox>> {
    let (w, h) = fit.scaled;
    let mut canvas = RgbImage::from_pixel(fit.input.0, fit.input.1, image::Rgb([255, 255, 255]));
    imageops::replace(&mut canvas, scaled, 0, 0);
    let input = to_tensor(&canvas);
    let outputs = session.run(ort::inputs![TensorRef::from_array_view(&input)?])?;
    let prob = outputs[0].try_extract_array::<f32>()?;
    let (iw, ih) = fit.input;
    let map = prob
        .to_shape((ih as usize, iw as usize))
        .map_err(crate::error::Error::inference)?;
    let sx = page_w as f32 / w as f32;
    let sy = page_h as f32 / h as f32;
    let boxes = boxes_from_map(&map.view(), iw, ih)
        .into_iter()
        .map(|b| TextBox {
            quad: b.quad.map(|[x, y]| [x * sx, y * sy]),
            score: b.score,
        })
        .collect();
    Ok(boxes)
}

/// Side of the blocks whose brightest pixel stands for the paper around them (model pixels).
const PAPER_BLOCK: u32 = 8;
/// How many times deeper than it is printed faint neutral ink is made for detection.
const FAINT_INK_GAIN: f32 = 2.0;
/// Blocks whose deepest ink is at least this far below its paper (in levels) hold print.
const INK_FLOOR: u8 = 24;
/// Paper whose middle block is at least this bright in every channel is a scan or a rendered
/// page, not a photo: its faint print is left to the first passes (a second look on such pages
/// found nothing more on the dev set and cost about a sixth more time).
const WHITE_PAPER: u8 = 235;
/// Ink whose channels lie further apart than this below the paper is coloured (a seal's red or
/// blue, a photo), not faint print, and is left as it is.
const NEUTRAL_SPREAD: u8 = 40;
/// Which of the page's print blocks, ranked by their deepest ink, stands for the page's print.
const PRINT_RANK: f32 = 0.75;
/// Ink shallower than this share of the page's print depth is faint: a block holding only such
/// ink, with neighbours alike, is deepened; one near the page's ordinary print keeps its strokes.
const FAINT_SHARE: f32 = 0.5;

/// The page with its faint neutral ink deepened against the local paper (failure class "small
/// grey print": a 15-pixel grey name on a phone photo whose other print is dark is too faint for
/// the detector as taken). The paper's colour is each channel's brightest value within a block
/// and its neighbours; a pixel's depth is its channels' least depth below it, and only neutral
/// ink ([`NEUTRAL_SPREAD`]) counts, so a red or blue seal or a photo's colours stay as they are.
/// Faint is relative to the page's own print ([`FAINT_SHARE`]), so a photo whose print is all
/// equally pale is left as it is. Pixels are only ever darkened. `None` on white paper
/// ([`WHITE_PAPER`]) and when no faint ink lies where `unread` says nothing was found (pixels of
/// `page`).
fn faint_ink_deepened(page: &RgbImage, unread: impl Fn(u32, u32) -> bool) -> Option<RgbImage> {
    let (w, h) = page.dimensions();
    let (bw, bh) = (w.div_ceil(PAPER_BLOCK), h.div_ceil(PAPER_BLOCK));
    let block_of = |x: u32, y: u32| ((y / PAPER_BLOCK) * bw + x / PAPER_BLOCK) as usize;
    let mut brightest = vec![[0u8; 3]; (bw * bh) as usize];
    for (x, y, p) in page.enumerate_pixels() {
        let block = &mut brightest[block_of(x, y)];
        *block = std::array::from_fn(|c| block[c].max(p.0[c]));
    }
    let paper = around_blocks(&brightest, bw, bh, |a, b| {
        std::array::from_fn(|c| a[c].max(b[c]))
    });
    let mut paper_levels: Vec<u8> = paper.iter().map(|p| p[0].min(p[1]).min(p[2])).collect();
    let middle = paper_levels.len() / 2;
    if *paper_levels.select_nth_unstable(middle).1 >= WHITE_PAPER {
        return None;
    }
    let depths: Vec<u8> = page
        .enumerate_pixels()
        .map(|(x, y, p)| {
            let around = paper[block_of(x, y)];
            let [r, g, b]: [u8; 3] = std::array::from_fn(|c| around[c].saturating_sub(p.0[c]));
            let (least, most) = (r.min(g).min(b), r.max(g).max(b));
            if most - least <= NEUTRAL_SPREAD {
                least
            } else {
                0
            }
        })
        .collect();
    let mut deepest = vec![0u8; (bw * bh) as usize];
    for ((x, y, _), &depth) in page.enumerate_pixels().zip(&depths) {
        let block = &mut deepest[block_of(x, y)];
        *block = (*block).max(depth);
    }
    let mut print: Vec<u8> = deepest
        .iter()
        .copied()
        .filter(|&d| d >= INK_FLOOR)
        .collect();
    if print.is_empty() {
        return None;
    }
    let rank = ((print.len() - 1) as f32 * PRINT_RANK) as usize;
    let faint = f32::from(*print.select_nth_unstable(rank).1) * FAINT_SHARE;
    let deepest_near = around_blocks(&deepest, bw, bh, u8::max);
    let is_faint = |block: usize| f32::from(deepest_near[block]) < faint;
    let faint_unread = (0..bw * bh).any(|i| {
        let (x, y) = ((i % bw) * PAPER_BLOCK, (i / bw) * PAPER_BLOCK);
        let i = i as usize;
        deepest[i] >= INK_FLOOR && is_faint(i) && unread(x + PAPER_BLOCK / 2, y + PAPER_BLOCK / 2)
    });
    if !faint_unread {
        return None;
    }
    let mut out = page.clone();
    for ((x, y, p), &depth) in out.enumerate_pixels_mut().zip(&depths) {
        if is_faint(block_of(x, y)) {
            let extra = (f32::from(depth) * (FAINT_INK_GAIN - 1.0)) as u8;
            p.0 = p.0.map(|v| v.saturating_sub(extra));
        }
    }
    Some(out)
}

/// Each block of a `bw` x `bh` grid combined with its eight neighbours.
fn around_blocks<T: Copy>(blocks: &[T], bw: u32, bh: u32, combine: impl Fn(T, T) -> T) -> Vec<T> {
    (0..bw * bh)
        .map(|i| {
            let (bx, by) = (i % bw, i / bw);
            let mut acc = blocks[i as usize];
            for ny in by.saturating_sub(1)..(by + 2).min(bh) {
                for nx in bx.saturating_sub(1)..(bx + 2).min(bw) {
                    acc = combine(acc, blocks[(ny * bw + nx) as usize]);
                }
            }
            acc
        })
        .collect()
}

/// How a page of this size is fitted into a model input of at most `max_side` pixels (see
/// [`MAX_SIDE`]).
pub fn fit(width: u32, height: u32, max_side: u32) -> Fit {
    let scale = (max_side as f32 / width.max(height) as f32).min(1.0);
    let scaled = |v: u32| ((v as f32 * scale).round() as u32).max(1);
    let padded = |v: u32| v.div_ceil(32).max(MIN_INPUT_SIDE.div_ceil(32)) * 32;
    let (w, h) = (scaled(width), scaled(height));
    Fit {
        scaled: (w, h),
        input: (padded(w), padded(h)),
    }
}

/// PP-OCR input: BGR, (px/255 - 0.5)/0.5, NCHW.
pub fn to_tensor(image: &RgbImage) -> Array4<f32> {
    crate::detect::onnx::bgr_tensor(image, |_, v| v / 127.5 - 1.0)
}

/// Turns a probability map into scored boxes, in map pixels.
pub fn boxes_from_map(map: &ndarray::ArrayView2<f32>, w: u32, h: u32) -> Vec<TextBox> {
    let bitmap = GrayImage::from_fn(w, h, |x, y| {
        Luma([u8::from(map[[y as usize, x as usize]] > BINARY_THRESHOLD)])
    });
    let labels = connected_components(&bitmap, Connectivity::Eight, Luma([0u8]));
    let mut regions: Vec<(Vec<IpPoint<f32>>, f32)> = Vec::new();
    for (x, y, label) in labels.enumerate_pixels() {
        let id = label.0[0] as usize;
        if id == 0 {
            continue;
        }
        if regions.len() < id {
            regions.resize(id, (Vec::new(), 0.0));
        }
        let region = &mut regions[id - 1];
        // Both pixel corners on the region's outline would be exact; centres ± 0.5 is close enough.
        region.0.push(IpPoint::new(x as f32, y as f32));
        region.1 += map[[y as usize, x as usize]];
    }
    regions
        .into_iter()
        .filter(|(points, _)| points.len() >= 4)
        .filter_map(|(points, prob_sum)| {
            let score = prob_sum / points.len() as f32;
            if score < BOX_THRESHOLD {
                return None;
            }
            let rect = imageproc::geometry::min_area_rect(&points);
            let corners: Quad = rect.map(|p| [p.x, p.y]);
            let quad = unclip(&reading_order(&corners));
            let short = crate::geometry::distance(quad[0], quad[3])
                .min(crate::geometry::distance(quad[0], quad[1]));
            (short >= MIN_SIDE + 1.0).then_some(TextBox { quad, score })
        })
        .collect()
}

/// Orders a rectangle's corners for reading: along its long side, left to right when the long side
/// is closer to horizontal, top to bottom otherwise.
pub fn reading_order(corners: &Quad) -> Quad {
    let center = [
        corners.iter().map(|p| p[0]).sum::<f32>() / 4.0,
        corners.iter().map(|p| p[1]).sum::<f32>() / 4.0,
    ];
    let side_a = sub(corners[1], corners[0]);
    let side_b = sub(corners[2], corners[1]);
    let long = if norm(side_a) >= norm(side_b) {
        side_a
    } else {
        side_b
    };
    let mut u = scale(long, 1.0 / norm(long).max(1e-6));
    if (u[0].abs() >= u[1].abs() && u[0] < 0.0) || (u[0].abs() < u[1].abs() && u[1] < 0.0) {
        u = scale(u, -1.0);
    }
    let n = [-u[1], u[0]];
    let mut quad = *corners;
    for p in corners {
        let d = sub(*p, center);
        let (s, t) = (dot(d, u), dot(d, n));
        let slot = match (s < 0.0, t < 0.0) {
            (true, true) => 0,
            (false, true) => 1,
            (false, false) => 2,
            (true, false) => 3,
        };
        quad[slot] = *p;
    }
    quad
}

/// Grows a reading-order rectangle (pixel centres) outward by area x ratio / perimeter on every side.
fn unclip(quad: &Quad) -> Quad {
    let along = sub(quad[1], quad[0]);
    let across = sub(quad[3], quad[0]);
    // Pixel centres to pixel edges: one extra pixel in each direction.
    let (len, thick) = (norm(along) + 1.0, norm(across) + 1.0);
    let d = len * thick * UNCLIP_RATIO / (2.0 * (len + thick));
    let u = scale(along, 1.0 / norm(along).max(1e-6));
    let v = scale(across, 1.0 / norm(across).max(1e-6));
    let (du, dv) = (d + 0.5, d + 0.5);
    let grow = |p: Point, su: f32, sv: f32| {
        [
            p[0] + u[0] * du * su + v[0] * dv * sv,
            p[1] + u[1] * du * su + v[1] * dv * sv,
        ]
    };
    [
        grow(quad[0], -1.0, -1.0),
        grow(quad[1], 1.0, -1.0),
        grow(quad[2], 1.0, 1.0),
        grow(quad[3], -1.0, 1.0),
    ]
}

fn sub(a: Point, b: Point) -> Point {
    [a[0] - b[0], a[1] - b[1]]
}
fn dot(a: Point, b: Point) -> f32 {
    a[0] * b[0] + a[1] * b[1]
}
fn norm(a: Point) -> f32 {
    dot(a, a).sqrt()
}
fn scale(a: Point, k: f32) -> Point {
    [a[0] * k, a[1] * k]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A photo-grey page 400 x 200 (paper 220, 225, 235) with a black bar at the left, and `ink`
    /// painted over columns 300..340 of rows 100..110, far from it.
    fn page_with(paper: [u8; 3], ink: [u8; 3], black_bar: bool) -> RgbImage {
        RgbImage::from_fn(400, 200, |x, y| {
            if black_bar && x < 60 && (20..40).contains(&y) {
                image::Rgb([10, 10, 10])
            } else if (300..340).contains(&x) && (100..110).contains(&y) {
                image::Rgb(ink)
            } else {
                image::Rgb(paper)
            }
        })
    }

    const PHOTO: [u8; 3] = [220, 225, 235];

    #[test]
    fn faint_grey_ink_is_deepened_and_dark_print_and_paper_are_not() {
        let page = page_with(PHOTO, [160, 165, 175], true);
        let deepened = faint_ink_deepened(&page, |_, _| true).unwrap();
        assert_eq!(deepened.get_pixel(320, 105).0, [100, 105, 115]);
        assert_eq!(deepened.get_pixel(30, 30).0, [10, 10, 10]);
        assert_eq!(deepened.get_pixel(200, 150).0, PHOTO);
    }

    #[test]
    fn a_page_whose_print_is_all_pale_is_left_as_it_is() {
        let pale = page_with(PHOTO, [160, 165, 175], false);
        assert_eq!(faint_ink_deepened(&pale, |_, _| true), None);
    }

    #[test]
    fn faint_ink_already_read_needs_no_second_look() {
        let read = |x: u32, y: u32| (290..350).contains(&x) && (90..120).contains(&y);
        let page = page_with(PHOTO, [160, 165, 175], true);
        assert_eq!(faint_ink_deepened(&page, |x, y| !read(x, y)), None);
    }

    #[test]
    fn faint_red_ink_is_not_faint_print() {
        let red = page_with(PHOTO, [200, 110, 110], true);
        assert_eq!(faint_ink_deepened(&red, |_, _| true), None);
    }

    #[test]
    fn a_scan_on_white_paper_gets_no_second_look() {
        let scan = page_with([250, 250, 250], [190, 190, 190], true);
        assert_eq!(faint_ink_deepened(&scan, |_, _| true), None);
    }

    #[test]
    fn fit_shrinks_long_pages_and_pads_to_multiples_of_32() {
        let a4 = fit(1654, 2339, MAX_SIDE);
        assert_eq!(a4.scaled, (1131, 1600));
        assert_eq!(a4.input, (1152, 1600));
        let first = fit(1654, 2339, FIRST_SIDE);
        assert_eq!(first.scaled, (679, 960));
        assert_eq!(first.input, (704, 960));
        let line = fit(423, 44, FIRST_SIDE);
        assert_eq!(line.scaled, (423, 44));
        assert_eq!(line.input, (448, 96));
        let strip = fit(5000, 100, MAX_SIDE);
        assert_eq!(strip.scaled, (1600, 32));
        assert_eq!(strip.input, (1600, 96));
    }

    #[test]
    fn reading_order_runs_left_to_right_for_wide_boxes() {
        let scrambled: Quad = [[100.0, 20.0], [0.0, 20.0], [0.0, 0.0], [100.0, 0.0]];
        assert_eq!(
            reading_order(&scrambled),
            [[0.0, 0.0], [100.0, 0.0], [100.0, 20.0], [0.0, 20.0]]
        );
    }

    #[test]
    fn one_region_becomes_one_unclipped_box() {
        let (w, h) = (64u32, 32u32);
        let map = ndarray::Array2::from_shape_fn((h as usize, w as usize), |(y, x)| {
            if (10..=19).contains(&y) && (8..=55).contains(&x) {
                0.9
            } else {
                0.0
            }
        });
        let boxes = boxes_from_map(&map.view(), w, h);
        assert_eq!(boxes.len(), 1);
        let r = Rect::around(&boxes[0].quad);
        // 48 x 10 region grown by 48*10*1.6/(2*58) ≈ 6.6 px per side.
        assert!(r.x0 < 8.0 - 5.0 && r.x1 > 56.0 + 5.0, "{r:?}");
        assert!(r.y0 < 10.0 - 5.0 && r.y1 > 20.0 + 5.0, "{r:?}");
        assert!((boxes[0].score - 0.9).abs() < 1e-4);
    }

    #[test]
    fn faint_regions_are_dropped() {
        let map = ndarray::Array2::from_elem((32, 32), 0.4f32);
        assert!(boxes_from_map(&map.view(), 32, 32).is_empty());
    }
}
