//! Model-based property tests: random operation sequences run against the
//! real workspace and against the reference model in `model/reference.rs`,
//! compared after every step.
//!
//! After every transition the suite checks:
//!
//! - the outcome: success, or exactly the error the model predicts (kind,
//!   entity, field), for operations by every role on live, stale
//!   (deleted) and foreign (other workspace) handles: INT-2, ACC-1, ACC-2;
//! - atomicity: a failed operation leaves the workspace `==` to its state
//!   before the call: INT-3;
//! - the whole observable state equals the model's: every course's ids,
//!   title, authors, styles and LO order; every LO's title, parent,
//!   provenance, page order and where-used set; every page's title, body,
//!   style, library items, LO and provenance; every library item; every
//!   user; deleted entities not found. This proves SHR-1..7 (Share keeps
//!   LO ids, page changes are seen through every including course, LO lists
//!   stay independent), DUP-1..6 (new ids, equal content, styles dropped,
//!   same library items, provenance, new parent), GLB-1..3 (items never
//!   cloned, updates seen everywhere, deletion refused with the pages),
//!   OPT-1..4 (title option, keep authors, derived ids, exact copy); and
//!   LNK-1 (a linked copy is, in all this suite observes, a Duplicate,
//!   while every other operation runs around its links);
//! - the returned `Reach` of every page operation equals the model's
//!   courses that include the LO: ACC-3;
//! - where every library item is used, from the crate's index, equals a
//!   scan of the model (REU-1); detach (REU-4) and re-use (REU-3, `AddLo`)
//!   are transitions like any other;
//! - `Workspace::check_integrity`: INT-1;
//! - dated tool items, shifts of a course in place (DAT-6) and copies that
//!   shift dates (DAT-5) by days, by range with substitutions, or removing
//!   them: every course's items and dates equal the model's, whose shift is
//!   DAT-1, DAT-3 and DAT-5 written directly in whole days (its courses are
//!   in UTC; zones have their own properties next to the rule).
//!
//! `COURSECOPY_CASES` sets the number of cases (default 256).

mod model {
    pub mod reference;
}

use coursecopy::*;
use model::reference::{self as m, Act, DAY, Ent, Fail, Kind, Mode, R, Shift, T};
use proptest::prelude::*;
use proptest::strategy::Union;
use proptest::test_runner::{Config, FileFailurePersistence};
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};
use std::collections::{BTreeSet, HashMap};

const TITLES: &[&str] = &["Intro", "Basics", "Advanced", " "];
const BODIES: &[&str] = &["", "Hello", "Body text", "Changed"];
const COURSE_IDS: &[&str] = &["C1", "C2", "C3", "bad id", "A-copy"];
const NAMES: &[&str] = &["Ann", "Bob", "\u{7}"];

/// The starting point of every case: an admin, two authors, a reviewer, a
/// course with two LOs of two pages, a style, and a library item of each
/// kind.
fn setup() -> Vec<T> {
    let admin = R::Id(0);
    let author = R::Id(1);
    let c = R::Id(0);
    vec![
        T::CreateUser { actor: admin, name: "Ann", role: Role::Author },
        T::CreateUser { actor: admin, name: "Bob", role: Role::Author },
        T::CreateUser { actor: admin, name: "Rev", role: Role::Reviewer },
        T::CreateCourse { actor: author, course_id: "A", title: "Course A" },
        T::Assign { actor: author, course: c, user: R::Id(3) },
        T::CreateStyle { actor: author, course: c, name: "Loud" },
        T::CreateItem { actor: author, kind: Kind::Media, name: "image" },
        T::CreateItem { actor: author, kind: Kind::Resource, name: "pdf" },
        T::CreateItem { actor: author, kind: Kind::Term, name: "term" },
        T::CreateLo { actor: author, course: c, title: "Intro" },
        T::CreateLo { actor: author, course: c, title: "Basics" },
        T::AddPage {
            actor: author,
            via: c,
            lo: R::Id(0),
            title: "P1",
            body: "one",
            style: Some(R::Id(0)),
            items: vec![R::Id(0)],
        },
        T::AddPage { actor: author, via: c, lo: R::Id(0), title: "P2", body: "two", style: None, items: vec![] },
        T::AddPage {
            actor: author,
            via: c,
            lo: R::Id(1),
            title: "P3",
            body: "three",
            style: None,
            items: vec![R::Id(1), R::Id(2)],
        },
        T::AddPage { actor: author, via: c, lo: R::Id(1), title: "P4", body: "four", style: None, items: vec![] },
    ]
}

// ---- the reference state machine ------------------------------------------

struct Reference;

/// Picks a reference to an entity among `len` ids handed out, `live` of them
/// still alive: mostly live ones, sometimes any (so deleted: stale), rarely
/// a foreign handle.
fn pick(live: Vec<usize>, len: usize) -> BoxedStrategy<R> {
    let mut options: Vec<(u32, BoxedStrategy<R>)> = vec![(1, Just(R::Foreign).boxed())];
    if !live.is_empty() {
        options.push((12, proptest::sample::select(live).prop_map(R::Id).boxed()));
    }
    if len > 0 {
        options.push((2, (0..len).prop_map(R::Id).boxed()));
    }
    Union::new_weighted(options).boxed()
}

