//! [`Reach`]: the courses a change reaches.

use crate::CourseKey;
use std::sync::Arc;

/// The courses a change reaches: every course that includes the changed
/// learning object (ACC-3). When it holds more than one course, the change
/// was made to shared content.
///
/// Cloning a `Reach` is O(1), whatever the number of courses: up to two
/// courses are held inline, more are shared behind one pointer.
///
/// ```
/// use coursecopy::{NewCourse, PageDraft, PageEdit, Workspace};
///
/// let (mut ws, admin) = Workspace::with_admin("Ada")?;
/// let bio = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
/// let chem = ws.create_course(admin, NewCourse::new("CHEM-101", "Chemistry"))?;
/// let cells = ws.create_learning_object(admin, bio, "Cells", "")?;
/// let page = ws.add_page(admin, bio, cells, PageDraft::new("Membranes", "Lipids."))?.page;
/// ws.add_learning_object(admin, chem, cells, None)?;
/// // An edit through one course reaches every course that includes the LO.
/// let reach = ws.edit_page(admin, bio, page, PageEdit::new().body("Bilayers."))?;
/// assert_eq!(reach.len(), 2);
/// assert!(reach.contains(bio) && reach.contains(chem));
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Reach {
    courses: Courses,
}

/// How many courses a [`Reach`] holds inline.
const INLINE: usize = 2;

#[derive(Clone)]
enum Courses {
    Few { len: u8, keys: [CourseKey; INLINE] },
    Many(Arc<[CourseKey]>),
}

impl Default for Courses {
    fn default() -> Self {
        Courses::Few { len: 0, keys: [crate::handles::Handle::null(); INLINE] }
    }
}

impl Reach {
    /// The reach of a set of courses.
    pub(crate) fn of(courses: impl IntoIterator<Item = CourseKey>) -> Self {
        let mut courses: Vec<CourseKey> = courses.into_iter().collect();
        courses.sort();
        courses.dedup();
        Reach::sorted(&courses)
    }

    /// The reach of courses already sorted and unique: inline when they are
    /// few, else in a new shared slice.
    pub(crate) fn sorted(courses: &[CourseKey]) -> Self {
        match courses {
            [] | [_] | [_, _] => {
                let mut keys = [crate::handles::Handle::null(); INLINE];
                keys[..courses.len()].copy_from_slice(courses);
                Reach { courses: Courses::Few { len: courses.len() as u8, keys } }
            }
            _ => Reach::shared(Arc::from(courses)),
        }
    }

    /// The reach of a shared slice of sorted, unique courses.
    pub(crate) fn shared(courses: Arc<[CourseKey]>) -> Self {
        Reach { courses: Courses::Many(courses) }
    }

    /// Whether this many courses are held inline, without a shared slice.
    pub(crate) fn is_inline(len: usize) -> bool {
        len <= INLINE
    }

    fn as_slice(&self) -> &[CourseKey] {
        match &self.courses {
            Courses::Few { len, keys } => &keys[..usize::from(*len).min(INLINE)],
            Courses::Many(keys) => keys,
        }
    }

    /// How many courses the change reaches.
    #[must_use]
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether the change reaches no course (the learning object is in no
    /// course's list).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Whether the change reaches `course`.
    #[must_use]
    pub fn contains(&self, course: CourseKey) -> bool {
        self.as_slice().binary_search(&course).is_ok()
    }

    /// The courses reached, in handle order.
    pub fn iter(&self) -> impl Iterator<Item = CourseKey> + '_ {
        self.as_slice().iter().copied()
    }
}

/// The courses reached, in handle order.
impl<'a> IntoIterator for &'a Reach {
    type Item = CourseKey;
    type IntoIter = std::iter::Copied<std::slice::Iter<'a, CourseKey>>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter().copied()
    }
}

/// Two reaches are equal when they reach the same courses.
impl PartialEq for Reach {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Reach {}

/// Shown as the list of courses reached.
/// The courses' handles, comma-separated (`course#1v1, course#2v1`), or
/// `no course`.
impl std::fmt::Display for Reach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_empty() {
            return f.write_str("no course");
        }
        for (i, course) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{course}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for Reach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Reach").field(&self.as_slice()).finish()
    }
}
