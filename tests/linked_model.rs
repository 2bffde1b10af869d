//! Linked copies against a reference model (LNK-1..14): random sequences
//! of edits on both sides, linked copies (of linked copies too), syncs that
//! keep or overwrite customisations and keep or follow deleted upstreams
//! (LNK-14), course syncs, pushes from upstream,
//! declines, reverts, unlinks, field locks, item locks of pages and
//! learning objects (LNK-13), course locks, deletions of pages and
//! learning objects, re-creations of deleted copies an upstream locked
//! since (LNK-14), and save and load.
//!
//! The model is deliberately naive: a linked LO keeps a plain copy of its
//! upstream as it was at the last sync (title, page list, each page's
//! title and body), and a sync compares that copy with the upstream field
//! by field and page by page. It has no versions, edit log or position
//! hints, so it checks the crate's fast paths against the plain
//! definition of LNK-4 and LNK-6.
//!
//! After every step:
//!
//! - every course's LO list, every LO's title, pages and link (upstream,
//!   upstream course, reordered, customised title), every page's title,
//!   body and link (upstream, customised fields) equal the model's;
//! - "updates available" of every course equals the model's (LNK-3, LNK-7);
//! - the preview of every linked LO equals the model's, change by change
//!   (LNK-4);
//! - every linked page's field that is not customised equals its upstream
//!   at the synced version (the model's copy), and no link holds a dead
//!   handle (`check_integrity`, LNK-10, INT-1);
//! - a refused operation returns the model's error and changes nothing
//!   (INT-3).
//!
//! `COURSECOPY_CASES` sets the number of cases (default 128).

use coursecopy::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};
use std::collections::{BTreeMap, HashMap};

const TEXTS: &[&str] = &["A", "B", "C"];
const COURSES: usize = 4;

// ---- the model --------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
enum Fail {
    Locked,
    FieldLocked,
    ItemLocked,
    NotLinked,
    Invalid,
}

#[derive(Clone, Debug)]
struct MPage {
    title: String,
    body: String,
    link: Option<PLink>,
    /// The page locks its content for its linked copies (LNK-13).
    item_locked: bool,
}

#[derive(Clone, Debug)]
struct PLink {
    upstream: Option<usize>,
    /// The upstream page it was made from; never cleared.
    orig: usize,
    base_title: String,
    base_body: String,
    cust_title: bool,
    cust_body: bool,
}

#[derive(Clone, Debug)]
struct MLo {
    course: usize,
    title: String,
    pages: Vec<usize>,
    /// A counter of changes: compared only with itself.
    changes: u64,
    layout_at: u64,
    link: Option<LLink>,
    /// The LO locks its title for its linked copies (LNK-13).
    item_locked: bool,
}

#[derive(Clone, Debug)]
struct LLink {
    upstream: Option<usize>,
    course: Option<usize>,
    synced: u64,
    declined: u64,
    base_title: String,
    base_pages: Vec<usize>,
    cust_title: bool,
    reordered: bool,
}

#[derive(Clone, Debug, Default)]
struct MCourse {
    los: Vec<usize>,
    locked: bool,
    lock_content: bool,
    lock_title: bool,
    /// The linked copies this course took out while their upstream lived
    /// (LNK-14): upstream → the upstream course of the copy's link.
    removed: BTreeMap<usize, Option<usize>>,
}

/// One pending change, in model ids.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum MChange {
    LoTitle(Mo),
    PageField(usize, bool, Mo),
    Added(usize),
    Deleted(usize, bool),
    Moved(bool),
    Recreated(usize),
}

/// A pending field's outcome (LNK-4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mo {
    Apply,
    Conflict,
    /// Customised here, locked upstream, and different: replaced.
    Overwrites,
}

impl Mo {
    fn of(customised: bool, locked: bool, differs: bool) -> Mo {
        match (customised, locked, differs) {
            (true, false, _) => Mo::Conflict,
            (true, true, true) => Mo::Overwrites,
            _ => Mo::Apply,
        }
    }
}

#[derive(Clone, Debug)]
struct Model {
    courses: Vec<MCourse>,
    los: Vec<Option<MLo>>,
    pages: Vec<Option<MPage>>,
    last: Result<(), Fail>,
    /// The last push: downstream → whether its sync was done.
    pushed: BTreeMap<usize, Result<(), Fail>>,
}

#[derive(Clone, Debug)]
enum T {
    EditPage {
        lo: usize,
        at: usize,
        title: bool,
        text: &'static str,
    },
    EditLoTitle {
        lo: usize,
        text: &'static str,
    },
    AddPage {
        lo: usize,
        text: &'static str,
    },
    DeletePage {
        lo: usize,
        at: usize,
    },
    MovePage {
        lo: usize,
        at: usize,
        to: usize,
    },
    LinkLo {
        lo: usize,
        into: usize,
    },
    /// `follow`: the sync follows a deleted upstream (LNK-14).
    Sync {
        lo: usize,
        overwrite: bool,
        follow: bool,
    },
    SyncCourse {
        course: usize,
        overwrite: bool,
        follow: bool,
    },
    Push {
        lo: usize,
        overwrite: bool,
    },
    Decline {
        lo: usize,
    },
    Revert {
        lo: usize,
        at: Option<usize>,
        title: bool,
    },
    Unlink {
        lo: usize,
    },
    SetLocks {
        course: usize,
        content: bool,
        title: bool,
    },
    DeleteLo {
        lo: usize,
    },
    /// Takes an LO out of its course; it lives on.
    RemoveLo {
        lo: usize,
    },
    Lock {
        course: usize,
        on: bool,
    },
    /// Locks or unlocks an LO's title (`at` none) or the content of its
    /// page at `at`, for its linked copies (LNK-13).
    ItemLock {
        lo: usize,
        at: Option<usize>,
        on: bool,
    },
    SaveLoad,
}

impl Model {
    fn new() -> Model {
        let mut m = Model {
            courses: vec![MCourse::default(); COURSES],
            los: Vec::new(),
            pages: Vec::new(),
            last: Ok(()),
            pushed: BTreeMap::new(),
        };
        for (title, pages) in [("Cells", 3), ("Tissues", 2)] {
            let lo = m.los.len();
            m.los.push(Some(MLo {
                course: 0,
                title: title.into(),
                pages: Vec::new(),
                changes: 0,
                layout_at: 0,
                link: None,
                item_locked: false,
            }));
            m.courses[0].los.push(lo);
            for i in 0..pages {
                m.add_page(lo, TEXTS[i % 3]);
            }
        }
        m
    }

