//! Store → the saved form (its body and parts). Reads the store through its
//! parts and writes the schema types; page content that pages share in memory is written once,
//! in the shared tables, found by address (INT-6).

use super::{body, dates, linked, runs};
use crate::arena::{Arena, to_raw};
use crate::data::{
    CopyIssue, CopyJob, Course, CourseSettings, CourseStyle, CourseTools, Ending, LearningObject, LibraryEntry,
    LoSnapshot, Page, PageContent, Phase, Task, ToolLink, User,
};
use crate::data::{DateShiftReport, DateWarning, DatedItem, Duration, ToolDates};
use crate::handles::Handle as Key;
use crate::handles::LibraryItem;
use crate::handles::PageKey;
use crate::store::StorePartsRef;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// Writes the store as today's format ([`SAVE_FORMAT`](crate::SAVE_FORMAT)): the format 2 body,
/// the `linked` part, the `dates` part and the `page_runs` part.
pub(crate) fn write(p: &StorePartsRef<'_>) -> (body::Workspace, linked::Linked, dates::Dates, Vec<runs::PageRun>) {
    // Sized for the usual case, every page with content of its own, so
    // that the address maps never grow while a large workspace is written.
    let pages = p.pages.len();
    let mut w = Writer {
        salt: p.users.salt(),
        texts: Vec::with_capacity(2 * pages),
        item_lists: Vec::with_capacity(pages),
        contents: Vec::with_capacity(pages),
        text_at: Places::with_capacity_and_hasher(2 * pages, Default::default()),
        items_at: Places::with_capacity_and_hasher(pages, Default::default()),
        content_at: Places::with_capacity_and_hasher(pages, Default::default()),
    };
    let (pages, page_runs) = w.pages(p.pages);
    let tasks = w.arena(p.tasks, |w, task| w.task(task));
    let entities = body::Entities {
        users: w.arena(p.users, |_, u: &User| body::User { name: u.name.clone(), role: u.role }),
        courses: w.arena(p.courses, |w, c| w.course(c)),
        learning_objects: w.arena(p.los, |w, lo| w.lo(lo)),
        pages,
        styles: w.arena(p.styles, |w, s| w.style(s)),
        media: w.arena(p.media, |_, e| entry(e)),
        resources: w.arena(p.resources, |_, e| entry(e)),
        terms: w.arena(p.terms, |_, e| entry(e)),
    };
    let copy_tasks = body::CopyTasks {
        next_pk: p.next_task_pk,
        limit: p.task_limit,
        queue: p.queue.iter().map(|k| w.key(*k)).collect(),
        running: p.running.iter().map(|k| w.key(*k)).collect(),
        tasks,
    };
    let linked = w.linked(p);
    let dates = w.dates(p);
    let body = body::Workspace {
        salt: w.salt,
        next_course_pk: p.next_course_pk,
        next_ids: Some(body::NextIds { learning_object: p.next_lo_pk, page: p.next_page_pk }),
        shared: body::Shared { texts: w.texts, item_lists: w.item_lists, contents: w.contents },
        entities,
        copy_tasks,
    };
    (body, linked, dates, page_runs)
}

fn entry(e: &LibraryEntry) -> body::Entry {
    body::Entry { name: e.name.clone(), content: e.content.clone() }
}

/// The shared tables as they fill up, and where each allocation went.
struct Writer {
    salt: u32,
    texts: Vec<Arc<str>>,
    item_lists: Vec<Vec<body::Item>>,
    contents: Vec<body::Content>,
    text_at: Places,
    items_at: Places,
    content_at: Places,
}

/// Allocations by address, to the index of the table entry that holds
/// them: one lookup a page's title, body, items and content.
type Places = HashMap<usize, body::Index, BuildHasherDefault<AddressHasher>>;

/// The hash of an allocation's address. Addresses come from the
/// allocator, never from a file or a client, so the keyed hash the
/// standard map defaults to buys nothing here; at 500,000 pages it was a
/// tenth of a save.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = n as u64;
    }

    fn finish(&self) -> u64 {
        let h = self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 29)
    }
}

