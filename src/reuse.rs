//! The re-use toolkit (REU-1..6): where a learning object or a library item
//! is used, which courses a change will reach, re-use and detach (in
//! [`edit`](crate::edit) and [`copy`](crate::copy)), comparing two courses,
//! and a picture of the sharing.
//!
//! | question | call | cost |
//! | --- | --- | --- |
//! | which courses include this LO? | [`LearningObject::used_in`](crate::LearningObject::used_in) | O(1) to get, an index kept by every operation |
//! | which LOs are linked copies of this one? | [`Workspace::downstreams`](crate::Workspace::downstreams) | O(result), an index kept by every operation |
//! | which pages use this library item? | [`Workspace::pages_using`](crate::Workspace::pages_using) | O(result) from a lazy index, rebuilt in O(pages) after a change to page items |
//! | which courses will this change reach? | [`Workspace::impact`](crate::Workspace::impact) | O(1) for page and LO changes; O(result) for library items |
//! | which courses will a sync or a push reach? | [`Workspace::impact`](crate::Workspace::impact) with [`Change::SyncLearningObject`], [`Change::PushUpdates`] | O(result) |
//! | how do two courses relate? | [`Workspace::compare_courses`](crate::Workspace::compare_courses) | O(LOs of both × ancestry) |
//! | a picture | [`Workspace::sharing_graph`](crate::Workspace::sharing_graph) | O(courses + LOs + pages with library items) |

use crate::copy::duplicate::duplicate_lo_with_pages;
use crate::data::{LearningObject, Reach};
use crate::edit::courses::lo_position;
use crate::edit::library::item_reach;
use crate::error::Error;
use crate::handles::{CourseKey, Entity, LibraryItem, LoKey, PageKey, UserKey};
use crate::store::Store;
use std::collections::BTreeSet;
use std::fmt::Write;

/// A change a user is about to make, for [`Workspace::impact`](crate::Workspace::impact).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// Editing a page: its text, style or library items.
    EditPage(PageKey),
    /// Deleting a page.
    DeletePage(PageKey),
    /// Adding a page to, or editing, a learning object.
    EditLearningObject(LoKey),
    /// Removing a learning object from one course.
    RemoveLearningObject {
        /// The course it is removed from.
        course: CourseKey,
        /// The learning object.
        lo: LoKey,
    },
    /// Updating a library item's name or content.
    UpdateLibraryItem(LibraryItem),
    /// Deleting a library item (refused while anything uses it).
    DeleteLibraryItem(LibraryItem),
    /// Syncing a linked learning object (LNK-6): every course that
    /// includes it.
    SyncLearningObject(LoKey),
    /// Pushing an upstream learning object's changes to all its linked
    /// copies (LNK-8): every course that includes one of them. An upstream
    /// edit reaches its own courses at once ([`Change::EditPage`]) and
    /// these only when they sync.
    PushUpdates(LoKey),
}

/// How two courses relate, from [`Workspace::compare_courses`](crate::Workspace::compare_courses) (REU-5).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Comparison {
    /// LOs both courses include: shared.
    pub shared: Vec<LoKey>,
    /// Pairs (an LO of the first course, an LO of the second) related by
    /// duplication: one descends from the other, or both from a common
    /// ancestor, across any number of generations.
    pub duplicated: Vec<(LoKey, LoKey)>,
    /// Pairs (an LO of the first course, an LO of the second) where one
    /// is a linked copy of the other, directly or through linked copies
    /// of linked copies (LNK-1, LNK-11). They are not listed as
    /// duplicated.
    pub linked: Vec<(LoKey, LoKey)>,
    /// LOs of the first course in none of the above.
    pub only_in_first: Vec<LoKey>,
    /// LOs of the second course in none of the above.
    pub only_in_second: Vec<LoKey>,
}