    fn lo(&self, lo: usize) -> &MLo {
        self.los[lo].as_ref().unwrap()
    }

    fn lo_mut(&mut self, lo: usize) -> &mut MLo {
        self.los[lo].as_mut().unwrap()
    }

    fn page(&self, p: usize) -> &MPage {
        self.pages[p].as_ref().unwrap()
    }

    fn page_mut(&mut self, p: usize) -> &mut MPage {
        self.pages[p].as_mut().unwrap()
    }

    fn live_los(&self) -> Vec<usize> {
        (0..self.los.len()).filter(|l| self.los[*l].is_some()).collect()
    }

    fn bump(&mut self, lo: usize, layout: bool) {
        let l = self.lo_mut(lo);
        l.changes += 1;
        if layout {
            l.layout_at = l.changes;
        }
    }

    fn add_page(&mut self, lo: usize, text: &str) -> usize {
        let id = self.pages.len();
        self.pages.push(Some(MPage { title: text.into(), body: text.into(), link: None, item_locked: false }));
        self.lo_mut(lo).pages.push(id);
        self.bump(lo, true);
        id
    }

    /// An edit through the LO's own course: refused while it is locked.
    fn guard(&self, lo: usize) -> Result<(), Fail> {
        if self.courses[self.lo(lo).course].locked { Err(Fail::Locked) } else { Ok(()) }
    }

    /// The upstream course's locks on `lo`, while its upstream lives.
    fn locks(&self, lo: usize) -> (bool, bool) {
        match &self.lo(lo).link {
            Some(LLink { upstream: Some(_), course: Some(c), .. }) => {
                (self.courses[*c].lock_content, self.courses[*c].lock_title)
            }
            _ => (false, false),
        }
    }

    fn downstreams(&self, lo: usize) -> Vec<usize> {
        self.live_los()
            .into_iter()
            .filter(|d| self.lo(*d).link.as_ref().is_some_and(|l| l.upstream == Some(lo)))
            .collect()
    }

    /// Whether page `q`'s upstream page locks it (LNK-13).
    fn page_item_locked(&self, q: usize) -> bool {
        self.page(q).link.as_ref().and_then(|l| l.upstream).is_some_and(|x| self.page(x).item_locked)
    }

    /// Whether deleting `lo` here would delete a copy its upstream locks:
    /// the LO's own, or one of its pages' (LNK-13).
    fn holds_locked_copy(&self, lo: usize) -> bool {
        let Some(u) = self.lo(lo).link.as_ref().and_then(|l| l.upstream) else { return false };
        self.lo(u).item_locked || self.lo(lo).pages.iter().any(|q| self.page_item_locked(*q))
    }

    /// A new linked copy of `lo` at the end of `into` (LNK-1), under the
    /// locks of `course`; its id. A copy a course took out is back.
    fn link_lo(&mut self, lo: usize, into: usize, course: usize) -> usize {
        let src = self.lo(lo).clone();
        let id = self.los.len();
        let mut pages = Vec::new();
        for &u in &src.pages {
            let up = self.page(u).clone();
            pages.push(self.pages.len());
            self.pages.push(Some(MPage {
                link: Some(PLink {
                    upstream: Some(u),
                    orig: u,
                    base_title: up.title.clone(),
                    base_body: up.body.clone(),
                    cust_title: false,
                    cust_body: false,
                }),
                title: up.title,
                body: up.body,
                item_locked: false,
            }));
        }
        self.los.push(Some(MLo {
            course: into,
            title: src.title.clone(),
            pages,
            changes: 1,
            layout_at: 1,
            link: Some(LLink {
                upstream: Some(lo),
                course: Some(course),
                synced: src.changes,
                declined: 0,
                base_title: src.title,
                base_pages: src.pages,
                cust_title: false,
                reordered: false,
            }),
            item_locked: false,
        }));
        self.courses[into].los.push(id);
        id
    }

    /// LNK-14: a course sync re-creates, at the end of the course, each
    /// copy the course took out whose upstream locked itself since and
    /// lives, unless the course holds a copy of it; in the order of the
    /// upstream courses, then of each course's list, then of the upstream
    /// LOs' ids (the order they were made in).
    fn recreate_los(&mut self, course: usize) {
        let mut due: Vec<(usize, usize, usize)> = Vec::new();
        for (&u, &from) in &self.courses[course].removed {
            let Some(up) = self.los[u].as_ref().filter(|l| l.item_locked) else { continue };
            let held =
                self.courses[course].los.iter().any(|l| self.lo(*l).link.as_ref().and_then(|k| k.upstream) == Some(u));
            if held {
                continue;
            }
            let from = from.unwrap_or(up.course);
            let at = self.courses[from].los.iter().position(|l| *l == u).unwrap_or(usize::MAX);
            due.push((from, at, u));
        }
        due.sort();
        for (from, _, u) in due {
            self.courses[course].removed.remove(&u);
            self.link_lo(u, course, from);
        }
    }

    /// Takes `lo` out of its course, if it is there: a linked copy whose
    /// upstream lives is remembered there (LNK-14).
    fn take_out(&mut self, lo: usize) {
        let course = self.lo(lo).course;
        if !self.courses[course].los.contains(&lo) {
            return;
        }
        if let Some(link) = self.lo(lo).link.clone()
            && let Some(u) = link.upstream
        {
            self.courses[course].removed.insert(u, link.course);
        }
        self.courses[course].los.retain(|l| *l != lo);
    }

    /// Deletes page `p` of `lo`: its copies downstream get markers.
    fn delete_page(&mut self, lo: usize, p: usize) {
        for d in self.downstreams(lo) {
            for q in self.lo(d).pages.clone() {
                if let Some(l) = self.page_mut(q).link.as_mut().filter(|l| l.upstream == Some(p)) {
                    l.upstream = None;
                }
            }
        }
        self.pages[p] = None;
        self.lo_mut(lo).pages.retain(|q| *q != p);
    }

