//! The roster (花名册): which applicant each intake folder belongs to.

use std::collections::HashMap;
use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// One applicant as listed in the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    /// Name of the applicant's sub-folder in the intake.
    pub folder: String,
    /// The applicant's name.
    pub name: String,
    /// The applicant's work unit.
    pub unit: String,
    /// Other spellings of the unit (abbreviations).
    pub aliases: Vec<String>,
    /// Archive number from the roster, used as the pseudonymous output folder when present.
    pub archive_no: Option<String>,
    /// 1-based line of the roster this applicant came from.
    pub line: usize,
}

/// The roster's columns, by role; each role accepts English and Chinese header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Folder,
    Name,
    Unit,
    Aliases,
    ArchiveNo,
}

impl Column {
    fn from_header(header: &str) -> Option<Column> {
        let h = header.trim().trim_start_matches('\u{feff}').to_lowercase();
        Some(match h.as_str() {
            "folder" | "文件夹" | "目录" | "文件夹名" => Column::Folder,
            "name" | "姓名" | "申报人" | "申报人姓名" => Column::Name,
            "unit" | "工作单位" | "单位" | "单位名称" | "所在单位" => Column::Unit,
            "aliases" | "alias" | "单位别名" | "别名" | "单位简称" => Column::Aliases,
            "archive_no" | "archive" | "档案号" | "编号" | "序号" => Column::ArchiveNo,
            _ => return None,
        })
    }
}

/// Normalizes text read from file names and the roster so they compare equal (NFC, trimmed).
pub fn normalize_key(text: &str) -> String {
    text.trim().nfc().collect()
}

/// A parsed roster: applicants in file order, looked up by folder name.
#[derive(Debug, Default)]
pub struct Roster {
    /// Applicants in roster order.
    pub applicants: Vec<Applicant>,
    by_folder: HashMap<String, usize>,
}

impl Roster {
    /// Reads a roster CSV (UTF-8, with or without BOM).
    pub fn from_path(path: &Path) -> Result<Roster> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Roster::parse(&bytes).map_err(|detail| Error::Roster {
            path: path.to_path_buf(),
            detail,
        })
    }

    /// Parses roster CSV bytes; the error names the line at fault.
    pub fn parse(bytes: &[u8]) -> std::result::Result<Roster, String> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            format!("line {line}: not UTF-8 text (save the roster as CSV UTF-8)")
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| format!("line 1: {e}"))?
            .clone();
        let columns: Vec<Option<Column>> = headers.iter().map(Column::from_header).collect();
        let index_of = |c: Column| columns.iter().position(|&x| x == Some(c));
        let name_col = index_of(Column::Name).ok_or("line 1: no name column (name / 姓名)")?;
        let unit_col = index_of(Column::Unit).ok_or("line 1: no unit column (unit / 工作单位)")?;
        let folder_col = index_of(Column::Folder);
        let aliases_col = index_of(Column::Aliases);
        let archive_col = index_of(Column::ArchiveNo);

        let mut roster = Roster::default();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = record.map_err(|e| format!("line {line}: {e}"))?;
            if record.iter().all(str::is_empty) {
                continue;
            }
            let field =
                |col: Option<usize>| col.and_then(|c| record.get(c)).unwrap_or("").to_string();
            let name = field(Some(name_col));
            let unit = field(Some(unit_col));
            if name.is_empty() {
                return Err(format!("line {line}: empty name"));
            }
            if unit.is_empty() {
                return Err(format!("line {line}: empty unit"));
            }
            // Without a folder column, applicants' folders are named after them.
            let folder = normalize_key(&match folder_col {
                Some(_) => field(folder_col),
                None => name.clone(),
            });
            if folder.is_empty() {
                return Err(format!("line {line}: empty folder"));
            }
            let aliases = field(aliases_col)
                .split(['|', '｜'])
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(String::from)
                .collect();
            let archive_no = Some(field(archive_col)).filter(|a| !a.is_empty());
            if let Some(&previous) = roster.by_folder.get(&folder) {
                let first = roster.applicants[previous].line;
                return Err(format!(
                    "line {line}: folder {folder:?} is already listed on line {first}"
                ));
            }
            roster
                .by_folder
                .insert(folder.clone(), roster.applicants.len());
            roster.applicants.push(Applicant {
                folder,
                name,
                unit,
                aliases,
                archive_no,
                line,
            });
        }
        if roster.applicants.is_empty() {
            return Err("no applicants after the header row".into());
        }
        Ok(roster)
    }

    /// The applicant whose intake folder is `folder`.
    pub fn by_folder(&self, folder: &str) -> Option<&Applicant> {
        self.by_folder
            .get(&normalize_key(folder))
            .map(|&i| &self.applicants[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_headers_with_bom_and_aliases() {
        let csv = "\u{feff}folder,name,unit,aliases\n01_王玥,王玥,巴音郭楞蒙古自治州人民医院,巴州人民医院|州人民医院\n";
        let roster = Roster::parse(csv.as_bytes()).unwrap();
        let a = roster.by_folder("01_王玥").unwrap();
        assert_eq!(a.name, "王玥");
        assert_eq!(a.aliases, vec!["巴州人民医院", "州人民医院"]);
        assert_eq!(a.line, 2);
    }

    #[test]
    fn chinese_headers_of_the_official_roster() {
        let csv =
            "序号,姓名,身份证号,工作单位,文件夹\nA7,李建国,650000,库尔勒市人民医院,03_李建国\n";
        let roster = Roster::parse(csv.as_bytes()).unwrap();
        let a = roster.by_folder("03_李建国").unwrap();
        assert_eq!(a.unit, "库尔勒市人民医院");
        assert_eq!(a.archive_no.as_deref(), Some("A7"));
    }

    #[test]
    fn folder_defaults_to_name() {
        let csv = "姓名,工作单位\n王玥,和静县中医医院\n";
        let roster = Roster::parse(csv.as_bytes()).unwrap();
        assert!(roster.by_folder("王玥").is_some());
    }

    #[test]
    fn errors_name_the_line() {
        let dup = "folder,name,unit\na,王玥,X医院\nb,李四,Y医院\na,张三,Z医院\n";
        let err = Roster::parse(dup.as_bytes()).unwrap_err();
        assert!(
            err.starts_with("line 4:") && err.contains("line 2"),
            "{err}"
        );
        let empty = "folder,name,unit\na,,X医院\n";
        assert!(Roster::parse(empty.as_bytes())
            .unwrap_err()
            .starts_with("line 2:"));
        let missing = "folder,name\na,王玥\n";
        assert!(Roster::parse(missing.as_bytes())
            .unwrap_err()
            .contains("unit"));
        let latin1 = b"folder,name,unit\na,\xe9,b\n";
        assert!(Roster::parse(latin1).unwrap_err().starts_with("line 2:"));
    }
}
