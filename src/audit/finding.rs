//! What the audit says, typed: where ([`Place`]), what is wrong ([`Finding`]) and what people
//! changed ([`Change`]), each in words of either language from this one catalogue.

use crate::base::{Evidence, Kind, Lang};
use crate::write::key;
use crate::write::manifest::Status;

/// Where a finding or correction is, named without the intake's paths (which may hold names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The run's own records (run.json, key.csv).
    Run,
    /// The output folder's `files/`.
    Files,
    /// A page of an output file.
    Page {
        /// The output, relative to the output folder.
        output: String,
        /// Its page number (1-based).
        page: usize,
    },
    /// An intake file by the output it has or would have (`files/A001/002.pdf`), or by the
    /// applicant code and its number among that applicant's files; with a page when one is meant.
    File {
        /// The output path or `A001 file 2` form's code and number, as the run named it.
        name: FileName,
        /// The page, when one is meant.
        page: Option<usize>,
    },
}

/// How an intake file is named in a [`Place`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileName {
    /// The output path it has or would have.
    Output(String),
    /// Its applicant code and its number among that applicant's files (1-based).
    Numbered {
        /// The applicant code (`-` for none).
        code: String,
        /// Its number.
        number: usize,
    },
    /// A file lying outside the applicant folders.
    Loose,
    /// A file of a folder the run's key does not name, by its number in that folder.
    UnknownFolder {
        /// Its number (1-based).
        number: usize,
    },
}

impl Place {
    /// The place in words.
    pub fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Place::Run if zh => "运行记录".into(),
            Place::Run => "run".into(),
            Place::Files => "files/".into(),
            Place::Page { output, page } if zh => format!("{output} 第 {page} 页"),
            Place::Page { output, page } => format!("{output} page {page}"),
            Place::File { name, page } => {
                let name = name.text(lang);
                match page {
                    Some(page) if zh => format!("{name} 第 {page} 页"),
                    Some(page) => format!("{name} page {page}"),
                    None => name,
                }
            }
        }
    }
}

impl FileName {
    fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            FileName::Output(output) => output.clone(),
            FileName::Numbered { code, number } if zh => format!("{code} 第 {number} 个文件"),
            FileName::Numbered { code, number } => format!("{code} file {number}"),
            FileName::Loose if zh => "申报人文件夹以外的文件".into(),
            FileName::Loose => "a file outside the applicant folders".into(),
            FileName::UnknownFolder { number } if zh => {
                format!("{} 未列出的文件夹中的第 {number:03} 个文件", key::KEY_FILE)
            }
            FileName::UnknownFolder { number } => format!(
                "file {number:03} of an intake folder not in {}",
                key::KEY_FILE
            ),
        }
    }
}

/// One thing the audit finds wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// An intake file, or a page of it, has no manifest line.
    NoManifestLine,
    /// A manifest line names a file the intake does not have.
    NotInIntake,
    /// A file in `files/` that no manifest line names: it would reach the reviewers unchecked.
    StrayFile,
    /// `run.json` cannot be read; the audit goes on with the default settings.
    SettingsUnreadable(String),
    /// `key.csv` cannot be read; the re-scan cannot look for names and units.
    KeyUnreadable(String),
    /// An output's bytes differ from the SHA-256 in the manifest.
    HashMismatch,
    /// An output, or its page, cannot be read (the reason, as the reader gave it).
    OutputUnreadable(String),
    /// An output page's size differs from the manifest's.
    SizeMismatch {
        /// Width and height of the page.
        page: [u32; 2],
        /// Width and height the manifest gives.
        manifest: [u32; 2],
    },
    /// A withheld page is not painted over.
    WithheldNotPainted,
    /// A manifest region whose pixels are not masked.
    NotMasked {
        /// Its kind.
        kind: Kind,
        /// Its box in page pixels.
        bbox: [u32; 4],
    },
    /// The re-scan reads a name or unit, or finds eyes, that are not masked. A person may
    /// decide it is none of the applicant's and dismiss it (see `crate::edit::Action::Dismiss`).
    Unmasked {
        /// What the re-scan took it for.
        kind: Kind,
        /// Its box in page pixels.
        bbox: [u32; 4],
    },
    /// The re-scan could not run on the page.
    RescanFailed(String),
}

