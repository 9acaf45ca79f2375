//! Pixel primitives: luminance, bilinear sampling, and what counts as ink — one named threshold
//! per meaning.

use image::RgbImage;

/// Luminance below which a pixel is any ink at all, faint print and a greyscale seal's ring
/// included (on a page whose paper has been made white): lighter is paper. The seal search and
/// its blank-ring test use it.
pub const FAINT_INK: u8 = 170;

/// Luminance below which a pixel is dark enough to be print or handwriting: a seal's red, a
/// form's tint and the grey of a photo's shading are lighter. Signer text leaving a seal and
/// writing in a blank are found with it.
pub const WRITING_INK: u8 = 110;

/// How much darker (luminance) than the brightest pixel of its box a pixel must be to be ink. It
/// is relative because a photo's paper is seldom white: a box whose samples differ by less holds
/// no ink.
pub const INK_CONTRAST: u8 = 60;

/// Spread between a pixel's largest and smallest channel above which it is coloured, not grey:
/// a scan's noise and a photo's colour cast stay below it.
pub const COLOUR_SPREAD: u8 = 40;

/// ITU-R 601 luminance of a pixel.
pub fn luminance([r, g, b]: [u8; 3]) -> u8 {
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
}

/// Whether a pixel's channels spread more than [`COLOUR_SPREAD`].
pub fn is_coloured([r, g, b]: [u8; 3]) -> bool {
    r.max(g).max(b) - r.min(g).min(b) > COLOUR_SPREAD
}

/// Bilinear sample; outside the page reads as white paper.
pub fn bilinear(page: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = (page.width() as i64, page.height() as i64);
    let (x0, y0) = (x.floor() as i64, y.floor() as i64);
    let (ax, ay) = (x - x0 as f32, y - y0 as f32);
    let px = |xi: i64, yi: i64| -> [f32; 3] {
        if xi < 0 || yi < 0 || xi >= w || yi >= h {
            [255.0; 3]
        } else {
            page.get_pixel(xi as u32, yi as u32).0.map(f32::from)
        }
    };
    let (a, b, c, d) = (
        px(x0, y0),
        px(x0 + 1, y0),
        px(x0, y0 + 1),
        px(x0 + 1, y0 + 1),
    );
    std::array::from_fn(|k| {
        let top = a[k] + (b[k] - a[k]) * ax;
        let bottom = c[k] + (d[k] - c[k]) * ax;
        top + (bottom - top) * ay
    })
}