/// The index of the allocation at `address` in `table`, added on first use.
fn place<T>(at: &mut Places, table: &mut Vec<T>, address: usize, make: impl FnOnce() -> T) -> body::Index {
    *at.entry(address).or_insert_with(|| {
        table.push(make());
        (table.len() - 1) as body::Index
    })
}

impl Writer {
    fn key<K: Key>(&self, key: K) -> body::Key {
        let (slot, version) = to_raw(key, self.salt);
        body::Key(slot, version)
    }

    fn keys<'k, K: Key + 'k>(&self, keys: impl IntoIterator<Item = &'k K>) -> Vec<body::Key> {
        keys.into_iter().map(|k| self.key(*k)).collect()
    }

    fn arena<K: Key, V, T>(&mut self, arena: &Arena<K, V>, mut f: impl FnMut(&mut Self, &V) -> T) -> body::Arena<T> {
        let free = arena.free_slots().map(|(slot, version)| body::Key(slot, version)).collect();
        let live = arena.iter().map(|(k, v)| (self.key(k), f(self, v))).collect();
        body::Arena { free, live }
    }

    /// The pages: those a run can hold (an unedited duplicate, next to the
    /// one before it) in `page_runs`, the others one by one, in slot
    /// order either way.
    fn pages(&mut self, pages: &Arena<PageKey, Page>) -> (body::Arena<body::Page>, Vec<runs::PageRun>) {
        let free = pages.free_slots().map(|(slot, version)| body::Key(slot, version)).collect();
        let (mut live, mut page_runs) = (Vec::new(), Vec::<runs::PageRun>::new());
        for (key, page) in pages.iter() {
            let origin = page.origin.filter(|o| runs::runnable(key, page, *o, pages.get(*o)));
            let Some(origin) = origin else {
                live.push((self.key(key), self.page(page)));
                continue;
            };
            let (key, lo, origin) = (self.key(key), self.key(page.lo), self.key(origin));
            match page_runs.last_mut() {
                Some(run) if run.continues(key, lo, origin, page.pk) => run.count += 1,
                _ => page_runs.push(runs::PageRun { first: key, count: 1, lo, origin, first_pk: page.pk }),
            }
        }
        (body::Arena { free, live }, page_runs)
    }

    fn text(&mut self, text: &Arc<str>) -> body::Index {
        let address = Arc::as_ptr(text) as *const u8 as usize;
        place(&mut self.text_at, &mut self.texts, address, || text.clone())
    }

    fn content(&mut self, content: &Arc<PageContent>) -> body::Index {
        let address = Arc::as_ptr(content) as usize;
        if let Some(at) = self.content_at.get(&address) {
            return *at;
        }
        let title = self.text(&content.title);
        let body = self.text(&content.body);
        let items_address = Arc::as_ptr(&content.items) as *const u8 as usize;
        let items = match self.items_at.get(&items_address) {
            Some(at) => *at,
            None => {
                let list = content.items.iter().map(|i| self.item(*i)).collect();
                place(&mut self.items_at, &mut self.item_lists, items_address, || list)
            }
        };
        place(&mut self.content_at, &mut self.contents, address, || body::Content(title, body, items))
    }

    fn item(&self, item: LibraryItem) -> body::Item {
        match item {
            LibraryItem::Media(k) => body::Item::Media(self.key(k)),
            LibraryItem::Resource(k) => body::Item::Resource(self.key(k)),
            LibraryItem::Term(k) => body::Item::Term(self.key(k)),
        }
    }

    fn page(&mut self, page: &Page) -> body::Page {
        body::Page {
            pk: page.pk,
            content: self.content(&page.content),
            style: page.style.map(|k| self.key(k)),
            lo: self.key(page.lo),
            origin: page.origin.map(|k| self.key(k)),
        }
    }

