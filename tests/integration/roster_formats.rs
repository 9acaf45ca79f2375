//! The roster as committees have it (issue 18): the official 花名册 workbook and the CSV Excel
//! writes on a Chinese PC (GBK) give the same run as the UTF-8 roster of the samples.
//! The fixtures are written here, from one table in the official layout.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// The samples' applicants in the official layout: a title row, a unit row, the header, the
/// applicants with a blank row among them, and the form's footer.
const OFFICIAL: &[&[&str]] = &[
    &["2024年度巴州卫生系列专业技术资格申报人员花名册"],
    &[
        "填报单位（盖章）：巴音郭楞蒙古自治州卫生健康委员会",
        "",
        "",
        "",
        "",
        "",
        "填报日期：2024年3月",
    ],
    &[
        "序号",
        "姓名",
        "性别",
        "族别",
        "身份证号",
        "工作单位",
        "申报职称",
        "档案号",
    ],
    &[
        "1",
        "阿依古丽·买买提",
        "女",
        "维吾尔族",
        "652828198603120023",
        "焉耆回族自治县人民医院",
        "副主任医师",
        "2024ZC0101",
    ],
    &[
        "2",
        "王玥",
        "女",
        "汉族",
        "652801198811230041",
        "巴音郭楞蒙古自治州人民医院",
        "主任医师",
        "2024ZC0117",
    ],
    &[],
    &[
        "3",
        "李建国",
        "男",
        "汉族",
        "652801197905060035",
        "库尔勒市第二人民医院",
        "副主任医师",
        "2024ZC0103",
    ],
    &["填表人：", "", "", "联系电话：", "", "", "", ""],
];

/// The official table as a workbook, on the sheet after a cover sheet.
fn write_workbook(path: &Path, rows: &[&[&str]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet()
        .set_name("填表说明")
        .unwrap()
        .write(0, 0, "请按附件9的格式填写，身份证号一列设为文本。")
        .unwrap();
    let sheet = book.add_worksheet().set_name("花名册").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate().filter(|(_, cell)| !cell.is_empty()) {
            sheet.write(r as u32, c as u16, *cell).unwrap();
        }
    }
    book.save(path).unwrap();
}

/// The official table as CSV text.
fn csv_text(rows: &[&[&str]]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(*row).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// key.csv's code, folder, name and unit columns, and its roster column.
fn key(out: &Path) -> (Vec<Vec<String>>, Vec<String>) {
    let mut reader = csv::Reader::from_path(out.join("key.csv")).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let who = records
        .iter()
        .map(|r| (0..4).map(|i| r[i].to_string()).collect())
        .collect();
    let formats = records.iter().map(|r| r[6].to_string()).collect();
    (who, formats)
}

#[test]
fn official_workbook_and_gbk_csv_give_the_manifest_of_the_utf8_roster() {
    let dir = tempfile::tempdir().unwrap();
    let intake = root().join("samples/intake");
    let workbook = dir.path().join("花名册.xlsx");
    write_workbook(&workbook, OFFICIAL);
    let gbk = dir.path().join("花名册.csv");
    std::fs::write(&gbk, encoding_rs::GBK.encode(&csv_text(OFFICIAL)).0).unwrap();

    let run = |roster: &Path, name: &str| {
        let out = dir.path().join(name);
        let output = run_intake(&intake, &out, roster, &[]);
        assert!(output.status.success(), "run with {name} failed");
        out
    };
    let expected = run(&root().join("samples/roster.csv"), "utf8");
    let (expected_key, _) = key(&expected);
    for (roster, name, format) in [
        (&workbook, "xlsx", "spreadsheet, sheet 花名册"),
        (&gbk, "gbk", "CSV, GB18030"),
    ] {
        let out = run(roster, name);
        assert_eq!(
            manifest_without_timings(&out),
            manifest_without_timings(&expected),
            "{name}"
        );
        let (who, formats) = key(&out);
        assert_eq!(who, expected_key, "{name}");
        assert!(formats.iter().all(|f| f == format), "{name}: {formats:?}");
    }
}

#[test]
fn missing_unit_cell_is_refused_naming_row_and_column_in_the_locale_language() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows: Vec<Vec<&str>> = OFFICIAL.iter().map(|r| r.to_vec()).collect();
    rows[6][5] = "";
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    let workbook = dir.path().join("花名册.xlsx");
    write_workbook(&workbook, &rows);
    let intake = root().join("samples/intake");
    for (lang, message) in [
        ("zh_CN.UTF-8", "第 7 行 “工作单位” 为空"),
        ("en_US.UTF-8", "row 7: “工作单位” is empty"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_blindfold"))
            .args(["run", intake.to_str().unwrap(), "--roster"])
            .arg(&workbook)
            .arg("--out")
            .arg(dir.path().join(lang))
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(message), "{lang}: {stderr}");
    }
}

