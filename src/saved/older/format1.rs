//! Format 1, as coursecopy 0.1.0 and 0.2.0 wrote it, frozen, and its
//! migration to today's body.
//!
//! Format 1 mirrored the private records: every arena was a slot map's
//! own serde layout (`[{"value": …, "version": …}, …]`, slot 0 empty),
//! handles were written as `{"idx": …, "version": …}` with the salt in the
//! version, and every page carried its own copy of its text. The types
//! below read exactly that. [`migrate`] turns it into format 2:
//!
//! - handles lose the salt; an arena's free slots are reused highest first,
//!   as a slot map rebuilt from format 1 reused them;
//! - each page's title, body and item list become entries of the shared
//!   tables of their own (format 1 kept no sharing, so none is invented);
//! - each course gets the uuid [`course_uuid`] derives from the salt and its
//!   LMS id, and its `created` and `modified` times are the latest start
//!   time among the file's tasks that copy into it, or the Unix epoch;
//! - the "used in" sets, a job's tool items and the pages of the LO it is
//!   filling, which format 2 derives rather than stores, are dropped; a
//!   job's `new_target` must agree with its `target_before`, and is dropped
//!   too.

use super::super::current::body;
use crate::data::{
    Availability, Category, CopyMode, CopySelection, Duration, Enrollment, Role, Timestamp, course_uuid,
};
use serde::Deserialize;
use serde::de::MapAccess;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A handle as format 1 wrote it: the version carries the salt.
#[derive(Clone, Copy, Debug, Deserialize)]
pub(crate) struct Key {
    idx: u32,
    version: u32,
}

/// Everything but `format`.
#[derive(Debug)]
pub(crate) struct Workspace {
    salt: u32,
    next_course_pk: u64,
    users: Vec<Slot<User>>,
    courses: Vec<Slot<Course>>,
    learning_objects: Vec<Slot<LearningObject>>,
    pages: Vec<Slot<Page>>,
    styles: Vec<Slot<Style>>,
    media: Vec<Slot<Entry>>,
    resources: Vec<Slot<Entry>>,
    terms: Vec<Slot<Entry>>,
    tasks: Vec<Slot<Task>>,
    next_task_pk: u64,
    queue: Vec<Key>,
    running: Vec<Key>,
    task_limit: usize,
}

/// The parts of format 1 that format 2 does not have, as a file's fields
/// are read, in any order.
#[derive(Default)]
pub(crate) struct Parts {
    users: Option<Vec<Slot<User>>>,
    courses: Option<Vec<Slot<Course>>>,
    learning_objects: Option<Vec<Slot<LearningObject>>>,
    pages: Option<Vec<Slot<Page>>>,
    styles: Option<Vec<Slot<Style>>>,
    media: Option<Vec<Slot<Entry>>>,
    resources: Option<Vec<Slot<Entry>>>,
    terms: Option<Vec<Slot<Entry>>>,
    tasks: Option<Vec<Slot<Task>>>,
    next_task_pk: Option<u64>,
    queue: Option<Vec<Key>>,
    running: Option<Vec<Key>>,
    task_limit: Option<usize>,
}