/// Mostly `preferred` (when there is any), else `fallback`.
fn prefer<V: Clone + std::fmt::Debug + 'static>(preferred: Vec<V>, fallback: BoxedStrategy<V>) -> BoxedStrategy<V> {
    if preferred.is_empty() {
        return fallback;
    }
    prop_oneof![3 => proptest::sample::select(preferred), 2 => fallback].boxed()
}

/// 2027-01-01, in days since 1970.
const YEAR_2027: i64 = 20_819;

/// Categories with dates and without.
fn category() -> BoxedStrategy<Category> {
    proptest::sample::select(vec![Category::Assessments, Category::Calendar, Category::Tasks, Category::Blogs]).boxed()
}

/// A date in 2027 or 2028, to the minute.
fn date() -> BoxedStrategy<i64> {
    (0i64..730, 0i64..1440).prop_map(|(d, m)| (YEAR_2027 + d) * DAY + m * 60_000).boxed()
}

/// Start, end and due, each optional; an end mostly after its start.
fn dates() -> BoxedStrategy<m::Dates> {
    let ordered = (date(), 0i64..20 * DAY).prop_map(|(s, len)| (Some(s), Some(s + len)));
    let any_pair = (proptest::option::of(date()), proptest::option::of(date()));
    (prop_oneof![3 => ordered, 1 => any_pair], proptest::option::of(date()))
        .prop_map(|((start, end), due)| [start, end, due])
        .boxed()
}

/// A shift by days, by range or removing dates, with a substitution now
/// and then.
fn shift() -> BoxedStrategy<Shift> {
    let sub = proptest::option::of((0u8..7, 0u8..7));
    let days = (-60i32..60, sub.clone()).prop_map(|(d, sub)| Shift::Days(d, sub));
    let range = (0i64..365, 0i64..150, 0i64..365, 0i64..150, sub).prop_map(|(os, ol, ns, nl, sub)| {
        let (os, ns) = (YEAR_2027 + os, YEAR_2027 + 365 + ns);
        Shift::Range([os, os + ol, ns, ns + nl], sub)
    });
    prop_oneof![3 => days, 3 => range, 1 => Just(Shift::Remove)].boxed()
}

/// The library's form of a model shift.
fn date_shift(shift: Shift) -> DateShift {
    let day = |d: i64| Timestamp::from_unix_millis(d * DAY);
    let (plain, sub) = match shift {
        Shift::Days(d, sub) => (DateShift::by_days(d), sub),
        Shift::Range([os, oe, ns, ne], sub) => (DateShift::by_range(day(os), day(oe), day(ns), day(ne)), sub),
        Shift::Remove => (DateShift::remove_dates(), None),
    };
    match sub {
        Some((from, to)) => plain.substitute(weekday(from), weekday(to)),
        None => plain,
    }
}

/// Weekday `n`, 0 = Sunday.
fn weekday(n: u8) -> jiff::civil::Weekday {
    jiff::civil::Weekday::from_sunday_zero_offset(i8::try_from(n).unwrap()).unwrap()
}

fn live<V>(list: &[Option<V>]) -> Vec<usize> {
    (0..list.len()).filter(|i| list[*i].is_some()).collect()
}

fn text(pool: &'static [&'static str]) -> BoxedStrategy<&'static str> {
    proptest::sample::select(pool).boxed()
}

impl ReferenceStateMachine for Reference {
    type State = m::Model;
    type Transition = T;

    fn init_state() -> BoxedStrategy<m::Model> {
        let model = setup().iter().fold(m::Model::new("Admin"), |s, t| s.apply(t));
        assert_eq!(model.last, Ok(()));
        Just(model).boxed()
    }

