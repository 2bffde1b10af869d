//! The global library: media assets, resources and glossary terms. Library
//! items belong to no course; copying never clones them (GLB-1). Changing
//! one is seen by every page that references it (GLB-2).

use crate::data::Text;
use crate::{
    Action, Change, Error, LibraryEntry, LibraryItem, MediaKey, Reach, ResourceKey, TermKey, UserKey, Workspace,
};

impl Workspace {
    /// Adds a media asset (an image, a video, a sound) to the library.
    /// Needs an Administrator or an Author.
    pub fn add_media(&mut self, actor: UserKey, name: &str, file: &str) -> Result<MediaKey, Error> {
        let entry = self.new_entry(actor, name, file)?;
        Ok(self.media.insert(entry))
    }

    /// Adds a resource (a document, a link) to the library.
    /// Needs an Administrator or an Author.
    pub fn add_resource(&mut self, actor: UserKey, name: &str, location: &str) -> Result<ResourceKey, Error> {
        let entry = self.new_entry(actor, name, location)?;
        Ok(self.resources.insert(entry))
    }

    /// Adds a glossary term to the library.
    /// Needs an Administrator or an Author.
    pub fn add_glossary_term(&mut self, actor: UserKey, term: &str, definition: &str) -> Result<TermKey, Error> {
        let entry = self.new_entry(actor, term, definition)?;
        Ok(self.terms.insert(entry))
    }

    /// Renames a library item. Every page that references it sees the new
    /// name (GLB-2). Returns the courses that see it (REU-2).
    pub fn rename_library_item(
        &mut self,
        actor: UserKey,
        item: impl Into<LibraryItem>,
        name: &str,
    ) -> Result<Reach, Error> {
        let item = item.into();
        self.check_library_change(actor, item)?;
        let name = Text::name("name", name)?;
        let reach = self.impact(Change::UpdateLibraryItem(item))?;
        if let Some(entry) = self.entry_mut(item) {
            entry.name = name;
        }
        Ok(reach)
    }

    /// Replaces a library item's content: the file of a media asset, the
    /// location of a resource, the definition of a term. Every page that
    /// references it, in every course, sees the new content (GLB-2).
    /// Returns the courses that see it (REU-2).
    pub fn update_library_item(
        &mut self,
        actor: UserKey,
        item: impl Into<LibraryItem>,
        content: &str,
    ) -> Result<Reach, Error> {
        let item = item.into();
        self.check_library_change(actor, item)?;
        let reach = self.impact(Change::UpdateLibraryItem(item))?;
        if let Some(entry) = self.entry_mut(item) {
            entry.content = Text::free(content);
        }
        Ok(reach)
    }

    /// Deletes a library item. Refused while anything references it: a page,
    /// a course's banner image, a course's glossary list. The error names
    /// every such page and course, and nothing changes (GLB-3).
    /// O(pages + courses).
    pub fn delete_library_item(&mut self, actor: UserKey, item: impl Into<LibraryItem>) -> Result<(), Error> {
        let item = item.into();
        self.check_library_change(actor, item)?;
        let used_by = self.users_of(item);
        if !used_by.is_empty() {
            return Err(Error::InUse { entity: item.into(), used_by });
        }
        match item {
            LibraryItem::Media(k) => drop(self.media.remove(k)),
            LibraryItem::Resource(k) => drop(self.resources.remove(k)),
            LibraryItem::Term(k) => drop(self.terms.remove(k)),
        }
        Ok(())
    }

    fn new_entry(&self, actor: UserKey, name: &str, content: &str) -> Result<LibraryEntry, Error> {
        self.require(actor, Action::EditLibrary)?;
        Ok(LibraryEntry { name: Text::name("name", name)?, content: Text::free(content) })
    }

    /// The check every change to a library item makes: the item exists and
    /// `actor` may edit the library.
    fn check_library_change(&self, actor: UserKey, item: LibraryItem) -> Result<(), Error> {
        self.library_entry(item)?;
        self.require(actor, Action::EditLibrary)
    }

    fn entry_mut(&mut self, item: LibraryItem) -> Option<&mut LibraryEntry> {
        match item {
            LibraryItem::Media(k) => self.media.get_mut(k),
            LibraryItem::Resource(k) => self.resources.get_mut(k),
            LibraryItem::Term(k) => self.terms.get_mut(k),
        }
    }
}