impl Finding {
    /// The finding in words.
    pub fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Finding::NoManifestLine if zh => "清单中没有这一项".into(),
            Finding::NoManifestLine => "no manifest line".into(),
            Finding::NotInIntake if zh => "清单中有，收件文件夹中却没有".into(),
            Finding::NotInIntake => "in the manifest but not in the intake".into(),
            Finding::StrayFile if zh => "没有任何清单行指向这个文件".into(),
            Finding::StrayFile => "a file that no manifest line names".into(),
            Finding::SettingsUnreadable(e) if zh => format!(
                "{} 无法读取（{e}）：按默认限制和分辨率读取页面",
                key::SETTINGS_FILE
            ),
            Finding::SettingsUnreadable(e) => format!(
                "{} cannot be read ({e}): pages are read with the default limits and resolution",
                key::SETTINGS_FILE
            ),
            Finding::KeyUnreadable(e) if zh => format!(
                "{} 无法读取（{e}）：复查无法查找申报人的姓名和单位，只能查找栏目、签名和眼睛",
                key::KEY_FILE
            ),
            Finding::KeyUnreadable(e) => format!(
                "{} cannot be read ({e}): the re-scan cannot look for the applicants' names \
                 and units, only for labels, signatures and eyes",
                key::KEY_FILE
            ),
            Finding::HashMismatch if zh => "输出文件的校验值与清单记录不符（文件被改动过）".into(),
            Finding::HashMismatch => {
                "output file does not match the SHA-256 in the manifest".into()
            }
            Finding::OutputUnreadable(e) if zh => format!("输出文件无法读取：{e}"),
            Finding::OutputUnreadable(e) => format!("output cannot be read: {e}"),
            Finding::SizeMismatch { page, manifest } if zh => format!(
                "页面为 {}×{} 像素，清单记为 {}×{}",
                page[0], page[1], manifest[0], manifest[1]
            ),
            Finding::SizeMismatch { page, manifest } => format!(
                "page is {}x{} pixels, the manifest says {}x{}",
                page[0], page[1], manifest[0], manifest[1]
            ),
            Finding::WithheldNotPainted if zh => "应整页遮盖的页面在输出中没有涂满".into(),
            Finding::WithheldNotPainted => "withheld page is not painted over in the output".into(),
            Finding::NotMasked { kind, bbox } if zh => {
                format!("{}遮盖 {bbox:?} 在输出中没有涂黑", lang.kind(*kind))
            }
            Finding::NotMasked { kind, bbox } => {
                format!(
                    "{} region {bbox:?} is not masked in the output",
                    kind.as_str()
                )
            }
            Finding::Unmasked { kind, bbox } if zh => {
                format!("复查发现 {bbox:?} 处有未遮盖的{}", lang.kind(*kind))
            }
            Finding::Unmasked { kind, bbox } => {
                format!("re-scan found an unmasked {} at {bbox:?}", kind.as_str())
            }
            Finding::RescanFailed(e) if zh => format!("复查失败：{e}"),
            Finding::RescanFailed(e) => format!("re-scan failed: {e}"),
        }
    }
}

/// One correction a person made to a page, as the audit lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A mask drawn by hand.
    Drawn {
        /// What it hides.
        kind: Kind,
        /// Its box.
        bbox: [u32; 4],
    },
    /// A found region removed, or a finding of the audit dismissed, with who, when and why.
    Removed {
        /// What it was found as.
        kind: Kind,
        /// Its box.
        bbox: [u32; 4],
        /// How it was found.
        evidence: Evidence,
        /// Who removed it.
        by: String,
        /// When.
        at: String,
        /// Why.
        reason: String,
        /// Whether the audit's re-scan still finds it.
        found_again: bool,
    },
    /// The page confirmed as it is.
    Confirmed {
        /// Who.
        by: String,
        /// When.
        at: String,
        /// The page's status before.
        was: Status,
    },
}