    fn transitions(s: &m::Model) -> BoxedStrategy<T> {
        let users = (0..s.users.len()).collect::<Vec<_>>();
        // The Administrator and the author of the first course act most.
        let actor = prefer(vec![R::Id(0), R::Id(1)], pick(users.clone(), users.len()));
        let user = pick(users.clone(), users.len());
        let course = pick(live(&s.courses), s.courses.len());
        let lo = pick(live(&s.los), s.los.len());
        let page = pick(live(&s.pages), s.pages.len());
        let style = pick(live(&s.styles), s.styles.len());
        let item = pick(live(&s.items), s.items.len());
        // (page, item) pairs where the page references the item, and LOs no
        // course includes: the inputs of detach, replace and delete that succeed.
        let attached: Vec<(R, R)> = live(&s.pages)
            .into_iter()
            .flat_map(|p| s.pages[p].as_ref().unwrap().items.iter().map(move |i| (R::Id(p), R::Id(*i))))
            .collect();
        let on_page = prefer(attached, (page.clone(), item.clone()).boxed());
        let orphans: Vec<R> = live(&s.los).into_iter().filter(|l| s.used_in(*l).is_empty()).map(R::Id).collect();
        let orphan = prefer(orphans, lo.clone());
        let role = prop_oneof![Just(Role::Administrator), Just(Role::Author), Just(Role::Reviewer)];
        let kind = prop_oneof![Just(Kind::Media), Just(Kind::Resource), Just(Kind::Term)];
        let mode = prop_oneof![Just(Mode::Share), Just(Mode::Duplicate), Just(Mode::Linked)];
        let at = 0usize..5;
        let a = || actor.clone();
        let c = || course.clone();
        let l = || lo.clone();
        let p = || page.clone();
        let i = || item.clone();
        Union::new_weighted(vec![
            (
                1,
                (a(), text(NAMES), role.clone())
                    .prop_map(|(actor, name, role)| T::CreateUser { actor, name, role })
                    .boxed(),
            ),
            (1, (a(), user.clone(), role).prop_map(|(actor, user, role)| T::SetRole { actor, user, role }).boxed()),
            (
                2,
                (a(), text(COURSE_IDS), text(TITLES))
                    .prop_map(|(actor, course_id, title)| T::CreateCourse { actor, course_id, title })
                    .boxed(),
            ),
            (
                2,
                (a(), c(), proptest::option::of(text(TITLES)), proptest::option::of(text(COURSE_IDS)))
                    .prop_map(|(actor, course, title, external_id)| T::UpdateCourse {
                        actor,
                        course,
                        title,
                        external_id,
                    })
                    .boxed(),
            ),
            (1, (a(), c()).prop_map(|(actor, course)| T::DeleteCourse { actor, course }).boxed()),
            (2, (a(), c(), user.clone()).prop_map(|(actor, course, user)| T::Assign { actor, course, user }).boxed()),
            (1, (a(), c(), user.clone()).prop_map(|(actor, course, user)| T::Unassign { actor, course, user }).boxed()),
            (
                1,
                (a(), c(), text(TITLES))
                    .prop_map(|(actor, course, name)| T::CreateStyle { actor, course, name })
                    .boxed(),
            ),
            (
                3,
                (a(), c(), text(TITLES))
                    .prop_map(|(actor, course, title)| T::CreateLo { actor, course, title })
                    .boxed(),
            ),
            (
                1,
                (a(), c(), l(), text(TITLES))
                    .prop_map(|(actor, via, lo, title)| T::EditLo { actor, via, lo, title })
                    .boxed(),
            ),
            (
                3,
                (a(), c(), l(), proptest::option::of(at.clone()))
                    .prop_map(|(actor, course, lo, at)| T::AddLo { actor, course, lo, at })
                    .boxed(),
            ),
            (3, (a(), c(), l()).prop_map(|(actor, course, lo)| T::RemoveLo { actor, course, lo }).boxed()),
            (
                2,
                (a(), c(), l(), at.clone())
                    .prop_map(|(actor, course, lo, to)| T::MoveLo { actor, course, lo, to })
                    .boxed(),
            ),
            (1, (a(), orphan).prop_map(|(actor, lo)| T::DeleteLo { actor, lo }).boxed()),
            (
                4,
                (
                    a(),
                    c(),
                    l(),
                    text(TITLES),
                    text(BODIES),
                    proptest::option::of(style.clone()),
                    proptest::collection::vec(i(), 0..3),
                )
                    .prop_map(|(actor, via, lo, title, body, style, items)| T::AddPage {
                        actor,
                        via,
                        lo,
                        title,
                        body,
                        style,
                        items,
                    })
                    .boxed(),
            ),
            (
                6,
                (a(), c(), p(), proptest::option::of(text(TITLES)), proptest::option::of(text(BODIES)))
                    .prop_map(|(actor, via, page, title, body)| T::EditPage { actor, via, page, title, body })
                    .boxed(),
            ),
            (3, (a(), c(), p()).prop_map(|(actor, via, page)| T::DeletePage { actor, via, page }).boxed()),
            (2, (a(), c(), p(), at).prop_map(|(actor, via, page, to)| T::MovePage { actor, via, page, to }).boxed()),
            (
                2,
                (a(), c(), p(), proptest::option::of(style))
                    .prop_map(|(actor, via, page, style)| T::SetStyle { actor, via, page, style })
                    .boxed(),
            ),
            (2, (a(), c(), p(), i()).prop_map(|(actor, via, page, item)| T::Attach { actor, via, page, item }).boxed()),
            (
                2,
                (a(), c(), on_page.clone(), i())
                    .prop_map(|(actor, via, (page, old), new)| T::Replace { actor, via, page, old, new })
                    .boxed(),
            ),
            (
                2,
                (a(), c(), on_page).prop_map(|(actor, via, (page, item))| T::Detach { actor, via, page, item }).boxed(),
            ),
            (1, (a(), kind, text(NAMES)).prop_map(|(actor, kind, name)| T::CreateItem { actor, kind, name }).boxed()),
            (
                2,
                (a(), i(), text(BODIES))
                    .prop_map(|(actor, item, content)| T::UpdateItem { actor, item, content })
                    .boxed(),
            ),
            (1, (a(), i()).prop_map(|(actor, item)| T::DeleteItem { actor, item }).boxed()),
            (
                5,
                (
                    a(),
                    c(),
                    mode,
                    proptest::option::of(text(COURSE_IDS)),
                    proptest::option::of(text(TITLES)),
                    any::<bool>(),
                    proptest::option::of(shift()),
                )
                    .prop_map(|(actor, source, mode, course_id, title, keep_authors, shift)| T::Copy {
                        actor,
                        source,
                        mode,
                        course_id,
                        title,
                        keep_authors,
                        shift,
                    })
                    .boxed(),
            ),
            (
                3,
                (a(), c(), category(), dates())
                    .prop_map(|(actor, course, category, dates)| T::AddDated { actor, course, category, dates })
                    .boxed(),
            ),
            (2, (a(), c(), shift()).prop_map(|(actor, course, shift)| T::ShiftDates { actor, course, shift }).boxed()),
            (2, (a(), c()).prop_map(|(actor, course)| T::Lock { actor, course }).boxed()),
            (2, (a(), c(), l()).prop_map(|(actor, course, lo)| T::DetachLo { actor, course, lo }).boxed()),
            (2, (a(), c()).prop_map(|(actor, course)| T::Unlock { actor, course }).boxed()),
        ])
        .boxed()
    }

