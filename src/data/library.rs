//! The global library's record: a [`LibraryEntry`] (a media asset, a
//! resource or a glossary term) belongs to no course.

use std::sync::Arc;

/// One item of the global library: a media asset, a resource or a glossary
/// term. Items belong to no course (GLB-1); every page that references one
/// sees its current content (GLB-2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LibraryEntry {
    pub(crate) name: Arc<str>,
    pub(crate) content: Arc<str>,
}

impl LibraryEntry {
    /// The item's name; for a glossary term, the term itself.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The item's content: the file of a media asset, the location of a
    /// resource, the definition of a glossary term.
    pub fn content(&self) -> &str {
        &self.content
    }
}
