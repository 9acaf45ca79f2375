//! Text: normalization and approximate substring search for matching names and units in OCR text,
//! character classes, and names made safe to print.

use unicode_normalization::UnicodeNormalization;

/// `text` (a file name) as it can be printed on one line: control characters (a newline in a
/// file name) are written as escapes.
pub fn on_one_line(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

/// Whether `ch` is a Chinese character (a CJK ideograph).
pub fn is_han(ch: char) -> bool {
    matches!(ch,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// Characters ignored when matching: spaces, the middle-dot variants of transliterated names,
/// and punctuation that OCR and typists put between characters.
pub fn is_separator(ch: char) -> bool {
    ch.is_whitespace()
        || matches!(
            ch,
            '·' | '•'
                | '・'
                | '‧'
                | '∙'
                | '⋅'
                | '.'
                | '．'
                | '。'
                | '-'
                | '—'
                | '－'
                | '_'
                | ','
                | '，'
                | '、'
                | ':'
                | '：'
                | ';'
                | '；'
                | '\''
                | '"'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '('
                | ')'
                | '（'
                | '）'
                | '['
                | ']'
                | '【'
                | '】'
                | '《'
                | '》'
                | '<'
                | '>'
                | '|'
                | '/'
        )
}

/// Folds full-width forms and compatibility characters (NFKC) and lowercases Latin letters.
pub fn fold(ch: char) -> char {
    let mut folded = std::iter::once(ch).nfkc();
    let first = folded.next().unwrap_or(ch);
    if folded.next().is_some() {
        ch
    } else {
        first.to_ascii_lowercase()
    }
}

/// Text with separators removed, remembering where each kept character came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    /// The kept, folded characters.
    pub chars: Vec<char>,
    /// For each kept character, its index in the original sequence.
    pub origin: Vec<usize>,
}

impl Normalized {
    /// Normalizes a sequence of characters.
    pub fn new(chars: impl IntoIterator<Item = char>) -> Normalized {
        let mut out = Normalized {
            chars: Vec::new(),
            origin: Vec::new(),
        };
        for (i, ch) in chars.into_iter().enumerate() {
            if !is_separator(ch) {
                out.chars.push(fold(ch));
                out.origin.push(i);
            }
        }
        out
    }

    /// Number of kept characters.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Whether nothing was kept.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }
}

/// A match of a pattern in a text: kept-character range `start..end` and edit distance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// First matched character.
    pub start: usize,
    /// One past the last matched character.
    pub end: usize,
    /// Edits (substitutions, insertions, deletions) between the pattern and the matched text.
    pub errors: usize,
}

/// Edit distance between two sequences.
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    edit_distance_by(0..a.len(), b, &|i, c| a[i] == c)
}

