//! Text recognition with a CTC model: each line is sampled straight from the page into a
//! 48-pixel-high strip, strips are batched by width, and greedy decoding keeps the output
//! column of every character so that each character gets its own box on the page.

use image::RgbImage;
use ndarray::Array4;
use ort::session::Session;
use ort::value::TensorRef;

use crate::base::pixels::bilinear;
use crate::error::{Error, Result};
use crate::geometry::{distance, Quad};

/// Height of the recognizer's input.
pub const INPUT_HEIGHT: usize = 48;
/// Narrowest batch width, as the model was trained.
const MIN_WIDTH: usize = 320;
/// Widest strip; longer lines are squeezed (rare: a 3,000 px line at 30 px height).
const MAX_WIDTH: usize = 3200;
/// Each output column covers this many input pixels.
const COLUMN_WIDTH: f32 = 8.0;
/// Lines per inference call.
const BATCH: usize = 8;
/// Least probability for a class to be kept as a character's alternative reading.
const ALTERNATIVE_MIN: f32 = 0.05;
/// Most alternative readings kept per character.
const MAX_ALTERNATIVES: usize = 3;

/// One character as decoded: the character, its confidence and its centre as a fraction of the
/// line's length.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedChar {
    /// The character.
    pub ch: char,
    /// Probability of the winning class.
    pub confidence: f32,
    /// Centre of the character along the line, 0..1.
    pub center: f32,
    /// Other characters the recognizer gave some probability (at least [`ALTERNATIVE_MIN`]) in
    /// the character's columns or the blank columns beside them, likeliest first.
    pub alternatives: Vec<char>,
}

/// The recognizer's alphabet: index 0 is the CTC blank, then the dictionary, then a space.
#[derive(Debug, Clone)]
pub struct Alphabet {
    chars: Vec<char>,
}

impl Alphabet {
    /// Builds the alphabet from a dictionary with one character per line.
    pub fn from_dict(text: &str) -> Result<Alphabet> {
        let mut chars = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let mut it = line.chars();
            match (it.next(), it.next()) {
                (Some(c), None) => chars.push(c),
                (None, _) => chars.push(' '),
                _ => {
                    return Err(Error::Model {
                        name: "dictionary".into(),
                        detail: format!("line {} holds more than one character", i + 1),
                        source: None,
                    })
                }
            }
        }
        chars.push(' ');
        Ok(Alphabet { chars })
    }

    /// Number of classes the model must output (blank + dictionary + space).
    pub fn classes(&self) -> usize {
        self.chars.len() + 1
    }

    /// The character of class `index` (None for the blank).
    fn get(&self, index: usize) -> Option<char> {
        index
            .checked_sub(1)
            .and_then(|i| self.chars.get(i))
            .copied()
    }
}

/// Recognizes the text in each quad of `page`; returns the characters of each line in order.
pub fn recognize(
    session: &mut Session,
    alphabet: &Alphabet,
    page: &RgbImage,
    quads: &[Quad],
    deadline: crate::detect::Deadline,
) -> Result<Vec<Vec<DecodedChar>>> {
    let widths: Vec<usize> = quads.iter().map(strip_width).collect();
    let mut order: Vec<usize> = (0..quads.len()).collect();
    order.sort_by_key(|&i| widths[i]);
    let mut results = vec![Vec::new(); quads.len()];
    for chunk in order.chunks(BATCH) {
        deadline.check()?;
        let batch_width = chunk
            .iter()
            .map(|&i| widths[i])
            .max()
            .unwrap_or(MIN_WIDTH)
            .max(MIN_WIDTH);
        let mut input = Array4::<f32>::zeros((chunk.len(), 3, INPUT_HEIGHT, batch_width));
        for (slot, &i) in chunk.iter().enumerate() {
            sample_strip(page, &quads[i], widths[i], &mut input, slot);
        }
        let outputs = session.run(ort::inputs![TensorRef::from_array_view(&input)?])?;
        let probs = outputs[0].try_extract_array::<f32>()?;
        let unexpected = |e: ndarray::ShapeError| Error::Inference {
            detail: format!("recognizer output: {e}"),
            source: Some(e.into()),
        };
        let probs = probs
            .into_dimensionality::<ndarray::Ix3>()
            .map_err(unexpected)?;
        if probs.shape()[2] != alphabet.classes() {
            return Err(Error::Model {
                name: "recognizer".into(),
                detail: format!(
                    "outputs {} classes but the dictionary has {}",
                    probs.shape()[2],
                    alphabet.classes()
                ),
                source: None,
            });
        }
        for (slot, &i) in chunk.iter().enumerate() {
            results[i] = decode(
                &probs.index_axis(ndarray::Axis(0), slot),
                alphabet,
                widths[i],
            );
        }
    }
    Ok(results)
}