    fn style(&self, s: &CourseStyle) -> body::Style {
        body::Style { course: self.key(s.course), name: s.name.clone(), css: s.css.clone() }
    }

    fn lo(&self, lo: &LearningObject) -> body::LearningObject {
        body::LearningObject {
            pk: lo.pk,
            title: lo.title.clone(),
            description: lo.description.clone(),
            parent: lo.parent.map(|k| self.key(k)),
            pages: self.keys(lo.pages.iter()),
            origin: lo.origin.map(|k| self.key(k)),
            ancestors: self.keys(lo.ancestors.as_slice()),
        }
    }

    fn course(&self, c: &Course) -> body::Course {
        body::Course {
            pk: c.pk,
            uuid: format!("{:032x}", c.uuid),
            created: c.created,
            modified: c.modified,
            course_id: c.course_id.clone(),
            external_id: c.external_id.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            player_layout: c.player_layout.clone(),
            details: c.details.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            created_by: self.key(c.created_by),
            assigned: self.keys(c.assigned.iter()),
            styles: self.keys(c.styles.iter()),
            learning_objects: self.keys(c.los.iter()),
            copied_from: c.copied_from.map(|k| self.key(k)),
            settings: self.settings(&c.settings),
            tools: self.tools(&c.tools),
            locked_by: c.lock.map(|k| self.key(k)),
        }
    }

    fn settings(&self, s: &CourseSettings) -> body::Settings {
        body::Settings {
            availability: s.availability,
            duration: s.duration,
            enrollment: s.enrollment.clone(),
            locale: s.locale.clone(),
            guest_access: s.guest_access,
            observer_access: s.observer_access,
            banner_image: s.banner_image.map(|k| self.key(k)),
            navigation: s.navigation.clone(),
        }
    }

    fn tools(&self, t: &CourseTools) -> body::Tools {
        let items = t
            .items
            .iter()
            .map(|i| body::Tool {
                id: i.id.0,
                category: i.category,
                title: i.title.clone(),
                body: i.body.clone(),
                link: i.link.map(|l| self.link(l)),
                posts: i
                    .posts
                    .iter()
                    .map(|p| body::Post { author: self.key(p.author), body: p.body.clone(), reply: p.reply })
                    .collect(),
                groups: i.groups.iter().map(|(name, members)| (name.clone(), self.keys(members.iter()))).collect(),
                grades: i.grades.iter().map(|(user, grade)| (self.key(*user), grade.clone())).collect(),
            })
            .collect();
        body::Tools { next_id: t.next_id, items }
    }

    fn link(&self, link: ToolLink) -> body::Link {
        match link {
            ToolLink::Tool(id) => body::Link::Tool(id.0),
            ToolLink::Content(k) => body::Link::Content(self.key(k)),
            ToolLink::Term(k) => body::Link::Term(self.key(k)),
        }
    }

    fn issue(&self, issue: &CopyIssue) -> body::Issue {
        match issue {
            CopyIssue::DroppedLink { category, source_item, item, link } => body::Issue::DroppedLink {
                category: *category,
                source_item: source_item.0,
                item: item.0,
                link: self.link(*link),
            },
            CopyIssue::DroppedLibraryItem { source_page, page, item } => body::Issue::DroppedLibraryItem {
                source_page: self.key(*source_page),
                page: self.key(*page),
                item: self.item(*item),
            },
            CopyIssue::DroppedBannerImage { media } => body::Issue::DroppedBannerImage { media: self.key(*media) },
            CopyIssue::MissingContent { learning_object } => {
                body::Issue::MissingContent { learning_object: self.key(*learning_object) }
            }
        }
    }

