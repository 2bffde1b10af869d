//! The saved form (its body and parts) → store parts. Every reference into
//! the shared tables is
//! checked here, and every table entry must be used (INT-5); sharing is
//! restored exactly: pages that named one table entry share one allocation,
//! and no two entries are merged, however equal their text (INT-6). The
//! store then rebuilds its indexes and checks every invariant.

use super::{body, dates, linked, runs};
use crate::arena::{Arena, RawKey, from_raw};
use crate::data::{
    CopyIssue, CopyJob, Course, CourseSettings, CourseStyle, CourseTools, Ending, LearningObject, LibraryEntry,
    LoSnapshot, Page, PageContent, Phase, ReadIndex, Snapshot, Task, ToolItem, ToolLink, User,
};
use crate::data::{Customised, LoLink, PageLink};
use crate::data::{
    DateField, DatePlan, DateShiftReport, DateWarning, DatedItem, Duration, Enrollment, NewDates, ShiftedItem,
    ToolDates,
};
use crate::handles::Handle as Key;
use crate::handles::{CourseKey, LoKey, PageKey, StyleKey, TaskKey, UserKey};
use crate::handles::{LibraryItem, ToolId};
use crate::store::StoreParts;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// A file before format 8 has no numeric ids: its learning objects and
/// pages are numbered from 1 in slot order, and the counters start after
/// them (CNV-2). A record of such a file that carries an id is refused:
/// nothing is guessed at.
fn number_in_slot_order(
    los: &mut Arena<LoKey, LearningObject>,
    pages: &mut Arena<PageKey, Page>,
) -> Result<body::NextIds, String> {
    let learning_object = number("entities.learning_objects", los.iter_mut().map(|(k, lo)| (k, &mut lo.pk)))?;
    let page = number("entities.pages", pages.iter_mut().map(|(k, p)| (k, &mut p.pk)))?;
    Ok(body::NextIds { learning_object, page })
}

/// Numbers `ids` from 1 in turn; gives the last number. Refuses an id
/// already set.
fn number<'a, K: std::fmt::Display>(what: &str, ids: impl Iterator<Item = (K, &'a mut u64)>) -> Result<u64, String> {
    let mut last = 0;
    for (key, id) in ids {
        if *id != 0 {
            return Err(format!("{what}: {key} has pk, a field of format 8, in an older file"));
        }
        last += 1;
        *id = last;
    }
    Ok(last)
}

/// The handle a saved key names in a file of workspace salt `salt`; a key
/// whose version is even names no handle (a free slot's).
pub(super) fn handle<K: Key>(salt: u32, key: body::Key) -> Result<K, String> {
    from_raw((key.0, key.1), salt).ok_or_else(|| format!("[{}, {}] is no handle: its version is even", key.0, key.1))
}

/// Converts today's form (the body, and the `linked` and `dates` parts,
/// empty ones for a file of an earlier format) into store parts, or says
/// which record is wrong.
pub(crate) fn read(
    w: body::Workspace,
    linked: linked::Linked,
    dates: dates::Dates,
    page_runs: Vec<runs::PageRun>,
) -> Result<StoreParts, String> {
    if !w.salt.is_multiple_of(2) {
        return Err("salt: must be even".into());
    }
    let (e, t, shared) = (w.entities, w.copy_tasks, w.shared);
    let mut r = Reader::new(w.salt, shared.texts, shared.item_lists, shared.contents)?;
    let users = r.arena("entities.users", e.users, |_, u| Ok(User { name: u.name, role: u.role }))?;
    let courses = r.arena("entities.courses", e.courses, |r, c| r.course(c))?;
    let los = r.arena("entities.learning_objects", e.learning_objects, |r, lo| r.lo(lo))?;
    let listed = los.iter().map(|(_, lo)| lo.pages.len()).sum();
    let pages = r.pages(e.pages, page_runs, listed)?;
    let styles = r.arena("entities.styles", e.styles, |r, s| r.style(s))?;
    let media = r.arena("entities.media", e.media, |_, e| Ok(entry(e)))?;
    let resources = r.arena("entities.resources", e.resources, |_, e| Ok(entry(e)))?;
    let terms = r.arena("entities.terms", e.terms, |_, e| Ok(entry(e)))?;
    let mut tasks = r.arena("copy_tasks.tasks", t.tasks, |r, t| r.task(t))?;
    let (mut los, mut pages, mut courses) = (los, pages, courses);
    let next_ids = match w.next_ids {
        Some(ids) => ids,
        None => number_in_slot_order(&mut los, &mut pages)?,
    };
    let (item_locks, removed_copies) = r.item_locks(&linked).map_err(|e| format!("linked.{e}"))?;
    r.linked(linked, &mut los, &mut pages, &mut courses, &mut tasks).map_err(|e| format!("linked.{e}"))?;
    r.dates(dates, &mut courses, &mut tasks).map_err(|e| format!("dates.{e}"))?;
    let queue = t.queue.into_iter().map(|k| r.key(k)).collect::<Result<_, _>>();
    let running = t.running.into_iter().map(|k| r.key(k)).collect::<Result<_, _>>();
    r.all_used()?;
    Ok(StoreParts {
        users,
        courses,
        los,
        pages,
        styles,
        media,
        resources,
        terms,
        tasks,
        next_course_pk: w.next_course_pk,
        next_task_pk: t.next_pk,
        next_lo_pk: next_ids.learning_object,
        next_page_pk: next_ids.page,
        queue: queue.map_err(|e| format!("copy_tasks.queue: {e}"))?,
        running: running.map_err(|e| format!("copy_tasks.running: {e}"))?,
        task_limit: t.limit,
        item_locks,
        removed_copies,
    })
}