    fn apply(mut self, t: &T) -> Model {
        self.last = self.step(t);
        self
    }

    fn step(&mut self, t: &T) -> Result<(), Fail> {
        match *t {
            T::EditPage { lo, at, title, text } => {
                self.guard(lo)?;
                let Some(&p) = self.lo(lo).pages.get(at % self.lo(lo).pages.len().max(1)) else { return Ok(()) };
                // LNK-3: a field set to the value it has is no change.
                if (if title { &self.page(p).title } else { &self.page(p).body }) == text {
                    return Ok(());
                }
                if self.locks(lo).0 && self.page(p).link.is_some() {
                    return Err(Fail::FieldLocked);
                }
                if self.page_item_locked(p) {
                    return Err(Fail::ItemLocked);
                }
                let page = self.page_mut(p);
                if title {
                    page.title = text.into();
                } else {
                    page.body = text.into();
                }
                if let Some(l) = page.link.as_mut() {
                    if title {
                        l.cust_title = true;
                    } else {
                        l.cust_body = true;
                    }
                }
                self.bump(lo, false);
            }
            T::EditLoTitle { lo, text } => {
                self.guard(lo)?;
                if self.lo(lo).title == text {
                    return Ok(());
                }
                if self.locks(lo).1 {
                    return Err(Fail::FieldLocked);
                }
                if self.lo(lo).link.as_ref().and_then(|l| l.upstream).is_some_and(|u| self.lo(u).item_locked) {
                    return Err(Fail::ItemLocked);
                }
                let l = self.lo_mut(lo);
                l.title = text.into();
                if let Some(link) = l.link.as_mut() {
                    link.cust_title = true;
                }
                self.bump(lo, false);
            }
            T::AddPage { lo, text } => {
                self.guard(lo)?;
                self.add_page(lo, text);
            }
            T::DeletePage { lo, at } => {
                self.guard(lo)?;
                let Some(&p) = self.lo(lo).pages.get(at % self.lo(lo).pages.len().max(1)) else { return Ok(()) };
                if self.page_item_locked(p) {
                    return Err(Fail::ItemLocked);
                }
                self.delete_page(lo, p);
                self.bump(lo, true);
            }
            T::MovePage { lo, at, to } => {
                self.guard(lo)?;
                let len = self.lo(lo).pages.len();
                if len == 0 {
                    return Ok(());
                }
                let to = to % (len + 1);
                if to >= len {
                    return Err(Fail::Invalid);
                }
                if to == at % len {
                    return Ok(());
                }
                let l = self.lo_mut(lo);
                let p = l.pages.remove(at % len);
                l.pages.insert(to, p);
                if let Some(link) = l.link.as_mut() {
                    link.reordered = true;
                }
                self.bump(lo, true);
            }
            T::LinkLo { lo, into } => {
                if self.courses[into].locked {
                    return Err(Fail::Locked);
                }
                let course = self.lo(lo).course;
                self.link_lo(lo, into, course);
            }
            T::Sync { lo, overwrite, follow } => {
                self.guard(lo)?;
                if self.lo(lo).link.is_none() {
                    return Err(Fail::NotLinked);
                }
                self.sync(lo, overwrite, &mut Vec::new());
                if follow {
                    self.follow_deletion(lo, self.lo(lo).course);
                }
            }
            T::SyncCourse { course, overwrite, follow } => {
                if self.courses[course].locked {
                    return Err(Fail::Locked);
                }
                for lo in self.courses[course].los.clone() {
                    if self.lo(lo).link.is_some() {
                        self.sync(lo, overwrite, &mut Vec::new());
                        if follow {
                            self.follow_deletion(lo, course);
                        }
                    }
                }
                self.recreate_los(course);
            }
            T::Push { lo, overwrite } => {
                self.pushed.clear();
                for d in self.downstreams(lo) {
                    let result = self.guard(d);
                    if result.is_ok() {
                        self.sync(d, overwrite, &mut Vec::new());
                    }
                    self.pushed.insert(d, result);
                }
            }
            T::Decline { lo } => {
                self.guard(lo)?;
                let Some(link) = self.lo(lo).link.clone() else { return Err(Fail::NotLinked) };
                if let Some(u) = link.upstream {
                    let v = self.lo(u).changes;
                    self.lo_mut(lo).link.as_mut().unwrap().declined = v;
                }
            }
            T::Revert { lo, at: None, .. } => {
                self.guard(lo)?;
                let Some(link) = self.lo_mut(lo).link.as_mut() else { return Err(Fail::NotLinked) };
                link.cust_title = false;
                let base = link.base_title.clone();
                self.lo_mut(lo).title = base;
                self.bump(lo, false);
            }
            T::Revert { lo, at: Some(at), title } => {
                let Some(&p) = self.lo(lo).pages.get(at % self.lo(lo).pages.len().max(1)) else { return Ok(()) };
                self.guard(lo)?;
                let page = self.page_mut(p);
                let Some(link) = page.link.as_mut() else { return Err(Fail::NotLinked) };
                if title {
                    link.cust_title = false;
                    page.title = link.base_title.clone();
                } else {
                    link.cust_body = false;
                    page.body = link.base_body.clone();
                }
                self.bump(lo, false);
            }
            T::Unlink { lo } => {
                self.guard(lo)?;
                if self.lo_mut(lo).link.take().is_none() {
                    return Err(Fail::NotLinked);
                }
                for p in self.lo(lo).pages.clone() {
                    self.page_mut(p).link = None;
                }
            }
            T::SetLocks { course, content, title } => {
                if self.courses[course].locked {
                    return Err(Fail::Locked);
                }
                let c = &self.courses[course];
                let tightened = (content && !c.lock_content) || (title && !c.lock_title);
                self.courses[course].lock_content = content;
                self.courses[course].lock_title = title;
                if tightened {
                    // A lock turned on is an upstream change of every LO
                    // with a copy under it.
                    let mut ups: Vec<usize> = self
                        .live_los()
                        .into_iter()
                        .filter_map(|d| match &self.lo(d).link {
                            Some(LLink { upstream: Some(u), course: Some(c), .. }) if *c == course => Some(*u),
                            _ => None,
                        })
                        .collect();
                    ups.sort();
                    ups.dedup();
                    for u in ups {
                        self.lo_mut(u).changes += 1;
                    }
                }
            }
            T::DeleteLo { lo } => {
                self.guard(lo)?;
                if self.holds_locked_copy(lo) {
                    return Err(Fail::ItemLocked);
                }
                // Taken out of its course first.
                self.take_out(lo);
                for c in &mut self.courses {
                    c.removed.remove(&lo);
                }
                for d in self.downstreams(lo) {
                    let l = self.lo_mut(d).link.as_mut().unwrap();
                    l.upstream = None;
                    l.course = None;
                    for q in self.lo(d).pages.clone() {
                        if let Some(l) = self.page_mut(q).link.as_mut() {
                            l.upstream = None;
                        }
                    }
                }
                let record = self.los[lo].take().unwrap();
                for p in record.pages {
                    self.pages[p] = None;
                }
                self.courses[record.course].los.retain(|l| *l != lo);
            }
            T::RemoveLo { lo } => {
                self.guard(lo)?;
                let course = self.lo(lo).course;
                if !self.courses[course].los.contains(&lo) {
                    return Ok(());
                }
                if self.holds_locked_copy(lo) {
                    return Err(Fail::ItemLocked);
                }
                self.take_out(lo);
            }
            T::Lock { course, on } => self.courses[course].locked = on,
            T::ItemLock { lo, at, on } => {
                self.guard(lo)?;
                let changed = match at {
                    None => std::mem::replace(&mut self.lo_mut(lo).item_locked, on) != on,
                    Some(at) => {
                        let Some(&p) = self.lo(lo).pages.get(at % self.lo(lo).pages.len().max(1)) else {
                            return Ok(());
                        };
                        std::mem::replace(&mut self.page_mut(p).item_locked, on) != on
                    }
                };
                // A lock turned on is an upstream change.
                if changed && on {
                    self.lo_mut(lo).changes += 1;
                }
            }
            T::SaveLoad => {}
        }
        Ok(())
    }

