//! The global library: media assets, resources, glossary terms.

use super::*;

impl Workspace {
    /// Adds a media asset (an image, a video, a sound) to the library.
    /// Needs an Administrator or an Author.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing actor; [`Error::Forbidden`] unless the actor may edit the library;
    /// [`Error::Invalid`] (`name`) for a blank or too long name.
    pub fn add_media(&mut self, actor: UserKey, name: &str, file: &str) -> Result<MediaKey, Error> {
        edit::library::add_media(&mut self.store, actor, name, file)
    }

    /// Adds a resource (a document, a link) to the library.
    /// Needs an Administrator or an Author.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing actor; [`Error::Forbidden`] unless the actor may edit the library;
    /// [`Error::Invalid`] (`name`) for a blank or too long name.
    pub fn add_resource(&mut self, actor: UserKey, name: &str, location: &str) -> Result<ResourceKey, Error> {
        edit::library::add_resource(&mut self.store, actor, name, location)
    }

    /// Adds a glossary term to the library.
    /// Needs an Administrator or an Author.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing actor; [`Error::Forbidden`] unless the actor may edit the library;
    /// [`Error::Invalid`] (`name`) for a blank or too long term.
    pub fn add_glossary_term(&mut self, actor: UserKey, term: &str, definition: &str) -> Result<TermKey, Error> {
        edit::library::add_glossary_term(&mut self.store, actor, term, definition)
    }

    /// Renames a library item. Every page that references it sees the new
    /// name (GLB-2). Returns the courses that see it (REU-2).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing item or actor; [`Error::Forbidden`] unless the actor may edit the library;
    /// [`Error::Invalid`] (`name`) for a blank or too long name.
    pub fn rename_library_item(
        &mut self,
        actor: UserKey,
        item: impl Into<LibraryItem>,
        name: &str,
    ) -> Result<Reach, Error> {
        edit::library::update_item(&mut self.store, actor, item.into(), Some(name), None)
    }

    /// Replaces a library item's content: the file of a media asset, the
    /// location of a resource, the definition of a term. Every page that
    /// references it, in every course, sees the new content (GLB-2).
    /// Returns the courses that see it (REU-2).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing item or actor; [`Error::Forbidden`] unless the actor may edit the library.
    pub fn update_library_item(
        &mut self,
        actor: UserKey,
        item: impl Into<LibraryItem>,
        content: &str,
    ) -> Result<Reach, Error> {
        edit::library::update_item(&mut self.store, actor, item.into(), None, Some(content))
    }

    /// Deletes a library item. Refused while anything references it: a page,
    /// a course's banner image, a course's glossary list. The error names
    /// every such page and course, and nothing changes (GLB-3).
    /// O(pages + courses).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing item or actor; [`Error::Forbidden`] unless the actor may edit the library;
    /// [`Error::InUse`], naming every page and course, while anything references it (GLB-3).
    pub fn delete_library_item(&mut self, actor: UserKey, item: impl Into<LibraryItem>) -> Result<(), Error> {
        edit::library::delete_item(&mut self.store, actor, item.into())
    }
}
