//! What to look for on an applicant's pages: their name, every spelling of their unit and their
//! ID number.

use super::FindOptions;
use crate::base::text::Normalized;
use crate::base::Kind;
use crate::intake::{Applicant, Folder};

/// One string to search for, already normalized, with its error budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Name, unit or ID number.
    pub kind: Kind,
    /// The normalized characters.
    pub chars: Vec<char>,
    /// Most edits accepted for a match.
    pub max_errors: usize,
    /// Whether a match must be whole words of Latin letters (a pinyin spelling inside a longer
    /// word is something else: "lina" in "online").
    pub whole_words: bool,
}

impl Term {
    fn new(kind: Kind, text: &str) -> Option<Term> {
        let chars = Normalized::new(text.chars()).chars;
        let len = chars.len();
        let max_errors = if kind == Kind::Name {
            match len {
                0..=1 => return None,
                2 => 0,
                3..=7 => 1,
                _ => 2,
            }
        } else if kind == Kind::IdNumber {
            // OCR confuses 0/O, 1/l, 8/B and drops a digit now and then: three slips in 18.
            len / 6
        } else if len < 4 {
            return None;
        } else {
            len / 5
        };
        Some(Term {
            kind,
            chars,
            max_errors,
            whole_words: false,
        })
    }

    /// A Latin spelling of the name, matched as whole words, exactly unless it is long.
    fn latin(spelling: &str) -> Term {
        let chars = Normalized::new(spelling.chars()).chars;
        Term {
            kind: Kind::Name,
            max_errors: usize::from(chars.len() >= 10),
            chars,
            whole_words: true,
        }
    }
}

/// Everything to look for on one applicant's pages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Target {
    /// Name, unit and ID-number terms, longest first.
    pub terms: Vec<Term>,
    /// Why every page needs a human look although terms are known: the folder fits several
    /// roster rows, whose terms are all searched for.
    pub review: Option<String>,
}

impl Target {
    /// The terms for an applicant: the name, the unit, its roster aliases and the abbreviations
    /// derived from them, and the ID number when the roster has it.
    pub fn for_applicant(applicant: &Applicant) -> Target {
        Target::for_applicants(std::slice::from_ref(applicant))
    }

    /// What to look for in an intake folder: its applicant's terms; for a folder that fits
    /// several roster rows, all of theirs, with the reason to review; None for a folder no row
    /// fits.
    pub fn for_folder(folder: &Folder) -> Option<Target> {
        match (&folder.applicant, &folder.undecided) {
            (Some(applicant), _) => Some(Target::for_applicant(applicant)),
            (None, Some(undecided)) => Some(Target {
                review: Some(undecided.reason.clone()),
                ..Target::for_applicants(&undecided.candidates)
            }),
            (None, None) => None,
        }
    }

    /// The unit's terms: the unit, its aliases and their abbreviations.
    pub fn units(&self) -> impl Iterator<Item = &Term> {
        self.terms.iter().filter(|t| t.kind == Kind::Unit)
    }

    /// The terms searched for with these options (the ID number only with `id_numbers`).
    pub fn searched<'a>(&'a self, options: &FindOptions) -> impl Iterator<Item = &'a Term> {
        let id_numbers = options.id_numbers;
        self.terms
            .iter()
            .filter(move |t| t.kind != Kind::IdNumber || id_numbers)
    }

    fn for_applicants(applicants: &[Applicant]) -> Target {
        let mut texts: Vec<(Kind, String)> = Vec::new();
        let mut latin = Vec::new();
        for applicant in applicants {
            texts.push((Kind::Name, applicant.name.clone()));
            latin.extend(
                pinyin_spellings(&applicant.name)
                    .iter()
                    .map(|s| Term::latin(s)),
            );
            for unit in std::iter::once(&applicant.unit).chain(&applicant.aliases) {
                for variant in unit_variants(unit) {
                    texts.push((Kind::Unit, variant));
                }
            }
            texts.extend(
                applicant
                    .id_number
                    .iter()
                    .map(|id| (Kind::IdNumber, id.clone())),
            );
        }
        let mut terms: Vec<Term> = Vec::new();
        let all = texts
            .iter()
            .filter_map(|(kind, text)| Term::new(*kind, text))
            .chain(latin);
        for term in all {
            if !terms.iter().any(|t| t.chars == term.chars) {
                terms.push(term);
            }
        }
        terms.sort_by_key(|t| std::cmp::Reverse(t.chars.len()));
        Target {
            terms,
            review: None,
        }
    }
}

/// Readings kept per character of a name (a surname's own reading is among the first three:
/// 单 dan, chan, shan).
const READINGS_PER_CHARACTER: usize = 3;