/// Width of a line's strip once scaled to the input height.
fn strip_width(quad: &Quad) -> usize {
    let len = distance(quad[0], quad[1]);
    let thick = distance(quad[0], quad[3]).max(1.0);
    ((len / thick * INPUT_HEIGHT as f32).round() as usize).clamp(8, MAX_WIDTH)
}

/// Samples the quad from the page (bilinear) into `input[slot]`, left-aligned, scaled like the
/// PP-OCR preprocessing; the rest of the row stays 0 (the padding value).
fn sample_strip(page: &RgbImage, quad: &Quad, width: usize, input: &mut Array4<f32>, slot: usize) {
    let [tl, tr, _, bl] = *quad;
    let u = [
        (tr[0] - tl[0]) / width as f32,
        (tr[1] - tl[1]) / width as f32,
    ];
    let v = [
        (bl[0] - tl[0]) / INPUT_HEIGHT as f32,
        (bl[1] - tl[1]) / INPUT_HEIGHT as f32,
    ];
    for row in 0..INPUT_HEIGHT {
        for col in 0..width {
            let (fx, fy) = (col as f32 + 0.5, row as f32 + 0.5);
            let x = tl[0] + u[0] * fx + v[0] * fy - 0.5;
            let y = tl[1] + u[1] * fx + v[1] * fy - 0.5;
            let rgb = bilinear(page, x, y);
            for (c, channel) in [2usize, 1, 0].into_iter().enumerate() {
                input[[slot, c, row, col]] = rgb[channel] / 127.5 - 1.0;
            }
        }
    }
}

/// Greedy CTC decoding of one line: argmax per column, repeats merged, blanks dropped; each
/// character keeps the column that produced it and its alternative readings.
pub fn decode(
    probs: &ndarray::ArrayView2<f32>,
    alphabet: &Alphabet,
    strip_width: usize,
) -> Vec<DecodedChar> {
    let columns = ((strip_width as f32 / COLUMN_WIDTH).ceil() as usize)
        .max(1)
        .min(probs.nrows());
    let winners: Vec<(usize, f32)> = probs
        .outer_iter()
        .take(columns)
        .map(|row| {
            row.iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(class, &p)| (class, p))
                .unwrap_or((0, 0.0))
        })
        .collect();
    let center_of = |t: usize| ((t as f32 + 0.5) * COLUMN_WIDTH / strip_width as f32).min(1.0);
    let mut out: Vec<DecodedChar> = Vec::new();
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let mut previous = 0usize;
    for (t, &(best, p)) in winners.iter().enumerate() {
        if best != 0 && best != previous {
            if let Some(ch) = alphabet.get(best) {
                out.push(DecodedChar {
                    ch,
                    confidence: p,
                    center: center_of(t),
                    alternatives: Vec::new(),
                });
                spans.push(t..t + 1);
            }
        } else if best != 0 && best == previous {
            // The same character held over several columns: move its centre to the middle.
            if let (Some(last), Some(span)) = (out.last_mut(), spans.last_mut()) {
                last.center = (last.center + center_of(t)) / 2.0;
                last.confidence = last.confidence.max(p);
                span.end = t + 1;
            }
        }
        previous = best;
    }
    for (c, span) in out.iter_mut().zip(&spans) {
        let blank_before = span.start > 0 && winners[span.start - 1].0 == 0;
        let blank_after = winners.get(span.end).is_some_and(|w| w.0 == 0);
        let first = span.start - usize::from(blank_before);
        let last = span.end + usize::from(blank_after);
        c.alternatives = alternatives(
            probs,
            alphabet,
            &winners,
            first..last,
            winners[span.start].0,
        );
    }
    // Leading and trailing spaces carry no text.
    while out.last().is_some_and(|c| c.ch == ' ') {
        out.pop();
    }
    while out.first().is_some_and(|c| c.ch == ' ') {
        out.remove(0);
    }
    out
}

