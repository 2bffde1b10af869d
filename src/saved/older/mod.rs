//! The saved formats before today's, and how each becomes today's:
//!
//! | format | written by | becomes today's |
//! | --- | --- | --- |
//! | 1 | coursecopy 0.1, 0.2 | [`format1`] reads it, frozen, and migrates it to today's body |
//! | 2 | 0.3 before linked copies | today's body, with an empty `linked` part and an empty `dates` part |
//! | 3 | 0.3 before dates | today's body and `linked` part, with an empty `dates` part |
//! | 4 | 0.3 | today's body and parts, none of its dates kept their distances (format 5 adds `kept_distances` to shift reports), no `page_runs` part |
//! | 5 | 0.4 | today's body and parts, every page saved on its own: an empty `page_runs` part |
//!
//! An empty `linked` part means every version 0, no link, no lock; an
//! empty `dates` part, every course in UTC and no dated item.

pub(super) mod format1;

use super::current::{dates::Dates, linked::Linked, runs::PageRun};
use serde::de;

/// The `linked` part of a file of `format`: read in format 3 and later,
/// empty before.
///
/// # Errors
/// A file of format 2 that has one, or a later one that lacks it.
pub(super) fn linked_part<E: de::Error>(format: u32, given: Option<Linked>) -> Result<Linked, E> {
    match (format, given) {
        (2, None) => Ok(Linked::default()),
        (2, Some(_)) => Err(E::custom("linked: a field of format 3 in a file of format 2")),
        (3..=6, Some(linked)) if linked.field_of_format7().is_some() => Err(E::custom(format_args!(
            "linked: {}, a field of format 7, in a file of format {format}",
            linked.field_of_format7().unwrap_or_default()
        ))),
        (_, Some(linked)) => Ok(linked),
        (_, None) => Err(E::missing_field("linked")),
    }
}

/// The `dates` part of a file of `format`: read in format 4 and later,
/// empty before.
///
/// # Errors
/// A file of format 2 or 3 that has one, or a later one that lacks it.
pub(super) fn dates_part<E: de::Error>(format: u32, given: Option<Dates>) -> Result<Dates, E> {
    match (format, given) {
        (2 | 3, None) => Ok(Dates::default()),
        (2 | 3, Some(_)) => Err(E::custom(format_args!("dates: a field of format 4 in a file of format {format}"))),
        (4, Some(dates)) if dates.keeps_distances() => {
            Err(E::custom("dates: kept_distances, a field of format 5, in a file of format 4"))
        }
        (_, Some(dates)) => Ok(dates),
        (_, None) => Err(E::missing_field("dates")),
    }
}

/// The `page_runs` part of a file of `format`: read in format 6 and later,
/// empty before (every page saved on its own).
///
/// # Errors
/// A file of format 5 or earlier that has one, or a later one that lacks
/// it.
pub(super) fn runs_part<E: de::Error>(format: u32, given: Option<Vec<PageRun>>) -> Result<Vec<PageRun>, E> {
    match (format, given) {
        (..=5, None) => Ok(Vec::new()),
        (..=5, Some(_)) => Err(E::custom(format_args!("page_runs: a field of format 6 in a file of format {format}"))),
        (_, Some(runs)) => Ok(runs),
        (_, None) => Err(E::missing_field("page_runs")),
    }
}

/// The counters of numeric ids of a file of `format`: read in format 8 and
/// later, where both are required; absent before, when the records are
/// numbered on load.
///
/// # Errors
/// A file before format 8 that has either, or a later one that lacks one.
pub(super) fn next_ids<E: de::Error>(
    format: u32,
    learning_object: Option<u64>,
    page: Option<u64>,
) -> Result<Option<super::body::NextIds>, E> {
    match (format, learning_object, page) {
        (..8, None, None) => Ok(None),
        (..8, _, _) => Err(E::custom(format_args!(
            "next_learning_object_id, next_page_id: fields of format 8 in a file of format {format}"
        ))),
        (_, Some(learning_object), Some(page)) => Ok(Some(super::body::NextIds { learning_object, page })),
        (_, None, _) => Err(E::missing_field("next_learning_object_id")),
        (_, _, None) => Err(E::missing_field("next_page_id")),
    }
}