#[test]
fn namesakes_are_told_apart_by_id_number_and_untellable_ones_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let intake = dir.path().join("intake");
    let page = root().join("samples/intake/03_李建国/推荐人选公示.pdf");
    let folders = ["李建国_060035", "李建国_110027", "王玥", "王玥（补交）"];
    for folder in folders {
        std::fs::create_dir_all(intake.join(folder)).unwrap();
        std::fs::copy(&page, intake.join(folder).join("公示.pdf")).unwrap();
    }
    let roster = dir.path().join("花名册.csv");
    std::fs::write(
        &roster,
        "序号,姓名,身份证号,工作单位\n\
         1,李建国,652801197905060035,库尔勒市第二人民医院\n\
         2,李建国,652822198211110027,轮台县人民医院\n\
         3,王玥,,巴音郭楞蒙古自治州人民医院\n\
         4,王玥,,和静县中医医院\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    assert!(run_intake(&intake, &out, &roster, &[]).status.success());

    let mut reader = csv::Reader::from_path(out.join("key.csv")).unwrap();
    let key: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = |folder: &str| key.iter().find(|r| &r[1] == folder).unwrap().clone();
    assert_eq!(&row("李建国_060035")[3], "库尔勒市第二人民医院");
    assert_eq!(&row("李建国_110027")[3], "轮台县人民医院");
    for folder in ["王玥", "王玥（补交）"] {
        let r = row(folder);
        assert!(r[0].starts_with('X') && r[2].is_empty(), "{r:?}");
        assert!(r[5].contains("rows 4, 5"), "{r:?}");
    }
    for line in manifest(&out) {
        let source = line["source"].as_str().unwrap();
        if source.starts_with("王玥") {
            assert_eq!(line["status"], "review", "{line}");
            assert!(line["review"].to_string().contains("rows 4, 5"), "{line}");
        }
    }
}

#[test]
fn own_id_number_is_masked_with_the_option_only() {
    let dir = tempfile::tempdir().unwrap();
    let folder = "01_阿依古丽·买买提";
    let intake = dir.path().join("intake");
    std::fs::create_dir_all(intake.join(folder)).unwrap();
    // The samples' ID number has a wrong check digit: no pattern finds it, only the roster.
    for file in ["阿依古丽·买买提-身份证正面.jpg", "个人承诺书.pdf"] {
        let from = root().join("samples/intake").join(folder).join(file);
        std::fs::copy(from, intake.join(folder).join(file)).unwrap();
    }
    let roster = dir.path().join("花名册.csv");
    std::fs::write(
        &roster,
        "姓名,身份证号,工作单位\n阿依古丽·买买提,652828198603120023,焉耆回族自治县人民医院\n",
    )
    .unwrap();
    let id_regions = |options: &[&str]| {
        let out = dir.path().join(format!("out{}", options.len()));
        assert!(run_intake(&intake, &out, &roster, options).status.success());
        manifest(&out)
            .iter()
            .map(|line| {
                let regions = line["regions"].as_array().unwrap();
                regions.iter().filter(|r| r["kind"] == "id_number").count()
            })
            .collect::<Vec<usize>>()
    };
    assert_eq!(id_regions(&[]), [0, 0]);
    assert!(id_regions(&["--mask-id-numbers"]).iter().all(|&n| n >= 1));
}