    fn task(&mut self, t: &Task) -> body::Task {
        let state = match &t.phase {
            Phase::Queued => body::State::Queued,
            Phase::Running => body::State::Running,
            Phase::Finished(Ending::Complete { course }) => body::State::Complete { course: self.key(*course) },
            Phase::Finished(Ending::CompleteWithErrors { course, issues }) => body::State::CompleteWithErrors {
                course: self.key(*course),
                issues: issues.iter().map(|i| self.issue(i)).collect(),
            },
            Phase::Finished(Ending::Incomplete { reason }) => body::State::Incomplete { reason: reason.clone() },
            Phase::Finished(Ending::Cancelled) => body::State::Cancelled,
        };
        body::Task {
            pk: t.pk,
            requested_by: self.key(t.requested_by),
            state,
            started: t.started,
            target: self.key(t.target),
            percent: t.percent,
            job: t.job.as_ref().map(|j| self.job(j)),
        }
    }

    fn job(&mut self, j: &CopyJob) -> body::Job {
        let overlay = j.overlay.iter().map(|(k, page)| (self.key(*k), self.page(page))).collect();
        let snapshot = body::Snapshot {
            course: self.course(&j.snapshot.course),
            styles: j.snapshot.styles.iter().map(|s| self.style(s)).collect(),
            learning_objects: j.snapshot.los.iter().map(|(k, lo)| (self.key(*k), self.lo_snapshot(lo))).collect(),
        };
        body::Job {
            requester: self.key(j.requester),
            mode: j.mode,
            selection: j.selection,
            keep_authors: j.keep_authors,
            target: self.key(j.target),
            target_before: j.target_before.as_ref().map(|c| self.course(c)),
            snapshot,
            step: j.step.into(),
            done: j.done,
            total: j.total,
            tool_map: j.tool_map.iter().map(|(a, b)| (a.0, b.0)).collect(),
            current_lo: j.current_lo.map(|k| self.key(k)),
            issues: j.issues.iter().map(|i| self.issue(i)).collect(),
            overlay,
        }
    }

    fn lo_snapshot(&self, lo: &LoSnapshot) -> body::LoSnapshot {
        body::LoSnapshot {
            title: lo.title.clone(),
            description: lo.description.clone(),
            pages: self.keys(lo.pages.iter()),
            ancestors: self.keys(lo.ancestors.as_slice()),
        }
    }
}

impl Writer {
    /// The `linked` part of format 3: only the records that carry
    /// something.
    fn linked(&mut self, p: &StorePartsRef<'_>) -> linked::Linked {
        let mut out = linked::Linked::default();
        for (key, lo) in p.los.iter() {
            if lo.version == 0 && lo.link_data().is_none() {
                continue;
            }
            let link = lo.link_data().map(|l| linked::LoLink {
                upstream: l.upstream.map(|k| self.key(k)),
                course: l.course.map(|k| self.key(k)),
                synced: l.synced,
                declined: l.declined,
                base_title: l.base_title.clone(),
                base_description: l.base_description.clone(),
                base_pages: self.keys(l.base_pages.iter()),
                copies: l.copies.iter().map(|k| (*k != Key::null()).then(|| self.key(*k))).collect(),
                customised: linked::LoCustomised { title: l.customised.title, description: l.customised.description },
                reordered: l.reordered,
            });
            let versions = linked::LoVersions { version: lo.version, layout_version: lo.layout_version, link };
            out.learning_objects.push((self.key(key), versions));
        }
        for (key, page) in p.pages.iter() {
            let page_link = p.los.get(page.lo).and_then(|lo| lo.page_link_data(key));
            if page.version == 0 && page_link.is_none() {
                continue;
            }
            let link = page_link.map(|l| linked::PageLink {
                upstream: l.upstream.map(|k| self.key(k)),
                synced: l.synced,
                base: self.content(l.base(&page.content)),
                customised: linked::PageCustomised {
                    title: l.customised.title,
                    body: l.customised.body,
                    items: l.customised.items,
                },
            });
            out.pages.push((self.key(key), linked::PageVersions { version: page.version, link }));
        }
        for (key, course) in p.courses.iter() {
            let l = course.field_locks;
            if l.content || l.title_description {
                out.field_locks.push((
                    self.key(key),
                    linked::FieldLocks { content: l.content, title_description: l.title_description },
                ));
            }
        }
        for (key, task) in p.tasks.iter() {
            let Some(job) = task.job.as_ref() else { continue };
            let versions = linked::TaskVersions {
                learning_objects: job.snapshot.los.iter().map(|(_, lo)| lo.version).collect(),
                overlay: job.overlay.iter().map(|(k, page)| (self.key(*k), page.version)).collect(),
            };
            out.tasks.push((self.key(key), versions));
        }
        out.item_locks = p.item_locks.iter().map(|(lo, page)| (self.key(*lo), page.map(|k| self.key(k)))).collect();
        out.removed_copies = p
            .removed_copies
            .iter()
            .map(|((up, course), from)| (self.key(*up), self.key(*course), from.map(|k| self.key(k))))
            .collect();
        out
    }
}