/// Fewest letters in a pinyin spelling worth searching for.
const MIN_PINYIN_LETTERS: usize = 4;

/// The pinyin spellings of a Chinese name, without tones or spaces (case and spacing are
/// ignored when matching): in its order ("zuojia", also for a transliterated name such as
/// 米热古丽·阿布都拉 → "mireguliabudula"), and for a Han name also given name first ("jiazuo").
/// Every combination of the first readings of polyphonic characters (单 dan, chan, shan). None for a
/// name with a character that has no pinyin.
pub fn pinyin_spellings(name: &str) -> Vec<String> {
    use pinyin::ToPinyinMulti;
    let characters: Vec<char> = name
        .chars()
        .filter(|c| !crate::base::text::is_separator(*c))
        .collect();
    let mut readings: Vec<Vec<&str>> = Vec::new();
    for ch in &characters {
        let Some(multi) = ch.to_pinyin_multi() else {
            return Vec::new();
        };
        let mut plain: Vec<&str> = multi.into_iter().map(|p| p.plain()).collect();
        plain.dedup();
        plain.truncate(READINGS_PER_CHARACTER);
        readings.push(plain);
    }
    let mut spellings: Vec<Vec<&str>> = vec![Vec::new()];
    for options in &readings {
        spellings = spellings
            .iter()
            .flat_map(|start| {
                options.iter().map(move |r| {
                    let mut next = start.clone();
                    next.push(r);
                    next
                })
            })
            .collect();
    }
    let han_name = !name.chars().any(crate::base::text::is_separator);
    let mut out: Vec<String> = Vec::new();
    for syllables in spellings {
        let mut orders = vec![syllables.concat()];
        if han_name && syllables.len() >= 2 {
            orders.push(syllables[1..].concat() + syllables[0]);
        }
        for spelling in orders {
            if spelling.len() >= MIN_PINYIN_LETTERS && !out.contains(&spelling) {
                out.push(spelling);
            }
        }
    }
    out
}

/// Region prefixes that writers drop or abbreviate, with their short forms.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("新疆维吾尔自治区", "新疆"),
    ("新疆维吾尔自治区", "自治区"),
    ("新疆维吾尔自治区", ""),
    ("巴音郭楞蒙古自治州", "巴州"),
    ("巴音郭楞蒙古自治州", ""),
    ("巴州", ""),
    ("回族自治县", "县"),
    ("蒙古自治县", "县"),
    ("疾病预防控制中心", "疾控中心"),
    ("中医医院", "中医院"),
    ("维吾尔医医院", "维医医院"),
];

/// Markers of a place name: a variant keeps enough to identify the unit only if one remains.
const PLACE_MARKERS: &[&str] = &[
    "县", "市", "州", "区", "镇", "乡", "街道", "社区", "村", "新疆",
];

/// The unit and the spellings derived from it by the abbreviations above and by dropping a
/// leading county or city, as long as what is left still names a place.
pub fn unit_variants(unit: &str) -> Vec<String> {
    let mut variants = vec![unit.trim().to_string()];
    let mut i = 0;
    while i < variants.len() {
        let current = variants[i].clone();
        let mut derived: Vec<String> = ABBREVIATIONS
            .iter()
            .filter(|(long, _)| current.contains(long))
            .map(|(long, short)| current.replacen(long, short, 1))
            .collect();
        derived.extend(without_leading_place(&current));
        for d in derived {
            if is_specific(&d) && !variants.contains(&d) {
                variants.push(d);
            }
        }
        i += 1;
    }
    variants
}

/// The unit without its first county or city ("库尔勒市新城街道…" → "新城街道…").
fn without_leading_place(unit: &str) -> Option<String> {
    let chars: Vec<char> = unit.chars().collect();
    let cut = chars.iter().take(6).position(|&c| c == '县' || c == '市')?;
    Some(chars[cut + 1..].iter().collect())
}

