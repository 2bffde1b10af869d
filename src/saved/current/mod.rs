//! Today's saved form, format [`SAVE_FORMAT`](super::SAVE_FORMAT): a body
//! ([`body`], the same since format 2) and three parts, [`linked`] (since
//! format 3), [`dates`] (since format 4) and [`runs`] (`page_runs`, since
//! format 6). [`read`] turns it into the store's parts; [`write`] turns the
//! store's parts into it.

pub(super) mod body;
pub(super) mod dates;
pub(super) mod linked;
pub(super) mod read;
pub(super) mod runs;
pub(super) mod write;