/// The courses a change would reach, before it is made (REU-2): the same
/// courses the change reports when it is made.
pub(crate) fn impact(store: &Store, change: Change) -> Result<Reach, Error> {
    match change {
        Change::EditPage(page) | Change::DeletePage(page) => {
            let lo = store.page(page)?.lo;
            impact(store, Change::EditLearningObject(lo))
        }
        Change::EditLearningObject(lo) => Ok(store.learning_object(lo)?.used_in()),
        Change::RemoveLearningObject { course, lo } => {
            store.learning_object(lo)?;
            if store.course(course)?.position_of(lo).is_none() {
                return Err(Error::not_in(lo, course));
            }
            Ok(Reach::of([course]))
        }
        Change::UpdateLibraryItem(item) | Change::DeleteLibraryItem(item) => {
            store.library_entry(item)?;
            Ok(item_reach(store, item))
        }
        Change::SyncLearningObject(lo) => {
            let record = store.learning_object(lo)?;
            if record.link_data().is_none() {
                return Err(Error::NotLinked { entity: lo.into() });
            }
            Ok(record.used_in())
        }
        Change::PushUpdates(lo) => {
            store.learning_object(lo)?;
            let courses: BTreeSet<CourseKey> = store
                .downstreams_of(lo)
                .filter_map(|d| store.learning_object(d).ok())
                .flat_map(|d| d.used_in.iter().copied().collect::<Vec<_>>())
                .collect();
            Ok(Reach::of(courses))
        }
    }
}

/// Whether `a` reaches `b` by following linked copies' upstreams.
fn links_up_to(store: &Store, mut a: LoKey, b: LoKey) -> bool {
    // A chain cannot be longer than the number of LOs; stop at a repeat.
    let mut seen = BTreeSet::new();
    while let Some(up) = store.learning_object(a).ok().and_then(|l| l.link_data()).and_then(|l| l.upstream) {
        if up == b {
            return true;
        }
        if !seen.insert(up) {
            return false;
        }
        a = up;
    }
    false
}

/// How two courses relate (REU-5): the LOs they share, the pairs related
/// by duplication (across generations, by provenance), and the LOs
/// unique to each.
pub(crate) fn compare_courses(store: &Store, first: CourseKey, second: CourseKey) -> Result<Comparison, Error> {
    let a: Vec<LoKey> = store.course(first)?.learning_objects().collect();
    let b: Vec<LoKey> = store.course(second)?.learning_objects().collect();
    let lineage = |lo: LoKey| -> BTreeSet<LoKey> {
        let mut set: BTreeSet<LoKey> =
            store.learning_object(lo).map(|l| l.ancestors.as_slice().iter().copied().collect()).unwrap_or_default();
        set.insert(lo);
        set
    };
    let mut out = Comparison::default();
    let (mut used_a, mut used_b) = (BTreeSet::new(), BTreeSet::new());
    for &x in &a {
        if b.contains(&x) {
            out.shared.push(x);
            used_a.insert(x);
            used_b.insert(x);
        }
    }
    let unshared: Vec<LoKey> = a.iter().copied().filter(|x| !used_a.contains(x)).collect();
    for x in unshared {
        let lx = lineage(x);
        for &y in b.iter().filter(|y| !out.shared.contains(*y)) {
            if links_up_to(store, x, y) || links_up_to(store, y, x) {
                out.linked.push((x, y));
                used_a.insert(x);
                used_b.insert(y);
            } else if !lineage(y).is_disjoint(&lx) {
                out.duplicated.push((x, y));
                used_a.insert(x);
                used_b.insert(y);
            }
        }
    }
    out.only_in_first = a.into_iter().filter(|x| !used_a.contains(x)).collect();
    out.only_in_second = b.into_iter().filter(|y| !used_b.contains(y)).collect();
    Ok(out)
}

/// What [`Workspace::sharing_graph`](crate::Workspace::sharing_graph)
/// draws besides courses, learning objects and links.
///
/// ```
/// use coursecopy::GraphOptions;
/// let options = GraphOptions::new().library(true);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[must_use = "options do nothing until they are passed to Workspace::sharing_graph"]
pub struct GraphOptions {
    /// The library items the LOs' pages use, with an edge from each LO to
    /// each item (off by default).
    pub library: bool,
}

impl GraphOptions {
    /// Courses, learning objects and links only.
    pub fn new() -> Self {
        GraphOptions::default()
    }

    /// Also the library items the pages use.
    pub fn library(mut self, shown: bool) -> Self {
        self.library = shown;
        self
    }
}