    fn apply(state: m::Model, t: &T) -> m::Model {
        state.apply(t)
    }

    /// Every id a transition names was handed out by then (shrinking may
    /// remove the transition that created it).
    fn preconditions(s: &m::Model, t: &T) -> bool {
        let mut ok = true;
        let mut check = |r: R, len: usize| ok &= matches!(r, R::Foreign) || matches!(r, R::Id(i) if i < len);
        let (u, c, l, p, st, it) =
            (s.users.len(), s.courses.len(), s.los.len(), s.pages.len(), s.styles.len(), s.items.len());
        match t {
            T::CreateUser { actor, .. } | T::CreateItem { actor, .. } | T::CreateCourse { actor, .. } => {
                check(*actor, u)
            }
            T::SetRole { actor, user, .. } => {
                check(*actor, u);
                check(*user, u);
            }
            T::UpdateCourse { actor, course, .. }
            | T::DeleteCourse { actor, course }
            | T::CreateStyle { actor, course, .. }
            | T::CreateLo { actor, course, .. } => {
                check(*actor, u);
                check(*course, c);
            }
            T::Assign { actor, course, user } | T::Unassign { actor, course, user } => {
                check(*actor, u);
                check(*course, c);
                check(*user, u);
            }
            T::EditLo { actor, via: course, lo, .. }
            | T::AddLo { actor, course, lo, .. }
            | T::RemoveLo { actor, course, lo }
            | T::MoveLo { actor, course, lo, .. } => {
                check(*actor, u);
                check(*course, c);
                check(*lo, l);
            }
            T::DeleteLo { actor, lo } => {
                check(*actor, u);
                check(*lo, l);
            }
            T::AddPage { actor, via, lo, style, items, .. } => {
                check(*actor, u);
                check(*via, c);
                check(*lo, l);
                style.iter().for_each(|s| check(*s, st));
                items.iter().for_each(|i| check(*i, it));
            }
            T::EditPage { actor, via, page, .. }
            | T::DeletePage { actor, via, page }
            | T::MovePage { actor, via, page, .. } => {
                check(*actor, u);
                check(*via, c);
                check(*page, p);
            }
            T::SetStyle { actor, via, page, style } => {
                check(*actor, u);
                check(*via, c);
                check(*page, p);
                style.iter().for_each(|s| check(*s, st));
            }
            T::Attach { actor, via, page, item } | T::Detach { actor, via, page, item } => {
                check(*actor, u);
                check(*via, c);
                check(*page, p);
                check(*item, it);
            }
            T::Replace { actor, via, page, old, new } => {
                check(*actor, u);
                check(*via, c);
                check(*page, p);
                check(*old, it);
                check(*new, it);
            }
            T::UpdateItem { actor, item, .. } | T::DeleteItem { actor, item } => {
                check(*actor, u);
                check(*item, it);
            }
            T::Copy { actor, source, .. } => {
                check(*actor, u);
                check(*source, c);
            }
            T::AddDated { actor, course, .. } | T::ShiftDates { actor, course, .. } => {
                check(*actor, u);
                check(*course, c);
            }
            T::Lock { actor, course } | T::Unlock { actor, course } => {
                check(*actor, u);
                check(*course, c);
            }
            T::DetachLo { actor, course, lo } => {
                check(*actor, u);
                check(*course, c);
                check(*lo, l);
            }
        }
        ok
    }
}

// ---- the system under test ------------------------------------------------

/// The workspace, and the handle behind every model id.
struct Sut {
    ws: Workspace,
    ids: Ids,
}

/// Gives handle `k` the next model id of its kind, both ways.
fn remember<K: Copy + Into<Entity>>(back: &mut HashMap<Entity, Ent>, list: &mut Vec<K>, k: K, kind: fn(R) -> Ent) {
    back.insert(k.into(), kind(R::Id(list.len())));
    list.push(k);
}

/// The handle behind every model id, and the way back.
struct Ids {
    users: Vec<UserKey>,
    courses: Vec<CourseKey>,
    los: Vec<LoKey>,
    pages: Vec<PageKey>,
    styles: Vec<StyleKey>,
    items: Vec<LibraryItem>,
    /// Handles from another workspace, one of each kind.
    foreign: Foreign,
    back: HashMap<Entity, Ent>,
}

struct Foreign {
    user: UserKey,
    course: CourseKey,
    lo: LoKey,
    page: PageKey,
    style: StyleKey,
    item: LibraryItem,
}

impl Foreign {
    fn new() -> Self {
        let (mut ws, admin) = Workspace::with_admin("Foreign").unwrap();
        let course = ws.create_course(admin, NewCourse::new("A", "A")).unwrap();
        let lo = ws.create_learning_object(admin, course, "LO", "").unwrap();
        Foreign {
            user: admin,
            course,
            lo,
            page: ws.add_page(admin, course, lo, PageDraft::new("P", "")).unwrap().page,
            style: ws.create_style(admin, course, "S", "").unwrap(),
            item: ws.add_media(admin, "M", "").unwrap().into(),
        }
    }
}

macro_rules! resolve {
    ($name:ident, $field:ident, $key:ty) => {
        fn $name(&self, r: R) -> $key {
            match r {
                R::Id(i) => self.$field[i],
                R::Foreign => self.foreign.$name,
            }
        }
    };
}

