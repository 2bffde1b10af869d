//! Today's saved form, format [`SAVE_FORMAT`](super::SAVE_FORMAT): a body
//! ([`body`], the same since format 2) and two parts, [`linked`] (since
//! format 3) and [`dates`] (since format 4). [`read`] turns it into the
//! store's parts; [`write`] turns the store's parts into it.

pub(super) mod body;
pub(super) mod dates;
pub(super) mod linked;
pub(super) mod read;
pub(super) mod write;
