//! The records of a copy: its mode and selection, what it reports, and a
//! copy job under way (its snapshot, cursor, counters and copy-on-write
//! overlay). Plain data; the copy engine runs jobs.

use super::{
    Ancestry, Category, Course, CourseStyle, LearningObject, Page, PageContent, PageList, ToolId, ToolItem, ToolLink,
};
use crate::{CourseKey, LibraryItem, LoKey, MediaKey, PageKey, UserKey};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How a copy treats learning objects and pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CopyMode {
    /// The copy includes the same learning objects as the source.
    Share,
    /// The copy gets new learning objects and pages, cloned from the
    /// source's. The default, as in an LMS (LMS-1).
    #[default]
    Duplicate,
    /// A Duplicate that remembers its upstream: each new learning object
    /// and page records the one it came from and the upstream version it
    /// was taken at, and takes later upstream changes on demand (LNK-1).
    Linked,
}

impl CopyMode {
    /// Whether the copy makes new learning objects and pages (Duplicate
    /// and Linked) rather than including the same ones (Share).
    pub fn copies_content(self) -> bool {
        matches!(self, CopyMode::Duplicate | CopyMode::Linked)
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
#[must_use]
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
#[must_use]
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

/// The source as it was when the copy was accepted (LMS-7): the course
/// record, its styles and its learning objects. Persistent collections make
/// this O(LOs + styles); the pages are read later, through the copy-on-write
/// overlay of the job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) course: Course,
    pub(crate) styles: Vec<CourseStyle>,
    /// Each LO of `course` a Duplicate reads, as it was; empty when `live`.
    pub(crate) los: Vec<(LoKey, LoSnapshot)>,
    /// `Some`: the job reads the LOs of `course` from the workspace as it
    /// goes, and `los` is empty. It holds the handles of `course`'s LOs in
    /// order, so that finding the i-th is an index into a slice, not a
    /// walk of the persistent list. A live job is a direct copy, which
    /// runs to its end in the call that plans it, so that nothing changes
    /// the source meanwhile. It saves taking and dropping each LO's
    /// snapshot, a third of what a Duplicate of 10 pages an LO spends
    /// outside its pages. A job that outlives its call (an LMS request)
    /// never reads live.
    pub(crate) live: Option<Vec<LoKey>>,
}

/// A page to duplicate: its handle, the content to give the duplicate, its
/// version as read (a linked copy's synced version), and whether it still
/// lives (a page a pending copy saved may have been deleted since).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PageSource {
    pub(crate) key: PageKey,
    pub(crate) content: Arc<PageContent>,
    pub(crate) version: u64,
    pub(crate) live: bool,
}

/// What a Duplicate reads of a learning object, as it was at the request:
/// its text, its page list and its ancestry. Taking it costs four counter
/// increments, no allocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LoSnapshot {
    pub(crate) title: Arc<str>,
    pub(crate) description: Arc<str>,
    pub(crate) pages: PageList,
    pub(crate) ancestors: Ancestry,
    /// The LO's version at the request: a linked copy's synced version.
    pub(crate) version: u64,
}

impl LoSnapshot {
    pub(crate) fn of(lo: &LearningObject) -> Self {
        LoSnapshot {
            title: lo.title.clone(),
            description: lo.description.clone(),
            pages: lo.pages.clone(),
            ancestors: lo.ancestors.clone(),
            version: lo.version,
        }
    }

    pub(crate) fn parts(&self) -> LoParts<'_> {
        LoParts {
            title: &self.title,
            description: &self.description,
            pages: &self.pages,
            ancestors: &self.ancestors,
            version: self.version,
        }
    }
}

/// What a Duplicate reads of a source LO, borrowed: from a snapshot, or
/// from the live record when nothing can change it meanwhile.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LoParts<'a> {
    pub(crate) title: &'a Arc<str>,
    pub(crate) description: &'a Arc<str>,
    pub(crate) pages: &'a PageList,
    pub(crate) ancestors: &'a Ancestry,
    pub(crate) version: u64,
}

impl<'a> LoParts<'a> {
    pub(crate) fn of(lo: &'a LearningObject) -> Self {
        LoParts {
            title: &lo.title,
            description: &lo.description,
            pages: &lo.pages,
            ancestors: &lo.ancestors,
            version: lo.version,
        }
    }
}