/// The sharing graph in Graphviz DOT (REU-6): courses, the LOs they
/// include (shared ones filled, with their use count), linked copies with
/// a bold blue edge to their upstream (a broken link drawn red and dotted
/// to a note), and, with `library`, the library items the LOs' pages use.
pub(crate) fn sharing_graph(store: &Store, library: bool) -> String {
    let mut dot = String::from("digraph sharing {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    let shown = dot_courses(&mut dot, store);
    let mut items = BTreeSet::new();
    for lo in &shown {
        let Ok(record) = store.learning_object(*lo) else { continue };
        dot_learning_object(&mut dot, *lo, record);
        if library {
            items.extend(dot_library_edges(&mut dot, store, *lo, record));
        }
    }
    for item in items {
        if let Ok(entry) = store.library_entry(item) {
            let kind = Entity::from(item).kind();
            let _ =
                writeln!(dot, "  {} [shape=note, label=\"{}\\n({kind})\"];", dot_id(item.into()), quote(entry.name()));
        }
    }
    dot.push_str("}\n");
    dot
}

/// A DOT string literal's content.
fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// An entity's DOT node id: its debug form, letters and digits only.
fn dot_id(e: Entity) -> String {
    format!("{e:?}").chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// Each course as a node, with an edge to each LO it includes; gives the
/// LOs shown.
fn dot_courses(dot: &mut String, store: &Store) -> BTreeSet<LoKey> {
    let mut shown = BTreeSet::new();
    for (key, c) in store.courses() {
        let node = dot_id(Entity::Course(key));
        let _ = writeln!(
            dot,
            "  {node} [shape=box, style=\"rounded,bold\", label=\"{}\\n[{}]\"];",
            quote(c.title()),
            quote(c.course_id())
        );
        for lo in c.learning_objects() {
            shown.insert(lo);
            let _ = writeln!(dot, "  {node} -> {};", dot_id(Entity::LearningObject(lo)));
        }
    }
    shown
}

/// An LO's node (filled when shared, with its use count) and its link to
/// its upstream: bold and blue, or, once the upstream is deleted, red and
/// dotted to a note.
fn dot_learning_object(dot: &mut String, lo: LoKey, record: &LearningObject) {
    let node = dot_id(Entity::LearningObject(lo));
    let uses = record.used_in.len();
    let style = if uses > 1 {
        format!("style=filled, fillcolor=\"#ffd27f\", label=\"{}\\nshared: {uses} courses\"", quote(record.title()))
    } else {
        format!("label=\"{}\"", quote(record.title()))
    };
    let _ = writeln!(dot, "  {node} [shape=ellipse, {style}];");
    match record.link_data().map(|l| l.upstream) {
        Some(Some(up)) => {
            let upstream = dot_id(Entity::LearningObject(up));
            let _ = writeln!(dot, "  {node} -> {upstream} [style=bold, color=\"#1f5fbf\", label=\"linked\"];");
        }
        Some(None) => {
            let broken = format!("{node}broken");
            let _ = writeln!(dot, "  {broken} [shape=note, color=red, label=\"upstream deleted\"];");
            let _ = writeln!(dot, "  {node} -> {broken} [style=dotted, color=red, label=\"linked\"];");
        }
        None => {}
    }
}

/// A dashed edge from an LO to each library item its pages use; gives
/// the items.
fn dot_library_edges(dot: &mut String, store: &Store, lo: LoKey, record: &LearningObject) -> BTreeSet<LibraryItem> {
    let used: BTreeSet<LibraryItem> =
        record.pages.iter().filter_map(|p| store.page(*p).ok()).flat_map(|p| p.items().iter().copied()).collect();
    for item in &used {
        let _ = writeln!(dot, "  {} -> {} [style=dashed];", dot_id(Entity::LearningObject(lo)), dot_id((*item).into()));
    }
    used
}

/// Detaches a shared LO from one course (REU-4): the course gets a
/// Duplicate of it in the same place, and its tools that linked to the LO
/// link to the duplicate. Returns the duplicate.
pub(crate) fn detach_learning_object(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    lo: LoKey,
) -> Result<LoKey, Error> {
    let at = lo_position(store, actor, course, lo)?;
    let copy = duplicate_lo_with_pages(store, lo, course).ok_or_else(|| Error::not_found(lo))?;
    store.replace_lo_at(course, at, copy);
    store.relink_tools(course, lo, copy)?;
    Ok(copy)
}
