//! The roster (花名册): who the applicants are. Read from a workbook (.xlsx, .xls) or CSV text
//! (UTF-8, UTF-16 or GB18030/GBK, told from the bytes), the header row found below any title
//! rows, empty and footer rows skipped.

mod problem;
mod sheet;
mod text;

use std::collections::HashMap;
use std::path::Path;

use unicode_normalization::UnicodeNormalization;

pub use problem::{Problem, RosterError};

use crate::base::Lang;
use crate::error::{Error, Result};
use problem::HEADER_SEARCH_ROWS;

/// One applicant as listed in the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    /// Name of the applicant's sub-folder in the intake, from the roster's folder column (empty
    /// without one: the folder is then found by the name, archive or ID number it contains).
    pub folder: String,
    /// The applicant's name.
    pub name: String,
    /// The applicant's work unit.
    pub unit: String,
    /// Other spellings of the unit (abbreviations).
    pub aliases: Vec<String>,
    /// Archive number from the roster, used as the pseudonymous output folder when present.
    pub archive_no: Option<String>,
    /// ID-card number (身份证号), upper case, when the roster has one.
    pub id_number: Option<String>,
    /// 1-based row of the roster this applicant came from.
    pub line: usize,
}

/// A roster row that repeats an earlier applicant (same ID number and name, or same name, unit
/// and folder): left out, and listed in the summary and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The repeated row.
    pub row: Applicant,
    /// The row it repeats.
    pub first_line: usize,
}

/// The roster's columns, by role; each role accepts English and Chinese header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Folder,
    Name,
    Unit,
    Aliases,
    ArchiveNo,
    IdNumber,
}

impl Column {
    /// The role of a header cell: spaces, line breaks and a trailing remark in brackets
    /// ("姓  名", "身份证号（18位）") do not count.
    fn from_header(header: &str) -> Option<Column> {
        let mut h: String = header
            .trim_start_matches('\u{feff}')
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '*')
            .collect::<String>()
            .to_lowercase();
        if let Some(open) = h.find(['(', '（']).filter(|&i| i > 0) {
            h.truncate(open);
        }
        Some(match h.as_str() {
            "folder" | "文件夹" | "目录" | "文件夹名" => Column::Folder,
            "name" | "姓名" | "申报人" | "申报人姓名" => Column::Name,
            "unit" | "工作单位" | "单位" | "单位名称" | "所在单位" => Column::Unit,
            "aliases" | "alias" | "单位别名" | "别名" | "单位简称" => Column::Aliases,
            "archive_no" | "archive" | "档案号" | "编号" | "档案编号" => Column::ArchiveNo,
            "id_number" | "id" | "身份证号" | "身份证号码" | "身份证" | "公民身份号码" => {
                Column::IdNumber
            }
            _ => return None,
        })
    }
}

/// The header row: each column's role and its header as written (to name it in messages).
struct Header {
    roles: Vec<Option<Column>>,
    labels: Vec<String>,
}

impl Header {
    /// The header if this row has both a name and a unit column.
    fn of(row: &Row) -> Option<Header> {
        let header = Header {
            roles: row.cells.iter().map(|c| Column::from_header(c)).collect(),
            labels: row.cells.iter().map(|c| c.trim().to_string()).collect(),
        };
        (header.index(Column::Name).is_some() && header.index(Column::Unit).is_some())
            .then_some(header)
    }

    fn index(&self, column: Column) -> Option<usize> {
        self.roles.iter().position(|&r| r == Some(column))
    }

    fn label(&self, column: Column) -> String {
        self.index(column)
            .map(|i| self.labels[i].clone())
            .unwrap_or_default()
    }
}

/// One row as read from the file: its 1-based number there and its cells.
#[derive(Debug, Clone)]
struct Row {
    number: usize,
    cells: Vec<String>,
}

