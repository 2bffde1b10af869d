//! Learn's REST API: its wire types, handlers and errors, over the
//! server's shared core.

pub(crate) mod legacy;
pub(crate) mod plan;