/// Something a copy could not carry over, and dropped instead (LMS-9). The
/// copy never holds a dangling handle.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum CopyIssue {
    /// A tool item linked to something the copy left out (another category,
    /// or the content), or to something deleted since the request. The copy
    /// of the item has no link.
    DroppedLink {
        /// The item's category.
        category: Category,
        /// The item in the source.
        source_item: ToolId,
        /// The item in the copy.
        item: ToolId,
        /// The link it had in the source.
        link: ToolLink,
    },
    /// A page referenced a library item deleted since the request; its copy
    /// does not.
    DroppedLibraryItem {
        /// The page in the source.
        source_page: PageKey,
        /// The page in the copy.
        page: PageKey,
        /// The item that is gone.
        item: LibraryItem,
    },
    /// The banner image was deleted since the request; the copy has none.
    DroppedBannerImage {
        /// The media asset that is gone.
        media: MediaKey,
    },
    /// A learning object of the source was deleted since the request; the
    /// shared copy does not include it.
    MissingContent {
        /// The learning object that is gone.
        learning_object: LoKey,
    },
}

/// What a direct copy did, as
/// [`Workspace::copy_course_with_report`](crate::Workspace::copy_course_with_report)
/// returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CopyReport {
    /// The new course.
    pub course: CourseKey,
    /// What the copy could not carry over and dropped (LMS-9).
    pub issues: Vec<CopyIssue>,
    /// What it did to the dates, if the options shifted them (DAT-5).
    pub date_shift: Option<super::DateShiftReport>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Settings,
    Memberships,
    Lo(usize),
    Page(usize, usize),
    Tool(usize),
    Done,
}

/// A copy under way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CopyJob {
    pub(crate) requester: UserKey,
    pub(crate) mode: CopyMode,
    pub(crate) selection: CopySelection,
    pub(crate) keep_authors: bool,
    pub(crate) snapshot: Snapshot,
    pub(crate) target: CourseKey,
    pub(crate) new_target: bool,
    pub(crate) target_before: Option<Course>,
    /// The tool items to copy, in copy order.
    pub(crate) tools: Vec<ToolItem>,
    pub(crate) step: Step,
    pub(crate) done: u64,
    pub(crate) total: u64,
    pub(crate) tool_map: BTreeMap<ToolId, ToolId>,
    pub(crate) current_lo: Option<LoKey>,
    /// The pages of the source LO being duplicated, as they were at the
    /// request (the snapshot's list, shared).
    pub(crate) issues: Vec<CopyIssue>,
    /// Source pages as they were at the request, saved just before they
    /// changed (copy on write).
    pub(crate) overlay: BTreeMap<PageKey, Page>,
    /// The snapshot's LOs, sorted, once [`reads`](Self::reads) needs them.
    pub(crate) reads: ReadIndex,
    /// The batch of pages being duplicated: empty between units, kept for
    /// its memory.
    pub(crate) batch: Vec<PageSource>,
    /// The new dates of what the job copies, worked out at the request
    /// (DAT-5), if it shifts dates.
    pub(crate) dates: Option<Box<super::DatePlan>>,
}

/// A cache of what a job reads: not part of the job's value, so not
/// compared and not saved.
#[derive(Clone, Debug, Default)]
pub(crate) struct ReadIndex(Option<Vec<LoKey>>);

impl PartialEq for ReadIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for ReadIndex {}