impl Ids {
    resolve!(user, users, UserKey);
    resolve!(course, courses, CourseKey);
    resolve!(lo, los, LoKey);
    resolve!(page, pages, PageKey);
    resolve!(style, styles, StyleKey);

    fn item(&self, r: R) -> LibraryItem {
        match r {
            R::Id(i) => self.items[i],
            R::Foreign => self.foreign.item,
        }
    }

    fn new(admin: UserKey) -> Self {
        let foreign = Foreign::new();
        let mut back = HashMap::new();
        for e in [
            Entity::User(foreign.user),
            Entity::Course(foreign.course),
            Entity::LearningObject(foreign.lo),
            Entity::Page(foreign.page),
            Entity::Style(foreign.style),
        ] {
            back.insert(e, foreign_ent(e));
        }
        back.insert(foreign.item.into(), Ent::Item(R::Foreign));
        back.insert(Entity::User(admin), Ent::User(R::Id(0)));
        Ids {
            users: vec![admin],
            courses: vec![],
            los: vec![],
            pages: vec![],
            styles: vec![],
            items: vec![],
            foreign,
            back,
        }
    }

    fn add_user(&mut self, k: UserKey) {
        remember(&mut self.back, &mut self.users, k, Ent::User);
    }
    fn add_course(&mut self, k: CourseKey) {
        remember(&mut self.back, &mut self.courses, k, Ent::Course);
    }
    fn add_lo(&mut self, k: LoKey) {
        remember(&mut self.back, &mut self.los, k, Ent::Lo);
    }
    fn add_page(&mut self, k: PageKey) {
        remember(&mut self.back, &mut self.pages, k, Ent::Page);
    }
    fn add_style(&mut self, k: StyleKey) {
        remember(&mut self.back, &mut self.styles, k, Ent::Style);
    }
    fn add_item(&mut self, k: LibraryItem) {
        remember(&mut self.back, &mut self.items, k, Ent::Item);
    }

    /// The model id behind a handle.
    fn ent(&self, e: Entity) -> Ent {
        *self.back.get(&e).unwrap_or_else(|| panic!("the workspace named {e}, a handle the suite never saw"))
    }

    fn id(&self, e: impl Into<Entity>) -> usize {
        match self.ent(e.into()) {
            Ent::User(R::Id(i))
            | Ent::Course(R::Id(i))
            | Ent::Lo(R::Id(i))
            | Ent::Page(R::Id(i))
            | Ent::Style(R::Id(i))
            | Ent::Item(R::Id(i)) => i,
            other => panic!("a live entity points at {other:?}"),
        }
    }

    fn r(&self, e: impl Into<Entity>) -> R {
        match self.ent(e.into()) {
            Ent::User(r) | Ent::Course(r) | Ent::Lo(r) | Ent::Page(r) | Ent::Style(r) | Ent::Item(r) => r,
        }
    }

    /// The crate's error in the model's terms.
    fn normalize(&self, e: Error) -> Fail {
        match e {
            Error::NotFound { entity } => Fail::NotFound(self.ent(entity)),
            Error::Forbidden { user, action } => {
                let act = match action {
                    Action::ManageUsers => Act::ManageUsers,
                    Action::CreateCourse => Act::CreateCourse,
                    Action::ReadCourse(c) => Act::Read(self.r(c)),
                    Action::EditCourse(c) => Act::Edit(self.r(c)),
                    Action::EditLibrary => Act::EditLibrary,
                    Action::DeleteLearningObject(lo) => Act::DeleteLo(self.r(lo)),
                    Action::LockCourse(c) => Act::Lock(self.r(c)),
                    Action::UnlockCourse(c) => Act::Unlock(self.r(c)),
                    other => panic!("unexpected action {other:?}"),
                };
                Fail::Forbidden(self.r(user), act)
            }
            Error::Conflict { field, value, holder } => Fail::Conflict(field.name(), value, self.id(holder)),
            Error::InUse { entity, used_by } => {
                Fail::InUse(self.ent(entity), used_by.into_iter().map(|e| self.ent(e)).collect())
            }
            Error::NotIn { entity, container } => Fail::NotIn(self.ent(entity), self.ent(container)),
            Error::AlreadyIn { entity, container } => Fail::AlreadyIn(self.ent(entity), self.ent(container)),
            Error::Invalid { field, .. } => Fail::Invalid(field.name()),
            Error::Locked { course, by } => Fail::Locked(self.r(course), self.id(by)),
            other => panic!("unexpected error {other:?}"),
        }
    }
}

impl Sut {
    fn new() -> Self {
        let (ws, admin) = Workspace::with_admin("Admin").unwrap();
        Sut { ws, ids: Ids::new(admin) }
    }

