//! The reference model: plain data, with indices where the crate has
//! handles. It applies the rules of the specification directly and predicts
//! the outcome of every operation, errors included.
//!
//! - A course is a list of LO ids (Share copies the list: SHR-1).
//! - An LO is a list of page ids; which courses include an LO is never
//!   stored, it is found by scanning the courses (SHR-4, SHR-5).
//! - A page is plain values; Duplicate makes new ids for LOs and pages, keeps
//!   the library ids, clears the style (DUP-1, DUP-3, DUP-4).
//! - Library items are looked up by id, so an update is seen by every page
//!   that holds the id (GLB-2).
//!
//! Every operation checks first and changes after, in the order the crate
//! documents for `Error`: the entities acted on exist, the actor exists and
//! has the right, they fit together, then the other arguments.

use coursecopy::{Category, Role};
use std::collections::BTreeSet;

pub type Id = usize;

/// How a transition names an entity: an id the model handed out (live or
/// deleted), or a handle from another workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum R {
    Id(Id),
    Foreign,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Media,
    Resource,
    Term,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ent {
    User(R),
    Course(R),
    Lo(R),
    Page(R),
    Style(R),
    Item(R),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    ManageUsers,
    CreateCourse,
    Read(R),
    Edit(R),
    EditLibrary,
    DeleteLo(R),
    Lock(R),
    Unlock(R),
}

/// A predicted error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fail {
    NotFound(Ent),
    Forbidden(R, Act),
    Conflict(&'static str, String, Id),
    InUse(Ent, BTreeSet<Ent>),
    NotIn(Ent, Ent),
    AlreadyIn(Ent, Ent),
    Invalid(&'static str),
    Locked(R, Id),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Share,
    Duplicate,
    /// A Duplicate that remembers its upstream (LNK-1): in everything this
    /// model observes, it is a Duplicate; `tests/linked_model.rs` checks
    /// the links themselves.
    Linked,
}

/// A date, in milliseconds since 1970 (courses here are in UTC).
pub type Ms = i64;

/// An item's start, end and due date.
pub type Dates = [Option<Ms>; 3];

pub const DAY: Ms = 86_400_000;

/// A date shift (DAT-1..4), with days counted since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shift {
    /// By days, with an optional weekday substitution (from, to).
    Days(i32, Option<(u8, u8)>),
    /// By range: old start, old end, new start, new end (days), and a
    /// substitution.
    Range([i64; 4], Option<(u8, u8)>),
    Remove,
}

impl Shift {
    /// DAT-1..5, directly, in UTC (no gap, no fold): each date's day
    /// moves by the rule; if that puts the end, or a due date that was not
    /// before the start, before the start, the earliest date's day moves by
    /// the rule and every date of the item by the same days.
    pub fn apply(self, dates: Dates) -> Dates {
        if self == Shift::Remove {
            return [None; 3];
        }
        let each = dates.map(|d| d.map(|d| d + (self.new_day(d.div_euclid(DAY)) - d.div_euclid(DAY)) * DAY));
        let reversed = match each {
            [Some(s), Some(e), _] if e < s => true,
            [Some(s), _, Some(d)] => dates[2] >= dates[0] && d < s,
            _ => false,
        };
        if !reversed {
            return each;
        }
        let Some(first) = dates.iter().flatten().min().copied() else { return dates };
        let day = first.div_euclid(DAY);
        let by = (self.new_day(day) - day) * DAY;
        dates.map(|d| d.map(|d| d + by))
    }