impl Change {
    /// The correction in words.
    pub fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Change::Drawn { kind, bbox } if zh => format!("手工遮盖{} {bbox:?}", lang.kind(*kind)),
            Change::Drawn { kind, bbox } => {
                format!("{} mask {bbox:?} drawn by hand", kind.as_str())
            }
            Change::Removed {
                kind,
                bbox,
                evidence,
                by,
                at,
                reason,
                found_again,
            } => {
                let (kind, evidence) = (*kind, *evidence);
                if zh {
                    let again = if *found_again {
                        "；复查仍能发现"
                    } else {
                        ""
                    };
                    let what = if evidence == Evidence::Audit {
                        format!(
                            "审核发现的{} {bbox:?} 经 {by} 于 {} 判定不需遮盖",
                            lang.kind(kind),
                            readable_time(at)
                        )
                    } else {
                        format!(
                            "{}遮盖 {bbox:?}（{}）由 {by} 于 {} 去掉",
                            lang.kind(kind),
                            lang.evidence(evidence),
                            readable_time(at)
                        )
                    };
                    format!("{what}：{reason}{again}")
                } else {
                    let again = if *found_again {
                        "; the re-scan still finds it"
                    } else {
                        ""
                    };
                    let what = if evidence == Evidence::Audit {
                        format!(
                            "{} found by the audit at {bbox:?} dismissed by {by} at {}",
                            lang.kind(kind),
                            readable_time(at)
                        )
                    } else {
                        format!(
                            "{} mask {bbox:?} ({}) removed by {by} at {}",
                            lang.kind(kind),
                            lang.evidence(evidence),
                            readable_time(at)
                        )
                    };
                    format!("{what}: {reason}{again}")
                }
            }
            Change::Confirmed { by, at, was } => {
                let (at, was) = (readable_time(at), status_text(lang, *was));
                if zh {
                    format!("由 {by} 于 {at} 确认（原为{was}）")
                } else {
                    format!("confirmed by {by} at {at} (was {was})")
                }
            }
        }
    }
}

/// A page's status in words.
fn status_text(lang: Lang, status: Status) -> &'static str {
    match (lang, status) {
        (Lang::Zh, Status::Ok) => "正常",
        (Lang::Zh, Status::Review) => "需复核",
        (Lang::Zh, Status::Error) => "错误",
        (Lang::En, Status::Ok) => "ok",
        (Lang::En, Status::Review) => "to review",
        (Lang::En, Status::Error) => "error",
    }
}

/// A journal time (RFC 3339, UTC) without the letters of its machine form:
/// `2026-12-06T10:00:00Z` → `2026-12-06 10:00:00` (still UTC).
fn readable_time(at: &str) -> String {
    at.replacen('T', " ", 1).trim_end_matches('Z').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 29 item 6: the audit's findings read in English inside the Chinese screens.
    #[test]
    fn every_finding_and_change_reads_in_chinese_without_latin_words() {
        let bbox = [1, 2, 3, 4];
        let findings = [
            Finding::NoManifestLine,
            Finding::NotInIntake,
            Finding::StrayFile,
            Finding::HashMismatch,
            Finding::SizeMismatch {
                page: [1, 2],
                manifest: [3, 4],
            },
            Finding::WithheldNotPainted,
            Finding::NotMasked {
                kind: Kind::Unit,
                bbox,
            },
            Finding::Unmasked {
                kind: Kind::Name,
                bbox,
            },
        ];
        let changes = [
            Change::Drawn {
                kind: Kind::Eyes,
                bbox,
            },
            Change::Removed {
                kind: Kind::Name,
                bbox,
                evidence: Evidence::Audit,
                by: "王老师".into(),
                at: "2026-12-06T10:00:00Z".into(),
                reason: "他人姓名".into(),
                found_again: true,
            },
            Change::Confirmed {
                by: "王老师".into(),
                at: "2026-12-06T10:00:00Z".into(),
                was: Status::Review,
            },
        ];
        let texts = findings
            .iter()
            .map(|f| f.text(Lang::Zh))
            .chain(changes.iter().map(|c| c.text(Lang::Zh)));
        for text in texts {
            assert!(!text.chars().any(|c| c.is_ascii_alphabetic()), "{text}");
        }
        let page = Place::Page {
            output: "files/A001/001.pdf".into(),
            page: 2,
        };
        assert_eq!(page.text(Lang::Zh), "files/A001/001.pdf 第 2 页");
        assert_eq!(page.text(Lang::En), "files/A001/001.pdf page 2");
    }
}