/// First words of the notes under the table (填表人, 审核人, 注 …): such a row is no applicant.
const FOOTER_WORDS: &[&str] = &[
    "填表",
    "制表",
    "审核",
    "联系",
    "负责人",
    "注",
    "备注",
    "说明",
    "合计",
    "共计",
    "总计",
];

/// Normalizes text read from file names and the roster so they compare equal (NFC, trimmed).
pub fn normalize_key(text: &str) -> String {
    text.trim().nfc().collect()
}

/// A parsed roster: applicants in file order, looked up by folder name.
#[derive(Debug, Default)]
pub struct Roster {
    /// Applicants in roster order.
    pub applicants: Vec<Applicant>,
    /// Rows left out because they repeat an earlier applicant.
    pub duplicates: Vec<Duplicate>,
    /// What was read: "CSV, GB18030", "spreadsheet, sheet 花名册" …
    pub format: String,
    by_folder: HashMap<String, usize>,
}

impl Roster {
    /// Reads a roster file: the first sheet of a workbook that has a header row, or CSV.
    pub fn from_path(path: &Path) -> Result<Roster> {
        Roster::open(path, None)
    }

    /// Reads a roster file; `sheet` names the sheet of a workbook to use. Errors are worded in
    /// the locale's language.
    pub fn open(path: &Path, sheet: Option<&str>) -> Result<Roster> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Roster::parse(&bytes, sheet).map_err(|e| Error::Roster {
            path: path.to_path_buf(),
            detail: e.message(Lang::choose(None)),
        })
    }

    /// Parses roster bytes, a workbook or CSV text (told from the content).
    pub fn parse(bytes: &[u8], sheet: Option<&str>) -> std::result::Result<Roster, RosterError> {
        if !sheet::is_workbook(bytes) {
            let (text, encoding) = text::decode(bytes)?;
            let mut roster = Roster::from_rows(&text::rows(&text)?)?;
            roster.format = format!("CSV, {encoding}");
            return Ok(roster);
        }
        let sheets = sheet::sheets(bytes)?;
        if let Some(name) = sheet {
            let Some((_, rows)) = sheets.iter().find(|(n, _)| n == name) else {
                let problem = Problem::NoSheet {
                    name: name.to_string(),
                    sheets: sheets.into_iter().map(|(n, _)| n).collect(),
                };
                return Err(RosterError::new(None, problem));
            };
            let mut roster = Roster::from_rows(rows)?;
            roster.format = format!("spreadsheet, sheet {name}");
            return Ok(roster);
        }
        let (name, rows) = sheets
            .iter()
            .find(|(_, rows)| {
                rows.iter()
                    .take(HEADER_SEARCH_ROWS)
                    .any(|r| Header::of(r).is_some())
            })
            .ok_or(RosterError::new(None, Problem::NoHeader))?;
        let mut roster = Roster::from_rows(rows)?;
        roster.format = format!("spreadsheet, sheet {name}");
        Ok(roster)
    }

    /// The applicants of a table: the header row is the first of the top rows with a name and a
    /// unit column; rows after it without name and unit, or starting with a footer word, are
    /// skipped.
    fn from_rows(rows: &[Row]) -> std::result::Result<Roster, RosterError> {
        let (start, header) = rows
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .enumerate()
            .find_map(|(i, row)| Header::of(row).map(|h| (i, h)))
            .ok_or(RosterError::new(None, Problem::NoHeader))?;
        let mut roster = Roster::default();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for row in &rows[start + 1..] {
            let cell = |column: Column| {
                header
                    .index(column)
                    .and_then(|i| row.cells.get(i))
                    .map_or("", |c| c.trim())
                    .to_string()
            };
            let (name, unit) = (cell(Column::Name), cell(Column::Unit));
            let first = row.cells.iter().map(|c| c.trim()).find(|c| !c.is_empty());
            let footer = first.is_some_and(|c| FOOTER_WORDS.iter().any(|w| c.starts_with(w)));
            if footer || (name.is_empty() && unit.is_empty()) {
                continue;
            }
            let at = Some(row.number);
            let empty = |column| {
                let column = header.label(column);
                RosterError::new(at, Problem::Empty { column })
            };
            if name.is_empty() {
                return Err(empty(Column::Name));
            }
            if unit.is_empty() {
                return Err(empty(Column::Unit));
            }
            let folder = normalize_key(&cell(Column::Folder));
            if folder.is_empty() && header.index(Column::Folder).is_some() {
                return Err(empty(Column::Folder));
            }
            let id_number: String = cell(Column::IdNumber)
                .nfkc()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_uppercase();
            if !id_number.is_empty() && !is_id_number_shape(&id_number) {
                let column = header.label(Column::IdNumber);
                return Err(RosterError::new(at, Problem::BadIdNumber { column }));
            }
            let applicant = Applicant {
                folder,
                name,
                unit,
                aliases: cell(Column::Aliases)
                    .split(['|', '｜'])
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(String::from)
                    .collect(),
                archive_no: Some(cell(Column::ArchiveNo)).filter(|a| !a.is_empty()),
                id_number: Some(id_number).filter(|id| !id.is_empty()),
                line: row.number,
            };
            let same_id = applicant.id_number.as_ref().and_then(|id| by_id.get(id));
            let repeated = match same_id {
                Some(&i) if roster.applicants[i].name != applicant.name => {
                    let problem = Problem::SameIdNumber {
                        column: header.label(Column::IdNumber),
                        first_line: roster.applicants[i].line,
                    };
                    return Err(RosterError::new(at, problem));
                }
                Some(&i) => Some(i),
                None => roster.applicants.iter().position(|a| {
                    (&a.name, &a.unit, &a.folder)
                        == (&applicant.name, &applicant.unit, &applicant.folder)
                        && a.id_number.is_none()
                        && applicant.id_number.is_none()
                }),
            };
            if let Some(i) = repeated {
                roster.duplicates.push(Duplicate {
                    row: applicant,
                    first_line: roster.applicants[i].line,
                });
                continue;
            }
            if let Some(&i) = roster.by_folder.get(&applicant.folder) {
                let problem = Problem::SameFolder {
                    column: header.label(Column::Folder),
                    first_line: roster.applicants[i].line,
                };
                return Err(RosterError::new(at, problem));
            }
            let index = roster.applicants.len();
            if !applicant.folder.is_empty() {
                roster.by_folder.insert(applicant.folder.clone(), index);
            }
            if let Some(id) = &applicant.id_number {
                by_id.insert(id.clone(), index);
            }
            roster.applicants.push(applicant);
        }
        if roster.applicants.is_empty() {
            return Err(RosterError::new(None, Problem::NoApplicants));
        }
        Ok(roster)
    }

    /// The applicant whose intake folder is `folder`, by the roster's folder column.
    pub fn by_folder(&self, folder: &str) -> Option<&Applicant> {
        self.by_folder
            .get(&normalize_key(folder))
            .map(|&i| &self.applicants[i])
    }

    /// Whether the roster names each applicant's folder (else folders are matched by name,
    /// archive or ID number).
    pub fn has_folder_column(&self) -> bool {
        !self.by_folder.is_empty()
    }
}

