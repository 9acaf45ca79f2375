//! Failure class "handwritten names in printed blanks" (tests/fixtures/handwriting, made by
//! scripts/make_fixtures.py): a name written by hand before 同学：, in a form's 姓名 and 工作单位
//! cells and after 承诺人（签字） is masked whatever the OCR made of it; the blank form masks
//! nothing (its rules are not handwriting).

mod common;

#[test]
fn handwritten_names_in_printed_blanks_are_masked() {
    common::expected::assert_group_masked_as_expected("handwriting");
}