    /// The plain definition of a sync (LNK-4..7): the copy at the last
    /// sync against the upstream now. Records every pending change in
    /// `seen` with whether it is a conflict; applies what it takes.
    fn sync(&mut self, lo: usize, overwrite: bool, seen: &mut Vec<MChange>) {
        let link = self.lo(lo).link.clone().unwrap();
        let Some(u) = link.upstream else { return };
        let up = self.lo(u).clone();
        if up.changes <= link.synced {
            return;
        }
        let (lock_content, lock_title) = self.locks(lo);
        let lock_title = lock_title || up.item_locked;
        let takes = |conflict: bool| !conflict || overwrite;
        let mut applied = false;
        let mut layout = false;
        let relock = link.cust_title && lock_title && self.lo(lo).title != up.title;
        if up.title != link.base_title || relock {
            let outcome = Mo::of(link.cust_title, lock_title, self.lo(lo).title != up.title);
            seen.push(MChange::LoTitle(outcome));
            if takes(outcome == Mo::Conflict) {
                let l = self.lo_mut(lo);
                l.title = up.title.clone();
                l.link.as_mut().unwrap().cust_title = false;
                applied = true;
            }
        }
        self.lo_mut(lo).link.as_mut().unwrap().base_title = up.title.clone();
        for q in self.lo(lo).pages.clone() {
            let Some(x) = self.page(q).link.as_ref().and_then(|l| l.upstream) else { continue };
            let upage = self.page(x).clone();
            let lock_content = lock_content || upage.item_locked;
            let page = self.page_mut(q);
            let l = page.link.as_mut().unwrap();
            for title in [true, false] {
                let (now, base, cust) = if title {
                    (&upage.title, &l.base_title, l.cust_title)
                } else {
                    (&upage.body, &l.base_body, l.cust_body)
                };
                let own = if title { &page.title } else { &page.body };
                // Unchanged upstream: pending only when a lock overrides a
                // customisation that differs.
                if now == base && !(cust && lock_content && own != now) {
                    continue;
                }
                let outcome = Mo::of(cust, lock_content, own != now);
                seen.push(MChange::PageField(q, title, outcome));
                if takes(outcome == Mo::Conflict) {
                    applied = true;
                    if title {
                        page.title = upage.title.clone();
                        l.cust_title = false;
                    } else {
                        page.body = upage.body.clone();
                        l.cust_body = false;
                    }
                }
            }
            l.base_title = upage.title.clone();
            l.base_body = upage.body.clone();
        }
        let upstream_of = |m: &Model, q: usize| m.page(q).link.as_ref().and_then(|l| l.upstream);
        let has_copy = |m: &Model, x: usize| m.lo(lo).pages.iter().position(|q| upstream_of(m, *q) == Some(x));
        // A locked page deleted here, and in the diff base: re-created.
        let recreated = |m: &Model, x: usize| m.page(x).item_locked && link.base_pages.contains(&x);
        let recreates = up.pages.iter().any(|x| recreated(self, *x) && has_copy(self, *x).is_none());
        if up.layout_at > link.synced || recreates {
            let now = up.pages.clone();
            let base = link.base_pages.clone();
            for q in self.lo(lo).pages.clone() {
                let Some(l) = self.page(q).link.as_ref() else { continue };
                if !base.contains(&l.orig) || now.contains(&l.orig) {
                    continue;
                }
                let conflict = l.cust_title || l.cust_body;
                seen.push(MChange::Deleted(q, conflict));
                if takes(conflict) {
                    self.delete_page(lo, q);
                    (applied, layout) = (true, true);
                }
            }
            let before: Vec<usize> = base.iter().copied().filter(|p| now.contains(p)).collect();
            let after: Vec<usize> = now.iter().copied().filter(|p| base.contains(p)).collect();
            if before != after {
                let conflict = link.reordered;
                seen.push(MChange::Moved(conflict));
                if takes(conflict) {
                    let current = self.lo(lo).pages.clone();
                    let rank = |x: usize| now.iter().position(|p| *p == x);
                    let mut linked: Vec<(usize, usize)> =
                        current.iter().filter_map(|q| Some((rank(upstream_of(self, *q)?)?, *q))).collect();
                    linked.sort();
                    let mut sorted = linked.into_iter().map(|(_, q)| q);
                    let order: Vec<usize> =
                        current
                            .iter()
                            .map(|q| {
                                if upstream_of(self, *q).and_then(rank).is_some() { sorted.next().unwrap() } else { *q }
                            })
                            .collect();
                    self.lo_mut(lo).pages = order;
                    (applied, layout) = (true, true);
                }
            }
            for (i, &x) in now.iter().enumerate() {
                if has_copy(self, x).is_some() || (base.contains(&x) && !recreated(self, x)) {
                    continue;
                }
                seen.push(if base.contains(&x) { MChange::Recreated(x) } else { MChange::Added(x) });
                let at = now[..i].iter().rev().find_map(|p| has_copy(self, *p)).map_or(0, |at| at + 1);
                let upage = self.page(x).clone();
                let id = self.pages.len();
                self.pages.push(Some(MPage {
                    link: Some(PLink {
                        upstream: Some(x),
                        orig: x,
                        base_title: upage.title.clone(),
                        base_body: upage.body.clone(),
                        cust_title: false,
                        cust_body: false,
                    }),
                    title: upage.title,
                    body: upage.body,
                    item_locked: false,
                }));
                self.lo_mut(lo).pages.insert(at, id);
                (applied, layout) = (true, true);
            }
            let l = self.lo_mut(lo).link.as_mut().unwrap();
            l.base_pages = now;
            l.reordered = false;
        }
        let l = self.lo_mut(lo).link.as_mut().unwrap();
        l.synced = up.changes;
        l.declined = 0;
        if applied {
            self.bump(lo, layout);
        }
    }