impl Writer {
    /// The `dates` part of format 4: only what carries something.
    fn dates(&self, p: &StorePartsRef<'_>) -> dates::Dates {
        let mut out = dates::Dates::default();
        for (key, course) in p.courses.iter() {
            if let Some(dates) = course_dates(course) {
                out.courses.push((self.key(key), dates));
            }
        }
        for (key, task) in p.tasks.iter() {
            let job = task.job.as_ref();
            let dates = dates::TaskDates {
                snapshot: job.and_then(|j| course_dates(&j.snapshot.course)),
                target_before: job.and_then(|j| j.target_before.as_ref()).and_then(course_dates),
                // A pending plan, as a report without warnings.
                shift: job
                    .and_then(|j| Some(report(&j.dates.as_ref()?.report(&j.tools, |id| id, Duration::Continuous)))),
                report: task.dates.as_ref().map(report),
            };
            let carries = dates.snapshot.is_some()
                || dates.target_before.is_some()
                || dates.shift.is_some()
                || dates.report.is_some();
            if carries {
                out.tasks.push((self.key(key), dates));
            }
        }
        out
    }
}

/// A course's zone and dated items, unless it is in UTC with none.
fn course_dates(course: &Course) -> Option<dates::CourseDates> {
    let tools: Vec<_> =
        course.tools.iter().filter(|i| !i.dates.is_empty()).map(|i| (i.id.0, item_dates(&i.dates))).collect();
    (course.time_zone != "UTC" || !tools.is_empty())
        .then(|| dates::CourseDates { time_zone: course.time_zone.to_string(), tools })
}

fn item_dates(d: &ToolDates) -> dates::ItemDates {
    dates::ItemDates { start: d.start, end: d.end, due: d.due }
}

fn dated_item(item: &DatedItem) -> dates::Item {
    match *item {
        DatedItem::Tool { category, source_item, item } => {
            dates::Item::Tool { category, source_item: source_item.0, item: item.0 }
        }
        DatedItem::Duration => dates::Item::Duration,
        DatedItem::EnrollmentWindow => dates::Item::EnrollmentWindow,
    }
}

fn report(r: &DateShiftReport) -> dates::Report {
    dates::Report {
        time_zone: r.time_zone.to_string(),
        shifted: r
            .shifted
            .iter()
            .map(|s| dates::Shifted {
                item: dated_item(&s.item),
                title: s.title.to_string(),
                old: item_dates(&s.old),
                new: item_dates(&s.new),
                kept_distances: s.kept_distances,
            })
            .collect(),
        warnings: r.warnings.iter().map(warning).collect(),
    }
}

fn warning(w: &DateWarning) -> dates::Warning {
    let none = dates::Warning {
        item: dated_item(&w.item()),
        kept_distances: false,
        field: None,
        date: None,
        course_start: None,
        course_end: None,
    };
    match w {
        DateWarning::KeptDistances { .. } => dates::Warning { kept_distances: true, ..none },
        DateWarning::OutsideCourse { field, date, course_start, course_end, .. } => dates::Warning {
            field: Some(field.name().to_string()),
            date: Some(*date),
            course_start: Some(*course_start),
            course_end: Some(*course_end),
            ..none
        },
    }
}
