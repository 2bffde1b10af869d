//! The global library: media assets, resources and glossary terms. Library
//! items belong to no course; copying never clones them (GLB-1). Changing
//! one is seen by every page that references it (GLB-2).

use crate::access::require;
use crate::data::{LibraryEntry, Reach, Text};
use crate::error::{Action, Error};
use crate::handles::{Entity, LibraryItem, MediaKey, ResourceKey, TermKey, UserKey};
use crate::store::Store;
use std::collections::BTreeSet;

pub(crate) fn add_media(store: &mut Store, actor: UserKey, name: &str, file: &str) -> Result<MediaKey, Error> {
    let entry = new_entry(store, actor, name, file)?;
    Ok(store.insert_media(entry))
}

pub(crate) fn add_resource(
    store: &mut Store,
    actor: UserKey,
    name: &str,
    location: &str,
) -> Result<ResourceKey, Error> {
    let entry = new_entry(store, actor, name, location)?;
    Ok(store.insert_resource(entry))
}

pub(crate) fn add_glossary_term(
    store: &mut Store,
    actor: UserKey,
    term: &str,
    definition: &str,
) -> Result<TermKey, Error> {
    let entry = new_entry(store, actor, term, definition)?;
    Ok(store.insert_term(entry))
}

/// The check and the record every new library item shares.
fn new_entry(store: &Store, actor: UserKey, name: &str, content: &str) -> Result<LibraryEntry, Error> {
    require(store, actor, Action::EditLibrary)?;
    Ok(LibraryEntry { name: Text::name(crate::Field::Name, name)?, content: Text::free(content) })
}

/// Renames a library item (`name`) or replaces its content; returns the
/// courses that see the change (REU-2).
pub(crate) fn update_item(
    store: &mut Store,
    actor: UserKey,
    item: LibraryItem,
    name: Option<&str>,
    content: Option<&str>,
) -> Result<Reach, Error> {
    check_library_change(store, actor, item)?;
    let name = name.map(|n| Text::name(crate::Field::Name, n)).transpose()?;
    let reach = item_reach(store, item);
    store.set_library_entry(item, name, content.map(Text::free));
    Ok(reach)
}

/// Deletes a library item; refused while anything references it (GLB-3).
pub(crate) fn delete_item(store: &mut Store, actor: UserKey, item: LibraryItem) -> Result<(), Error> {
    check_library_change(store, actor, item)?;
    store.remove_library_item(item)
}

/// Everything that references a library item: pages, then courses whose
/// banner image it is or whose glossary lists it (REU-1).
pub(crate) fn users_of(store: &Store, item: LibraryItem) -> Vec<Entity> {
    store.library_item_users(item)
}

/// The courses that see a change to a library item: those that include an
/// LO with a page that uses it, and those that use it themselves.
pub(crate) fn item_reach(store: &Store, item: LibraryItem) -> Reach {
    let mut courses = BTreeSet::new();
    for user in users_of(store, item) {
        match user {
            Entity::Page(p) => {
                if let Some(lo) = store.page(p).ok().and_then(|p| store.learning_object(p.lo).ok()) {
                    courses.extend(lo.used_in.iter().copied());
                }
            }
            Entity::Course(c) => {
                courses.insert(c);
            }
            _ => {}
        }
    }
    Reach::of(courses)
}

/// The check every change to a library item makes: the item exists and
/// `actor` may edit the library.
fn check_library_change(store: &Store, actor: UserKey, item: LibraryItem) -> Result<(), Error> {
    store.library_entry(item)?;
    require(store, actor, Action::EditLibrary)
}
