//! What an LMS integration asks for: a copy request with a target, a mode
//! and a selection of categories (LMS-1, LMS-8), and the ways an LMS names a
//! course.

use super::CopyMode;
use crate::data::Category;
use crate::{CourseKey, Error, Workspace};
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
        let pk = s
            .strip_prefix('_')
            .and_then(|rest| rest.strip_suffix("_1"))
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse().ok());
        match pk {
            Some(pk) => Ok(CourseRef::PrimaryId(pk)),
            None => Err(Error::invalid("course", format!("{s:?} is none of _<n>_1, courseId:<id>, externalId:<id>"))),
        }
    }
}

impl Workspace {
    /// The course a [`CourseRef`] names, or [`Error::NotFound`] /
    /// [`Error::Invalid`] naming what was asked for.
    pub fn resolve_course(&self, course: &CourseRef) -> Result<CourseKey, Error> {
        let found = match course {
            CourseRef::Key(k) => return self.course(*k).map(|_| *k),
            CourseRef::PrimaryId(pk) => self.pks.get(pk).copied(),
            CourseRef::CourseId(id) => self.find_course(id),
            CourseRef::ExternalId(id) => self.find_course_by_external_id(id),
        };
        found.ok_or_else(|| Error::invalid("course", format!("no course matches {course:?}")))
    }
}

/// What to do with discussion forums (LMS-8 `discussions`). Replies are
/// never copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Discussions {
    /// No forums.
    None,
    /// The forums, without posts.
    ForumsOnly,
    /// The forums and their starter posts.
    #[default]
    ForumsAndStarterPosts,
}

/// Which course settings a copy carries (LMS-8 `settings`). A setting not
/// carried takes its default in a new course and is left alone in an
/// existing one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SettingsSelection {
    /// `availability`.
    pub availability: bool,
    /// `bannerImage`.
    pub banner_image: bool,
    /// `duration`.
    pub duration: bool,
    /// `enrollmentOptions`.
    pub enrollment_options: bool,
    /// `guestAccess`.
    pub guest_access: bool,
    /// `languagePack`: the course's locale.
    pub language_pack: bool,
    /// `navigationSettings`.
    pub navigation_settings: bool,
    /// `observerAccess`.
    pub observer_access: bool,
}

impl SettingsSelection {
    /// Every setting.
    pub fn all() -> Self {
        Self::uniform(true)
    }

    /// No setting.
    pub fn none() -> Self {
        Self::uniform(false)
    }

    fn uniform(on: bool) -> Self {
        SettingsSelection {
            availability: on,
            banner_image: on,
            duration: on,
            enrollment_options: on,
            guest_access: on,
            language_pack: on,
            navigation_settings: on,
            observer_access: on,
        }
    }
}

/// Which categories a copy carries (LMS-8). The course record and its
/// memberships are always copied.
///
/// ```
/// use coursecopy::{CopySelection, Discussions};
/// let mut only_content = CopySelection::nothing();
/// only_content.content_areas = true;
/// only_content.discussions = Discussions::ForumsOnly;
/// assert!(!CopySelection::nothing().content_areas);
/// assert!(CopySelection::everything().gradebook);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CopySelection {
    /// `contentAreas`: the learning objects and their pages.
    pub content_areas: bool,
    /// `glossary`: the course's glossary list (the terms stay global).
    pub glossary: bool,
    /// `announcements`.
    pub announcements: bool,
    /// `assessments`.
    pub assessments: bool,
    /// `blogs`.
    pub blogs: bool,
    /// `calendar`.
    pub calendar: bool,
    /// `contacts`.
    pub contacts: bool,
    /// `discussions`.
    pub discussions: Discussions,
    /// `gradebook`: columns, never grades.
    pub gradebook: bool,
    /// `groupSettings`: group sets, without members.
    pub group_settings: bool,
    /// `journals`.
    pub journals: bool,
    /// `rubrics`.
    pub rubrics: bool,
    /// `tasks`.
    pub tasks: bool,
    /// `wikis`.
    pub wikis: bool,
    /// `adaptiveReleaseRules`.
    pub adaptive_release_rules: bool,
    /// `contentAlignments`.
    pub content_alignments: bool,
    /// `retentionRules`.
    pub retention_rules: bool,
    /// `settings`.
    pub settings: SettingsSelection,
}

impl Default for CopySelection {
    fn default() -> Self {
        Self::everything()
    }
}

impl CopySelection {
    /// Everything: an exact copy (LMS-1). Forums come with their starter
    /// posts.
    pub fn everything() -> Self {
        Self::uniform(true)
    }

    /// Nothing but the course record and its memberships.
    pub fn nothing() -> Self {
        Self::uniform(false)
    }

    fn uniform(on: bool) -> Self {
        CopySelection {
            content_areas: on,
            glossary: on,
            announcements: on,
            assessments: on,
            blogs: on,
            calendar: on,
            contacts: on,
            discussions: if on { Discussions::ForumsAndStarterPosts } else { Discussions::None },
            gradebook: on,
            group_settings: on,
            journals: on,
            rubrics: on,
            tasks: on,
            wikis: on,
            adaptive_release_rules: on,
            content_alignments: on,
            retention_rules: on,
            settings: SettingsSelection::uniform(on),
        }
    }

    /// Whether tool items of `category` are copied.
    pub fn includes(&self, category: Category) -> bool {
        match category {
            Category::Announcements => self.announcements,
            Category::Assessments => self.assessments,
            Category::Blogs => self.blogs,
            Category::Calendar => self.calendar,
            Category::Contacts => self.contacts,
            Category::Discussions => self.discussions != Discussions::None,
            Category::Glossary => self.glossary,
            Category::Gradebook => self.gradebook,
            Category::GroupSettings => self.group_settings,
            Category::Journals => self.journals,
            Category::Rubrics => self.rubrics,
            Category::Tasks => self.tasks,
            Category::Wikis => self.wikis,
            Category::AdaptiveReleaseRules => self.adaptive_release_rules,
            Category::ContentAlignments => self.content_alignments,
            Category::RetentionRules => self.retention_rules,
        }
    }
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

/// A copy request, as an LMS integration sends it (LMS-1). With the `serde`
/// feature it deserialises the LMS's own request body (LMS-11).
///
/// ```
/// use coursecopy::{CopyMode, CopyRequest, CopySelection, CopyTarget};
/// let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "BIO-101-2027".into() });
/// assert_eq!(request.mode, CopyMode::Duplicate);
/// assert_eq!(request.selection, CopySelection::everything());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CopyRequest {
    /// Where the copy goes.
    pub target: CopyTarget,
    /// Share or Duplicate; Duplicate unless set.
    pub mode: CopyMode,
    /// What is copied; everything unless set.
    pub selection: CopySelection,
}

impl CopyRequest {
    /// An exact Duplicate into `target`.
    pub fn new(target: CopyTarget) -> Self {
        CopyRequest { target, mode: CopyMode::Duplicate, selection: CopySelection::everything() }
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
}
