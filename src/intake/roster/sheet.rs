//! Rosters kept as spreadsheets (.xlsx, .xls), read with calamine.

use std::io::Cursor;

use calamine::{Data, Reader};

use super::problem::{Problem, RosterError};
use super::Row;

/// Whether the bytes are a workbook: a zip container (.xlsx) or an OLE container (.xls).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The sheets of a workbook in their order, each with its name and its rows (numbered as the
/// spreadsheet program shows them).
pub fn sheets(bytes: &[u8]) -> Result<Vec<(String, Vec<Row>)>, RosterError> {
    let unreadable =
        |e: calamine::Error| RosterError::new(None, Problem::Unreadable(e.to_string()));
    let mut workbook =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(unreadable)?;
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, cells)| Row {
                number: first_row as usize + i + 1,
                // Cells left of the used range are empty: keep column positions as shown.
                cells: std::iter::repeat_n(String::new(), first_column as usize)
                    .chain(cells.iter().map(cell_text))
                    .collect(),
            })
            .collect();
        sheets.push((name, rows));
    }
    Ok(sheets)
}

/// A cell as text: whole numbers without a decimal point; numbers too large for a float to hold
/// every digit (an ID number typed into a number cell) in scientific notation, so that they are
/// refused rather than read with wrong digits.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.abs() >= 1e15 => format!("{f:e}"),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::String(s) => s.trim().to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed_and_long_ones_are_not_trusted() {
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(2.5)), "2.5");
        assert!(cell_text(&Data::Float(652828198603120023.0)).contains('e'));
        assert_eq!(cell_text(&Data::String(" 王玥 ".into())), "王玥");
        assert_eq!(cell_text(&Data::Empty), "");
    }

    #[test]
    fn workbooks_are_told_by_their_first_bytes() {
        assert!(is_workbook(b"PK\x03\x04rest"));
        assert!(is_workbook(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1]));
        assert!(!is_workbook("姓名,工作单位".as_bytes()));
    }

    #[test]
    fn broken_workbook_is_an_error() {
        let err = sheets(b"PK\x03\x04 not really a zip").unwrap_err();
        assert!(matches!(err.problem, Problem::Unreadable(_)), "{err}");
    }
}