impl CopyJob {
    /// Checks a loaded job for consistency: its cursor within its snapshot,
    /// its counts in order, its target the task's.
    #[cfg(feature = "serde")]
    pub(crate) fn check(&self, target: CourseKey, record: &Course) -> Result<(), String> {
        let los = self.content_len();
        let step_ok = match self.step {
            Step::Settings | Step::Memberships | Step::Done => true,
            Step::Lo(i) => i < los,
            Step::Page(i, j) => {
                self.snapshot.los.get(i).is_some_and(|(_, lo)| j < lo.pages.len())
                    // The LO being filled is the target's copy of LO `i`.
                    && self.current_lo.is_some()
                    && record.los.get(self.base() + i).copied() == self.current_lo
            }
            Step::Tool(k) => k < self.tools.len(),
        };
        if !step_ok || self.done > self.total || self.target != target {
            return Err(format!("the copy job of {target} is inconsistent"));
        }
        if self.new_target == self.target_before.is_some() {
            return Err(format!("the copy job of {target} mixes a new and an existing target"));
        }
        // The items to copy are those the selection takes from the
        // snapshot, whose links fit their categories; each item copied so
        // far maps to an item of the target of the same category.
        let source = &self.snapshot.course.tools;
        let mapped_ok = self.tool_map.iter().all(|(from, to)| {
            let category = self.tools.iter().find(|i| i.id == *from).map(|i| i.category);
            category.is_some() && record.tools.get(*to).map(|i| i.category) == category
        });
        if self.tools != source.selected(&self.selection) || !source.iter().all(|i| source.link_fits(i)) || !mapped_ok {
            return Err(format!("the copy job of {target} holds tool items that do not fit its snapshot"));
        }
        // The target has an id for every tool item still to copy.
        let left = match self.step {
            Step::Tool(k) => self.tools.len().saturating_sub(k),
            Step::Done => 0,
            _ => self.tools.len(),
        };
        if (record.tools.ids_left() as usize) < left {
            return Err(format!("the copy job of {target} has no room for its tool items in its target"));
        }
        // The LO lists it will write repeat no LO, as a live course's list
        // never does: Share takes the snapshot's list whole.
        let mut seen = std::collections::HashSet::new();
        if let Some(lo) = self.snapshot.course.los.iter().find(|lo| !seen.insert(**lo)) {
            return Err(format!("the copy job of {target} lists {lo} twice in its snapshot"));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some((lo, _)) = self.snapshot.los.iter().find(|(lo, _)| !seen.insert(*lo)) {
            return Err(format!("the copy job of {target} saved {lo} twice in its snapshot"));
        }
        // What the job will copy must be text the API accepts.
        use crate::data::Text;
        let c = &self.snapshot.course;
        let names = [&c.title, &c.player_layout]
            .into_iter()
            .chain(c.details.keys())
            .chain(self.tools.iter().map(|t| &t.title))
            .chain(c.tools.iter().map(|t| &t.title))
            .chain(self.snapshot.styles.iter().map(|s| &s.name))
            .chain(self.snapshot.los.iter().map(|(_, lo)| &lo.title))
            .chain(self.overlay.values().map(|p| &p.content.title));
        for name in names {
            Text::name(crate::Field::Name, name).map_err(|e| format!("the copy job of {target} holds {e}"))?;
        }
        // A page saved in the overlay will be copied: its library items
        // repeat none, as the API ensures for every page.
        if let Some((key, item)) = self.overlay.iter().find_map(|(k, p)| p.repeated_item().map(|i| (k, i))) {
            return Err(format!("the copy job of {target} saved {key} with {item} listed twice"));
        }
        Ok(())
    }

    pub(crate) fn is_done(&self) -> bool {
        self.step == Step::Done
    }

    /// Percent complete: 0 to 15 for settings and memberships, 15 to 100
    /// for content and tools. Never decreases as units are done.
    pub(crate) fn percent(&self) -> u8 {
        if self.is_done() {
            return 100;
        }
        let pct = if self.done < 2 {
            self.done * 15 / 2
        } else {
            let rest = self.total.saturating_sub(2).max(1);
            15 + 85u64.saturating_mul(self.done - 2) / rest
        };
        pct.min(99) as u8
    }

    /// Whether the job reads the pages of `lo`, so that a change to one of
    /// them must first save it in the overlay. The first call sorts the
    /// job's LOs; a request pays nothing for it.
    pub(crate) fn reads(&mut self, lo: LoKey) -> bool {
        if !self.mode.copies_content() || !self.selection.content_areas {
            return false;
        }
        let snapshot = &self.snapshot;
        let los = self.reads.0.get_or_insert_with(|| {
            let mut los: Vec<LoKey> = snapshot.los.iter().map(|(k, _)| *k).collect();
            los.sort_unstable();
            los
        });
        los.binary_search(&lo).is_ok()
    }

    /// How many content units of LOs the job walks: the source's LO list
    /// (Share reads no LO record), or the snapshot's LO records (Duplicate).
    pub(crate) fn content_len(&self) -> usize {
        match self.mode {
            // Share takes the whole LO list in one unit: sharing an LO costs
            // a small fraction of duplicating a page.
            CopyMode::Share => usize::from(!self.snapshot.course.los.is_empty()),
            CopyMode::Duplicate | CopyMode::Linked => {
                self.snapshot.live.as_ref().map_or(self.snapshot.los.len(), Vec::len)
            }
        }
    }

    /// How many LOs the target held before the job: the job appends after
    /// them, so the LOs from this index on are the job's.
    pub(crate) fn base(&self) -> usize {
        self.target_before.as_ref().map_or(0, |c| c.los.len())
    }
}
