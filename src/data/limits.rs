//! Length limits and the validation of text input (LMS-12).
//!
//! Lengths count Unicode scalar values (`char`s), as an LMS counts
//! characters, not bytes.

use crate::Error;
use std::sync::Arc;

/// Longest `course_id`, in characters.
pub const COURSE_ID: usize = 100;
/// Longest `external_id`, in characters.
pub const EXTERNAL_ID: usize = 256;
/// Longest course name (title), in characters. Other titles and names
/// (learning objects, pages, styles, users, library items) share it.
pub const NAME: usize = 333;
/// Longest self-enrollment access code, in characters (SRV-11).
pub const ACCESS_CODE: usize = 50;
/// Longest locale id, in characters (SRV-11).
pub const LOCALE: usize = 20;

/// Validation of text fields. Each function returns the text ready to
/// store, or an [`Error::Invalid`] naming the field.
pub(crate) struct Text;

impl Text {
    /// An identifier: 1 to `max` characters, no white space, no control
    /// characters.
    pub(crate) fn identifier(field: crate::Field, value: &str, max: usize) -> Result<Arc<str>, Error> {
        if value.is_empty() {
            return Err(Error::invalid(field, "must not be empty"));
        }
        if let Some(c) = value.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::invalid(
                field,
                format!("must not contain white space or control characters (found {c:?})"),
            ));
        }
        Self::at_most(field, value, max)?;
        Ok(Arc::from(value))
    }

    /// A name or title: not blank, at most [`NAME`] characters, no control
    /// characters.
    pub(crate) fn name(field: crate::Field, value: &str) -> Result<Arc<str>, Error> {
        Self::short_name(field, value, NAME)
    }

    /// A name of at most `max` characters, as [`Text::name`] checks it.
    pub(crate) fn short_name(field: crate::Field, value: &str, max: usize) -> Result<Arc<str>, Error> {
        Self::check_short_name(field, value, max)?;
        Ok(Arc::from(value))
    }

    /// Whether `value` is a name [`Text::name`] takes, without making
    /// one: for a check of names already held.
    pub(crate) fn check_name(field: crate::Field, value: &str) -> Result<(), Error> {
        Self::check_short_name(field, value, NAME)
    }

    fn check_short_name(field: crate::Field, value: &str, max: usize) -> Result<(), Error> {
        if value.trim().is_empty() {
            return Err(Error::invalid(field, "must not be blank"));
        }
        if let Some(c) = value.chars().find(|c| c.is_control()) {
            return Err(Error::invalid(field, format!("must not contain control characters (found {c:?})")));
        }
        Self::at_most(field, value, max)
    }

    /// Free text (descriptions, page bodies, file names): anything goes.
    pub(crate) fn free(value: &str) -> Arc<str> {
        Arc::from(value)
    }

    fn at_most(field: crate::Field, value: &str, max: usize) -> Result<(), Error> {
        let len = value.chars().count();
        if len > max {
            return Err(Error::invalid(field, format!("is {len} characters long, at most {max} are allowed")));
        }
        Ok(())
    }
}
