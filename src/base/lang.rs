//! The language a person reads: Chinese or English, chosen by flag or locale.

use super::region::Kind;

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
}