    /// LNK-14, `FollowUpstream`: a copy whose upstream is gone leaves the
    /// course unless it holds local work.
    fn follow_deletion(&mut self, lo: usize, course: usize) {
        let l = self.lo(lo);
        let Some(link) = &l.link else { return };
        if link.upstream.is_some() {
            return;
        }
        let page_link = |q: &usize| self.page(*q).link.as_ref();
        let local_page = l.pages.iter().any(|q| page_link(q).is_none_or(|pl| pl.cust_title || pl.cust_body));
        let deleted_here =
            link.base_pages.iter().any(|b| !l.pages.iter().any(|q| page_link(q).is_some_and(|pl| pl.orig == *b)));
        if !(link.cust_title || link.reordered || local_page || deleted_here) {
            self.courses[course].los.retain(|x| *x != lo);
        }
    }

    fn preview(&self, lo: usize) -> Vec<MChange> {
        let mut seen = Vec::new();
        self.clone().sync(lo, false, &mut seen);
        seen.sort();
        seen
    }

    fn updates_available(&self, course: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self.courses[course]
            .los
            .iter()
            .copied()
            .filter(|lo| match &self.lo(*lo).link {
                Some(LLink { upstream: Some(u), synced, declined, .. }) => {
                    self.lo(*u).changes > (*synced).max(*declined)
                }
                _ => false,
            })
            .collect();
        out.sort();
        out
    }
}

// ---- the reference state machine ------------------------------------------

struct Reference;

impl ReferenceStateMachine for Reference {
    type State = Model;
    type Transition = T;

    fn init_state() -> BoxedStrategy<Model> {
        let setup = [T::LinkLo { lo: 0, into: 1 }, T::LinkLo { lo: 1, into: 1 }, T::LinkLo { lo: 0, into: 2 }];
        Just(setup.iter().fold(Model::new(), |m, t| m.apply(t))).boxed()
    }

    fn transitions(s: &Model) -> BoxedStrategy<T> {
        let course = 0..COURSES;
        if s.live_los().is_empty() {
            return prop_oneof![
                (course.clone(), any::<bool>()).prop_map(|(course, on)| T::Lock { course, on }),
                Just(T::SaveLoad),
            ]
            .boxed();
        }
        let lo = proptest::sample::select(s.live_los());
        let text = proptest::sample::select(TEXTS);
        prop_oneof![
            6 => (lo.clone(), 0..8usize, any::<bool>(), text.clone())
                .prop_map(|(lo, at, title, text)| T::EditPage { lo, at, title, text }),
            2 => (lo.clone(), text.clone()).prop_map(|(lo, text)| T::EditLoTitle { lo, text }),
            2 => (lo.clone(), text).prop_map(|(lo, text)| T::AddPage { lo, text }),
            2 => (lo.clone(), 0..8usize).prop_map(|(lo, at)| T::DeletePage { lo, at }),
            2 => (lo.clone(), 0..8usize, 0..8usize).prop_map(|(lo, at, to)| T::MovePage { lo, at, to }),
            2 => (lo.clone(), course.clone()).prop_map(|(lo, into)| T::LinkLo { lo, into }),
            5 => (lo.clone(), any::<bool>(), any::<bool>())
                .prop_map(|(lo, overwrite, follow)| T::Sync { lo, overwrite, follow }),
            2 => (course.clone(), any::<bool>(), any::<bool>())
                .prop_map(|(course, overwrite, follow)| T::SyncCourse { course, overwrite, follow }),
            2 => (lo.clone(), any::<bool>()).prop_map(|(lo, overwrite)| T::Push { lo, overwrite }),
            2 => lo.clone().prop_map(|lo| T::Decline { lo }),
            2 => (lo.clone(), proptest::option::of(0..8usize), any::<bool>())
                .prop_map(|(lo, at, title)| T::Revert { lo, at, title }),
            1 => lo.clone().prop_map(|lo| T::Unlink { lo }),
            2 => (course.clone(), any::<bool>(), any::<bool>())
                .prop_map(|(course, content, title)| T::SetLocks { course, content, title }),
            1 => lo.clone().prop_map(|lo| T::DeleteLo { lo }),
            2 => lo.clone().prop_map(|lo| T::RemoveLo { lo }),
            1 => (course, any::<bool>()).prop_map(|(course, on)| T::Lock { course, on }),
            2 => (lo, proptest::option::of(0..8usize), any::<bool>())
                .prop_map(|(lo, at, on)| T::ItemLock { lo, at, on }),
            1 => Just(T::SaveLoad),
        ]
        .boxed()
    }