    /// Runs a transition on the workspace; on success, registers the handles
    /// it created. Returns the `Reach` for operations that report one.
    fn run(&mut self, t: &T) -> Result<Option<Reach>, Error> {
        let (ws, ids) = (&mut self.ws, &mut self.ids);
        match *t {
            T::CreateUser { actor, name, role } => {
                let k = ws.create_user(ids.user(actor), name, role)?;
                ids.add_user(k);
            }
            T::SetRole { actor, user, role } => ws.set_role(ids.user(actor), ids.user(user), role)?,
            T::CreateCourse { actor, course_id, title } => {
                let k = ws.create_course(ids.user(actor), NewCourse::new(course_id, title))?;
                ids.add_course(k);
            }
            T::UpdateCourse { actor, course, title, external_id } => {
                let mut change = CourseChange::new();
                if let Some(t) = title {
                    change = change.title(t);
                }
                if let Some(e) = external_id {
                    change = change.external_id(e);
                }
                ws.update_course(ids.user(actor), ids.course(course), change)?
            }
            T::DeleteCourse { actor, course } => ws.delete_course(ids.user(actor), ids.course(course))?,
            T::Assign { actor, course, user } => ws.assign_user(ids.user(actor), ids.course(course), ids.user(user))?,
            T::Unassign { actor, course, user } => {
                ws.unassign_user(ids.user(actor), ids.course(course), ids.user(user))?
            }
            T::CreateStyle { actor, course, name } => {
                let k = ws.create_style(ids.user(actor), ids.course(course), name, "")?;
                ids.add_style(k);
            }
            T::CreateLo { actor, course, title } => {
                let k = ws.create_learning_object(ids.user(actor), ids.course(course), title, "")?;
                ids.add_lo(k);
            }
            T::EditLo { actor, via, lo, title } => {
                return ws
                    .edit_learning_object(
                        ids.user(actor),
                        ids.course(via),
                        ids.lo(lo),
                        coursecopy::LoEdit::new().title(title),
                    )
                    .map(Some);
            }
            T::AddLo { actor, course, lo, at } => {
                ws.add_learning_object(ids.user(actor), ids.course(course), ids.lo(lo), at)?
            }
            T::RemoveLo { actor, course, lo } => {
                ws.remove_learning_object(ids.user(actor), ids.course(course), ids.lo(lo)).map(drop)?
            }
            T::MoveLo { actor, course, lo, to } => {
                ws.move_learning_object(ids.user(actor), ids.course(course), ids.lo(lo), to)?
            }
            T::DeleteLo { actor, lo } => ws.delete_learning_object(ids.user(actor), ids.lo(lo))?,
            T::AddPage { actor, via, lo, title, body, style, ref items } => {
                let mut draft = PageDraft::new(title, body);
                if let Some(s) = style {
                    draft = draft.style(ids.style(s));
                }
                for i in items {
                    draft = draft.item(ids.item(*i));
                }
                let new = ws.add_page(ids.user(actor), ids.course(via), ids.lo(lo), draft)?;
                ids.add_page(new.page);
                return Ok(Some(new.reach));
            }
            T::EditPage { actor, via, page, title, body } => {
                let mut edit = PageEdit::new();
                if let Some(t) = title {
                    edit = edit.title(t);
                }
                if let Some(b) = body {
                    edit = edit.body(b);
                }
                return ws.edit_page(ids.user(actor), ids.course(via), ids.page(page), edit).map(Some);
            }
            T::DeletePage { actor, via, page } => {
                return ws.delete_page(ids.user(actor), ids.course(via), ids.page(page)).map(Some);
            }
            T::MovePage { actor, via, page, to } => {
                return ws.move_page(ids.user(actor), ids.course(via), ids.page(page), to).map(Some);
            }
            T::SetStyle { actor, via, page, style } => {
                let style = style.map(|s| ids.style(s));
                return ws.set_page_style(ids.user(actor), ids.course(via), ids.page(page), style).map(Some);
            }
            T::Attach { actor, via, page, item } => {
                return ws.attach_item(ids.user(actor), ids.course(via), ids.page(page), ids.item(item)).map(Some);
            }
            T::Replace { actor, via, page, old, new } => {
                let (old, new) = (ids.item(old), ids.item(new));
                return ws.replace_item(ids.user(actor), ids.course(via), ids.page(page), old, new).map(Some);
            }
            T::Detach { actor, via, page, item } => {
                return ws.detach_item(ids.user(actor), ids.course(via), ids.page(page), ids.item(item)).map(Some);
            }
            T::CreateItem { actor, kind, name } => {
                let actor = ids.user(actor);
                let k: LibraryItem = match kind {
                    Kind::Media => ws.add_media(actor, name, "")?.into(),
                    Kind::Resource => ws.add_resource(actor, name, "")?.into(),
                    Kind::Term => ws.add_glossary_term(actor, name, "")?.into(),
                };
                ids.add_item(k);
            }
            T::UpdateItem { actor, item, content } => {
                ws.update_library_item(ids.user(actor), ids.item(item), content).map(drop)?
            }
            T::DeleteItem { actor, item } => ws.delete_library_item(ids.user(actor), ids.item(item))?,
            T::AddDated { actor, course, category, dates: given } => {
                let at = |d: Option<i64>| d.map(Timestamp::from_unix_millis);
                let mut d = ToolDates::new();
                if let Some(s) = at(given[0]) {
                    d = d.start(s);
                }
                if let Some(e) = at(given[1]) {
                    d = d.end(e);
                }
                if let Some(due) = at(given[2]) {
                    d = d.due(due);
                }
                ws.add_tool(ids.user(actor), ids.course(course), ToolDraft::new(category, "Dated").dates(d))?;
            }
            T::ShiftDates { actor, course, shift } => {
                ws.shift_course_dates(ids.user(actor), ids.course(course), &date_shift(shift))?;
            }
            T::Copy { actor, source, mode, course_id, title, keep_authors, shift } => {
                let mut options = CopyOptions::new().keep_authors(keep_authors);
                if let Some(shift) = shift {
                    options = options.date_shift(date_shift(shift));
                }
                if let Some(id) = course_id {
                    options = options.course_id(id);
                }
                if let Some(t) = title {
                    options = options.title(t);
                }
                let mode = match mode {
                    Mode::Share => CopyMode::Share,
                    Mode::Duplicate => CopyMode::Duplicate,
                    Mode::Linked => CopyMode::Linked,
                };
                let k = ws.copy_course(ids.user(actor), ids.course(source), mode, &options)?;
                ids.add_course(k);
                let course = ws.course(k).unwrap().clone();
                course.styles().for_each(|s| ids.add_style(s));
                if mode.copies_content() {
                    for lo in course.learning_objects() {
                        ids.add_lo(lo);
                        let pages: Vec<_> = ws.learning_object(lo).unwrap().pages().collect();
                        pages.into_iter().for_each(|p| ids.add_page(p));
                    }
                }
            }
            T::Lock { actor, course } => ws.lock_course(ids.user(actor), ids.course(course))?,
            T::DetachLo { actor, course, lo } => {
                let k = ws.detach_learning_object(ids.user(actor), ids.course(course), ids.lo(lo))?;
                ids.add_lo(k);
                let pages: Vec<_> = ws.learning_object(k).unwrap().pages().collect();
                pages.into_iter().for_each(|p| ids.add_page(p));
            }
            T::Unlock { actor, course } => ws.unlock_course(ids.user(actor), ids.course(course))?,
        }
        Ok(None)
    }

