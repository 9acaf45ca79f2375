//! The language a person reads: Chinese or English, chosen by flag or locale.

use super::region::{Evidence, Kind};

/// The review reason of a page whose folder fits no roster row (the manifest's words).
pub const NOT_IN_ROSTER: &str = "folder not in the roster: only labels, seals and faces were used";

/// `n` things in English: "1 page", "2 pages".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The language of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 中文
    Zh,
    /// English
    En,
}

impl Lang {
    /// `zh` or `en` when given, else Chinese when the user's locale is (LC_ALL, LC_MESSAGES,
    /// LANG, or on Windows the user's default locale).
    pub fn choose(arg: Option<&str>) -> Lang {
        let locale = crate::platform::user_locale();
        match arg.or(locale.as_deref()) {
            Some(value) if value.to_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }

    /// The name of a kind of region in this language.
    pub fn kind(self, kind: Kind) -> &'static str {
        match (self, kind) {
            (Lang::Zh, Kind::Name) => "姓名",
            (Lang::Zh, Kind::Unit) => "工作单位",
            (Lang::Zh, Kind::Eyes) => "眼睛",
            (Lang::Zh, Kind::Face) => "面部",
            (Lang::Zh, Kind::IdNumber) => "身份证号",
            (Lang::En, Kind::IdNumber) => "ID number",
            (Lang::En, other) => other.as_str(),
        }
    }

    /// How a region was found, in this language.
    pub fn evidence(self, evidence: Evidence) -> &'static str {
        match (self, evidence) {
            (Lang::Zh, Evidence::Roster) => "与名单中的姓名或单位一致",
            (Lang::Zh, Evidence::Label) => "位于“姓名”“单位”等栏目后",
            (Lang::Zh, Evidence::Signature) => "签名处",
            (Lang::Zh, Evidence::Ink) => "手写字迹",
            (Lang::Zh, Evidence::Seal) => "印章文字",
            (Lang::Zh, Evidence::OtherScript) => "少数民族文字",
            (Lang::Zh, Evidence::Landmarks) => "眼部位置",
            (Lang::Zh, Evidence::Pattern) => "证件号码",
            (Lang::Zh, Evidence::Manual) => "手工添加",
            (Lang::Zh, Evidence::Audit) => "审核复查发现",
            (Lang::En, Evidence::Roster) => "matches the name or unit in the list",
            (Lang::En, Evidence::Label) => "after a field such as \"name\"",
            (Lang::En, Evidence::Signature) => "signature place",
            (Lang::En, Evidence::Ink) => "handwriting",
            (Lang::En, Evidence::Seal) => "seal text",
            (Lang::En, Evidence::OtherScript) => "other script",
            (Lang::En, Evidence::Landmarks) => "eye position",
            (Lang::En, Evidence::Pattern) => "ID number pattern",
            (Lang::En, Evidence::Manual) => "drawn by hand",
            (Lang::En, Evidence::Audit) => "found by the audit",
        }
    }

    /// A page's review reason (as the manifest records it, in English for auditors) in words a
    /// user reads in this language, with what to do; a reason of no known form is kept as it is.
    pub fn review_reason(self, reason: &str) -> String {
        let between = |start: &str, end: &str| {
            let rest = &reason[reason.find(start)? + start.len()..];
            Some(rest[..rest.find(end)?].to_string())
        };
        let zh = self == Lang::Zh;
        if reason == NOT_IN_ROSTER {
            return if zh {
                "此文件夹不在申报人名单中，只按“姓名”“单位”等栏目、印章和人脸遮盖：请确认申请人的姓名和单位都已遮盖".into()
            } else {
                "this folder is not in the list of applicants, so only fields such as \"name\", seals \
                 and faces were used: make sure the applicant's name and unit are covered"
                    .into()
            };
        }
        if let Some(rows) = between("fits roster rows ", " alike") {
            return if zh {
                format!("文件夹名与名单第 {rows} 行都相符，无法确定是谁：请在文件夹名中写上身份证号或档案号")
            } else {
                format!("the folder name fits lines {rows} of the list of applicants alike: add the ID number or file number to the folder name")
            };
        }
        if let Some(share) = between("the bottom ", "%") {
            return if zh {
                format!("图片已损坏：页面下方约 {share}% 是补出来的重复内容，请检查原文件")
            } else {
                format!("damaged JPEG: the bottom {share}% of the page is filled in: check the original file")
            };
        }
        if reason.starts_with("truncated JPEG") {
            return if zh {
                "图片不完整：页面可能缺了一部分，请检查原文件".into()
            } else {
                "incomplete JPEG: part of the page may be missing: check the original file".into()
            };
        }
        if reason.starts_with("preview not written") && zh {
            return "预览图未能写出".into();
        }
        reason.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 29 item 6: review reasons showed in English inside the Chinese screens.
    #[test]
    fn review_reasons_read_in_the_users_language() {
        let reasons = [
            NOT_IN_ROSTER,
            "the folder name fits roster rows 2, 3 alike: put the ID number or 档案号 in the folder name, or give the roster a folder column",
            "damaged JPEG: the bottom 40% of the page repeats the same blocks, as a decoder fills what it could not read; check the original file",
            "truncated JPEG: part of the page may be missing",
        ];
        for reason in reasons {
            let zh = Lang::Zh.review_reason(reason);
            assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{zh}");
            let en = Lang::En.review_reason(reason);
            assert!(!en.contains("roster"), "{en}");
        }
        assert!(Lang::Zh.review_reason(reasons[1]).contains("第 2, 3 行"));
        assert_eq!(Lang::Zh.review_reason("something new"), "something new");
    }
}
