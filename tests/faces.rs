//! Failure class "eye bars where there is no face" (tests/fixtures/faces, made by
//! scripts/make_fixtures.py): printed patterns (a chequered code, a silhouette, a photo of coins) on
//! an invoice-like page get no eye bar and the page is 否; a face turned half away, on a
//! greyscale registration form, and a face about 30 pixels wide on a certificate get theirs.

mod common;

#[test]
fn eye_bars_only_where_there_is_a_face() {
    common::expected::assert_group_masked_as_expected("faces");
}