    /// The workspace seen in the model's terms.
    fn project(&self, like: &m::Model) -> m::Model {
        let (ws, ids) = (&self.ws, &self.ids);
        let users = ids
            .users
            .iter()
            .map(|k| {
                let u = ws.user(*k).unwrap();
                m::User { name: u.name().into(), role: u.role() }
            })
            .collect();
        let courses = ids
            .courses
            .iter()
            .map(|k| {
                ws.course(*k).ok().map(|c| m::Course {
                    course_id: c.course_id().into(),
                    external_id: c.external_id().into(),
                    title: c.title().into(),
                    created_by: ids.id(c.created_by()),
                    assigned: c.assigned_users().map(|u| ids.id(u)).collect(),
                    los: c.learning_objects().map(|l| ids.id(l)).collect(),
                    styles: c.styles().map(|s| ids.id(s)).collect(),
                    copied_from: c.copied_from().map(|s| ids.id(s)),
                    lock: c.locked_by().map(|u| ids.id(u)),
                    dated: {
                        let ms = |t: Option<Timestamp>| t.map(Timestamp::unix_millis);
                        let mut dated: Vec<_> = c
                            .tools()
                            .iter()
                            .map(|i| {
                                let d = i.dates();
                                (i.category(), [ms(d.start_date()), ms(d.end_date()), ms(d.due_date())])
                            })
                            .collect();
                        dated.sort();
                        dated
                    },
                })
            })
            .collect();
        let los = ids
            .los
            .iter()
            .map(|k| {
                ws.learning_object(*k).ok().map(|l| m::Lo {
                    title: l.title().into(),
                    parent: l.parent().map(|p| ids.id(p)),
                    pages: l.pages().map(|p| ids.id(p)).collect(),
                    origin: l.origin().map(|o| ids.id(o)),
                    used_in: l.used_in().iter().map(|c| ids.id(c)).collect(),
                })
            })
            .collect();
        let pages = ids
            .pages
            .iter()
            .map(|k| {
                ws.page(*k).ok().map(|p| m::Page {
                    title: p.title().into(),
                    body: p.body().into(),
                    style: p.style().map(|s| ids.id(s)),
                    items: p.items().iter().map(|i| ids.id(*i)).collect(),
                    lo: ids.id(p.learning_object()),
                    origin: p.origin().map(|o| ids.id(o)),
                })
            })
            .collect();
        let styles = ids
            .styles
            .iter()
            .map(|k| ws.style(*k).ok().map(|s| m::Style { course: ids.id(s.course()), name: s.name().into() }))
            .collect();
        let items = ids
            .items
            .iter()
            .zip(&like.items)
            .map(|(k, model)| {
                ws.library_entry(*k).ok().map(|e| m::Item {
                    kind: model.as_ref().map_or(Kind::Media, |m| m.kind),
                    name: e.name().into(),
                    content: e.content().into(),
                })
            })
            .collect();
        m::Model { users, courses, los, pages, styles, items, last: Ok(()) }
    }
}

fn foreign_ent(e: Entity) -> Ent {
    match e {
        Entity::User(_) => Ent::User(R::Foreign),
        Entity::Course(_) => Ent::Course(R::Foreign),
        Entity::LearningObject(_) => Ent::Lo(R::Foreign),
        Entity::Page(_) => Ent::Page(R::Foreign),
        Entity::Style(_) => Ent::Style(R::Foreign),
        _ => Ent::Item(R::Foreign),
    }
}

/// The LO whose courses a page operation reaches, in model ids, read before
/// the operation runs (a deleted page's LO is gone from the page after).
fn lo_of(sut: &Sut, t: &T) -> Option<usize> {
    let page = match *t {
        T::EditPage { page, .. } | T::DeletePage { page, .. } | T::MovePage { page, .. } | T::SetStyle { page, .. } => {
            page
        }
        T::Attach { page, .. } | T::Replace { page, .. } | T::Detach { page, .. } => page,
        T::AddPage { lo: R::Id(lo), .. } | T::EditLo { lo: R::Id(lo), .. } => return Some(lo),
        _ => return None,
    };
    let R::Id(p) = page else { return None };
    sut.ws.page(sut.ids.pages[p]).ok().map(|p| sut.ids.id(p.learning_object()))
}