/// An arena's live records under their raw handles, and its free slots.
type Records<V> = (Vec<(RawKey, V)>, Vec<RawKey>);

fn entry(e: body::Entry) -> LibraryEntry {
    LibraryEntry { name: e.name, content: e.content }
}

/// The shared tables, built once, and which entries pages used.
struct Reader {
    salt: u32,
    contents: Vec<Arc<PageContent>>,
    used: Vec<bool>,
}

impl Reader {
    /// Builds the shared allocations: one per table entry. Every text and
    /// item list must be used by some content.
    fn new(
        salt: u32,
        texts: Vec<Arc<str>>,
        item_lists: Vec<Vec<body::Item>>,
        contents: Vec<body::Content>,
    ) -> Result<Reader, String> {
        let mut r = Reader { salt, contents: Vec::with_capacity(contents.len()), used: vec![false; contents.len()] };
        let lists = item_lists
            .into_iter()
            .enumerate()
            .map(|(n, list)| {
                let items = list.into_iter().map(|i| r.item(i)).collect::<Result<Vec<_>, _>>();
                items.map(Arc::<[LibraryItem]>::from).map_err(|e| format!("shared.item_lists[{n}]: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (mut text_used, mut list_used) = (vec![false; texts.len()], vec![false; lists.len()]);
        for (n, body::Content(title, body, items)) in contents.into_iter().enumerate() {
            let text = |at: body::Index, used: &mut Vec<bool>| {
                let found = texts.get(at as usize).cloned();
                found.inspect(|_| used[at as usize] = true).ok_or_else(|| format!("shared.contents[{n}]: no text {at}"))
            };
            let title = text(title, &mut text_used)?;
            let body = text(body, &mut text_used)?;
            let list = lists
                .get(items as usize)
                .cloned()
                .ok_or_else(|| format!("shared.contents[{n}]: no item list {items}"))?;
            list_used[items as usize] = true;
            let items = list;
            r.contents.push(Arc::new(PageContent { title, body, items }));
        }
        if let Some(n) = text_used.iter().position(|u| !u) {
            return Err(format!("shared.texts[{n}]: no page content uses it"));
        }
        if let Some(n) = list_used.iter().position(|u| !u) {
            return Err(format!("shared.item_lists[{n}]: no page content uses it"));
        }
        Ok(r)
    }

    /// Fails on a content entry no page used.
    fn all_used(&self) -> Result<(), String> {
        match self.used.iter().position(|u| !u) {
            Some(n) => Err(format!("shared.contents[{n}]: no page uses it")),
            None => Ok(()),
        }
    }

    fn key<K: Key>(&self, key: body::Key) -> Result<K, String> {
        handle(self.salt, key)
    }

    fn keys<K: Key>(&self, keys: Vec<body::Key>) -> Result<Vec<K>, String> {
        keys.into_iter().map(|k| self.key(k)).collect()
    }

    fn opt<K: Key>(&self, key: Option<body::Key>) -> Result<Option<K>, String> {
        key.map(|k| self.key(k)).transpose()
    }

    fn arena<K: Key, T, V>(
        &mut self,
        name: &str,
        arena: body::Arena<T>,
        f: impl FnMut(&mut Self, T) -> Result<V, String>,
    ) -> Result<Arena<K, V>, String> {
        let (live, free) = self.records(name, arena, f)?;
        Arena::from_raw(self.salt, live, free).map_err(|e| format!("{name}: {e}"))
    }

    /// An arena's records read, under their raw handles, and its free
    /// slots.
    fn records<T, V>(
        &mut self,
        name: &str,
        arena: body::Arena<T>,
        mut f: impl FnMut(&mut Self, T) -> Result<V, String>,
    ) -> Result<Records<V>, String> {
        let mut live = Vec::with_capacity(arena.live.len());
        for (n, (key, record)) in arena.live.into_iter().enumerate() {
            let value = f(self, record).map_err(|e| format!("{name}[{n}] [{}, {}]: {e}", key.0, key.1))?;
            live.push(((key.0, key.1), value));
        }
        Ok((live, arena.free.into_iter().map(|k| (k.0, k.1)).collect()))
    }

    /// The pages: those saved one by one, and those of `page_runs`
    /// (format 6), which may claim no more pages than the `listed` the
    /// learning objects name.
    fn pages(
        &mut self,
        arena: body::Arena<body::Page>,
        page_runs: Vec<runs::PageRun>,
        listed: usize,
    ) -> Result<Arena<PageKey, Page>, String> {
        let (live, free) = self.records("entities.pages", arena, |r, p| r.page(p))?;
        let in_runs = runs::expand(self.salt, &live, page_runs, listed, free.len())?;
        let top = live.iter().map(|(raw, _)| raw.0).chain(in_runs.iter().map(|p| p.raw.0)).max().unwrap_or(0);
        let count = live.len() + in_runs.len();
        let pages = live.into_iter().chain(in_runs.into_iter().filter_map(runs::RunPage::into_page));
        Arena::from_raw_parts(self.salt, top, count, pages, free).map_err(|e| format!("entities.pages: {e}"))
    }

    fn item(&self, item: body::Item) -> Result<LibraryItem, String> {
        Ok(match item {
            body::Item::Media(k) => LibraryItem::Media(self.key(k)?),
            body::Item::Resource(k) => LibraryItem::Resource(self.key(k)?),
            body::Item::Term(k) => LibraryItem::Term(self.key(k)?),
        })
    }

    fn page(&mut self, p: body::Page) -> Result<Page, String> {
        let at = p.content as usize;
        let content = self.contents.get(at).cloned().ok_or_else(|| format!("content {at} does not exist"))?;
        self.used[at] = true;
        let (style, lo, origin) = (self.opt(p.style)?, self.key(p.lo)?, self.opt(p.origin)?);
        Ok(Page { content, style, lo, origin, version: 0, pk: p.pk })
    }

    fn style(&self, s: body::Style) -> Result<CourseStyle, String> {
        Ok(CourseStyle { course: self.key(s.course)?, name: s.name, css: s.css })
    }

    fn lo(&self, lo: body::LearningObject) -> Result<LearningObject, String> {
        let ancestors: Vec<LoKey> = self.keys(lo.ancestors)?;
        Ok(LearningObject {
            title: lo.title,
            description: lo.description,
            parent: self.opt(lo.parent)?,
            pages: self.keys::<PageKey>(lo.pages)?.into_iter().collect(),
            used_in: Default::default(),
            origin: self.opt(lo.origin)?,
            ancestors: ancestors.into_iter().collect(),
            version: 0,
            layout_version: 0,
            edited: Default::default(),
            link: None,
            pk: lo.pk,
        })
    }

    fn course(&self, c: body::Course) -> Result<Course, String> {
        let uuid = (c.uuid.len() == 32 && c.uuid.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            .then(|| u128::from_str_radix(&c.uuid, 16).ok())
            .flatten()
            .ok_or_else(|| format!("uuid: {:?} is not 32 lowercase hex digits", c.uuid))?;
        Ok(Course {
            pk: c.pk,
            uuid,
            created: c.created,
            modified: c.modified,
            course_id: c.course_id,
            external_id: c.external_id,
            title: c.title,
            description: c.description,
            player_layout: c.player_layout,
            details: c.details.into_iter().collect(),
            created_by: self.key(c.created_by)?,
            assigned: self.keys::<UserKey>(c.assigned)?.into_iter().collect(),
            styles: self.keys::<StyleKey>(c.styles)?.into_iter().collect(),
            los: self.keys::<LoKey>(c.learning_objects)?.into_iter().collect(),
            copied_from: self.opt(c.copied_from)?,
            settings: self.settings(c.settings)?,
            tools: self.tools(c.tools)?,
            lock: self.opt(c.locked_by)?,
            field_locks: Default::default(),
            time_zone: crate::data::Zone::utc(),
        })
    }

    fn settings(&self, s: body::Settings) -> Result<CourseSettings, String> {
        Ok(CourseSettings {
            availability: s.availability,
            duration: s.duration,
            enrollment: s.enrollment,
            locale: s.locale,
            guest_access: s.guest_access,
            observer_access: s.observer_access,
            banner_image: self.opt(s.banner_image)?,
            navigation: s.navigation,
        })
    }

    fn tools(&self, t: body::Tools) -> Result<CourseTools, String> {
        let mut items = imbl::Vector::new();
        for i in t.items {
            let posts = i
                .posts
                .into_iter()
                .map(|p| Ok(crate::data::Post { author: self.key(p.author)?, body: p.body, reply: p.reply }))
                .collect::<Result<_, String>>()?;
            let groups = i
                .groups
                .into_iter()
                .map(|(name, members)| {
                    Ok((name, self.keys::<UserKey>(members)?.into_iter().collect::<imbl::OrdSet<_>>()))
                })
                .collect::<Result<_, String>>()?;
            let grades = i
                .grades
                .into_iter()
                .map(|(user, grade)| Ok((self.key::<UserKey>(user)?, grade)))
                .collect::<Result<_, String>>()?;
            items.push_back(ToolItem {
                id: ToolId(i.id),
                category: i.category,
                title: i.title,
                body: i.body,
                link: i.link.map(|l| self.link(l)).transpose()?,
                posts,
                groups,
                grades,
                dates: Default::default(),
            });
        }
        Ok(CourseTools { items, next_id: t.next_id })
    }

    fn link(&self, link: body::Link) -> Result<ToolLink, String> {
        Ok(match link {
            body::Link::Tool(id) => ToolLink::Tool(ToolId(id)),
            body::Link::Content(k) => ToolLink::Content(self.key(k)?),
            body::Link::Term(k) => ToolLink::Term(self.key(k)?),
        })
    }

    fn issue(&self, issue: body::Issue) -> Result<CopyIssue, String> {
        Ok(match issue {
            body::Issue::DroppedLink { category, source_item, item, link } => CopyIssue::DroppedLink {
                category,
                source_item: ToolId(source_item),
                item: ToolId(item),
                link: self.link(link)?,
            },
            body::Issue::DroppedLibraryItem { source_page, page, item } => CopyIssue::DroppedLibraryItem {
                source_page: self.key(source_page)?,
                page: self.key(page)?,
                item: self.item(item)?,
            },
            body::Issue::DroppedBannerImage { media } => CopyIssue::DroppedBannerImage { media: self.key(media)? },
            body::Issue::MissingContent { learning_object } => {
                CopyIssue::MissingContent { learning_object: self.key(learning_object)? }
            }
        })
    }

    fn issues(&self, issues: Vec<body::Issue>) -> Result<Vec<CopyIssue>, String> {
        issues.into_iter().map(|i| self.issue(i)).collect()
    }

    fn task(&mut self, t: body::Task) -> Result<Task, String> {
        let phase = match t.state {
            body::State::Queued => Phase::Queued,
            body::State::Running => Phase::Running,
            body::State::Complete { course } => Phase::Finished(Ending::Complete { course: self.key(course)? }),
            body::State::CompleteWithErrors { course, issues } => {
                Phase::Finished(Ending::CompleteWithErrors { course: self.key(course)?, issues: self.issues(issues)? })
            }
            body::State::Incomplete { reason } => Phase::Finished(Ending::Incomplete { reason }),
            body::State::Cancelled => Phase::Finished(Ending::Cancelled),
        };
        Ok(Task {
            pk: t.pk,
            requested_by: self.key(t.requested_by)?,
            phase,
            started: t.started,
            job: t.job.map(|j| self.job(j)).transpose().map_err(|e| format!("job: {e}"))?,
            target: self.key(t.target)?,
            percent: t.percent,
            dates: None,
        })
    }

    fn job(&mut self, j: body::Job) -> Result<CopyJob, String> {
        let mut overlay = BTreeMap::new();
        for (key, page) in j.overlay {
            let key = self.key(key)?;
            if overlay.insert(key, self.page(page)?).is_some() {
                return Err(format!("overlay: {key} is saved twice"));
            }
        }
        let course = self.course(j.snapshot.course).map_err(|e| format!("snapshot: {e}"))?;
        let styles = j.snapshot.styles.into_iter().map(|s| self.style(s)).collect::<Result<_, _>>()?;
        let los = j
            .snapshot
            .learning_objects
            .into_iter()
            .map(|(k, lo)| Ok((self.key(k)?, self.lo_snapshot(lo)?)))
            .collect::<Result<Vec<_>, String>>()?;
        let snapshot = Snapshot { course, styles, los, live: None };
        // The items a job copies are what its selection takes from its
        // snapshot: derived, not saved.
        let tools = snapshot.course.tools.selected(&j.selection);
        let target_before =
            j.target_before.map(|c| self.course(c)).transpose().map_err(|e| format!("target_before: {e}"))?;
        Ok(CopyJob {
            requester: self.key(j.requester)?,
            mode: j.mode,
            selection: j.selection,
            keep_authors: j.keep_authors,
            snapshot,
            target: self.key(j.target)?,
            new_target: target_before.is_none(),
            target_before,
            tools,
            step: j.step.into(),
            done: j.done,
            total: j.total,
            tool_map: j.tool_map.into_iter().map(|(a, b)| (ToolId(a), ToolId(b))).collect(),
            current_lo: self.opt(j.current_lo)?,
            issues: self.issues(j.issues)?,
            overlay,
            reads: ReadIndex::default(),
            batch: Vec::new(),
            dates: None,
        })
    }

    fn lo_snapshot(&self, lo: body::LoSnapshot) -> Result<LoSnapshot, String> {
        let ancestors: Vec<LoKey> = self.keys(lo.ancestors)?;
        let pages = self.keys::<PageKey>(lo.pages)?.into_iter().collect();
        Ok(LoSnapshot {
            title: lo.title,
            description: lo.description,
            pages,
            ancestors: ancestors.into_iter().collect(),
            version: 0,
        })
    }
}

/// The largest version a file may hold: versions grow by one a change, so
/// no workspace reaches it, and a loaded one can never overflow.
const MAX_VERSION: u64 = u64::MAX / 2;

/// Each LO's `edited` map, from its pages' versions: one page a version.
fn rebuild_edited(los: &mut Arena<LoKey, LearningObject>, pages: &Arena<PageKey, Page>) -> Result<(), String> {
    for (_, lo) in los.iter_mut() {
        for (i, p) in lo.pages.iter().enumerate() {
            let Some(page) = pages.get(*p).filter(|page| page.version > 0) else { continue };
            let entry = (*p, u32::try_from(i).unwrap_or(u32::MAX));
            if lo.edited.0.insert(page.version, entry).is_some() {
                return Err(format!("pages: two pages of one learning object at version {}", page.version));
            }
        }
    }
    Ok(())
}

/// The item locks and removed copies of the `linked` part, as handles.
type LockParts = (Vec<(LoKey, Option<PageKey>)>, Vec<(LoKey, CourseKey, Option<CourseKey>)>);

impl Reader {
    /// The item locks and removed copies of format 7, as handles; whether
    /// they name live records is the store's check.
    fn item_locks(&self, linked: &linked::Linked) -> Result<LockParts, String> {
        let locks = linked.item_locks.iter().enumerate().map(|(n, (lo, page))| {
            let lo = self.key(*lo).map_err(|e| format!("item_locks[{n}]: {e}"))?;
            Ok((lo, self.opt(*page).map_err(|e| format!("item_locks[{n}]: {e}"))?))
        });
        let removed = linked.removed_copies.iter().enumerate().map(|(n, (up, course, from))| {
            let at = |e: String| format!("removed_copies[{n}]: {e}");
            Ok((self.key(*up).map_err(at)?, self.key(*course).map_err(at)?, self.opt(*from).map_err(at)?))
        });
        Ok((locks.collect::<Result<_, String>>()?, removed.collect::<Result<_, String>>()?))
    }

    /// Applies the `linked` part of format 3 to the records read, and
    /// rebuilds each LO's `edited` map from its pages' versions.
    fn linked(
        &mut self,
        linked: linked::Linked,
        los: &mut Arena<LoKey, LearningObject>,
        pages: &mut Arena<PageKey, Page>,
        courses: &mut Arena<CourseKey, Course>,
        tasks: &mut Arena<TaskKey, Task>,
    ) -> Result<(), String> {
        self.linked_los(linked.learning_objects, los)?;
        self.linked_pages(linked.pages, pages, los)?;
        rebuild_edited(los, pages)?;
        for (n, (key, l)) in linked.field_locks.into_iter().enumerate() {
            let k: CourseKey = self.key(key).map_err(|e| format!("field_locks[{n}]: {e}"))?;
            let course = courses.get_mut(k).ok_or_else(|| format!("field_locks[{n}]: {k} is missing"))?;
            course.field_locks = crate::data::FieldLocks { content: l.content, title_description: l.title_description };
        }
        self.linked_tasks(linked.tasks, los, tasks)
    }

    /// The versions and links of learning objects.
    fn linked_los(
        &mut self,
        saved: Vec<(body::Key, linked::LoVersions)>,
        los: &mut Arena<LoKey, LearningObject>,
    ) -> Result<(), String> {
        let mut seen = HashSet::new();
        for (n, (key, v)) in saved.into_iter().enumerate() {
            let at = format!("learning_objects[{n}]");
            let k: LoKey = self.key(key).map_err(|e| format!("{at}: {e}"))?;
            let link = v.link.map(|l| self.lo_link(l)).transpose().map_err(|e| format!("{at}: {e}"))?;
            let lo = once(los, &mut seen, k, &at)?;
            if v.layout_version > v.version || v.version > MAX_VERSION {
                return Err(format!("{at}: layout_version is past version, or version is out of range"));
            }
            if link.as_ref().is_some_and(|l| l.synced > MAX_VERSION || l.declined > MAX_VERSION) {
                return Err(format!("{at}: synced or declined version out of range"));
            }
            (lo.version, lo.layout_version, lo.link) = (v.version, v.layout_version, link.map(Box::new));
        }
        Ok(())
    }

    /// The versions and links of pages. A page's link goes into its
    /// learning object's link, which must be there: a linked page of an LO
    /// that is no linked copy is refused.
    fn linked_pages(
        &mut self,
        saved: Vec<(body::Key, linked::PageVersions)>,
        pages: &mut Arena<PageKey, Page>,
        los: &mut Arena<LoKey, LearningObject>,
    ) -> Result<(), String> {
        let mut seen = HashSet::new();
        for (n, (key, v)) in saved.into_iter().enumerate() {
            let at = format!("pages[{n}]");
            let k: PageKey = self.key(key).map_err(|e| format!("{at}: {e}"))?;
            let link = v.link.map(|l| self.page_link(l)).transpose().map_err(|e| format!("{at}: {e}"))?;
            if v.version > MAX_VERSION || link.as_ref().is_some_and(|l| l.synced > MAX_VERSION) {
                return Err(format!("{at}: version out of range"));
            }
            let page = once(pages, &mut seen, k, &at)?;
            let mut link = link;
            // A base that is the page's own content is held as `None`.
            if let Some(l) = link.as_mut()
                && l.base.as_ref().is_some_and(|b| Arc::ptr_eq(b, &page.content))
            {
                l.base = None;
            }
            page.version = v.version;
            if let Some(link) = link {
                let lo = page.lo;
                let lo_link = los.get_mut(lo).and_then(|l| l.link.as_mut()).ok_or_else(|| {
                    format!("{at}: {k} has a link, but its learning object {lo} is not a linked copy")
                })?;
                lo_link.pages.insert(k, link);
            }
        }
        Ok(())
    }

    /// The versions of pending copies' snapshots and overlays: none past
    /// the live record's.
    fn linked_tasks(
        &mut self,
        saved: Vec<(body::Key, linked::TaskVersions)>,
        los: &Arena<LoKey, LearningObject>,
        tasks: &mut Arena<TaskKey, Task>,
    ) -> Result<(), String> {
        for (n, (key, v)) in saved.into_iter().enumerate() {
            let at = format!("tasks[{n}]");
            let k: TaskKey = self.key(key).map_err(|e| format!("{at}: {e}"))?;
            let job = tasks.get_mut(k).and_then(|t| t.job.as_mut()).ok_or_else(|| format!("{at}: {k} has no work"))?;
            if job.snapshot.los.len() != v.learning_objects.len() {
                return Err(format!(
                    "{at}: {} versions for {} learning objects",
                    v.learning_objects.len(),
                    job.snapshot.los.len()
                ));
            }
            if v.learning_objects.iter().chain(v.overlay.iter().map(|(_, v)| v)).any(|v| *v > MAX_VERSION) {
                return Err(format!("{at}: version out of range"));
            }
            for ((key, lo), version) in job.snapshot.los.iter_mut().zip(v.learning_objects) {
                // A snapshot is the LO as it was: no later than it is now.
                if los.get(*key).is_some_and(|live| live.version < version) {
                    return Err(format!("{at}: {key} is saved at version {version}, past its own"));
                }
                lo.version = version;
            }
            for (page, version) in v.overlay {
                let page: PageKey = self.key(page).map_err(|e| format!("{at}: {e}"))?;
                let saved = job.overlay.get_mut(&page).ok_or_else(|| format!("{at}: {page} is not in the overlay"))?;
                let lo_version = job.snapshot.los.iter().find(|(k, _)| *k == saved.lo).map_or(0, |(_, lo)| lo.version);
                if version > lo_version {
                    return Err(format!("{at}: {page} is saved at version {version}, past its learning object's"));
                }
                saved.version = version;
            }
        }
        Ok(())
    }

    fn lo_link(&self, l: linked::LoLink) -> Result<LoLink, String> {
        let copies =
            l.copies.into_iter().map(|k| k.map(|k| self.key(k)).transpose().map(|k| k.unwrap_or_else(Key::null)));
        Ok(LoLink {
            upstream: self.opt(l.upstream)?,
            course: self.opt(l.course)?,
            synced: l.synced,
            declined: l.declined,
            base_title: l.base_title,
            base_description: l.base_description,
            base_pages: self.keys::<PageKey>(l.base_pages)?.into_iter().collect(),
            copies: copies.collect::<Result<Vec<PageKey>, String>>()?.into_iter().collect(),
            customised: Customised {
                title: l.customised.title,
                description: l.customised.description,
                ..Customised::default()
            },
            reordered: l.reordered,
            pages: Default::default(),
        })
    }

    fn page_link(&mut self, l: linked::PageLink) -> Result<PageLink, String> {
        let at = l.base as usize;
        let base = self.contents.get(at).cloned().ok_or_else(|| format!("base: content {at} does not exist"))?;
        self.used[at] = true;
        Ok(PageLink {
            upstream: self.opt(l.upstream)?,
            synced: l.synced,
            base: Some(base),
            customised: Customised {
                title: l.customised.title,
                body: l.customised.body,
                items: l.customised.items,
                ..Customised::default()
            },
        })
    }
}

impl Reader {
    /// Applies the `dates` part of format 4: zones and item dates to the
    /// courses read and to the courses copy tasks hold, a pending task's
    /// shift, a finished one's report. Each is checked as the API checks
    /// it: a known zone, only the dates a category takes, no end before
    /// its start; a pending shift names items its copy carries, with their
    /// dates as they are.
    fn dates(
        &self,
        dates: dates::Dates,
        courses: &mut Arena<CourseKey, Course>,
        tasks: &mut Arena<TaskKey, Task>,
    ) -> Result<(), String> {
        let mut seen = HashSet::new();
        for (n, (key, d)) in dates.courses.into_iter().enumerate() {
            let at = format!("courses[{n}]");
            let k: CourseKey = self.key(key).map_err(|e| format!("{at}: {e}"))?;
            let course = once(courses, &mut seen, k, &at)?;
            apply_course_dates(course, d).map_err(|e| format!("{at}.{e}"))?;
        }
        let mut seen = HashSet::new();
        for (n, (key, d)) in dates.tasks.into_iter().enumerate() {
            let at = format!("tasks[{n}]");
            let k: TaskKey = self.key(key).map_err(|e| format!("{at}: {e}"))?;
            let task = once(tasks, &mut seen, k, &at)?;
            if let Some(r) = d.report {
                if !matches!(task.phase, Phase::Finished(ref e) if e.completed()) {
                    return Err(format!("{at}.report: {k} has not completed"));
                }
                let report = read_report(r).map_err(|e| format!("{at}.report.{e}"))?;
                // A finished copy warns for each item that kept its distances, and only for those.
                let kept = report.shifted.iter().filter(|s| s.kept_distances).map(|s| s.item);
                let warned = report.warnings.iter().filter(|w| matches!(w, DateWarning::KeptDistances { .. }));
                if !kept.eq(warned.map(DateWarning::item)) {
                    return Err(format!("{at}.report: its kept_distances warnings are not the items that kept them"));
                }
                task.dates = Some(report);
            }
            let has_job_dates = d.snapshot.is_some() || d.target_before.is_some() || d.shift.is_some();
            let Some(job) = task.job.as_mut() else {
                if has_job_dates {
                    return Err(format!("{at}: {k} has no work"));
                }
                continue;
            };
            if let Some(c) = d.snapshot {
                apply_course_dates(&mut job.snapshot.course, c).map_err(|e| format!("{at}.snapshot.{e}"))?;
                // The items to copy are derived from the snapshot.
                job.tools = job.snapshot.course.tools.selected(&job.selection);
            }
            match (d.target_before, job.target_before.as_mut()) {
                (Some(c), Some(before)) => {
                    apply_course_dates(before, c).map_err(|e| format!("{at}.target_before.{e}"))?
                }
                (Some(_), None) => return Err(format!("{at}.target_before: {k} copies into a new course")),
                (None, _) => {}
            }
            if let Some(r) = d.shift {
                let report = read_report(r).map_err(|e| format!("{at}.shift.{e}"))?;
                job.dates = Some(Box::new(plan_of(job, report).map_err(|e| format!("{at}.shift: {e}"))?));
            }
        }
        Ok(())
    }
}

/// The record `k` names, the first time a list names it.
fn once<'a, K, V>(arena: &'a mut Arena<K, V>, seen: &mut HashSet<K>, k: K, at: &str) -> Result<&'a mut V, String>
where
    K: crate::handles::Handle + std::fmt::Display,
{
    arena.get_mut(k).filter(|_| seen.insert(k)).ok_or_else(|| format!("{at}: {k} is missing or repeated"))
}

/// Sets a course's zone and item dates, checked.
fn apply_course_dates(course: &mut Course, d: dates::CourseDates) -> Result<(), String> {
    course.time_zone = crate::data::Zone::get(&d.time_zone).map_err(|e| format!("time_zone: {e}"))?;
    let mut seen = HashSet::new();
    for (n, (id, dates)) in d.tools.into_iter().enumerate() {
        let at = format!("tools[{n}]");
        let item = course
            .tools
            .items
            .iter_mut()
            .find(|i| i.id == ToolId(id))
            .filter(|_| seen.insert(id))
            .ok_or_else(|| format!("{at}: item {id} is missing or repeated"))?;
        item.dates =
            crate::edit::tools::check_dates(item.category, item_dates(dates)).map_err(|e| format!("{at}: {e}"))?;
    }
    Ok(())
}

fn item_dates(d: dates::ItemDates) -> ToolDates {
    ToolDates::from_array([d.start, d.end, d.due])
}

fn dated_item(item: dates::Item) -> DatedItem {
    match item {
        dates::Item::Tool { category, source_item, item } => {
            DatedItem::Tool { category, source_item: ToolId(source_item), item: ToolId(item) }
        }
        dates::Item::Duration => DatedItem::Duration,
        dates::Item::EnrollmentWindow => DatedItem::EnrollmentWindow,
    }
}

fn read_report(r: dates::Report) -> Result<DateShiftReport, String> {
    let time_zone = crate::data::Zone::get(&r.time_zone).map_err(|e| format!("time_zone: {e}"))?;
    let mut shifted = Vec::with_capacity(r.shifted.len());
    for (n, s) in r.shifted.into_iter().enumerate() {
        let (old, new) = (item_dates(s.old), item_dates(s.new));
        if !old.in_order() || !new.in_order() {
            return Err(format!("shifted[{n}]: an end before its start"));
        }
        let (item, kept_distances) = (dated_item(s.item), s.kept_distances);
        shifted.push(ShiftedItem { item, title: s.title.into(), old, new, kept_distances });
    }
    let mut warnings = Vec::with_capacity(r.warnings.len());
    for (n, w) in r.warnings.into_iter().enumerate() {
        warnings.push(warning(w).map_err(|e| format!("warnings[{n}]: {e}"))?);
    }
    Ok(DateShiftReport { time_zone, shifted, warnings })
}

fn warning(w: dates::Warning) -> Result<DateWarning, String> {
    let item = dated_item(w.item);
    match (w.kept_distances, w.field, w.date, w.course_start, w.course_end) {
        (true, None, None, None, None) => Ok(DateWarning::KeptDistances { item }),
        (false, Some(field), Some(date), Some(course_start), Some(course_end)) => {
            let Some(field) = DateField::ALL.into_iter().find(|f| f.name() == field) else {
                return Err(format!("field: {field:?} is none of start, end, due"));
            };
            Ok(DateWarning::OutsideCourse { item, field, date, course_start, course_end })
        }
        _ => {
            Err("neither a date outside the course (field, date, course_start, course_end) nor kept_distances alone"
                .into())
        }
    }
}

/// A pending copy's date plan, rebuilt from the report it saved: each
/// shifted tool item is one the copy carries, of its category, with the
/// dates it has in the snapshot, and new dates its category takes, in
/// order; the course's own dates are the snapshot's, shifted only if the
/// copy carries them, each once.
fn plan_of(job: &CopyJob, report: DateShiftReport) -> Result<DatePlan, String> {
    let mut plan =
        DatePlan { time_zone: report.time_zone.clone(), tools: vec![None; job.tools.len()], ..DatePlan::default() };
    let settings = &job.snapshot.course.settings;
    for s in report.shifted {
        match s.item {
            DatedItem::Tool { category, source_item, .. } => {
                let at = job.tools.iter().position(|i| i.id == source_item);
                let carried = at.and_then(|at| job.tools.get(at));
                let fits = crate::edit::tools::check_dates(category, s.new).is_ok();
                if !carried.is_some_and(|i| i.category == category && i.dates == s.old && !i.dates.is_empty()) || !fits
                {
                    return Err(format!("{source_item} is not an item the copy carries with these dates"));
                }
                match at.and_then(|at| plan.tools.get_mut(at)) {
                    Some(slot @ None) => *slot = Some(NewDates { dates: s.new, kept_distances: s.kept_distances }),
                    _ => return Err(format!("{source_item} is shifted twice")),
                }
            }
            own => {
                let (old, carried) = match (own, settings.duration, &settings.enrollment) {
                    (DatedItem::Duration, Duration::DateRange { start, end }, _) => {
                        (ToolDates::new().start(start).end(end), job.selection.settings.duration)
                    }
                    (DatedItem::EnrollmentWindow, _, Enrollment::SelfEnrollment { start, end, .. }) => {
                        (ToolDates::from_array([*start, *end, None]), job.selection.settings.enrollment_options)
                    }
                    _ => return Err(format!("the snapshot has no {own:?} to shift")),
                };
                let repeated = plan.own.iter().any(|o| o.item == own);
                if s.old != old || s.new.due_date().is_some() || repeated || !carried {
                    return Err(format!("the {own:?}'s shift does not fit the snapshot"));
                }
                plan.own.push(s);
            }
        }
    }
    // Every dated item the copy carries has its new dates, as the plan
    // made them.
    if job.tools.iter().zip(&plan.tools).any(|(i, new)| i.dates.is_empty() == new.is_some()) {
        return Err("a dated item the copy carries has no new dates".into());
    }
    Ok(plan)
}