/// Whether `id` looks like an ID-card number: 17 digits and a digit or X, or the old 15 digits.
fn is_id_number_shape(id: &str) -> bool {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !id.is_ascii() {
        return false;
    }
    match id.len() {
        18 => digits(&id[..17]) && (digits(&id[17..]) || &id[17..] == "X"),
        15 => digits(id),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> std::result::Result<Roster, RosterError> {
        Roster::parse(text.as_bytes(), None)
    }

    #[test]
    fn english_headers_with_bom_and_aliases() {
        let csv = "\u{feff}folder,name,unit,aliases\n01_王玥,王玥,巴音郭楞蒙古自治州人民医院,巴州人民医院|州人民医院\n";
        let roster = parse(csv).unwrap();
        let a = roster.by_folder("01_王玥").unwrap();
        assert_eq!(a.name, "王玥");
        assert_eq!(a.aliases, vec!["巴州人民医院", "州人民医院"]);
        assert_eq!(a.line, 2);
        assert_eq!(roster.format, "CSV, UTF-8");
        assert!(roster.has_folder_column());
    }

    #[test]
    fn chinese_headers_of_the_official_roster() {
        let csv = "序号,姓  名,身份证号（18位）,工作单位,档案号\n1,李建国,65280119800101001x,库尔勒市人民医院,A7\n";
        let roster = parse(csv).unwrap();
        let a = &roster.applicants[0];
        assert_eq!(a.unit, "库尔勒市人民医院");
        assert_eq!(a.archive_no.as_deref(), Some("A7"));
        assert_eq!(a.id_number.as_deref(), Some("65280119800101001X"));
        assert_eq!(a.folder, "");
        assert!(!roster.has_folder_column());
    }

    /// The official template: a title row and a unit row above the header, a blank row and the
    /// form's footer below the applicants.
    const OFFICIAL: &str = "\
2025年度巴州卫生系列高级专业技术资格申报人员花名册,,,,,
填报单位（盖章）：巴州卫生健康委员会,,,,,
序号,姓名,性别,族别,身份证号,工作单位
1,王芳,女,汉族,652801198703150026,库尔勒市人民医院
,,,,,
2,王芳,女,回族,652826199001020048,焉耆回族自治县人民医院
3,王芳,女,汉族,652801198703150026,库尔勒市人民医院
填表人：张三,,联系电话：0996-0000000,,,
合计：3 人,,,,,
";

    #[test]
    fn header_below_title_rows_with_empty_and_footer_rows_skipped() {
        let roster = parse(OFFICIAL).unwrap();
        let lines: Vec<usize> = roster.applicants.iter().map(|a| a.line).collect();
        assert_eq!(lines, [4, 6], "{roster:?}");
        assert_eq!(roster.applicants[1].unit, "焉耆回族自治县人民医院");
    }

    #[test]
    fn namesakes_stay_apart_and_a_repeated_row_is_listed() {
        let roster = parse(OFFICIAL).unwrap();
        let ids: Vec<_> = roster
            .applicants
            .iter()
            .map(|a| a.id_number.as_deref())
            .collect();
        assert_eq!(
            ids,
            [Some("652801198703150026"), Some("652826199001020048")]
        );
        assert_eq!(roster.duplicates.len(), 1);
        assert_eq!(
            (
                roster.duplicates[0].row.line,
                roster.duplicates[0].first_line
            ),
            (7, 4)
        );
    }

    #[test]
    fn missing_unit_cell_names_row_and_column() {
        let csv = OFFICIAL.replace(
            ",652826199001020048,焉耆回族自治县人民医院",
            ",652826199001020048,",
        );
        let err = parse(&csv).unwrap_err();
        assert_eq!(err.message(Lang::Zh), "第 6 行 “工作单位” 为空");
        assert_eq!(err.message(Lang::En), "row 6: “工作单位” is empty");
    }

    #[test]
    fn id_numbers_must_look_like_id_numbers_and_belong_to_one_name() {
        let csv = OFFICIAL.replace("652826199001020048", "6.52826199001020e17");
        let err = parse(&csv).unwrap_err();
        assert_eq!(err.line, Some(6));
        assert!(matches!(err.problem, Problem::BadIdNumber { .. }), "{err}");
        let csv = OFFICIAL.replace("3,王芳", "3,李四");
        let err = parse(&csv).unwrap_err();
        assert_eq!(err.line, Some(7));
        assert!(err.to_string().contains("row 4"), "{err}");
        assert!(!is_id_number_shape("６５２８０１１９８７０３１５００２６"));
    }

    #[test]
    fn no_header_among_the_top_rows() {
        let err = parse("花名册\n王玥,和静县中医医院\n").unwrap_err();
        assert_eq!(err.problem, Problem::NoHeader);
        let err = parse("姓名,工作单位\n,\n").unwrap_err();
        assert_eq!(err.problem, Problem::NoApplicants);
    }

    #[test]
    fn errors_name_the_row() {
        let dup = "folder,name,unit\na,王玥,X医院\nb,李四,Y医院\na,张三,Z医院\n";
        let err = parse(dup).unwrap_err();
        assert_eq!(err.line, Some(4));
        assert!(err.to_string().contains("row 2"), "{err}");
        let empty = "folder,name,unit\na,,X医院\n";
        assert_eq!(
            parse(empty).unwrap_err().to_string(),
            "row 2: “name” is empty"
        );
        let missing = "folder,name\na,王玥\n";
        assert_eq!(parse(missing).unwrap_err().problem, Problem::NoHeader);
        let latin1 = b"folder,name,unit\na,\xe9,b\n";
        assert_eq!(Roster::parse(latin1, None).unwrap_err().line, Some(2));
    }

    #[test]
    fn gbk_and_utf16_read_like_utf8() {
        let utf8 = parse(OFFICIAL).unwrap();
        let (gbk, _, _) = encoding_rs::GBK.encode(OFFICIAL);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(OFFICIAL.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        for (bytes, format) in [(gbk.to_vec(), "CSV, GB18030"), (utf16, "CSV, UTF-16LE")] {
            let roster = Roster::parse(&bytes, None).unwrap();
            assert_eq!(roster.applicants, utf8.applicants);
            assert_eq!(roster.format, format);
        }
    }

    /// The official layout as a workbook: a cover sheet without a header first, then the roster
    /// with its title merged across the columns.
    fn workbook(id_as_number: bool) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let cover = book.add_worksheet().set_name("说明").unwrap();
        cover.write(0, 0, "请按附件9填写").unwrap();
        let sheet = book.add_worksheet().set_name("花名册").unwrap();
        let format = rust_xlsxwriter::Format::new();
        sheet
            .merge_range(0, 0, 0, 5, "申报人员花名册", &format)
            .unwrap();
        sheet.write(1, 0, "填报单位：巴州卫生健康委员会").unwrap();
        for (col, header) in ["序号", "姓名", "性别", "族别", "身份证号", "工作单位"]
            .iter()
            .enumerate()
        {
            sheet.write(2, col as u16, *header).unwrap();
        }
        sheet.write(3, 0, 1).unwrap();
        sheet.write(3, 1, "王芳").unwrap();
        if id_as_number {
            sheet.write(3, 4, 652801198703150026.0).unwrap();
        } else {
            sheet.write(3, 4, "652801198703150026").unwrap();
        }
        sheet.write(3, 5, "库尔勒市人民医院").unwrap();
        sheet.write(5, 0, "填表人：张三").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn workbook_uses_the_first_sheet_with_a_header_or_the_named_one() {
        let roster = Roster::parse(&workbook(false), None).unwrap();
        assert_eq!(roster.format, "spreadsheet, sheet 花名册");
        let a = &roster.applicants[0];
        assert_eq!((a.name.as_str(), a.line), ("王芳", 4));
        assert_eq!(a.id_number.as_deref(), Some("652801198703150026"));
        assert!(Roster::parse(&workbook(false), Some("花名册")).is_ok());
        let err = Roster::parse(&workbook(false), Some("Sheet1")).unwrap_err();
        assert!(err.to_string().contains("说明, 花名册"), "{err}");
        let err = Roster::parse(&workbook(false), Some("说明")).unwrap_err();
        assert_eq!(err.problem, Problem::NoHeader);
    }

    #[test]
    fn workbook_id_number_typed_as_a_number_is_refused() {
        let err = Roster::parse(&workbook(true), None).unwrap_err();
        assert_eq!(err.line, Some(4));
        assert!(matches!(err.problem, Problem::BadIdNumber { .. }), "{err}");
    }
}