/// The length of the longest sequence of characters found in order in both `a` and `b` (their
/// longest common subsequence).
pub fn common_in_order(a: &[char], b: &[char]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for &ca in a {
        let mut diagonal = 0;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Edit distance between the text positions `text` and `pattern`, where `reads_as(i, c)` says
/// whether text position `i` may be read as `c`.
fn edit_distance_by(
    text: std::ops::Range<usize>,
    pattern: &[char],
    reads_as: &impl Fn(usize, char) -> bool,
) -> usize {
    let mut previous: Vec<usize> = (0..=pattern.len()).collect();
    for (k, i) in text.enumerate() {
        let mut current = vec![k + 1; pattern.len() + 1];
        for (j, &cb) in pattern.iter().enumerate() {
            current[j + 1] = (previous[j] + usize::from(!reads_as(i, cb)))
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous[pattern.len()]
}

/// All non-overlapping occurrences of `pattern` in `text` with at most `max_errors` edits,
/// best first when they compete, returned in text order.
pub fn find_approx(text: &[char], pattern: &[char], max_errors: usize) -> Vec<Match> {
    find_approx_by(text.len(), pattern, max_errors, |j, c| text[j] == c)
}

/// [`find_approx`] in a text of `n` positions that may each be read several ways:
/// `reads_as(j, c)` says whether position `j` may be read as `c` (a recognizer's alternatives).
pub fn find_approx_by(
    n: usize,
    pattern: &[char],
    max_errors: usize,
    reads_as: impl Fn(usize, char) -> bool,
) -> Vec<Match> {
    let m = pattern.len();
    if m == 0 || n == 0 {
        return Vec::new();
    }
    // Sellers' algorithm: cost[j] = fewest edits of the pattern ending at text position j.
    let mut cost = vec![0usize; n + 1];
    for (i, &pc) in pattern.iter().enumerate() {
        let mut next = vec![i + 1; n + 1];
        for j in 0..n {
            next[j + 1] = (cost[j] + usize::from(!reads_as(j, pc)))
                .min(cost[j + 1] + 1)
                .min(next[j] + 1);
        }
        cost = next;
    }
    let mut candidates = Vec::new();
    for end in 1..=n {
        let local_minimum = end == n || cost[end + 1] > cost[end] || cost[end + 1] > max_errors;
        if cost[end] > max_errors || !local_minimum {
            continue;
        }
        let lowest = end.saturating_sub(m + max_errors);
        let highest = end
            .saturating_sub(m.saturating_sub(max_errors))
            .min(end - 1);
        let best = (lowest..=highest)
            .map(|start| Match {
                start,
                end,
                errors: edit_distance_by(start..end, pattern, &reads_as),
            })
            .filter(|c| c.errors <= max_errors)
            .min_by_key(|c| (c.errors, std::cmp::Reverse(c.end - c.start)));
        candidates.extend(best);
    }
    candidates.sort_by_key(|c| (c.errors, c.start));
    let mut taken: Vec<Match> = Vec::new();
    for c in candidates {
        if taken.iter().all(|t| c.end <= t.start || c.start >= t.end) {
            taken.push(c);
        }
    }
    taken.sort_by_key(|c| c.start);
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_in_order_are_counted_once() {
        let chars = |s: &str| s.chars().collect::<Vec<char>>();
        let unit = chars("贵州省人民医院");
        assert_eq!(common_in_order(&chars("责州A民院"), &unit), 3);
        assert_eq!(common_in_order(&chars("院民州"), &unit), 1);
        assert_eq!(common_in_order(&chars(""), &unit), 0);
    }

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn separators_and_width_are_ignored() {
        let n = Normalized::new("米热古丽 • 阿布都拉：ＡＢ".chars());
        assert_eq!(n.chars.iter().collect::<String>(), "米热古丽阿布都拉ab");
        assert_eq!(n.origin[4], 7);
    }

    #[test]
    fn exact_and_approximate_matches() {
        let text = chars("关于王玥同志与王明同志");
        assert_eq!(
            find_approx(&text, &chars("王玥"), 0),
            vec![Match {
                start: 2,
                end: 4,
                errors: 0
            }]
        );
        let fuzzy = find_approx(&text, &chars("王玥"), 1);
        assert_eq!(fuzzy.len(), 2);
        assert_eq!(
            fuzzy[1],
            Match {
                start: 7,
                end: 9,
                errors: 1
            }
        );
    }

    #[test]
    fn approximate_match_tolerates_a_dropped_character() {
        let text = chars("兹推荐巴音郭楞蒙古自治州人民医院的");
        let found = find_approx(&text, &chars("巴音郭楞蒙古自治州人民医院"), 2);
        assert_eq!(
            found,
            vec![Match {
                start: 3,
                end: 16,
                errors: 0
            }]
        );
        let missing_one = chars("兹推荐巴音郭楞蒙古治州人民医院的");
        let found = find_approx(&missing_one, &chars("巴音郭楞蒙古自治州人民医院"), 2);
        assert_eq!(found[0].errors, 1);
        assert_eq!((found[0].start, found[0].end), (3, 15));
    }

    #[test]
    fn a_position_read_several_ways_matches_any_of_its_readings() {
        // 凌晓 read as 漆晓, with 凌 among the first character's alternatives.
        let read = chars("同志漆晓");
        let alternatives = |j: usize| if j == 2 { vec!['酸', '凌'] } else { vec![] };
        let reads_as = |j: usize, c: char| read[j] == c || alternatives(j).contains(&c);
        let found = find_approx_by(read.len(), &chars("凌晓"), 0, reads_as);
        assert_eq!(
            found,
            vec![Match {
                start: 2,
                end: 4,
                errors: 0
            }]
        );
        assert!(find_approx(&read, &chars("凌晓"), 0).is_empty());
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance(&chars("王玥"), &chars("王明")), 1);
        assert_eq!(edit_distance(&chars(""), &chars("ab")), 2);
        assert_eq!(edit_distance(&chars("kitten"), &chars("sitting")), 3);
    }

    /// Issue 30 item 16: a newline in a file name split `check`'s line.
    #[test]
    fn names_print_on_one_line() {
        assert_eq!(on_one_line("王玥\n证书.jpg"), "王玥\\n证书.jpg");
        assert_eq!(on_one_line("a\tb\u{7}"), "a\\tb\\u{7}");
    }
}
