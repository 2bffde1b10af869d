//! What an LMS integration asks for: a copy request with a target, a mode
//! and a selection of categories (LMS-1, LMS-8), and the ways an LMS names a
//! course.

use crate::data::{CopyMode, CopySelection, DateShift};
use crate::error::Error;
use crate::handles::{CourseKey, LoKey, PageKey};
use crate::store::Store;
use std::collections::BTreeSet;
use std::str::FromStr;

/// How a request names a course.
///
/// Parses the LMS's forms: `_12_1` (the primary id, see
/// [`Course::lms_id`](crate::Course::lms_id)), `courseId:X` and
/// `externalId:X`.
///
/// ```
/// use coursecopy::CourseRef;
/// assert_eq!("courseId:BIO-101".parse::<CourseRef>()?, CourseRef::CourseId("BIO-101".into()));
/// assert_eq!("_12_1".parse::<CourseRef>()?, CourseRef::PrimaryId(12));
/// assert!("BIO-101".parse::<CourseRef>().is_err());
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CourseRef {
    /// A handle.
    Key(CourseKey),
    /// The LMS primary id, the `12` of `_12_1`.
    PrimaryId(u64),
    /// The `course_id`.
    CourseId(String),
    /// The `external_id`.
    ExternalId(String),
    /// The course's [`uuid`](crate::Course::uuid): 32 hex digits (SRV-11).
    Uuid(String),
}

impl From<CourseKey> for CourseRef {
    fn from(key: CourseKey) -> Self {
        CourseRef::Key(key)
    }
}

impl FromStr for CourseRef {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        if let Some(id) = s.strip_prefix("courseId:") {
            return Ok(CourseRef::CourseId(id.to_string()));
        }
        if let Some(id) = s.strip_prefix("externalId:") {
            return Ok(CourseRef::ExternalId(id.to_string()));
        }
        if let Some(id) = s.strip_prefix("uuid:") {
            return Ok(CourseRef::Uuid(id.to_string()));
        }
        let pk = s
            .strip_prefix('_')
            .and_then(|rest| rest.strip_suffix("_1"))
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse().ok());
        match pk {
            Some(pk) => Ok(CourseRef::PrimaryId(pk)),
            None => Err(Error::invalid(
                crate::Field::Course,
                format!("{s:?} is none of _<n>_1, courseId:<id>, externalId:<id>, uuid:<uuid>"),
            )),
        }
    }
}

/// Writes the reference as it is parsed: `_12_1`, `courseId:X`,
/// `externalId:X`, `uuid:X`; a handle as its debug form.
impl std::fmt::Display for CourseRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CourseRef::Key(k) => write!(f, "{k}"),
            CourseRef::PrimaryId(pk) => write!(f, "_{pk}_1"),
            CourseRef::CourseId(id) => write!(f, "courseId:{id}"),
            CourseRef::ExternalId(id) => write!(f, "externalId:{id}"),
            CourseRef::Uuid(id) => write!(f, "uuid:{id}"),
        }
    }
}

/// The course a [`CourseRef`] names, or [`Error::NotFound`] (a stale
/// handle) / [`Error::UnknownCourse`] naming what was asked for.
pub(crate) fn resolve_course(store: &Store, course: &CourseRef) -> Result<CourseKey, Error> {
    let found = match course {
        CourseRef::Key(k) => return store.course(*k).map(|_| *k),
        CourseRef::PrimaryId(pk) => store.course_by_pk(*pk),
        CourseRef::CourseId(id) => store.course_by_id(id),
        CourseRef::ExternalId(id) => store.course_by_external_id(id),
        CourseRef::Uuid(uuid) => store.course_by_uuid(uuid),
    };
    found.ok_or_else(|| Error::UnknownCourse { course: course.to_string() })
}

/// Where a copy goes (LMS-1).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CopyTarget {
    /// A new course with this `course_id` (its `external_id` too, until an
    /// update changes it).
    NewCourse {
        /// The new course's id.
        course_id: String,
    },
    /// An existing course: the copied content is added after what it holds,
    /// and nothing is removed (LMS-3).
    Existing(CourseRef),
}

/// A copy request, as an LMS integration sends it (LMS-1). It keeps no
/// LMS's wire shape: with the `serde` feature, Learn's request body
/// (LMS-11) is read by [`LearnCopyRequest`](crate::LearnCopyRequest),
/// which converts to it.
///
/// ```
/// use coursecopy::{CopyMode, CopyRequest, CopySelection, CopyTarget};
/// let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "BIO-101-2027".into() });
/// assert_eq!(request.mode, CopyMode::Duplicate);
/// assert_eq!(request.selection, CopySelection::everything());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[must_use = "a request does nothing until it is passed to Workspace::request_copy"]
pub struct CopyRequest {
    /// Where the copy goes.
    pub target: CopyTarget,
    /// Share or Duplicate; Duplicate unless set.
    pub mode: CopyMode,
    /// What is copied; everything unless set.
    pub selection: CopySelection,
    /// How the copy's dates move (DAT-1..5); not at all unless set.
    pub date_shift: DateShift,
    /// Which learning objects and pages the copy carries when
    /// `selection.content_areas` is on; every one unless set.
    pub content: ContentPick,
}