    fn apply(state: Model, t: &T) -> Model {
        state.apply(t)
    }

    /// Every LO a transition names lives (shrinking may remove the
    /// transition that made it, or add back one that deletes it).
    fn preconditions(s: &Model, t: &T) -> bool {
        let alive = |lo: usize| s.los.get(lo).is_some_and(|l| l.is_some());
        match *t {
            T::EditPage { lo, .. }
            | T::EditLoTitle { lo, .. }
            | T::AddPage { lo, .. }
            | T::DeletePage { lo, .. }
            | T::MovePage { lo, .. }
            | T::LinkLo { lo, .. }
            | T::Sync { lo, .. }
            | T::Push { lo, .. }
            | T::Decline { lo }
            | T::Revert { lo, .. }
            | T::Unlink { lo }
            | T::DeleteLo { lo }
            | T::RemoveLo { lo }
            | T::ItemLock { lo, .. } => alive(lo),
            T::SyncCourse { .. } | T::SetLocks { .. } | T::Lock { .. } | T::SaveLoad => true,
        }
    }
}

// ---- the system under test ------------------------------------------------

struct Sut {
    ws: Workspace,
    admin: UserKey,
    courses: Vec<CourseKey>,
    los: Vec<LoKey>,
    pages: Vec<PageKey>,
    lo_id: HashMap<LoKey, usize>,
    page_id: HashMap<PageKey, usize>,
    pushed: BTreeMap<usize, Result<(), Fail>>,
}

fn fail(e: Error) -> Fail {
    match e {
        Error::Locked { .. } => Fail::Locked,
        Error::FieldLocked { .. } => Fail::FieldLocked,
        Error::ItemLocked { .. } => Fail::ItemLocked,
        Error::NotLinked { .. } => Fail::NotLinked,
        Error::Invalid { .. } => Fail::Invalid,
        other => panic!("unexpected error: {other}"),
    }
}

impl Sut {
    fn new() -> Sut {
        let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
        let courses: Vec<CourseKey> = (0..COURSES)
            .map(|i| ws.create_course(admin, NewCourse::new(format!("C{i}"), format!("Course {i}"))).unwrap())
            .collect();
        let mut sut = Sut {
            ws,
            admin,
            courses,
            los: Vec::new(),
            pages: Vec::new(),
            lo_id: HashMap::new(),
            page_id: HashMap::new(),
            pushed: BTreeMap::new(),
        };
        for (title, pages) in [("Cells", 3), ("Tissues", 2)] {
            let lo = sut.ws.create_learning_object(admin, sut.courses[0], title, "").unwrap();
            sut.remember_lo(lo);
            for i in 0..pages {
                let text = TEXTS[i % 3];
                let page = sut.ws.add_page(admin, sut.courses[0], lo, PageDraft::new(text, text)).unwrap().page;
                sut.remember_page(page);
            }
        }
        sut
    }

    fn remember_lo(&mut self, lo: LoKey) {
        self.lo_id.insert(lo, self.los.len());
        self.los.push(lo);
    }

    fn remember_page(&mut self, page: PageKey) {
        self.page_id.insert(page, self.pages.len());
        self.pages.push(page);
    }

    fn via(&self, lo: usize) -> CourseKey {
        self.ws.learning_object(self.los[lo]).unwrap().parent().unwrap()
    }

    fn page_at(&self, lo: usize, at: usize) -> Option<PageKey> {
        let pages: Vec<PageKey> = self.ws.learning_object(self.los[lo]).unwrap().pages().collect();
        pages.get(at % pages.len().max(1)).copied()
    }

    /// Gives a new linked copy and its pages their model ids.
    fn remember_copy(&mut self, copy: LoKey) {
        self.remember_lo(copy);
        for p in self.ws.learning_object(copy).unwrap().pages().collect::<Vec<_>>() {
            self.remember_page(p);
        }
    }

    /// Gives the pages a sync added to `lo` their model ids, in the order
    /// the model made them: the upstream's order.
    fn remember_added(&mut self, lo: LoKey) {
        let Ok(record) = self.ws.learning_object(lo) else { return };
        let Some(up) = record.link().and_then(|l| l.upstream) else { return };
        let new: HashMap<PageKey, PageKey> = record
            .pages()
            .filter(|p| !self.page_id.contains_key(p))
            .map(|p| (self.ws.page_link(p).unwrap().unwrap().upstream.unwrap(), p))
            .collect();
        let order: Vec<PageKey> =
            self.ws.learning_object(up).unwrap().pages().filter_map(|u| new.get(&u).copied()).collect();
        for p in order {
            self.remember_page(p);
        }
    }

