//! The re-use toolkit (REU-1..6): where a learning object or a library item
//! is used, which courses a change will reach, re-use and detach (in
//! [`edit`](crate::edit) and [`copy`](crate::copy)), comparing two courses,
//! and a picture of the sharing.
//!
//! | question | call | cost |
//! | --- | --- | --- |
//! | which courses include this LO? | [`LearningObject::used_in`](crate::LearningObject::used_in) | O(1) to get, an index kept by every operation |
//! | which pages use this library item? | [`Workspace::pages_using`] | O(result) from a lazy index, rebuilt in O(pages) after a change to page items |
//! | which courses will this change reach? | [`Workspace::impact`] | O(1) for page and LO changes; O(result) for library items |
//! | how do two courses relate? | [`Workspace::compare_courses`] | O(LOs of both × ancestry) |
//! | a picture | [`Workspace::sharing_graph`] | O(courses + LOs + pages with library items) |

use crate::{CourseKey, Entity, Error, LibraryItem, LoKey, PageKey, Reach, ToolLink, Workspace};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;
use std::sync::OnceLock;

/// Which pages use each library item, built on first demand and dropped by
/// any change to page items, so that Duplicate, which adds pages by the
/// thousand, pays nothing for it.
#[derive(Default)]
pub(crate) struct LibraryIndex(OnceLock<HashMap<LibraryItem, Vec<PageKey>>>);

impl LibraryIndex {
    pub(crate) fn invalidate(&mut self) {
        if self.0.get().is_some() {
            self.0 = OnceLock::new();
        }
    }

    fn pages(&self, ws: &Workspace, item: LibraryItem) -> Vec<PageKey> {
        let index = self.0.get_or_init(|| {
            let mut index: HashMap<LibraryItem, Vec<PageKey>> = HashMap::new();
            for (key, page) in ws.pages.iter() {
                for item in page.items() {
                    index.entry(*item).or_default().push(key);
                }
            }
            index
        });
        index.get(&item).cloned().unwrap_or_default()
    }
}

/// A cache: a clone starts empty, and it takes no part in equality.
impl Clone for LibraryIndex {
    fn clone(&self) -> Self {
        LibraryIndex::default()
    }
}

impl PartialEq for LibraryIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for LibraryIndex {}

impl std::fmt::Debug for LibraryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() { "LibraryIndex(built)" } else { "LibraryIndex(empty)" })
    }
}

/// A change a user is about to make, for [`Workspace::impact`].
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
}

/// How two courses relate, from [`Workspace::compare_courses`] (REU-5).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Comparison {
    /// LOs both courses include: shared.
    pub shared: Vec<LoKey>,
    /// Pairs (an LO of the first course, an LO of the second) related by
    /// duplication: one descends from the other, or both from a common
    /// ancestor, across any number of generations.
    pub duplicated: Vec<(LoKey, LoKey)>,
    /// LOs of the first course in neither of the above.
    pub only_in_first: Vec<LoKey>,
    /// LOs of the second course in neither of the above.
    pub only_in_second: Vec<LoKey>,
}

impl Workspace {
    /// The pages that reference a library item, in handle order (REU-1).
    pub fn pages_using(&self, item: impl Into<LibraryItem>) -> Vec<PageKey> {
        self.library_index.pages(self, item.into())
    }

    /// Everything that references a library item: pages, then courses whose
    /// banner image it is or whose glossary lists it (REU-1).
    pub fn users_of(&self, item: impl Into<LibraryItem>) -> Vec<Entity> {
        let item = item.into();
        let courses = self.courses.iter().filter(|(_, c)| {
            matches!(item, LibraryItem::Media(m) if c.settings.banner_image == Some(m))
                || matches!(item, LibraryItem::Term(t) if c.tools.iter().any(|i| i.link == Some(ToolLink::Term(t))))
        });
        let pages = self.pages_using(item).into_iter().map(Entity::Page);
        pages.chain(courses.map(|(k, _)| Entity::Course(k))).collect()
    }

