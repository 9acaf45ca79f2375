//! Rosters kept as CSV text, in whichever encoding the program that saved them chose.

use encoding_rs::{Encoding, GB18030};

use super::problem::{Problem, RosterError};
use super::Row;

/// Decodes CSV bytes, telling the encoding from the content: a byte-order mark (UTF-8, UTF-16LE,
/// UTF-16BE), else UTF-8 if the bytes are valid UTF-8, else GB18030 (which includes GBK, what
/// Excel on a Chinese Windows PC writes). Returns the text and the encoding's name.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), RosterError> {
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((encoding, bom)) => (encoding, &bytes[bom..]),
        None if std::str::from_utf8(bytes).is_ok() => (encoding_rs::UTF_8, bytes),
        None => (GB18030, bytes),
    };
    let (text, malformed) = encoding.decode_without_bom_handling(body);
    if malformed {
        let line = 1 + text
            .chars()
            .take_while(|&c| c != char::REPLACEMENT_CHARACTER)
            .filter(|&c| c == '\n')
            .count();
        return Err(RosterError::new(Some(line), Problem::NotText));
    }
    // encoding_rs names it in lower case, unlike the others.
    let name = if encoding == GB18030 {
        "GB18030"
    } else {
        encoding.name()
    };
    Ok((text.into_owned(), name))
}

/// The CSV records of the text, numbered by the line each starts on.
pub fn rows(text: &str) -> Result<Vec<Row>, RosterError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| p.line() as usize);
                RosterError::new(line, Problem::Unreadable(e.to_string()))
            })?;
            Ok(Row {
                number: record.position().map_or(0, |p| p.line() as usize),
                cells: record.iter().map(String::from).collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "姓名,工作单位\n王玥,和静县中医医院\n";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(TEXT.as_bytes()).unwrap(), (TEXT.into(), "UTF-8"));
        let bom = [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat();
        assert_eq!(decode(&bom).unwrap(), (TEXT.into(), "UTF-8"));
    }

    #[test]
    fn utf16_with_bom() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(TEXT.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&le).unwrap(), (TEXT.into(), "UTF-16LE"));
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(TEXT.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&be).unwrap(), (TEXT.into(), "UTF-16BE"));
    }

    #[test]
    fn gbk_is_detected_from_the_content() {
        let (gbk, _, _) = encoding_rs::GBK.encode(TEXT);
        assert_eq!(decode(&gbk).unwrap(), (TEXT.into(), "GB18030"));
    }

    #[test]
    fn undecodable_bytes_name_their_line() {
        let err = decode(b"folder,name,unit\na,\xe9,b\n").unwrap_err();
        assert_eq!((err.line, err.problem), (Some(2), Problem::NotText));
    }

    #[test]
    fn records_are_numbered_by_their_first_line() {
        let rows = rows("标题\n\"多行\n说明\"\n姓名,单位\n").unwrap();
        let numbers: Vec<usize> = rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2, 4]);
        assert_eq!(rows[1].cells, ["多行\n说明"]);
    }
}