impl CopyRequest {
    /// An exact Duplicate into `target`.
    pub fn new(target: CopyTarget) -> Self {
        CopyRequest {
            target,
            mode: CopyMode::Duplicate,
            selection: CopySelection::everything(),
            date_shift: DateShift::new(),
            content: ContentPick::all(),
        }
    }

    /// Sets the mode.
    pub fn mode(mut self, mode: CopyMode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets the selection.
    pub fn selection(mut self, selection: CopySelection) -> Self {
        self.selection = selection;
        self
    }

    /// Sets how the copy's dates move (DAT-1..5).
    pub fn date_shift(mut self, shift: DateShift) -> Self {
        self.date_shift = shift;
        self
    }

    /// Sets which learning objects and pages the copy carries.
    pub fn content(mut self, content: ContentPick) -> Self {
        self.content = content;
        self
    }
}

/// Which of the source's learning objects, and which of their pages, a
/// copy request carries (an LMS's selective import of single modules and
/// pages). The categories of [`CopySelection`] still apply:
/// without `content_areas` no learning object is copied, and the pick is
/// not read.
///
/// A picked learning object comes whole. A picked page brings its learning
/// object with the picked pages only, in their order; only a copy that
/// makes new learning objects ([`CopyMode::Duplicate`]) can take part of
/// one: a Share includes whole learning objects and a linked copy follows
/// the whole upstream, so both refuse page picks. The copy keeps the
/// source's order of learning objects. Picking something the source does
/// not hold is refused ([`Error::Invalid`] on [`Field::Selection`](crate::Field::Selection)),
/// as is an empty pick.
///
/// Costs: a pick is two ordered sets; planning a picked copy reads each
/// picked learning object's page list once.
///
/// ```
/// use coursecopy::{ContentPick, CopyRequest, CopyTarget, CourseRef, NewCourse, PageDraft, Workspace};
///
/// let (mut ws, admin) = Workspace::with_admin("Ada")?;
/// let bio = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
/// let cells = ws.create_learning_object(admin, bio, "Cells", "")?;
/// ws.create_learning_object(admin, bio, "Plants", "")?;
/// let membrane = ws.add_page(admin, bio, cells, PageDraft::new("Membrane", "<p>…</p>"))?.page;
/// ws.add_page(admin, bio, cells, PageDraft::new("Nucleus", "<p>…</p>"))?;
/// let next = ws.create_course(admin, NewCourse::new("BIO-102", "Biology II"))?;
///
/// let pick = ContentPick::only().page(membrane);
/// let request = CopyRequest::new(CopyTarget::Existing(CourseRef::Key(next))).content(pick);
/// ws.request_copy(admin, bio, &request)?;
/// ws.run_all_tasks();
/// let copied = ws.course(next)?.learning_objects().next().unwrap();
/// assert_eq!(ws.learning_object(copied)?.title(), "Cells");
/// assert_eq!(ws.learning_object(copied)?.pages().count(), 1, "the picked page alone");
/// assert_eq!(ws.course(next)?.learning_objects().len(), 1, "Plants was not picked");
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[must_use]
pub struct ContentPick {
    /// `None`: everything. `Some`: the whole LOs and the single pages.
    only: Option<(BTreeSet<LoKey>, BTreeSet<PageKey>)>,
}

impl ContentPick {
    /// Every learning object, whole: the default.
    pub fn all() -> Self {
        ContentPick { only: None }
    }

    /// Nothing yet: add what to carry with [`learning_object`](Self::learning_object)
    /// and [`page`](Self::page).
    pub fn only() -> Self {
        ContentPick { only: Some((BTreeSet::new(), BTreeSet::new())) }
    }

    /// Also carries `lo`, whole.
    pub fn learning_object(mut self, lo: LoKey) -> Self {
        self.only.get_or_insert_with(Default::default).0.insert(lo);
        self
    }

    /// Also carries `page`, with its learning object.
    pub fn page(mut self, page: PageKey) -> Self {
        self.only.get_or_insert_with(Default::default).1.insert(page);
        self
    }

    /// Whether every learning object is carried whole.
    pub fn is_all(&self) -> bool {
        self.only.is_none()
    }

    /// The learning objects picked whole, and the single pages picked;
    /// `None` for everything.
    pub(crate) fn picked(&self) -> Option<(&BTreeSet<LoKey>, &BTreeSet<PageKey>)> {
        self.only.as_ref().map(|(los, pages)| (los, pages))
    }
}
