//! [`Counts`]: how many entities of each kind a workspace holds.

/// Entity counts, from [`Workspace::counts`](crate::Workspace::counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Counts {
    /// Users.
    pub users: usize,
    /// Courses.
    pub courses: usize,
    /// Learning objects, included in a course or not.
    pub learning_objects: usize,
    /// Pages.
    pub pages: usize,
    /// Course styles.
    pub styles: usize,
    /// Media assets, resources and glossary terms together.
    pub library_items: usize,
}