impl Parts {
    /// Reads the value of field `key`, if it is one of these parts;
    /// `Ok(false)` if not.
    pub(crate) fn read<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        fn put<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
            slot: &mut Option<T>,
            map: &mut A,
        ) -> Result<bool, A::Error> {
            *slot = Some(map.next_value()?);
            Ok(true)
        }
        match key {
            "users" => put(&mut self.users, map),
            "courses" => put(&mut self.courses, map),
            "learning_objects" => put(&mut self.learning_objects, map),
            "pages" => put(&mut self.pages, map),
            "styles" => put(&mut self.styles, map),
            "media" => put(&mut self.media, map),
            "resources" => put(&mut self.resources, map),
            "terms" => put(&mut self.terms, map),
            "tasks" => put(&mut self.tasks, map),
            "next_task_pk" => put(&mut self.next_task_pk, map),
            "queue" => put(&mut self.queue, map),
            "running" => put(&mut self.running, map),
            "task_limit" => put(&mut self.task_limit, map),
            _ => Ok(false),
        }
    }

    /// The name of a part that was read, if any.
    pub(crate) fn any(&self) -> Option<&'static str> {
        let read = [
            (self.users.is_some(), "users"),
            (self.tasks.is_some(), "tasks"),
            (self.queue.is_some(), "queue"),
            (self.pages.is_some(), "pages"),
            (self.courses.is_some(), "courses"),
        ];
        read.into_iter().find(|(r, _)| *r).map(|(_, name)| name)
    }

    /// The whole of format 1, or the name of the first part missing.
    pub(crate) fn finish(self, salt: u32, next_course_pk: u64) -> Result<Workspace, &'static str> {
        Ok(Workspace {
            salt,
            next_course_pk,
            users: self.users.ok_or("users")?,
            courses: self.courses.ok_or("courses")?,
            learning_objects: self.learning_objects.ok_or("learning_objects")?,
            pages: self.pages.ok_or("pages")?,
            styles: self.styles.ok_or("styles")?,
            media: self.media.ok_or("media")?,
            resources: self.resources.ok_or("resources")?,
            terms: self.terms.ok_or("terms")?,
            tasks: self.tasks.ok_or("tasks")?,
            next_task_pk: self.next_task_pk.ok_or("next_task_pk")?,
            queue: self.queue.ok_or("queue")?,
            running: self.running.ok_or("running")?,
            task_limit: self.task_limit.ok_or("task_limit")?,
        })
    }
}

#[derive(Debug, Deserialize)]
struct Slot<T> {
    value: Option<T>,
    version: u32,
}

#[derive(Debug, Deserialize)]
struct User {
    name: Arc<str>,
    role: Role,
}

#[derive(Debug, Deserialize)]
struct Entry {
    name: Arc<str>,
    content: Arc<str>,
}

#[derive(Debug, Deserialize)]
struct Style {
    course: Key,
    name: Arc<str>,
    css: Arc<str>,
}

#[derive(Debug, Deserialize)]
struct Course {
    pk: u64,
    course_id: Arc<str>,
    external_id: Arc<str>,
    title: Arc<str>,
    description: Arc<str>,
    player_layout: Arc<str>,
    details: BTreeMap<Arc<str>, Arc<str>>,
    created_by: Key,
    assigned: Vec<Key>,
    styles: Vec<Key>,
    los: Vec<Key>,
    copied_from: Option<Key>,
    settings: Settings,
    tools: Tools,
    lock: Option<Key>,
}

#[derive(Debug, Deserialize)]
struct Settings {
    availability: Availability,
    duration: Duration,
    enrollment: Enrollment,
    locale: Option<Arc<str>>,
    guest_access: bool,
    observer_access: bool,
    banner_image: Option<Key>,
    navigation: Option<Arc<str>>,
}

#[derive(Debug, Deserialize)]
struct Tools {
    items: Vec<Tool>,
    next_id: u32,
}