    /// The day (since 1970-01-01) that `day` moves to (DAT-1, DAT-3).
    fn new_day(self, day: i64) -> i64 {
        // 1970-01-01 was a Thursday (4); 0 is Sunday.
        let weekday = |d: i64| (d + 4).rem_euclid(7);
        let forward = |d: i64, w: i64| d + (w - weekday(d)).rem_euclid(7);
        let wanted = |sub: Option<(u8, u8)>| {
            sub.filter(|(from, _)| i64::from(*from) == weekday(day)).map(|(_, to)| i64::from(to))
        };
        match self {
            Shift::Remove => day,
            Shift::Days(d, sub) => match wanted(sub) {
                Some(w) => forward(day + i64::from(d), w),
                None => day + i64::from(d),
            },
            Shift::Range([os, oe, ns, ne], sub) => {
                let offset = if oe == os {
                    0
                } else {
                    let (num, den) = ((day - os) * (ne - ns), oe - os);
                    // Halves away from zero.
                    let q = num / den;
                    if 2 * (num % den).abs() >= den.abs() { q + num.signum() * den.signum() } else { q }
                };
                let proportional = ns + offset;
                let w = wanted(sub).unwrap_or(weekday(day));
                let ahead = forward(proportional, w);
                // DAT-3: a date already on its weekday stays; one moved
                // forward goes back a week unless that is before the start.
                if ahead != proportional && ahead - 7 >= ns { ahead - 7 } else { ahead }
            }
        }
    }
}

/// Whether a category takes a date (start, end, due): SPEC section 12.
pub fn takes(category: Category, field: usize) -> bool {
    use Category::*;
    match field {
        0 | 1 => matches!(category, Assessments | Announcements | Calendar | Discussions | AdaptiveReleaseRules),
        _ => matches!(category, Assessments | Tasks | Gradebook),
    }
}

