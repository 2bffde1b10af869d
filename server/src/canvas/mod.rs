//! Canvas's wire, for the Canvas-compatible routes under `/api/v1/`
//! (SPEC §13). Built in steps, each green; so far:
//!
//! - [`params`]: request parameters as Rails reads them (CNV-2): nested
//!   bracket keys from a query string or form body, merged with a JSON
//!   body.
//!
//! The routes, tokens, error shapes and paging come next (see
//! `docs/design/canvas-api.md`, "Order of work").

pub mod params;
