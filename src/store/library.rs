//! The global library: media assets, resources, glossary terms; deleted only once nothing references them.

use super::*;

impl Store {
    pub(crate) fn insert_media(&mut self, entry: LibraryEntry) -> MediaKey {
        self.media.insert(entry)
    }

    pub(crate) fn insert_resource(&mut self, entry: LibraryEntry) -> ResourceKey {
        self.resources.insert(entry)
    }

    pub(crate) fn insert_term(&mut self, entry: LibraryEntry) -> TermKey {
        self.terms.insert(entry)
    }

    /// Changes a library item's name or content (`None` keeps one).
    pub(crate) fn set_library_entry(&mut self, item: LibraryItem, name: Option<Arc<str>>, content: Option<Arc<str>>) {
        let entry = match item {
            LibraryItem::Media(k) => self.media.get_mut(k),
            LibraryItem::Resource(k) => self.resources.get_mut(k),
            LibraryItem::Term(k) => self.terms.get_mut(k),
        };
        if let Some(entry) = entry {
            if let Some(n) = name {
                entry.name = n;
            }
            if let Some(c) = content {
                entry.content = c;
            }
        }
    }

    /// Everything that references a library item: the pages that use it,
    /// then the courses whose banner image it is or whose tool items link
    /// to it.
    pub(crate) fn library_item_users(&self, item: LibraryItem) -> Vec<Entity> {
        let courses = self.courses.iter().filter(|(_, c)| {
            matches!(item, LibraryItem::Media(m) if c.settings.banner_image == Some(m))
                || matches!(item, LibraryItem::Term(t) if c.tools.iter().any(|i| i.link == Some(ToolLink::Term(t))))
        });
        let pages = self.pages_using(item).into_iter().map(Entity::Page);
        pages.chain(courses.map(|(k, _)| Entity::Course(k))).collect()
    }

    /// Deletes a library item.
    ///
    /// # Errors
    /// The item is gone, or something references it (it would dangle);
    /// nothing changed.
    pub(crate) fn remove_library_item(&mut self, item: LibraryItem) -> Result<(), Error> {
        self.library_entry(item)?;
        let used_by = self.library_item_users(item);
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
}