/// Every changing operation the suite drives.
#[derive(Clone, Debug)]
pub enum T {
    CreateUser {
        actor: R,
        name: &'static str,
        role: Role,
    },
    SetRole {
        actor: R,
        user: R,
        role: Role,
    },
    CreateCourse {
        actor: R,
        course_id: &'static str,
        title: &'static str,
    },
    UpdateCourse {
        actor: R,
        course: R,
        title: Option<&'static str>,
        external_id: Option<&'static str>,
    },
    DeleteCourse {
        actor: R,
        course: R,
    },
    Assign {
        actor: R,
        course: R,
        user: R,
    },
    Unassign {
        actor: R,
        course: R,
        user: R,
    },
    CreateStyle {
        actor: R,
        course: R,
        name: &'static str,
    },
    CreateLo {
        actor: R,
        course: R,
        title: &'static str,
    },
    EditLo {
        actor: R,
        via: R,
        lo: R,
        title: &'static str,
    },
    AddLo {
        actor: R,
        course: R,
        lo: R,
        at: Option<usize>,
    },
    RemoveLo {
        actor: R,
        course: R,
        lo: R,
    },
    MoveLo {
        actor: R,
        course: R,
        lo: R,
        to: usize,
    },
    DeleteLo {
        actor: R,
        lo: R,
    },
    AddPage {
        actor: R,
        via: R,
        lo: R,
        title: &'static str,
        body: &'static str,
        style: Option<R>,
        items: Vec<R>,
    },
    EditPage {
        actor: R,
        via: R,
        page: R,
        title: Option<&'static str>,
        body: Option<&'static str>,
    },
    DeletePage {
        actor: R,
        via: R,
        page: R,
    },
    MovePage {
        actor: R,
        via: R,
        page: R,
        to: usize,
    },
    SetStyle {
        actor: R,
        via: R,
        page: R,
        style: Option<R>,
    },
    Attach {
        actor: R,
        via: R,
        page: R,
        item: R,
    },
    Replace {
        actor: R,
        via: R,
        page: R,
        old: R,
        new: R,
    },
    Detach {
        actor: R,
        via: R,
        page: R,
        item: R,
    },
    CreateItem {
        actor: R,
        kind: Kind,
        name: &'static str,
    },
    UpdateItem {
        actor: R,
        item: R,
        content: &'static str,
    },
    DeleteItem {
        actor: R,
        item: R,
    },
    Copy {
        actor: R,
        source: R,
        mode: Mode,
        course_id: Option<&'static str>,
        title: Option<&'static str>,
        keep_authors: bool,
        /// DAT-5: the copy's dates shifted.
        shift: Option<Shift>,
    },
    Lock {
        actor: R,
        course: R,
    },
    DetachLo {
        actor: R,
        course: R,
        lo: R,
    },
    Unlock {
        actor: R,
        course: R,
    },
    /// A tool item with dates.
    AddDated {
        actor: R,
        course: R,
        category: Category,
        dates: Dates,
    },
    /// DAT-6: every date of a course shifted in place.
    ShiftDates {
        actor: R,
        course: R,
        shift: Shift,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Course {
    pub course_id: String,
    pub external_id: String,
    pub title: String,
    pub created_by: Id,
    pub assigned: BTreeSet<Id>,
    pub los: Vec<Id>,
    pub styles: Vec<Id>,
    pub copied_from: Option<Id>,
    /// Who locked the course (ACC-4).
    pub lock: Option<Id>,
    /// Its tool items, each a category and dates, in the order the
    /// suite compares them (sorted).
    pub dated: Vec<(Category, Dates)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lo {
    pub title: String,
    pub parent: Option<Id>,
    pub pages: Vec<Id>,
    pub origin: Option<Id>,
    /// Derived when the model is viewed, never stored: see [`Model::view`].
    pub used_in: BTreeSet<Id>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub title: String,
    pub body: String,
    pub style: Option<Id>,
    pub items: Vec<Id>,
    pub lo: Id,
    pub origin: Option<Id>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Style {
    pub course: Id,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub kind: Kind,
    pub name: String,
    pub content: String,
}

/// The whole model. `None` marks a deleted entity; its id is never reused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    pub users: Vec<User>,
    pub courses: Vec<Option<Course>>,
    pub los: Vec<Option<Lo>>,
    pub pages: Vec<Option<Page>>,
    pub styles: Vec<Option<Style>>,
    pub items: Vec<Option<Item>>,
    /// The predicted outcome of the last transition.
    pub last: Result<(), Fail>,
}

fn get<V>(list: &[Option<V>], r: R, ent: fn(R) -> Ent) -> Result<&V, Fail> {
    match r {
        R::Id(i) => list.get(i).and_then(Option::as_ref).ok_or(Fail::NotFound(ent(r))),
        R::Foreign => Err(Fail::NotFound(ent(r))),
    }
}

fn id(r: R) -> Id {
    match r {
        R::Id(i) => i,
        R::Foreign => unreachable!("only called on resolved references"),
    }
}

fn valid_name(field: &'static str, s: &str) -> Result<(), Fail> {
    let ok = !s.trim().is_empty() && !s.chars().any(char::is_control) && s.chars().count() <= 333;
    if ok { Ok(()) } else { Err(Fail::Invalid(field)) }
}

fn valid_identifier(field: &'static str, s: &str, max: usize) -> Result<(), Fail> {
    let ok = !s.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control()) && s.chars().count() <= max;
    if ok { Ok(()) } else { Err(Fail::Invalid(field)) }
}

impl Model {
    pub fn new(admin: &str) -> Self {
        Model {
            users: vec![User { name: admin.into(), role: Role::Administrator }],
            courses: vec![],
            los: vec![],
            pages: vec![],
            styles: vec![],
            items: vec![],
            last: Ok(()),
        }
    }

    /// Applies a transition: predicts its outcome, and changes the model
    /// only if it succeeds.
    pub fn apply(mut self, t: &T) -> Self {
        let mut next = self.clone();
        match next.run(t) {
            Ok(()) => {
                next.last = Ok(());
                next
            }
            Err(fail) => {
                self.last = Err(fail);
                self
            }
        }
    }

    // ---- lookups -------------------------------------------------------

    fn user(&self, r: R) -> Result<&User, Fail> {
        match r {
            R::Id(i) => self.users.get(i).ok_or(Fail::NotFound(Ent::User(r))),
            R::Foreign => Err(Fail::NotFound(Ent::User(r))),
        }
    }
    fn course(&self, r: R) -> Result<&Course, Fail> {
        get(&self.courses, r, Ent::Course)
    }
    fn lo(&self, r: R) -> Result<&Lo, Fail> {
        get(&self.los, r, Ent::Lo)
    }
    fn page(&self, r: R) -> Result<&Page, Fail> {
        get(&self.pages, r, Ent::Page)
    }
    fn style(&self, r: R) -> Result<&Style, Fail> {
        get(&self.styles, r, Ent::Style)
    }
    fn item(&self, r: R) -> Result<&Item, Fail> {
        get(&self.items, r, Ent::Item)
    }

    /// The courses whose LO list holds `lo`: "where used", by scanning.
    pub fn used_in(&self, lo: Id) -> BTreeSet<Id> {
        (0..self.courses.len()).filter(|c| self.courses[*c].as_ref().is_some_and(|c| c.los.contains(&lo))).collect()
    }

    fn holder(&self, f: impl Fn(&Course) -> bool) -> Option<Id> {
        (0..self.courses.len()).find(|c| self.courses[*c].as_ref().is_some_and(&f))
    }

    // ---- rights (ACC-1) ------------------------------------------------

    fn member(&self, c: R, u: Id) -> bool {
        self.course(c).is_ok_and(|c| c.created_by == u || c.assigned.contains(&u))
    }

    /// Fails if course `c` is locked (ACC-4).
    fn unlocked(&self, c: Id) -> Result<(), Fail> {
        match self.courses[c].as_ref().and_then(|c| c.lock) {
            Some(by) => Err(Fail::Locked(R::Id(c), by)),
            None => Ok(()),
        }
    }

    /// The actor exists and may do `act`; nobody edits a locked course, nor
    /// deletes an LO whose parent is locked (ACC-4).
    fn may(&self, actor: R, act: Act) -> Result<(), Fail> {
        let role = self.user(actor)?.role;
        let u = id(actor);
        let admin = role == Role::Administrator;
        let author = role == Role::Author;
        let ok = match act {
            Act::ManageUsers => admin,
            Act::CreateCourse | Act::EditLibrary => admin || author,
            Act::Read(c) => admin || self.member(c, u),
            Act::Edit(c) => admin || (author && self.member(c, u)),
            Act::DeleteLo(lo) => match self.lo(lo)?.parent {
                Some(p) => admin || (author && self.member(R::Id(p), u)),
                None => admin,
            },
            Act::Lock(c) => admin || (author && self.member(c, u)),
            Act::Unlock(c) => admin || self.course(c)?.lock.is_none_or(|by| by == u),
        };
        if !ok {
            return Err(Fail::Forbidden(actor, act));
        }
        match act {
            Act::Edit(c) => self.unlocked(id(c)),
            Act::DeleteLo(lo) => self.lo(lo)?.parent.map_or(Ok(()), |p| self.unlocked(p)),
            _ => Ok(()),
        }
    }

    /// `actor` may change `lo` through course `via` (edit rights there, and
    /// `via` includes the LO or is its parent). `named` is the entity the
    /// error names when the LO is not reachable.
    fn reach(&self, actor: R, via: R, lo: Id, named: Ent) -> Result<(), Fail> {
        self.may(actor, Act::Edit(via))?;
        let record = self.los[lo].as_ref().expect("live LO");
        if !(self.course(via)?.los.contains(&lo) || record.parent == Some(id(via))) {
            return Err(Fail::NotIn(named, Ent::Course(via)));
        }
        record.parent.map_or(Ok(()), |p| self.unlocked(p))
    }

    /// The page exists and `actor` may change it through `via`.
    fn reach_page(&self, actor: R, via: R, page: R) -> Result<Id, Fail> {
        self.course(via)?;
        let lo = self.page(page)?.lo;
        self.reach(actor, via, lo, Ent::Page(page))?;
        Ok(id(page))
    }

    fn check_style(&self, style: R, via: R) -> Result<(), Fail> {
        if self.style(style)?.course != id(via) {
            return Err(Fail::NotIn(Ent::Style(style), Ent::Course(via)));
        }
        Ok(())
    }

    fn check_position(at: usize, len: usize, append_ok: bool) -> Result<(), Fail> {
        let ok = if append_ok { at <= len } else { at < len };
        if ok { Ok(()) } else { Err(Fail::Invalid("position")) }
    }

    fn derive_course_id(&self, base: &str) -> String {
        (1..)
            .map(|n| if n == 1 { format!("{base}-copy") } else { format!("{base}-copy-{n}") })
            .find(|id| self.holder(|c| &c.course_id == id || &c.external_id == id).is_none())
            .unwrap()
    }

    // ---- the operations ------------------------------------------------

    fn run(&mut self, t: &T) -> Result<(), Fail> {
        match *t {
            T::CreateUser { actor, name, role } => {
                self.may(actor, Act::ManageUsers)?;
                valid_name("name", name)?;
                self.users.push(User { name: name.into(), role });
            }
            T::SetRole { actor, user, role } => {
                let current = self.user(user)?.role;
                self.may(actor, Act::ManageUsers)?;
                let admins = self.users.iter().filter(|u| u.role == Role::Administrator).count();
                if current == Role::Administrator && role != Role::Administrator && admins == 1 {
                    return Err(Fail::Invalid("role"));
                }
                self.users[id(user)].role = role;
            }
            T::CreateCourse { actor, course_id, title } => {
                self.may(actor, Act::CreateCourse)?;
                valid_identifier("course_id", course_id, 100)?;
                if let Some(h) = self.holder(|c| c.course_id == course_id) {
                    return Err(Fail::Conflict("course_id", course_id.into(), h));
                }
                if let Some(h) = self.holder(|c| c.external_id == course_id) {
                    return Err(Fail::Conflict("external_id", course_id.into(), h));
                }
                valid_name("title", title)?;
                let u = id(actor);
                self.courses.push(Some(Course {
                    course_id: course_id.into(),
                    external_id: course_id.into(),
                    title: title.into(),
                    created_by: u,
                    assigned: BTreeSet::from([u]),
                    los: vec![],
                    styles: vec![],
                    copied_from: None,
                    lock: None,
                    dated: vec![],
                }));
            }
            T::UpdateCourse { actor, course, title, external_id } => {
                self.course(course)?;
                self.may(actor, Act::Edit(course))?;
                if let Some(ext) = external_id {
                    valid_identifier("external_id", ext, 256)?;
                    if let Some(h) = self.holder(|c| c.external_id == ext).filter(|h| *h != id(course)) {
                        return Err(Fail::Conflict("external_id", ext.into(), h));
                    }
                }
                if let Some(t) = title {
                    valid_name("title", t)?;
                }
                let c = self.courses[id(course)].as_mut().unwrap();
                if let Some(ext) = external_id {
                    c.external_id = ext.into();
                }
                if let Some(t) = title {
                    c.title = t.into();
                }
            }
            T::DeleteCourse { actor, course } => {
                self.course(course)?;
                self.may(actor, Act::Edit(course))?;
                let c = id(course);
                let record = self.courses[c].take().unwrap();
                for lo in self.los.iter_mut().flatten().filter(|lo| lo.parent == Some(c)) {
                    lo.parent = None;
                }
                for s in &record.styles {
                    self.styles[*s] = None;
                }
                for page in self.pages.iter_mut().flatten() {
                    if page.style.is_some_and(|s| record.styles.contains(&s)) {
                        page.style = None;
                    }
                }
            }
            T::Assign { actor, course, user } | T::Unassign { actor, course, user } => {
                self.course(course)?;
                self.may(actor, Act::Edit(course))?;
                self.user(user)?;
                let assigned = self.course(course)?.assigned.contains(&id(user));
                let assign = matches!(t, T::Assign { .. });
                match (assign, assigned) {
                    (true, true) => {
                        return Err(Fail::AlreadyIn(Ent::User(user), Ent::Course(course)));
                    }
                    (false, false) => {
                        return Err(Fail::NotIn(Ent::User(user), Ent::Course(course)));
                    }
                    _ => {}
                }
                let set = &mut self.courses[id(course)].as_mut().unwrap().assigned;
                if assign {
                    set.insert(id(user));
                } else {
                    set.remove(&id(user));
                }
            }
            T::CreateStyle { actor, course, name } => {
                self.course(course)?;
                self.may(actor, Act::Edit(course))?;
                valid_name("name", name)?;
                self.styles.push(Some(Style { course: id(course), name: name.into() }));
                let s = self.styles.len() - 1;
                self.courses[id(course)].as_mut().unwrap().styles.push(s);
            }
            T::CreateLo { actor, course, title } => {
                self.course(course)?;
                self.may(actor, Act::Edit(course))?;
                valid_name("title", title)?;
                self.los.push(Some(Lo {
                    title: title.into(),
                    parent: Some(id(course)),
                    pages: vec![],
                    origin: None,
                    used_in: BTreeSet::new(),
                }));
                let lo = self.los.len() - 1;
                self.courses[id(course)].as_mut().unwrap().los.push(lo);
            }
            T::EditLo { actor, via, lo, title } => {
                self.course(via)?;
                self.lo(lo)?;
                self.reach(actor, via, id(lo), Ent::Lo(lo))?;
                valid_name("title", title)?;
                self.los[id(lo)].as_mut().unwrap().title = title.into();
            }
            T::AddLo { actor, course, lo, at } => {
                let len = self.course(course)?.los.len();
                self.may(actor, Act::Edit(course))?;
                let parent = self.lo(lo)?.parent;
                if let Some(p) = parent {
                    self.may(actor, Act::Read(R::Id(p)))?;
                }
                if self.course(course)?.los.contains(&id(lo)) {
                    return Err(Fail::AlreadyIn(Ent::Lo(lo), Ent::Course(course)));
                }
                let at = at.unwrap_or(len);
                Self::check_position(at, len, true)?;
                self.courses[id(course)].as_mut().unwrap().los.insert(at, id(lo));
            }
            T::RemoveLo { actor, course, lo } | T::MoveLo { actor, course, lo, .. } => {
                self.course(course)?;
                self.lo(lo)?;
                self.may(actor, Act::Edit(course))?;
                let list = &self.course(course)?.los;
                let at = list.iter().position(|l| *l == id(lo));
                let at = at.ok_or(Fail::NotIn(Ent::Lo(lo), Ent::Course(course)))?;
                if let T::MoveLo { to, .. } = *t {
                    Self::check_position(to, list.len(), false)?;
                    let list = &mut self.courses[id(course)].as_mut().unwrap().los;
                    let lo = list.remove(at);
                    list.insert(to, lo);
                } else {
                    self.courses[id(course)].as_mut().unwrap().los.remove(at);
                }
            }
            T::DeleteLo { actor, lo } => {
                self.lo(lo)?;
                self.may(actor, Act::DeleteLo(lo))?;
                let used = self.used_in(id(lo));
                if !used.is_empty() {
                    let by = used.into_iter().map(|c| Ent::Course(R::Id(c))).collect();
                    return Err(Fail::InUse(Ent::Lo(lo), by));
                }
                let record = self.los[id(lo)].take().unwrap();
                for p in record.pages {
                    self.pages[p] = None;
                }
            }
            T::AddPage { actor, via, lo, title, body, style, ref items } => {
                self.course(via)?;
                self.lo(lo)?;
                self.reach(actor, via, id(lo), Ent::Lo(lo))?;
                valid_name("title", title)?;
                if let Some(s) = style {
                    self.check_style(s, via)?;
                }
                for (n, item) in items.iter().enumerate() {
                    self.item(*item)?;
                    if items[..n].contains(item) {
                        return Err(Fail::Invalid("items"));
                    }
                }
                self.pages.push(Some(Page {
                    title: title.into(),
                    body: body.into(),
                    style: style.map(id),
                    items: items.iter().map(|i| id(*i)).collect(),
                    lo: id(lo),
                    origin: None,
                }));
                let p = self.pages.len() - 1;
                self.los[id(lo)].as_mut().unwrap().pages.push(p);
            }
            T::EditPage { actor, via, page, title, body } => {
                let p = self.reach_page(actor, via, page)?;
                if let Some(t) = title {
                    valid_name("title", t)?;
                }
                let record = self.pages[p].as_mut().unwrap();
                if let Some(t) = title {
                    record.title = t.into();
                }
                if let Some(b) = body {
                    record.body = b.into();
                }
            }
            T::DeletePage { actor, via, page } => {
                let p = self.reach_page(actor, via, page)?;
                let lo = self.pages[p].take().unwrap().lo;
                self.los[lo].as_mut().unwrap().pages.retain(|x| *x != p);
            }
            T::MovePage { actor, via, page, to } => {
                let p = self.reach_page(actor, via, page)?;
                let lo = self.pages[p].as_ref().unwrap().lo;
                let list = &mut self.los[lo].as_mut().unwrap().pages;
                Self::check_position(to, list.len(), false)?;
                list.retain(|x| *x != p);
                list.insert(to, p);
            }
            T::SetStyle { actor, via, page, style } => {
                let p = self.reach_page(actor, via, page)?;
                if let Some(s) = style {
                    self.check_style(s, via)?;
                }
                self.pages[p].as_mut().unwrap().style = style.map(id);
            }
            T::Attach { actor, via, page, item } => {
                let p = self.reach_page(actor, via, page)?;
                self.item(item)?;
                if self.pages[p].as_ref().unwrap().items.contains(&id(item)) {
                    return Err(Fail::AlreadyIn(Ent::Item(item), Ent::Page(page)));
                }
                self.pages[p].as_mut().unwrap().items.push(id(item));
            }
            T::Replace { actor, via, page, old, new } => {
                let p = self.reach_page(actor, via, page)?;
                let items = &self.pages[p].as_ref().unwrap().items;
                let at = match old {
                    R::Id(o) => items.iter().position(|i| *i == o),
                    R::Foreign => None,
                };
                let at = at.ok_or(Fail::NotIn(Ent::Item(old), Ent::Page(page)))?;
                self.item(new)?;
                if new != old && items.contains(&id(new)) {
                    return Err(Fail::AlreadyIn(Ent::Item(new), Ent::Page(page)));
                }
                self.pages[p].as_mut().unwrap().items[at] = id(new);
            }
            T::Detach { actor, via, page, item } => {
                let p = self.reach_page(actor, via, page)?;
                let items = &self.pages[p].as_ref().unwrap().items;
                if !matches!(item, R::Id(i) if items.contains(&i)) {
                    return Err(Fail::NotIn(Ent::Item(item), Ent::Page(page)));
                }
                self.pages[p].as_mut().unwrap().items.retain(|i| *i != id(item));
            }
            T::CreateItem { actor, kind, name } => {
                self.may(actor, Act::EditLibrary)?;
                valid_name("name", name)?;
                self.items.push(Some(Item { kind, name: name.into(), content: String::new() }));
            }
            T::UpdateItem { actor, item, content } => {
                self.item(item)?;
                self.may(actor, Act::EditLibrary)?;
                self.items[id(item)].as_mut().unwrap().content = content.into();
            }
            T::DeleteItem { actor, item } => {
                self.item(item)?;
                self.may(actor, Act::EditLibrary)?;
                let users: BTreeSet<Ent> = (0..self.pages.len())
                    .filter(|p| self.pages[*p].as_ref().is_some_and(|p| p.items.contains(&id(item))))
                    .map(|p| Ent::Page(R::Id(p)))
                    .collect();
                if !users.is_empty() {
                    return Err(Fail::InUse(Ent::Item(item), users));
                }
                self.items[id(item)] = None;
            }
            T::Copy { actor, source, mode, course_id, title, keep_authors, shift } => {
                let src = self.course(source)?.clone();
                self.may(actor, Act::Read(source))?;
                self.may(actor, Act::CreateCourse)?;
                let new_id = match course_id {
                    Some(cid) => {
                        valid_identifier("course_id", cid, 100)?;
                        if let Some(h) = self.holder(|c| c.course_id == cid) {
                            return Err(Fail::Conflict("course_id", cid.into(), h));
                        }
                        cid.to_string()
                    }
                    None => self.derive_course_id(&src.course_id),
                };
                if let Some(h) = self.holder(|c| c.external_id == new_id) {
                    return Err(Fail::Conflict("external_id", new_id, h));
                }
                if let Some(t) = title {
                    valid_name("title", t)?;
                }
                // OPT-1, OPT-2, OPT-4: everything from the source but the
                // identity and what the options set.
                let c = self.courses.len();
                let u = id(actor);
                let mut course = Course {
                    course_id: new_id.clone(),
                    external_id: new_id,
                    title: title.map_or(src.title.clone(), String::from),
                    created_by: u,
                    assigned: if keep_authors { src.assigned.clone() } else { BTreeSet::from([u]) },
                    los: vec![],
                    styles: vec![],
                    copied_from: Some(id(source)),
                    lock: None,
                    // SHR-6 and DAT-5: the tools, their dates shifted.
                    dated: src.dated.iter().map(|(c, d)| (*c, shift.map_or(*d, |s| s.apply(*d)))).collect(),
                };
                for s in &src.styles {
                    let name = self.styles[*s].as_ref().unwrap().name.clone();
                    self.styles.push(Some(Style { course: c, name }));
                    course.styles.push(self.styles.len() - 1);
                }
                course.los = match mode {
                    // SHR-1: the same LO ids.
                    Mode::Share => src.los.clone(),
                    // DUP-1, DUP-3..6: new LOs and pages.
                    Mode::Duplicate | Mode::Linked => src.los.iter().map(|lo| self.duplicate_lo(*lo, c)).collect(),
                };
                self.courses.push(Some(course));
            }
            T::DetachLo { actor, course, lo } => {
                // REU-4: the course gets a duplicate of the LO in its place.
                self.course(course)?;
                self.lo(lo)?;
                self.may(actor, Act::Edit(course))?;
                let at = self.course(course)?.los.iter().position(|l| *l == id(lo));
                let at = at.ok_or(Fail::NotIn(Ent::Lo(lo), Ent::Course(course)))?;
                let copy = self.duplicate_lo(id(lo), id(course));
                self.courses[id(course)].as_mut().unwrap().los[at] = copy;
            }
            T::Lock { actor, course } => {
                self.course(course)?;
                self.may(actor, Act::Lock(course))?;
                self.unlocked(id(course))?;
                self.courses[id(course)].as_mut().unwrap().lock = Some(id(actor));
            }
            T::AddDated { actor, course, category, dates } => {
                self.course(course)?;
                self.may(actor, Act::Edit(course))?;
                const FIELDS: [&str; 3] = ["start", "end", "due"];
                if let Some(f) = (0..3).find(|f| dates[*f].is_some() && !takes(category, *f)) {
                    return Err(Fail::Invalid(FIELDS[f]));
                }
                if let [Some(start), Some(end), _] = dates
                    && end < start
                {
                    return Err(Fail::Invalid("end"));
                }
                self.courses[id(course)].as_mut().unwrap().dated.push((category, dates));
            }
            T::ShiftDates { actor, course, shift } => {
                self.course(course)?;
                self.may(actor, Act::Edit(course))?;
                for (_, dates) in &mut self.courses[id(course)].as_mut().unwrap().dated {
                    *dates = shift.apply(*dates);
                }
            }
            T::Unlock { actor, course } => {
                self.course(course)?;
                self.may(actor, Act::Unlock(course))?;
                if self.course(course)?.lock.is_none() {
                    return Err(Fail::Invalid("lock"));
                }
                self.courses[id(course)].as_mut().unwrap().lock = None;
            }
        }
        Ok(())
    }

    fn duplicate_lo(&mut self, lo: Id, into: Id) -> Id {
        let source = self.los[lo].clone().unwrap();
        let new_lo = self.los.len();
        self.los.push(None);
        let mut pages = vec![];
        for p in source.pages {
            let page = self.pages[p].clone().unwrap();
            self.pages.push(Some(Page { style: None, lo: new_lo, origin: Some(p), ..page }));
            pages.push(self.pages.len() - 1);
        }
        self.los[new_lo] =
            Some(Lo { title: source.title, parent: Some(into), pages, origin: Some(lo), used_in: BTreeSet::new() });
        new_lo
    }

    /// The model as the suite compares it: with each LO's where-used set
    /// derived by scanning the courses.
    pub fn view(&self) -> Model {
        let mut view = self.clone();
        for (i, lo) in view.los.iter_mut().enumerate() {
            if let Some(lo) = lo {
                lo.used_in = self.used_in(i);
            }
        }
        for course in view.courses.iter_mut().flatten() {
            course.dated.sort();
        }
        view.last = Ok(());
        view
    }
}