    /// The courses a change would reach, before it is made (REU-2): the same
    /// courses the change reports when it is made.
    ///
    /// ```
    /// use coursecopy::{Change, CopyOptions, NewCourse, PageDraft, PageEdit, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
    /// let page = ws.add_page(admin, course, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    /// ws.share_course(admin, course, &CopyOptions::new())?;
    ///
    /// let preview = ws.impact(Change::EditPage(page))?;
    /// assert_eq!(preview.len(), 2);
    /// let reach = ws.edit_page(admin, course, page, PageEdit::new().body("Bilayers."))?;
    /// assert_eq!(reach, preview);
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn impact(&self, change: Change) -> Result<Reach, Error> {
        match change {
            Change::EditPage(page) | Change::DeletePage(page) => {
                let lo = self.page(page)?.lo;
                self.impact(Change::EditLearningObject(lo))
            }
            Change::EditLearningObject(lo) => Ok(self.learning_object(lo)?.used_in()),
            Change::RemoveLearningObject { course, lo } => {
                self.learning_object(lo)?;
                if self.course(course)?.position_of(lo).is_none() {
                    return Err(Error::not_in(lo, course));
                }
                Ok(Reach::of([course]))
            }
            Change::UpdateLibraryItem(item) | Change::DeleteLibraryItem(item) => {
                self.library_entry(item)?;
                let mut courses = BTreeSet::new();
                for user in self.users_of(item) {
                    match user {
                        Entity::Page(p) => {
                            if let Some(lo) = self.pages.get(p).and_then(|p| self.los.get(p.lo)) {
                                courses.extend(lo.used_in.iter().copied());
                            }
                        }
                        Entity::Course(c) => {
                            courses.insert(c);
                        }
                        _ => {}
                    }
                }
                Ok(Reach::of(courses))
            }
        }
    }

    /// How two courses relate (REU-5): the LOs they share, the pairs related
    /// by duplication (across generations, by provenance), and the LOs
    /// unique to each.
    pub fn compare_courses(&self, first: CourseKey, second: CourseKey) -> Result<Comparison, Error> {
        let a: Vec<LoKey> = self.course(first)?.learning_objects().collect();
        let b: Vec<LoKey> = self.course(second)?.learning_objects().collect();
        let lineage = |lo: LoKey| -> BTreeSet<LoKey> {
            let mut set: BTreeSet<LoKey> =
                self.los.get(lo).map(|l| l.ancestors.iter().copied().collect()).unwrap_or_default();
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
                if !lineage(y).is_disjoint(&lx) {
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

    /// The sharing graph in Graphviz DOT (REU-6): courses, the LOs they
    /// include (shared ones filled, with their use count), and, with
    /// `library`, the library items the LOs' pages use.
    pub fn sharing_graph(&self, library: bool) -> String {
        fn quote(s: &str) -> String {
            s.replace('\\', "\\\\").replace('"', "\\\"")
        }
        let mut dot = String::from("digraph sharing {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        let id = |e: Entity| -> String {
            let s = format!("{e:?}");
            s.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
        };
        let mut shown = BTreeSet::new();
        for (key, c) in self.courses.iter() {
            let _ = writeln!(
                dot,
                "  {} [shape=box, style=\"rounded,bold\", label=\"{}\\n[{}]\"];",
                id(Entity::Course(key)),
                quote(c.title()),
                quote(c.course_id())
            );
            for lo in c.learning_objects() {
                shown.insert(lo);
                let _ = writeln!(dot, "  {} -> {};", id(Entity::Course(key)), id(Entity::LearningObject(lo)));
            }
        }
        let mut items = BTreeSet::new();
        for lo in &shown {
            let Some(record) = self.los.get(*lo) else { continue };
            let uses = record.used_in.len();
            let style = if uses > 1 {
                format!(
                    "style=filled, fillcolor=\"#ffd27f\", label=\"{}\\nshared: {uses} courses\"",
                    quote(record.title())
                )
            } else {
                format!("label=\"{}\"", quote(record.title()))
            };
            let _ = writeln!(dot, "  {} [shape=ellipse, {style}];", id(Entity::LearningObject(*lo)));
            if library {
                let used: BTreeSet<LibraryItem> = record
                    .pages
                    .iter()
                    .filter_map(|p| self.pages.get(*p))
                    .flat_map(|p| p.items().iter().copied())
                    .collect();
                for item in used {
                    items.insert(item);
                    let _ = writeln!(
                        dot,
                        "  {} -> {} [style=dashed];",
                        id(Entity::LearningObject(*lo)),
                        id(Entity::from(item))
                    );
                }
            }
        }
        for item in items {
            if let Ok(entry) = self.library_entry(item) {
                let kind = Entity::from(item).kind();
                let _ = writeln!(
                    dot,
                    "  {} [shape=note, label=\"{}\\n({kind})\"];",
                    id(Entity::from(item)),
                    quote(entry.name())
                );
            }
        }
        dot.push_str("}\n");
        dot
    }
}
