//! Typed, generational handles to every kind of entity.
//!
//! A handle is a small `Copy` value (8 bytes). Handles are generational: once
//! the entity a handle names is deleted, the handle stays *stale* for ever. It
//! can never name a newer entity that reuses the slot. Each workspace also
//! salts its handles, so a handle from another workspace is not found either
//! (INT-2). Both cases give [`Error::NotFound`](crate::Error::NotFound).

use slotmap::KeyData;
use std::fmt;

/// What the arena needs of a handle: its slot map key data, in and out.
/// Crate-private, so that no `slotmap` type is part of the public API.
pub(crate) trait Handle: Copy + Ord + std::hash::Hash {
    /// The key data (slot and salted version).
    fn data(self) -> KeyData;
    /// The handle of key data.
    fn from_data(data: KeyData) -> Self;
    /// A handle that names nothing, to pad fixed-size arrays of handles.
    fn null() -> Self {
        Self::from_data(KeyData::default())
    }
}

macro_rules! handles {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// Prints (`Display` and `Debug`) as its kind, slot and generation.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(transparent))]
        pub struct $name(KeyData);

        impl Handle for $name {
            fn data(self) -> KeyData {
                self.0
            }
            fn from_data(data: KeyData) -> Self {
                $name(data)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    )*};
}

handles! {
    /// Handle to a [`User`](crate::User).
    UserKey;
    /// Handle to a [`Course`](crate::Course).
    CourseKey;
    /// Handle to a [`LearningObject`](crate::LearningObject).
    LoKey;
    /// Handle to a [`Page`](crate::Page).
    PageKey;
    /// Handle to a [`CourseStyle`](crate::CourseStyle).
    StyleKey;
    /// Handle to a media asset (image, video, audio file) of the global library.
    MediaKey;
    /// Handle to a resource (document, link, downloadable file) of the global library.
    ResourceKey;
    /// Handle to a glossary term of the global library.
    TermKey;
    /// Handle to a copy task of the LMS flow.
    TaskKey;
}

/// A reference to one item of the global library, whatever its kind.
///
/// Pages hold a list of these. Copying a course never clones the items they
/// name (GLB-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LibraryItem {
    /// A media asset.
    Media(MediaKey),
    /// A resource.
    Resource(ResourceKey),
    /// A glossary term.
    Term(TermKey),
}

impl From<MediaKey> for LibraryItem {
    fn from(key: MediaKey) -> Self {
        LibraryItem::Media(key)
    }
}

impl From<ResourceKey> for LibraryItem {
    fn from(key: ResourceKey) -> Self {
        LibraryItem::Resource(key)
    }
}

impl From<TermKey> for LibraryItem {
    fn from(key: TermKey) -> Self {
        LibraryItem::Term(key)
    }
}

/// The id of a tool item, unique within its course. A copy of a course gives
/// its tool items new ids, and remaps the links between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ToolId(pub(crate) u32);

impl fmt::Display for ToolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Any entity of the workspace, named by its handle. Errors use it to say
/// *which* entity was wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Entity {
    /// A user.
    User(UserKey),
    /// A course.
    Course(CourseKey),
    /// A learning object.
    LearningObject(LoKey),
    /// A page.
    Page(PageKey),
    /// A course style.
    Style(StyleKey),
    /// A media asset.
    Media(MediaKey),
    /// A resource.
    Resource(ResourceKey),
    /// A glossary term.
    Term(TermKey),
    /// A copy task.
    Task(TaskKey),
    /// A tool item of a course.
    Tool(CourseKey, ToolId),
}

impl Entity {
    /// The kind of entity, in words: `"course"`, `"learning object"`, ...
    pub fn kind(&self) -> &'static str {
        match self {
            Entity::User(_) => "user",
            Entity::Course(_) => "course",
            Entity::LearningObject(_) => "learning object",
            Entity::Page(_) => "page",
            Entity::Style(_) => "course style",
            Entity::Media(_) => "media asset",
            Entity::Resource(_) => "resource",
            Entity::Term(_) => "glossary term",
            Entity::Task(_) => "copy task",
            Entity::Tool(..) => "tool item",
        }
    }
}

impl From<LibraryItem> for Entity {
    fn from(item: LibraryItem) -> Self {
        match item {
            LibraryItem::Media(k) => Entity::Media(k),
            LibraryItem::Resource(k) => Entity::Resource(k),
            LibraryItem::Term(k) => Entity::Term(k),
        }
    }
}

macro_rules! entity_from_key {
    ($($key:ident => $variant:ident),* $(,)?) => {$(
        impl From<$key> for Entity {
            fn from(key: $key) -> Self {
                Entity::$variant(key)
            }
        }
    )*};
}

entity_from_key! {
    UserKey => User,
    CourseKey => Course,
    LoKey => LearningObject,
    PageKey => Page,
    StyleKey => Style,
    MediaKey => Media,
    ResourceKey => Resource,
    TermKey => Term,
    TaskKey => Task,
}

/// Shown as kind, slot and generation: `course#2v1`. A stale handle shows
/// an older generation than the live entity in its slot. The workspace's
/// salt is not shown.
macro_rules! display_key {
    ($($key:ident => $kind:literal),* $(,)?) => {$(
        impl fmt::Display for $key {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let (slot, generation) = crate::arena::slot_and_generation(*self);
                write!(f, concat!($kind, "#{}v{}"), slot, generation)
            }
        }
    )*};
}

display_key! {
    UserKey => "user",
    CourseKey => "course",
    LoKey => "lo",
    PageKey => "page",
    StyleKey => "style",
    MediaKey => "media",
    ResourceKey => "resource",
    TermKey => "term",
    TaskKey => "task",
}

/// Shown as the item's handle: `media#1v1`.
impl fmt::Display for LibraryItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LibraryItem::Media(k) => k.fmt(f),
            LibraryItem::Resource(k) => k.fmt(f),
            LibraryItem::Term(k) => k.fmt(f),
        }
    }
}

/// Shown as the handle (`course#2v1`), or `tool item 3 of course#2v1`.
impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entity::User(k) => k.fmt(f),
            Entity::Course(k) => k.fmt(f),
            Entity::LearningObject(k) => k.fmt(f),
            Entity::Page(k) => k.fmt(f),
            Entity::Style(k) => k.fmt(f),
            Entity::Media(k) => k.fmt(f),
            Entity::Resource(k) => k.fmt(f),
            Entity::Term(k) => k.fmt(f),
            Entity::Task(k) => k.fmt(f),
            Entity::Tool(course, id) => write!(f, "tool item {id} of {course}"),
        }
    }
}
