//! The documents say what the code does: the saved format they name is
//! the one the crate writes.
#![cfg(feature = "serde")]

use coursecopy::SAVE_FORMAT;

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The number after `marker` in `text`.
fn number_after(text: &str, marker: &str) -> u32 {
    let at = text.find(marker).unwrap_or_else(|| panic!("{marker:?} is not in the document"));
    let digits: String = text[at + marker.len()..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("no number after {marker:?}"))
}

#[test]
fn the_saved_format_the_docs_name_is_save_format() {
    assert_eq!(number_after(&read("docs/saved-format.md"), "# The saved form, format "), SAVE_FORMAT);
    assert_eq!(number_after(&read("docs/saved-format.md"), "| `format` | integer | `"), SAVE_FORMAT);
    assert_eq!(number_after(&read("README.md"), "its version (now "), SAVE_FORMAT);
    let written = serde_json::to_value(coursecopy::Workspace::with_admin("Ada").unwrap().0).unwrap();
    assert_eq!(written["format"], SAVE_FORMAT);
}