/// The characters other than `winner` that reach [`ALTERNATIVE_MIN`] in any of `columns`,
/// likeliest first, at most [`MAX_ALTERNATIVES`]. A column whose own winner (in `winners`)
/// leaves less than that to the other classes is skipped: most columns of a clear line.
fn alternatives(
    probs: &ndarray::ArrayView2<f32>,
    alphabet: &Alphabet,
    winners: &[(usize, f32)],
    columns: std::ops::Range<usize>,
    winner: usize,
) -> Vec<char> {
    let mut found: Vec<(usize, f32)> = Vec::new();
    for t in columns.filter(|&t| winners[t].1 <= 1.0 - ALTERNATIVE_MIN) {
        for (class, &p) in probs.row(t).iter().enumerate() {
            if p < ALTERNATIVE_MIN || class == 0 || class == winner {
                continue;
            }
            match found.iter_mut().find(|f| f.0 == class) {
                Some(f) => f.1 = f.1.max(p),
                None => found.push((class, p)),
            }
        }
    }
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
    found
        .into_iter()
        .filter_map(|(class, _)| alphabet.get(class))
        .filter(|&ch| ch != ' ')
        .take(MAX_ALTERNATIVES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alphabet() -> Alphabet {
        Alphabet::from_dict("王\n玥\n·\n").unwrap()
    }

    #[test]
    fn alphabet_has_blank_and_space() {
        let a = alphabet();
        assert_eq!(a.classes(), 5);
        assert_eq!(a.get(0), None);
        assert_eq!(a.get(1), Some('王'));
        assert_eq!(a.get(4), Some(' '));
    }

    #[test]
    fn decode_merges_repeats_and_keeps_positions() {
        // 8 columns over a 64 px strip: 王 at column 1, blank, 玥 at columns 4-5 (centre 40 px), blank.
        let classes = [0, 1, 0, 0, 2, 2, 0, 0];
        let probs =
            ndarray::Array2::from_shape_fn(
                (8, 5),
                |(t, c)| if c == classes[t] { 0.9 } else { 0.025 },
            );
        let chars = decode(&probs.view(), &alphabet(), 64);
        let text: String = chars.iter().map(|c| c.ch).collect();
        assert_eq!(text, "王玥");
        assert!((chars[0].center - 12.0 / 64.0).abs() < 1e-6);
        assert!((chars[1].center - 40.0 / 64.0).abs() < 1e-6);
    }

    #[test]
    fn decode_keeps_likely_alternatives_from_the_characters_and_blank_columns() {
        // 王 at column 1 with 玥 at 0.3; 玥 at column 3, where the blank column before it gave
        // 王 0.06 and · stays under the threshold.
        let rows = [
            [0.9, 0.04, 0.03, 0.02, 0.01],
            [0.05, 0.6, 0.3, 0.04, 0.01],
            [0.9, 0.06, 0.01, 0.02, 0.01],
            [0.1, 0.01, 0.85, 0.03, 0.01],
        ];
        let probs = ndarray::Array2::from_shape_fn((4, 5), |(t, c)| rows[t][c]);
        let chars = decode(&probs.view(), &alphabet(), 32);
        let text: String = chars.iter().map(|c| c.ch).collect();
        assert_eq!(text, "王玥");
        assert_eq!(chars[0].alternatives, vec!['玥']);
        assert_eq!(chars[1].alternatives, vec!['王']);
    }

    #[test]
    fn decode_ignores_padding_columns() {
        let probs = ndarray::Array2::from_shape_fn((40, 5), |(t, c)| {
            if (t < 2 && c == 1) || (t >= 2 && c == 2) {
                0.9
            } else {
                0.0
            }
        });
        let chars = decode(&probs.view(), &alphabet(), 16);
        assert_eq!(chars.len(), 1);
    }

    #[test]
    fn strip_width_follows_aspect_ratio() {
        let quad: Quad = [[0.0, 0.0], [300.0, 0.0], [300.0, 30.0], [0.0, 30.0]];
        assert_eq!(strip_width(&quad), 480);
    }
}