/// Whether a unit spelling still identifies one unit: four characters or more and a place name
/// before the institution ("人民医院" alone names a hundred hospitals).
fn is_specific(unit: &str) -> bool {
    let chars: Vec<char> = unit.chars().collect();
    if chars.len() < 4 {
        return false;
    }
    let head: String = chars[..chars.len() - 2].iter().collect();
    PLACE_MARKERS.iter().any(|m| head.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applicant(name: &str, unit: &str, aliases: &[&str]) -> Applicant {
        Applicant {
            folder: "f".into(),
            name: name.into(),
            unit: unit.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            archive_no: None,
            id_number: Some("652828198603120023".into()),
            line: 2,
        }
    }

    #[test]
    fn pinyin_spellings_in_both_orders_and_for_transliterated_names() {
        let zuo = pinyin_spellings("左佳");
        assert!(zuo.contains(&"zuojia".to_string()), "{zuo:?}");
        assert!(zuo.contains(&"jiazuo".to_string()), "{zuo:?}");
        let shan = pinyin_spellings("单丽");
        assert!(shan.contains(&"shanli".to_string()), "{shan:?}");
        let uyghur = pinyin_spellings("米热古丽·阿布都拉");
        assert!(
            uyghur.contains(&"mireguliabudula".to_string()),
            "{uyghur:?}"
        );
        assert!(
            !uyghur.contains(&"abudulamireguli".to_string()),
            "{uyghur:?}"
        );
        assert!(pinyin_spellings("王一").iter().all(|s| s.len() >= 4));
    }

    #[test]
    fn prefecture_is_abbreviated_but_never_dropped_to_a_generic_name() {
        let v = unit_variants("巴音郭楞蒙古自治州人民医院");
        assert!(v.contains(&"巴州人民医院".to_string()), "{v:?}");
        assert!(!v.contains(&"人民医院".to_string()), "{v:?}");
    }

    #[test]
    fn autonomous_county_is_shortened() {
        let v = unit_variants("焉耆回族自治县人民医院");
        assert!(v.contains(&"焉耆县人民医院".to_string()), "{v:?}");
    }

    #[test]
    fn city_prefix_is_dropped_when_a_place_remains() {
        let v = unit_variants("库尔勒市新城街道社区卫生服务中心");
        assert!(v.contains(&"新城街道社区卫生服务中心".to_string()), "{v:?}");
        let v = unit_variants("博湖县本布图镇卫生院");
        assert!(v.contains(&"本布图镇卫生院".to_string()), "{v:?}");
        let v = unit_variants("库尔勒市人民医院");
        assert_eq!(v, vec!["库尔勒市人民医院".to_string()]);
    }

    #[test]
    fn region_prefixes_are_dropped_or_shortened() {
        let v = unit_variants("新疆维吾尔自治区巴音郭楞蒙古自治州和静县中医医院");
        for expected in [
            "巴州和静县中医医院",
            "和静县中医医院",
            "和静县中医院",
            "新疆和静县中医医院",
        ] {
            assert!(v.contains(&expected.to_string()), "{expected} not in {v:?}");
        }
        let v = unit_variants("轮台县疾病预防控制中心");
        assert!(v.contains(&"轮台县疾控中心".to_string()), "{v:?}");
    }

    #[test]
    fn error_budgets_are_tight_for_short_names() {
        let target = Target::for_applicant(&applicant("王玥", "和静县中医医院", &["和静县中医院"]));
        let name = target
            .terms
            .iter()
            .find(|t| t.kind == Kind::Name && !t.whole_words)
            .unwrap();
        assert_eq!(name.max_errors, 0);
        let dotted = Target::for_applicant(&applicant("米热古丽·阿布都拉", "X县医院", &[]));
        let name = dotted
            .terms
            .iter()
            .find(|t| t.kind == Kind::Name && !t.whole_words)
            .unwrap();
        assert_eq!(name.chars.len(), 8);
        assert_eq!(name.max_errors, 2);
    }

    #[test]
    fn id_number_is_searched_only_with_the_option() {
        let target = Target::for_applicant(&applicant("王玥", "和静县中医医院", &[]));
        let id = target
            .terms
            .iter()
            .find(|t| t.kind == Kind::IdNumber)
            .unwrap();
        assert_eq!(id.max_errors, 3);
        let kinds = |options: &FindOptions| -> Vec<Kind> {
            target.searched(options).map(|t| t.kind).collect()
        };
        assert!(!kinds(&FindOptions::default()).contains(&Kind::IdNumber));
        let with = FindOptions {
            id_numbers: true,
            ..FindOptions::default()
        };
        assert!(kinds(&with).contains(&Kind::IdNumber));
    }

    #[test]
    fn undecided_folder_searches_every_candidate_and_asks_for_review() {
        let candidates = vec![
            applicant("王芳", "库尔勒市人民医院", &[]),
            applicant("王芳", "轮台县人民医院", &[]),
        ];
        let folder = Folder {
            code: "X001".into(),
            name: "王芳".into(),
            applicant: None,
            undecided: Some(crate::intake::Undecided {
                candidates,
                reason: "fits rows 2, 3".into(),
            }),
            files: Vec::new(),
        };
        let target = Target::for_folder(&folder).unwrap();
        let units = target.terms.iter().filter(|t| t.kind == Kind::Unit).count();
        assert_eq!(units, 2, "{target:?}");
        assert_eq!(target.review.as_deref(), Some("fits rows 2, 3"));
        let nobody = Folder {
            undecided: None,
            ..folder
        };
        assert_eq!(Target::for_folder(&nobody), None);
    }
}