#[derive(Debug, Deserialize)]
struct Tool {
    id: u32,
    category: Category,
    title: Arc<str>,
    body: Arc<str>,
    link: Option<Link>,
    posts: Vec<Post>,
    groups: BTreeMap<Arc<str>, Vec<Key>>,
    grades: Vec<(Key, Arc<str>)>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
enum Link {
    Tool(u32),
    Content(Key),
    Term(Key),
}

#[derive(Debug, Deserialize)]
struct Post {
    author: Key,
    body: Arc<str>,
    reply: bool,
}

#[derive(Debug, Deserialize)]
struct LearningObject {
    title: Arc<str>,
    description: Arc<str>,
    parent: Option<Key>,
    pages: Vec<Key>,
    origin: Option<Key>,
    ancestors: Vec<Key>,
}

#[derive(Debug, Deserialize)]
struct Page {
    content: Content,
    style: Option<Key>,
    lo: Key,
    origin: Option<Key>,
}

#[derive(Debug, Deserialize)]
struct Content {
    title: Arc<str>,
    body: Arc<str>,
    items: Vec<Item>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
enum Item {
    Media(Key),
    Resource(Key),
    Term(Key),
}

#[derive(Debug, Deserialize)]
struct Task {
    pk: u64,
    requested_by: Key,
    phase: Phase,
    started: Option<Timestamp>,
    job: Option<Job>,
    target: Key,
    percent: u8,
}

#[derive(Debug, Deserialize)]
enum Phase {
    Queued,
    Running,
    Finished(State),
}

#[derive(Debug, Deserialize)]
enum State {
    Queued {},
    Running {},
    Complete { course: Key },
    CompleteWithErrors { course: Key, issues: Vec<Issue> },
    Incomplete { reason: String },
    Cancelled,
}

#[derive(Debug, Deserialize)]
enum Issue {
    DroppedLink { category: Category, source_item: u32, item: u32, link: Link },
    DroppedLibraryItem { source_page: Key, page: Key, item: Item },
    DroppedBannerImage { media: Key },
    MissingContent { learning_object: Key },
}

#[derive(Debug, Deserialize)]
struct Job {
    requester: Key,
    mode: CopyMode,
    selection: CopySelection,
    keep_authors: bool,
    snapshot: Snapshot,
    target: Key,
    new_target: bool,
    target_before: Option<Course>,
    step: Step,
    done: u64,
    total: u64,
    tool_map: Vec<(u32, u32)>,
    current_lo: Option<Key>,
    issues: Vec<Issue>,
    overlay: Vec<(Key, Page)>,
}

#[derive(Debug, Deserialize)]
struct Snapshot {
    course: Course,
    styles: Vec<Style>,
    los: Vec<(Key, LoSnapshot)>,
}

#[derive(Debug, Deserialize)]
struct LoSnapshot {
    title: Arc<str>,
    description: Arc<str>,
    pages: Vec<Key>,
    ancestors: Vec<Key>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
enum Step {
    Settings,
    Memberships,
    Lo(usize),
    Page(usize, usize),
    Tool(usize),
    Done,
}

/// Format 1 → format 2. See the module docs for what changes.
pub(crate) fn migrate(w: Workspace) -> Result<body::Workspace, String> {
    let mut m = Migration { salt: w.salt & !1, times: HashMap::new(), ..Migration::default() };
    // Course times come from the tasks that copy into them.
    for task in w.tasks.iter().filter_map(|s| s.value.as_ref()) {
        if let Some(started) = task.started {
            let target = m.key(task.target);
            let time = m.times.entry(target).or_default();
            *time = (*time).max(started);
        }
    }
    let tasks = m.arena("tasks", w.tasks, |m, _, t| m.task(t))?;
    let entities = body::Entities {
        users: m.arena("users", w.users, |_, _, u| Ok(body::User { name: u.name, role: u.role }))?,
        courses: m.arena("courses", w.courses, |m, key, c| Ok(m.course(c, Some(key))))?,
        learning_objects: m.arena("learning_objects", w.learning_objects, |m, _, lo| Ok(m.lo(lo)))?,
        pages: m.arena("pages", w.pages, |m, _, p| Ok(m.page(p)))?,
        styles: m.arena("styles", w.styles, |m, _, s| Ok(m.style(s)))?,
        media: m.arena("media", w.media, |_, _, e| Ok(entry(e)))?,
        resources: m.arena("resources", w.resources, |_, _, e| Ok(entry(e)))?,
        terms: m.arena("terms", w.terms, |_, _, e| Ok(entry(e)))?,
    };
    let copy_tasks = body::CopyTasks {
        next_pk: w.next_task_pk,
        limit: w.task_limit,
        queue: w.queue.into_iter().map(|k| m.key(k)).collect(),
        running: w.running.into_iter().map(|k| m.key(k)).collect(),
        tasks,
    };
    Ok(body::Workspace {
        salt: w.salt,
        next_course_pk: w.next_course_pk,
        next_ids: None,
        shared: body::Shared { texts: m.texts, item_lists: m.item_lists, contents: m.contents },
        entities,
        copy_tasks,
    })
}

fn entry(e: Entry) -> body::Entry {
    body::Entry { name: e.name, content: e.content }
}

#[derive(Default)]
struct Migration {
    salt: u32,
    /// The latest start of a task copying into each course (by raw key).
    times: HashMap<body::Key, Timestamp>,
    texts: Vec<Arc<str>>,
    item_lists: Vec<Vec<body::Item>>,
    contents: Vec<body::Content>,
}

impl Migration {
    fn key(&self, k: Key) -> body::Key {
        body::Key(k.idx, (k.version | 1) ^ self.salt)
    }

    fn keys(&self, keys: Vec<Key>) -> Vec<body::Key> {
        keys.into_iter().map(|k| self.key(k)).collect()
    }