    fn run(&mut self, t: &T) -> Result<(), Error> {
        let admin = self.admin;
        match *t {
            T::EditPage { lo, at, title, text } => {
                let via = self.via(lo);
                let Some(page) = self.page_at(lo, at) else { return self.locked_or_ok(lo) };
                let edit = if title { PageEdit::new().title(text) } else { PageEdit::new().body(text) };
                self.ws.edit_page(admin, via, page, edit).map(|_| ())
            }
            T::EditLoTitle { lo, text } => self
                .ws
                .edit_learning_object(admin, self.via(lo), self.los[lo], coursecopy::LoEdit::new().title(text))
                .map(|_| ()),
            T::AddPage { lo, text } => {
                let page = self.ws.add_page(admin, self.via(lo), self.los[lo], PageDraft::new(text, text))?.page;
                self.remember_page(page);
                Ok(())
            }
            T::DeletePage { lo, at } => match self.page_at(lo, at) {
                Some(page) => self.ws.delete_page(admin, self.via(lo), page).map(|_| ()),
                None => self.locked_or_ok(lo),
            },
            T::MovePage { lo, at, to } => match self.page_at(lo, at) {
                Some(page) => {
                    let len = self.ws.learning_object(self.los[lo]).unwrap().pages().len();
                    self.ws.move_page(admin, self.via(lo), page, to % (len + 1)).map(|_| ())
                }
                None => self.locked_or_ok(lo),
            },
            T::LinkLo { lo, into } => {
                let copy = self.ws.link_learning_object(admin, self.via(lo), self.los[lo], self.courses[into])?;
                self.remember_copy(copy);
                Ok(())
            }
            T::Sync { lo, overwrite, follow } => {
                let via = self.via(lo);
                let report = self.ws.sync_learning_object(admin, via, self.los[lo], options(overwrite, follow))?;
                self.check_deletion_report(&report, via);
                self.remember_added(self.los[lo]);
                Ok(())
            }
            T::SyncCourse { course, overwrite, follow } => {
                let reports = self.ws.sync_course(admin, self.courses[course], options(overwrite, follow))?;
                for r in reports {
                    self.check_deletion_report(&r, self.courses[course]);
                    if let [PendingChange::LoRecreated { upstream }] = r.applied[..] {
                        let link = self.ws.learning_object(r.learning_object).unwrap().link().unwrap();
                        assert_eq!(link.upstream, Some(upstream), "{r}");
                        self.remember_copy(r.learning_object);
                    } else {
                        self.remember_added(r.learning_object);
                    }
                }
                Ok(())
            }
            T::Push { lo, overwrite } => {
                let mut results = self.ws.push_updates(admin, self.los[lo], customisations(overwrite))?;
                // The model syncs in its id order, and numbers added pages so.
                results.sort_by_key(|r| self.lo_id[&r.learning_object]);
                self.pushed.clear();
                for r in results {
                    self.remember_added(r.learning_object);
                    self.pushed.insert(self.lo_id[&r.learning_object], r.result.map(|_| ()).map_err(fail));
                }
                Ok(())
            }
            T::Decline { lo } => self.ws.decline_update(admin, self.via(lo), self.los[lo]).map(|_| ()),
            T::Revert { lo, at, title } => {
                let field = if title { LinkedField::Title } else { LinkedField::Body };
                let record = match at {
                    None => LinkedRecord::LearningObject(self.los[lo]),
                    Some(at) => match self.page_at(lo, at) {
                        Some(page) => LinkedRecord::Page(page),
                        None => return Ok(()),
                    },
                };
                let field = if at.is_none() { LinkedField::Title } else { field };
                self.ws.revert_field(admin, self.via(lo), record, field).map(|_| ())
            }
            T::Unlink { lo } => self.ws.unlink_learning_object(admin, self.via(lo), self.los[lo]),
            T::SetLocks { course, content, title } => {
                let locks = FieldLocks::new().content(content).title_description(title);
                self.ws.set_field_locks(admin, self.courses[course], locks)
            }
            T::DeleteLo { lo } => {
                // A copy a sync took out of its course (LNK-14) is in none.
                if self.ws.course(self.via(lo)).unwrap().position_of(self.los[lo]).is_some() {
                    self.ws.remove_learning_object(admin, self.via(lo), self.los[lo])?;
                }
                self.ws.delete_learning_object(admin, self.los[lo])
            }
            T::RemoveLo { lo } => {
                if self.ws.course(self.via(lo)).unwrap().position_of(self.los[lo]).is_none() {
                    return self.locked_or_ok(lo);
                }
                self.ws.remove_learning_object(admin, self.via(lo), self.los[lo]).map(|_| ())
            }
            T::ItemLock { lo, at, on } => {
                let record = match at {
                    None => LinkedRecord::LearningObject(self.los[lo]),
                    Some(at) => match self.page_at(lo, at) {
                        Some(page) => LinkedRecord::Page(page),
                        None => return self.locked_or_ok(lo),
                    },
                };
                self.ws.set_item_lock(admin, self.via(lo), record, on)?;
                assert_eq!(self.ws.item_locked(record), Ok(on));
                Ok(())
            }
            T::Lock { course, on } => {
                let c = self.courses[course];
                match (on, self.ws.course(c).unwrap().locked_by().is_some()) {
                    (true, false) => self.ws.lock_course(admin, c),
                    (false, true) => self.ws.unlock_course(admin, c),
                    _ => Ok(()),
                }
            }
            T::SaveLoad => {
                // Without the `serde` feature there is no saved form: the
                // step changes nothing, as the reference says.
                #[cfg(feature = "serde")]
                {
                    let saved = serde_json::to_string(&self.ws).unwrap();
                    let loaded: Workspace = serde_json::from_str(&saved).unwrap();
                    assert!(loaded == self.ws, "the workspace did not load back equal");
                    self.ws = loaded;
                }
                Ok(())
            }
        }
    }

    /// A report's word on a deleted upstream agrees with the course
    /// (LNK-14): a copy said taken out is not in `via`, one said kept is.
    fn check_deletion_report(&self, report: &SyncReport, via: CourseKey) {
        let included = self.ws.course(via).unwrap().position_of(report.learning_object).is_some();
        let said = |outcome| PendingChange::LoDeleted { outcome };
        if report.applied.contains(&said(Outcome::WillApply)) {
            assert!(report.upstream_deleted && !included, "{report}");
        }
        if report.kept.contains(&said(Outcome::Conflict)) {
            assert!(report.upstream_deleted && included, "{report}");
        }
    }

    /// What an operation on no page does: refused while the course is
    /// locked, as the model says, else nothing.
    fn locked_or_ok(&self, lo: usize) -> Result<(), Error> {
        match self.ws.course(self.via(lo)).unwrap().locked_by() {
            Some(by) => Err(Error::Locked { course: self.via(lo), by }),
            None => Ok(()),
        }
    }

