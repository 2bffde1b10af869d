//! Users: a [`User`] has a name and a [`Role`], which decides what they
//! may do (ACC-1).

use std::sync::Arc;

/// What a user may do (ACC-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Role {
    /// May do everything.
    Administrator,
    /// May create courses and the library; reads and edits the courses they
    /// created or are assigned to.
    Author,
    /// May only read the courses assigned to them.
    Reviewer,
}

/// A person who acts on the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub(crate) name: Arc<str>,
    pub(crate) role: Role,
}

impl User {
    /// The user's display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The user's role.
    pub fn role(&self) -> Role {
        self.role
    }
}
