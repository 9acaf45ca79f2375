//! Which roster row each intake folder belongs to: by the roster's folder column when it has
//! one, else by the applicant's name, archive number (档案号/编号) or ID number (or its last six
//! characters) in the folder's name. A folder that fits several rows, or a row that fits several
//! folders, is left undecided rather than guessed.

use super::roster::{normalize_key, Roster};
use crate::base::text::Normalized;

/// The roster rows a folder was matched to (indices into `Roster::applicants`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Exactly one row.
    One(usize),
    /// Several rows fit and nothing tells them apart.
    Undecided {
        /// The rows that fit.
        rows: Vec<usize>,
        /// Why, for the manifest (row numbers only, no names).
        reason: String,
    },
    /// No row.
    None,
}

/// The claim of each folder (by its name), in order; a row claimed by several folders is
/// undecided for each of them.
pub fn assign(folders: &[String], roster: &Roster) -> Vec<Claim> {
    let mut claims: Vec<Claim> = folders.iter().map(|f| claim(f, roster)).collect();
    for row in 0..roster.applicants.len() {
        let claiming: Vec<usize> = (0..claims.len())
            .filter(|&f| claims[f] == Claim::One(row))
            .collect();
        if claiming.len() > 1 {
            let reason = format!(
                "roster row {} fits {} folders alike: put the ID number or 档案号 in the folder \
                 names, or give the roster a folder column",
                roster.applicants[row].line,
                claiming.len()
            );
            for f in claiming {
                claims[f] = Claim::Undecided {
                    rows: vec![row],
                    reason: reason.clone(),
                };
            }
        }
    }
    claims
}

/// The rows one folder fits.
fn claim(folder: &str, roster: &Roster) -> Claim {
    if roster.has_folder_column() {
        let key = normalize_key(folder);
        return match roster.applicants.iter().position(|a| a.folder == key) {
            Some(row) => Claim::One(row),
            None => Claim::None,
        };
    }
    let rows = candidates(folder, roster);
    match rows.as_slice() {
        [] => Claim::None,
        [row] => Claim::One(*row),
        _ => {
            let lines: Vec<String> = rows
                .iter()
                .map(|&r| roster.applicants[r].line.to_string())
                .collect();
            Claim::Undecided {
                reason: format!(
                    "the folder name fits roster rows {} alike: put the ID number or 档案号 in \
                     the folder name, or give the roster a folder column",
                    lines.join(", ")
                ),
                rows,
            }
        }
    }
}

/// Rows whose archive or ID number the folder name holds, narrowed by the name when that
/// agrees; else the rows with the longest name the folder name holds.
fn candidates(folder: &str, roster: &Roster) -> Vec<usize> {
    let lower = normalize_key(folder).to_lowercase();
    let bare: String = Normalized::new(lower.chars()).chars.into_iter().collect();
    let by_number: Vec<usize> = (0..roster.applicants.len())
        .filter(|&i| {
            let a = &roster.applicants[i];
            let id_tail = a
                .id_number
                .as_deref()
                .map(|id| &id[id.len().saturating_sub(6)..]);
            [a.archive_no.as_deref(), a.id_number.as_deref(), id_tail]
                .into_iter()
                .flatten()
                .any(|number| holds_token(&lower, &number.to_lowercase()))
        })
        .collect();
    let longest = roster
        .applicants
        .iter()
        .map(|a| bare_name(&a.name))
        .filter(|name| !name.is_empty() && bare.contains(name.as_str()))
        .map(|name| name.chars().count())
        .max();
    let by_name: Vec<usize> = (0..roster.applicants.len())
        .filter(|&i| {
            let name = bare_name(&roster.applicants[i].name);
            Some(name.chars().count()) == longest && bare.contains(name.as_str())
        })
        .collect();
    let both: Vec<usize> = by_number
        .iter()
        .copied()
        .filter(|i| by_name.contains(i))
        .collect();
    match (by_number.is_empty(), by_name.is_empty(), both.is_empty()) {
        (true, _, _) => by_name,
        (false, true, _) => by_number,
        (false, false, false) => both,
        // Numbers point to one applicant, the name to another: both stay candidates.
        (false, false, true) => by_number.into_iter().chain(by_name).collect(),
    }
}

/// A name without spaces and dots, as folder names may write it.
fn bare_name(name: &str) -> String {
    Normalized::new(normalize_key(name).chars())
        .chars
        .into_iter()
        .collect()
}

/// Whether `text` holds `token` with no letter or digit right before or after it (so that the
/// last six digits of an ID number are not found inside a longer number).
fn holds_token(text: &str, token: &str) -> bool {
    if token.is_empty() {
        return false;
    }
    text.match_indices(token).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + token.len()..].chars().next();
        ![before, after]
            .into_iter()
            .flatten()
            .any(|c| c.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two 王芳 at different units, told apart by ID number, and a third applicant.
    const ROSTER: &str = "\
序号,姓名,身份证号,工作单位,档案号
1,王芳,652801198703150026,库尔勒市人民医院,2025GJ001
2,王芳,652826199001020048,焉耆回族自治县人民医院,2025GJ002
3,阿依古丽·买买提,652828198603120023,焉耆回族自治县人民医院,2025GJ003
";

    fn claims(folders: &[&str]) -> Vec<Claim> {
        let roster = Roster::parse(ROSTER.as_bytes(), None).unwrap();
        let folders: Vec<String> = folders.iter().map(|f| f.to_string()).collect();
        assign(&folders, &roster)
    }

    #[test]
    fn folders_are_found_by_name_archive_or_id_number() {
        assert_eq!(
            claims(&["03_阿依古丽买买提", "2025GJ002", "王芳_652801198703150026"]),
            [Claim::One(2), Claim::One(1), Claim::One(0)]
        );
        assert_eq!(claims(&["x-150026"]), [Claim::One(0)]);
        assert_eq!(claims(&["李四", "x_1150026"]), [Claim::None, Claim::None]);
    }

    #[test]
    fn namesakes_are_told_apart_by_id_number() {
        assert_eq!(
            claims(&["王芳-020048", "王芳-150026"]),
            [Claim::One(1), Claim::One(0)]
        );
    }

    #[test]
    fn namesakes_that_cannot_be_told_apart_are_undecided() {
        let got = claims(&["01_王芳", "02_王芳"]);
        for claim in &got {
            let Claim::Undecided { rows, reason } = claim else {
                panic!("{got:?}");
            };
            assert_eq!(rows, &[0, 1]);
            assert!(
                reason.contains("rows 2, 3") && !reason.contains("王芳"),
                "{reason}"
            );
        }
    }

    #[test]
    fn one_row_fitting_two_folders_is_undecided_for_both() {
        let got = claims(&["阿依古丽·买买提", "阿依古丽·买买提（补交）"]);
        assert!(
            got.iter()
                .all(|c| matches!(c, Claim::Undecided { rows, .. } if rows == &[2])),
            "{got:?}"
        );
    }

    #[test]
    fn number_and_name_disagreeing_leaves_both_rows() {
        let got = claims(&["阿依古丽·买买提_2025GJ001"]);
        assert!(
            matches!(&got[0], Claim::Undecided { rows, .. } if rows == &[0, 2]),
            "{got:?}"
        );
    }

    #[test]
    fn folder_column_decides_when_present() {
        let roster = Roster::parse(
            "folder,name,unit\nA,王芳,X县医院\nB,王芳,Y县医院\n".as_bytes(),
            None,
        )
        .unwrap();
        let folders = ["B".to_string(), "王芳".to_string()];
        assert_eq!(assign(&folders, &roster), [Claim::One(1), Claim::None]);
    }
}