    fn check(&self, m: &Model) {
        self.ws.check_integrity().unwrap();
        let lo_id = |k: LoKey| self.lo_id[&k];
        let page_id = |k: PageKey| self.page_id[&k];
        for (c, course) in m.courses.iter().enumerate() {
            let got: Vec<usize> = self.ws.course(self.courses[c]).unwrap().learning_objects().map(lo_id).collect();
            assert_eq!(got, course.los, "course {c}: learning objects");
            let mut got: Vec<usize> =
                self.ws.updates_available(self.courses[c]).unwrap().into_iter().map(lo_id).collect();
            got.sort();
            assert_eq!(got, m.updates_available(c), "course {c}: updates available");
            assert_eq!(self.ws.course(self.courses[c]).unwrap().locked_by().is_some(), course.locked);
        }
        for (i, lo) in m.los.iter().enumerate() {
            let Some(lo) = lo else {
                assert!(self.ws.learning_object(self.los[i]).is_err(), "LO {i} was deleted");
                continue;
            };
            let real = self.ws.learning_object(self.los[i]).unwrap();
            assert_eq!(real.title(), lo.title, "LO {i}: title");
            let pages: Vec<usize> = real.pages().map(page_id).collect();
            assert_eq!(pages, lo.pages, "LO {i}: pages");
            match (&lo.link, real.link()) {
                (None, None) => {}
                (Some(want), Some(got)) => {
                    assert_eq!(got.upstream.map(lo_id), want.upstream, "LO {i}: upstream");
                    assert_eq!(
                        got.upstream_course.map(|c| self.courses.iter().position(|k| *k == c).unwrap()),
                        want.course
                    );
                    assert_eq!(got.reordered, want.reordered, "LO {i}: reordered");
                    assert_eq!(got.title_customised, want.cust_title, "LO {i}: customised title");
                    if !want.cust_title {
                        assert_eq!(real.title(), want.base_title, "LO {i}: title differs from upstream at sync");
                    }
                    let preview = self.ws.preview_sync(self.los[i]).unwrap();
                    let mut got: Vec<MChange> = preview
                        .changes()
                        .iter()
                        .map(|c| {
                            let conflict = c.outcome() == Outcome::Conflict;
                            let outcome = match c.outcome() {
                                Outcome::WillApply => Mo::Apply,
                                Outcome::Conflict => Mo::Conflict,
                                Outcome::OverwritesCustomisation => Mo::Overwrites,
                                other => panic!("unexpected outcome {other:?}"),
                            };
                            match c {
                                PendingChange::LoField { .. } => MChange::LoTitle(outcome),
                                PendingChange::PageField { page, field, .. } => {
                                    MChange::PageField(page_id(*page), *field == LinkedField::Title, outcome)
                                }
                                PendingChange::PageAdded { upstream_page } => MChange::Added(page_id(*upstream_page)),
                                PendingChange::PageDeleted { page, .. } => MChange::Deleted(page_id(*page), conflict),
                                PendingChange::PagesMoved { .. } => MChange::Moved(conflict),
                                PendingChange::PageRecreated { upstream_page } => {
                                    MChange::Recreated(page_id(*upstream_page))
                                }
                                other => panic!("unexpected change {other:?}"),
                            }
                        })
                        .collect();
                    got.sort();
                    assert_eq!(got, m.preview(i), "LO {i}: preview\n{preview}");
                }
                (want, got) => panic!("LO {i}: link {got:?}, model {want:?}"),
            }
        }
        for (i, page) in m.pages.iter().enumerate() {
            let Some(page) = page else {
                assert!(self.ws.page(self.pages[i]).is_err(), "page {i} was deleted");
                continue;
            };
            let real = self.ws.page(self.pages[i]).unwrap();
            assert_eq!((real.title(), real.body()), (page.title.as_str(), page.body.as_str()), "page {i}");
            match (&page.link, self.ws.page_link(self.pages[i]).unwrap()) {
                (None, None) => {}
                (Some(want), Some(got)) => {
                    assert_eq!(got.upstream.map(page_id), want.upstream, "page {i}: upstream");
                    assert_eq!((got.title_customised, got.body_customised), (want.cust_title, want.cust_body));
                    // Every field not customised equals its upstream at the
                    // synced version.
                    if !want.cust_title {
                        assert_eq!(real.title(), want.base_title, "page {i}: title differs from upstream at sync");
                    }
                    if !want.cust_body {
                        assert_eq!(real.body(), want.base_body, "page {i}: body differs from upstream at sync");
                    }
                }
                (want, got) => panic!("page {i}: link {got:?}, model {want:?}"),
            }
        }
        assert_eq!(self.ws.counts().pages, m.pages.iter().flatten().count());
    }
}

fn customisations(overwrite: bool) -> Customisations {
    if overwrite { Customisations::Overwrite } else { Customisations::Keep }
}

fn options(overwrite: bool, follow: bool) -> SyncOptions {
    let deleted = if follow { DeletedUpstream::FollowUpstream } else { DeletedUpstream::Keep };
    SyncOptions::from(customisations(overwrite)).deleted_upstream(deleted)
}

struct LinkedTest;

impl StateMachineTest for LinkedTest {
    type SystemUnderTest = Sut;
    type Reference = Reference;

    fn init_test(_: &Model) -> Sut {
        let mut sut = Sut::new();
        for t in [T::LinkLo { lo: 0, into: 1 }, T::LinkLo { lo: 1, into: 1 }, T::LinkLo { lo: 0, into: 2 }] {
            sut.run(&t).unwrap();
        }
        sut
    }

    fn apply(mut sut: Sut, model: &Model, t: T) -> Sut {
        let before = sut.ws.clone();
        let got = sut.run(&t).map_err(fail);
        assert_eq!(got, model.last, "{t:?}: the workspace (left) and the model (right) disagree");
        if got.is_err() {
            assert!(sut.ws == before, "{t:?} failed and changed the workspace");
        }
        if let T::Push { .. } = t {
            assert_eq!(sut.pushed, model.pushed, "push results");
        }
        sut
    }

    fn check_invariants(sut: &Sut, model: &Model) {
        sut.check(model);
    }
}

fn cases() -> u32 {
    std::env::var("COURSECOPY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(128)
}

prop_state_machine! {
    #![proptest_config(Config {
        cases: cases(),
        max_shrink_iters: 10_000,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("proptest-regressions/linked_model.txt"))),
        .. Config::default()
    })]

    /// Random sequences on linked copies against the naive model: LNK-2
    /// (nothing flows until a sync, nothing flows upstream), LNK-3, LNK-4,
    /// LNK-5, LNK-6, LNK-7, LNK-8, LNK-9, LNK-10, LNK-11 (links of links,
    /// one hop), LNK-12 (save and load), LNK-13 (item locks refuse edits
    /// and deletions, and win at sync) and LNK-14 (a sync that follows a
    /// deleted upstream takes the copy out of the course unless it holds
    /// local work; a copy deleted here stays deleted unless its upstream
    /// locks it after, and is then re-created), with INT-1 and INT-3.
    #[test]
    fn linked_copies_match_the_reference_model(sequential 1..48 => LinkedTest);
}
