//! What can be wrong with a roster, told in the user's terms: the row as the spreadsheet program
//! numbers it, the column by its header, in Chinese or English.

use crate::base::Lang;

/// Why a roster cannot be used, and the row at fault when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterError {
    /// 1-based row (a CSV's line), as a spreadsheet program or text editor shows it.
    pub line: Option<usize>,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong with a roster; columns are named by their header as written in the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Neither a workbook nor text in UTF-8, UTF-16 or GB18030 (GBK).
    NotText,
    /// The workbook or CSV is broken.
    Unreadable(String),
    /// `--sheet` names a sheet the workbook does not have.
    NoSheet {
        /// The sheet asked for.
        name: String,
        /// The sheets there are.
        sheets: Vec<String>,
    },
    /// No row among the first ones has both a name and a unit header.
    NoHeader,
    /// A cell that must be filled is empty.
    Empty {
        /// The column's header.
        column: String,
    },
    /// The ID-number cell does not hold an ID number.
    BadIdNumber {
        /// The column's header.
        column: String,
    },
    /// The folder is already given to an earlier row.
    SameFolder {
        /// The column's header.
        column: String,
        /// The earlier row.
        first_line: usize,
    },
    /// The ID number is already on an earlier row, with another name.
    SameIdNumber {
        /// The column's header.
        column: String,
        /// The earlier row.
        first_line: usize,
    },
    /// The header row is followed by no applicant.
    NoApplicants,
}

/// How many rows from the top are searched for the header row.
pub const HEADER_SEARCH_ROWS: usize = 20;

impl RosterError {
    /// A problem at a row (or of the whole roster).
    pub fn new(line: Option<usize>, problem: Problem) -> RosterError {
        RosterError { line, problem }
    }

    /// The message in the given language: 第 5 行 “工作单位” 为空 / row 5: “工作单位” is empty.
    pub fn message(&self, lang: Lang) -> String {
        let what = match lang {
            Lang::Zh => self.problem.zh(),
            Lang::En => self.problem.en(),
        };
        // A cell's problem reads on from the row (第 5 行 “工作单位” 为空), others after a colon.
        let joint = if self.problem.column().is_some() {
            " "
        } else {
            "："
        };
        match (self.line, lang) {
            (Some(line), Lang::Zh) => format!("第 {line} 行{joint}{what}"),
            (Some(line), Lang::En) => format!("row {line}: {what}"),
            (None, _) => what,
        }
    }
}

impl Problem {
    /// The header of the column at fault, for a problem of one cell.
    pub fn column(&self) -> Option<&str> {
        match self {
            Problem::Empty { column }
            | Problem::BadIdNumber { column }
            | Problem::SameFolder { column, .. }
            | Problem::SameIdNumber { column, .. } => Some(column),
            _ => None,
        }
    }

    fn zh(&self) -> String {
        match self {
            Problem::NotText => {
                "不是表格（.xlsx/.xls），也不是 UTF-8、UTF-16 或 GBK 编码的文本".into()
            }
            Problem::Unreadable(detail) => format!("无法读取：{detail}"),
            Problem::NoSheet { name, sheets } => {
                format!("没有名为“{name}”的工作表（有：{}）", sheets.join("、"))
            }
            Problem::NoHeader => {
                format!("前 {HEADER_SEARCH_ROWS} 行中没有同时含“姓名”和“工作单位”的表头行")
            }
            Problem::Empty { column } => format!("“{column}” 为空"),
            Problem::BadIdNumber { column } => format!(
                "“{column}” 不是 18 位身份证号码（若 Excel 把它存成了数字，末几位已丢失：\
                 请把该列设为文本后重新填写）"
            ),
            Problem::SameFolder { column, first_line } => {
                format!("“{column}” 与第 {first_line} 行相同")
            }
            Problem::SameIdNumber { column, first_line } => {
                format!("“{column}” 与第 {first_line} 行相同，但姓名不同")
            }
            Problem::NoApplicants => "表头行之后没有申报人".into(),
        }
    }

    fn en(&self) -> String {
        match self {
            Problem::NotText => {
                "neither a spreadsheet (.xlsx/.xls) nor text in UTF-8, UTF-16 or GBK".into()
            }
            Problem::Unreadable(detail) => format!("cannot be read: {detail}"),
            Problem::NoSheet { name, sheets } => {
                format!("no sheet named “{name}” (sheets: {})", sheets.join(", "))
            }
            Problem::NoHeader => format!(
                "no header row with a name column (name / 姓名) and a unit column \
                 (unit / 工作单位) in the first {HEADER_SEARCH_ROWS} rows"
            ),
            Problem::Empty { column } => format!("“{column}” is empty"),
            Problem::BadIdNumber { column } => format!(
                "“{column}” is not an 18-character ID number (if Excel stored it as a number, \
                 its last digits are lost: format the column as text and enter it again)"
            ),
            Problem::SameFolder { column, first_line } => {
                format!("“{column}” is the same as on row {first_line}")
            }
            Problem::SameIdNumber { column, first_line } => {
                format!("“{column}” is the same as on row {first_line}, with another name")
            }
            Problem::NoApplicants => "no applicants after the header row".into(),
        }
    }
}

impl std::fmt::Display for RosterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_row_and_column_in_both_languages() {
        let err = RosterError::new(
            Some(5),
            Problem::Empty {
                column: "工作单位".into(),
            },
        );
        assert_eq!(err.message(Lang::Zh), "第 5 行 “工作单位” 为空");
        assert_eq!(err.message(Lang::En), "row 5: “工作单位” is empty");
        assert_eq!(err.to_string(), err.message(Lang::En));
        let whole = RosterError::new(None, Problem::NoApplicants);
        assert_eq!(whole.message(Lang::Zh), "表头行之后没有申报人");
    }
}