struct WorkspaceTest;

/// For each page, the first page (in handle order) that holds the same
/// title, body and item list allocations: two pages share exactly when
/// they map to the same page.
#[cfg(feature = "serde")]
fn sharing(ws: &Workspace) -> Vec<(PageKey, [PageKey; 3])> {
    let mut first: [std::collections::HashMap<usize, PageKey>; 3] = Default::default();
    ws.pages()
        .map(|(k, p)| {
            let at = [p.title().as_ptr() as usize, p.body().as_ptr() as usize, p.items().as_ptr() as usize];
            (k, std::array::from_fn(|i| *first[i].entry(at[i]).or_insert(k)))
        })
        .collect()
}

impl StateMachineTest for WorkspaceTest {
    type SystemUnderTest = Sut;
    type Reference = Reference;

    fn init_test(_: &m::Model) -> Sut {
        let mut sut = Sut::new();
        for t in setup() {
            sut.run(&t).unwrap();
        }
        sut
    }

    fn apply(mut sut: Sut, model: &m::Model, t: T) -> Sut {
        let before = sut.ws.clone();
        let lo = lo_of(&sut, &t);
        let result = sut.run(&t);
        match (result, &model.last) {
            (Ok(reach), Ok(())) => {
                if let (Some(reach), Some(lo)) = (reach, lo) {
                    // ACC-3: the change reports every course it reaches.
                    let got: BTreeSet<usize> = reach.iter().map(|c| sut.ids.id(c)).collect();
                    assert_eq!(got, model.used_in(lo), "reach of {t:?}");
                }
            }
            (Err(e), Err(expected)) => {
                assert_eq!(&sut.ids.normalize(e.clone()), expected, "{t:?} failed with {e}");
                // INT-3: a failed operation changed nothing, down to the
                // bytes of its saved form.
                assert!(sut.ws == before, "{t:?} failed with {e} but changed the workspace");
                #[cfg(feature = "serde")]
                assert!(
                    serde_json::to_vec(&sut.ws).unwrap() == serde_json::to_vec(&before).unwrap(),
                    "{t:?} failed with {e} but changed the saved form"
                );
            }
            (Ok(_), Err(expected)) => panic!("{t:?} succeeded; the model expected {expected:?}"),
            (Err(e), Ok(())) => panic!("{t:?} failed with {e:?}; the model expected success"),
        }
        sut
    }

    fn check_invariants(sut: &Sut, model: &m::Model) {
        // INT-1.
        if let Err(e) = sut.ws.check_integrity() {
            panic!("{e}");
        }
        // INT-4: saved and loaded back, the workspace is equal.
        #[cfg(feature = "serde")]
        {
            let saved = serde_json::to_string(&sut.ws).unwrap();
            let loaded: Workspace = serde_json::from_str(&saved).unwrap();
            assert!(loaded == sut.ws, "the workspace did not load back equal");
            // INT-6: and its pages share exactly what they shared.
            assert_eq!(sharing(&loaded), sharing(&sut.ws), "the pages' sharing changed through save and load");
        }
        // Everything observable equals the model, entity by entity.
        let (got, want) = (sut.project(model), model.view());
        fn same<V: PartialEq + std::fmt::Debug>(kind: &str, got: &[V], want: &[V]) {
            assert_eq!(got.len(), want.len(), "number of {kind} ids");
            for (i, (g, w)) in got.iter().zip(want).enumerate() {
                assert_eq!(g, w, "{kind} #{i}: the workspace (left) differs from the model (right)");
            }
        }
        same("user", &got.users, &want.users);
        same("course", &got.courses, &want.courses);
        same("learning object", &got.los, &want.los);
        same("page", &got.pages, &want.pages);
        same("style", &got.styles, &want.styles);
        same("library item", &got.items, &want.items);
        // REU-1: where each library item is used, from the index, equals a
        // scan of the model's pages.
        for (i, item) in model.items.iter().enumerate() {
            if item.is_none() {
                continue;
            }
            let mut got: Vec<usize> = sut.ws.pages_using(sut.ids.items[i]).into_iter().map(|p| sut.ids.id(p)).collect();
            got.sort();
            let want: Vec<usize> = (0..model.pages.len())
                .filter(|p| model.pages[*p].as_ref().is_some_and(|p| p.items.contains(&i)))
                .collect();
            assert_eq!(got, want, "pages using library item #{i}");
        }
        let counts = sut.ws.counts();
        assert_eq!(counts.courses, live(&model.courses).len());
        assert_eq!(counts.learning_objects, live(&model.los).len());
        assert_eq!(counts.pages, live(&model.pages).len());
        assert_eq!(counts.library_items, live(&model.items).len());
    }
}

fn cases() -> u32 {
    std::env::var("COURSECOPY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

prop_state_machine! {
    #![proptest_config(Config {
        cases: cases(),
        max_shrink_iters: 10_000,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("proptest-regressions/model.txt"))),
        .. Config::default()
    })]

    /// Random sequences of every changing operation, by every role, on live,
    /// stale and foreign handles, against the reference model: SHR-1..7,
    /// DUP-1..6, GLB-1..3, OPT-1..4, ACC-1..3, INT-1..3, DAT-1, DAT-3..6.
    #[test]
    fn workspace_matches_the_reference_model(sequential 1..64 => WorkspaceTest);
}