    /// A slot map's slots → live entries and free slots. Slot 0 held no
    /// entity; a slot map rebuilt from format 1 reused its highest free
    /// slot first, so that one goes last.
    fn arena<T, U>(
        &mut self,
        name: &str,
        slots: Vec<Slot<T>>,
        mut f: impl FnMut(&mut Self, body::Key, T) -> Result<U, String>,
    ) -> Result<body::Arena<U>, String> {
        let (mut free, mut live) = (Vec::new(), Vec::new());
        for (slot, s) in slots.into_iter().enumerate().skip(1) {
            let slot = u32::try_from(slot).map_err(|_| format!("{name}: too many slots"))?;
            match (s.value, s.version % 2 == 1) {
                (Some(value), true) => {
                    let key = body::Key(slot, s.version);
                    let value = f(self, key, value).map_err(|e| format!("{name}[{slot}]: {e}"))?;
                    live.push((key, value));
                }
                (None, false) => free.push(body::Key(slot, s.version)),
                _ => return Err(format!("{name}[{slot}]: its version and its value disagree")),
            }
        }
        Ok(body::Arena { free, live })
    }

    fn item(&self, item: Item) -> body::Item {
        match item {
            Item::Media(k) => body::Item::Media(self.key(k)),
            Item::Resource(k) => body::Item::Resource(self.key(k)),
            Item::Term(k) => body::Item::Term(self.key(k)),
        }
    }

    /// A page's text and items become table entries of their own.
    fn page(&mut self, p: Page) -> body::Page {
        let at = self.texts.len() as body::Index;
        self.texts.push(p.content.title);
        self.texts.push(p.content.body);
        let items = p.content.items.into_iter().map(|i| self.item(i)).collect();
        self.item_lists.push(items);
        self.contents.push(body::Content(at, at + 1, (self.item_lists.len() - 1) as body::Index));
        body::Page {
            pk: 0,
            content: (self.contents.len() - 1) as body::Index,
            style: p.style.map(|k| self.key(k)),
            lo: self.key(p.lo),
            origin: p.origin.map(|k| self.key(k)),
        }
    }

    fn style(&self, s: Style) -> body::Style {
        body::Style { course: self.key(s.course), name: s.name, css: s.css }
    }

    fn lo(&self, lo: LearningObject) -> body::LearningObject {
        body::LearningObject {
            pk: 0,
            title: lo.title,
            description: lo.description,
            parent: lo.parent.map(|k| self.key(k)),
            pages: self.keys(lo.pages),
            origin: lo.origin.map(|k| self.key(k)),
            ancestors: self.keys(lo.ancestors),
        }
    }

    /// A course record; `key` is the course it describes, for its times
    /// (a snapshot's or a saved target's record describes that course).
    fn course(&self, c: Course, key: Option<body::Key>) -> body::Course {
        let time = key.and_then(|k| self.times.get(&k)).copied().unwrap_or_default();
        let tools = c.tools.items.into_iter().map(|t| self.tool(t)).collect();
        body::Course {
            pk: c.pk,
            uuid: format!("{:032x}", course_uuid(self.salt, c.pk)),
            created: time,
            modified: time,
            course_id: c.course_id,
            external_id: c.external_id,
            title: c.title,
            description: c.description,
            player_layout: c.player_layout,
            details: c.details.into_iter().collect(),
            created_by: self.key(c.created_by),
            assigned: self.keys(c.assigned),
            styles: self.keys(c.styles),
            learning_objects: self.keys(c.los),
            copied_from: c.copied_from.map(|k| self.key(k)),
            settings: body::Settings {
                availability: c.settings.availability,
                duration: c.settings.duration,
                enrollment: c.settings.enrollment,
                locale: c.settings.locale,
                guest_access: c.settings.guest_access,
                observer_access: c.settings.observer_access,
                banner_image: c.settings.banner_image.map(|k| self.key(k)),
                navigation: c.settings.navigation,
            },
            tools: body::Tools { next_id: c.tools.next_id, items: tools },
            locked_by: c.lock.map(|k| self.key(k)),
        }
    }

