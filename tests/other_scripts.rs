//! Failure class "scripts other than Chinese" (tests/fixtures/scripts, made by
//! scripts/make_fixtures.py): a name or unit also written in Uyghur beside the Chinese, and a
//! name in pinyin, are masked with the Chinese; bilingual labels alone mask nothing.

mod common;

#[test]
fn scripts_other_than_chinese_are_masked_with_the_name_or_unit_they_spell() {
    common::expected::assert_group_masked_as_expected("scripts");
}