    fn tool(&self, t: Tool) -> body::Tool {
        body::Tool {
            id: t.id,
            category: t.category,
            title: t.title,
            body: t.body,
            link: t.link.map(|l| self.link(l)),
            posts: t
                .posts
                .into_iter()
                .map(|p| body::Post { author: self.key(p.author), body: p.body, reply: p.reply })
                .collect(),
            groups: t.groups.into_iter().map(|(name, members)| (name, self.keys(members))).collect(),
            grades: t.grades.into_iter().map(|(user, grade)| (self.key(user), grade)).collect(),
        }
    }

    fn link(&self, link: Link) -> body::Link {
        match link {
            Link::Tool(id) => body::Link::Tool(id),
            Link::Content(k) => body::Link::Content(self.key(k)),
            Link::Term(k) => body::Link::Term(self.key(k)),
        }
    }

    fn issues(&self, issues: Vec<Issue>) -> Vec<body::Issue> {
        issues
            .into_iter()
            .map(|issue| match issue {
                Issue::DroppedLink { category, source_item, item, link } => {
                    body::Issue::DroppedLink { category, source_item, item, link: self.link(link) }
                }
                Issue::DroppedLibraryItem { source_page, page, item } => body::Issue::DroppedLibraryItem {
                    source_page: self.key(source_page),
                    page: self.key(page),
                    item: self.item(item),
                },
                Issue::DroppedBannerImage { media } => body::Issue::DroppedBannerImage { media: self.key(media) },
                Issue::MissingContent { learning_object } => {
                    body::Issue::MissingContent { learning_object: self.key(learning_object) }
                }
            })
            .collect()
    }

    fn task(&mut self, t: Task) -> Result<body::Task, String> {
        let state = match t.phase {
            Phase::Queued => body::State::Queued,
            Phase::Running => body::State::Running,
            Phase::Finished(State::Complete { course }) => body::State::Complete { course: self.key(course) },
            Phase::Finished(State::CompleteWithErrors { course, issues }) => {
                body::State::CompleteWithErrors { course: self.key(course), issues: self.issues(issues) }
            }
            Phase::Finished(State::Incomplete { reason }) => body::State::Incomplete { reason },
            Phase::Finished(State::Cancelled) => body::State::Cancelled,
            Phase::Finished(State::Queued {} | State::Running {}) => {
                return Err("a finished task cannot be queued or running".into());
            }
        };
        let job = t.job.map(|j| self.job(j)).transpose().map_err(|e| format!("job: {e}"))?;
        Ok(body::Task {
            pk: t.pk,
            requested_by: self.key(t.requested_by),
            state,
            started: t.started,
            target: self.key(t.target),
            percent: t.percent,
            job,
        })
    }

    fn job(&mut self, j: Job) -> Result<body::Job, String> {
        if j.new_target == j.target_before.is_some() {
            return Err("it mixes a new and an existing target".into());
        }
        let target = self.key(j.target);
        let overlay = j.overlay.into_iter().map(|(k, p)| (self.key(k), self.page(p))).collect();
        Ok(body::Job {
            requester: self.key(j.requester),
            mode: j.mode,
            selection: j.selection,
            keep_authors: j.keep_authors,
            target,
            target_before: j.target_before.map(|c| self.course(c, Some(target))),
            snapshot: body::Snapshot {
                course: self.course(j.snapshot.course, None),
                styles: j.snapshot.styles.into_iter().map(|s| self.style(s)).collect(),
                learning_objects: j
                    .snapshot
                    .los
                    .into_iter()
                    .map(|(k, lo)| {
                        let lo = body::LoSnapshot {
                            title: lo.title,
                            description: lo.description,
                            pages: self.keys(lo.pages),
                            ancestors: self.keys(lo.ancestors),
                        };
                        (self.key(k), lo)
                    })
                    .collect(),
            },
            step: match j.step {
                Step::Settings => body::Step::Settings,
                Step::Memberships => body::Step::Memberships,
                Step::Lo(i) => body::Step::Lo(i),
                Step::Page(i, p) => body::Step::Page(i, p),
                Step::Tool(i) => body::Step::Tool(i),
                Step::Done => body::Step::Done,
            },
            done: j.done,
            total: j.total,
            tool_map: j.tool_map,
            current_lo: j.current_lo.map(|k| self.key(k)),
            issues: self.issues(j.issues),
            overlay,
        })
    }
}
