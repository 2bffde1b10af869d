//! Integrity: the invariants of INT-1, checked from scratch.
//!
//! Operations keep these true by construction; `check_integrity`
//! proves it after the fact (property tests call it after every step, and
//! loading a saved workspace calls it before handing the workspace out).

use crate::data::{Text, limits};
use crate::error::Error;
use crate::handles::{CourseKey, Entity, LoKey};
use std::collections::{HashMap, HashSet};

/// Which page slots the learning objects list, and how many.
struct Listed {
    slots: Vec<bool>,
    count: usize,
}

impl super::Store {
    /// Checks every invariant of the workspace (INT-1):
    ///
    /// - every stored handle names a live entity (provenance links, which
    ///   are history, excepted);
    /// - every page belongs to exactly one learning object, the one it
    ///   names, and appears once in its list;
    /// - a course's LO list has no repeats, and each LO's "used in" set is
    ///   exactly the courses whose list holds it;
    /// - each style belongs to exactly the course that lists it;
    /// - `course_id`s and `external_id`s are unique and within their limits,
    ///   and the lookup indexes match the courses;
    /// - a course's banner image is a live media asset; its tool items have
    ///   unique ids, and their links point at a live entity of the right
    ///   kind (another item of the same course, a learning object, a
    ///   glossary term), their posts, groups and grades at live users;
    /// - every task that has not ended is queued or running, once, and its
    ///   target course is live and marked busy by it; nothing else is
    ///   marked busy.
    /// - every link of a linked copy names a live upstream LO or page, or
    ///   holds an "upstream deleted" marker; its synced and declined
    ///   versions are not past the upstream's; the downstreams index is
    ///   exactly the links; each LO's edit log holds exactly its pages
    ///   whose version is past 0, under that version (LNK-10);
    /// - every learning object and page has a numeric id from 1 to its
    ///   counter, none held twice (CNV-2);
    /// - an item lock names a live LO, or a live page of that LO; a copy a
    ///   course took out names a live upstream LO and course (LNK-13,
    ///   LNK-14).
    ///
    /// Finished tasks' reports and the snapshots of pending tasks are history
    /// too: they may name deleted entities.
    ///
    /// O(size of the workspace). Returns the first violation found.
    pub fn check_integrity(&self) -> Result<(), Error> {
        self.check_all().map_err(|detail| Error::Integrity { detail })
    }

    /// Every check, in order; the first violation, described.
    fn check_all(&self) -> Result<(), String> {
        let mut lo_users = self.check_courses()?;
        for (ck, c) in self.courses.iter() {
            self.check_course_data(&ck, c)?;
        }
        self.check_tasks()?;
        self.check_id_indexes()?;
        self.check_names()?;
        self.check_styles()?;
        let listed = self.check_los(&mut lo_users)?;
        self.check_pages(&listed)?;
        self.check_links()?;
        self.check_item_locks()?;
        check_numeric_ids("learning object", self.los.iter().map(|(k, lo)| (k, lo.pk)), self.next_lo_pk)?;
        check_numeric_ids("page", self.pages.iter().map(|(k, p)| (k, p.pk)), self.next_page_pk)
    }

    /// Item locks name a live LO, or a live page of that LO; removed
    /// copies name a live upstream LO, a live course, and a live upstream
    /// course or none (LNK-13, LNK-14).
    fn check_item_locks(&self) -> Result<(), String> {
        for (lo, page) in &self.item_locks {
            if !self.los.contains(*lo) {
                return Err(format!("an item lock names a missing learning object {lo}"));
            }
            if let Some(page) = page.filter(|p| self.pages.get(*p).is_none_or(|p| p.lo != *lo)) {
                return Err(format!("an item lock names {page}, which is not a page of {lo}"));
            }
        }
        for ((up, course), from) in &self.removed_copies {
            let from_dead = from.is_some_and(|c| !self.courses.contains(c));
            if !self.los.contains(*up) || !self.courses.contains(*course) || from_dead {
                return Err(format!("{course}: a copy it took out names {up} or {from:?}, which is missing"));
            }
        }
        Ok(())
    }

    /// Courses: ids, creator, styles, LO lists. Gives each LO's users, as
    /// the courses' lists say.
    fn check_courses(&self) -> Result<HashMap<LoKey, HashSet<CourseKey>>, String> {
        let mut lo_users: HashMap<_, HashSet<_>> = HashMap::new();
        for (ck, c) in self.courses.iter() {
            let ids = [
                Text::identifier(crate::Field::CourseId, &c.course_id, limits::COURSE_ID),
                Text::identifier(crate::Field::ExternalId, &c.external_id, limits::EXTERNAL_ID),
            ];
            if let Some(Err(e)) = ids.into_iter().find(Result::is_err) {
                return Err(format!("{ck}: {e}"));
            }
            if self.course_ids.get(&c.course_id) != Some(&ck) {
                return Err(format!("course_id {:?} is not indexed to {ck}", c.course_id));
            }
            if self.external_ids.get(&c.external_id) != Some(&ck) {
                return Err(format!("external_id {:?} is not indexed to {ck}", c.external_id));
            }
            if !self.users.contains(c.created_by) {
                return Err(format!("{ck} names a missing creator {}", c.created_by));
            }
            if let Some(sk) = c.styles.iter().find(|sk| self.styles.get(**sk).is_none_or(|s| s.course != ck)) {
                return Err(format!("{ck} lists {sk} that is not its own"));
            }
            for lk in c.los.iter() {
                if !self.los.contains(*lk) {
                    return Err(format!("{ck} includes a missing {lk}"));
                }
                if !lo_users.entry(*lk).or_default().insert(ck) {
                    return Err(format!("{ck} includes {lk} twice"));
                }
            }
        }
        Ok(lo_users)
    }

    /// The id lookups hold nothing but the courses.
    fn check_id_indexes(&self) -> Result<(), String> {
        if self.course_ids.len() != self.courses.len()
            || self.external_ids.len() != self.courses.len()
            || self.pks.len() != self.courses.len()
            || self.courses.iter().any(|(k, c)| self.pks.get(&c.pk) != Some(&k))
        {
            return Err("the course id indexes hold entries for missing courses".into());
        }
        Ok(())
    }

    /// Names are what the API would accept.
    fn check_names(&self) -> Result<(), String> {
        let names = self
            .users
            .iter()
            .map(|(k, u)| (Entity::User(k), &u.name))
            .chain(self.los.iter().map(|(k, l)| (Entity::LearningObject(k), &l.title)))
            // A page that shares its origin's content has its origin's
            // title, checked with the origin.
            .chain(
                self.pages
                    .iter()
                    .filter(|(k, p)| !self.shares_origin_content(*k, p))
                    .map(|(k, p)| (Entity::Page(k), &p.content.title)),
            )
            .chain(self.styles.iter().map(|(k, s)| (Entity::Style(k), &s.name)))
            .chain(self.library().map(|(k, e)| (Entity::from(k), &e.name)));
        for (entity, name) in names {
            if let Err(e) = Text::check_name(crate::Field::Name, name) {
                return Err(format!("{entity}: {e}"));
            }
        }
        Ok(())
    }

    /// Whether `page` (handle `key`) holds the very content of its origin,
    /// a live page of a lower handle. Of the pages that share one content,
    /// the one of the lowest handle never does, so every title is checked
    /// once, whatever the origins say (an origin is history, and may even
    /// name the page itself).
    fn shares_origin_content(&self, key: crate::handles::PageKey, page: &crate::data::Page) -> bool {
        page.origin
            .filter(|o| crate::arena::rank(*o) < crate::arena::rank(key))
            .and_then(|o| self.pages.get(o))
            .is_some_and(|o| std::sync::Arc::ptr_eq(&o.content, &page.content))
    }

    /// Styles belong to a live course that lists them.
    fn check_styles(&self) -> Result<(), String> {
        for (sk, s) in self.styles.iter() {
            if !self.courses.get(s.course).is_some_and(|c| c.styles.contains(&sk)) {
                return Err(format!("{sk} is not listed by its course {}", s.course));
            }
        }
        Ok(())
    }

    /// Learning objects: parent, where-used (against `lo_users`, which it
    /// empties), page lists: each page listed is live, is the page of the
    /// LO that lists it, and is listed once. Gives which page slots are
    /// listed, so that no map of pages is built: O(pages), one bit a slot.
    fn check_los(&self, lo_users: &mut HashMap<LoKey, HashSet<CourseKey>>) -> Result<Listed, String> {
        let mut listed = Listed { slots: vec![false; self.pages.slot_count()], count: 0 };
        for (lk, lo) in self.los.iter() {
            if let Some(p) = lo.parent.filter(|p| !self.courses.contains(*p)) {
                return Err(format!("{lk} names a missing {p}"));
            }
            let expected = lo_users.remove(&lk).unwrap_or_default();
            if lo.used_in.len() != expected.len() || !lo.used_in.iter().all(|c| expected.contains(c)) {
                return Err(format!("{lk} has a wrong where-used set"));
            }
            for pk in lo.pages.iter() {
                let (Some(slot), Some(page)) = (self.pages.slot_of(*pk), self.pages.get(*pk)) else {
                    return Err(format!("a learning object lists a missing {pk}"));
                };
                if std::mem::replace(&mut listed.slots[slot], true) {
                    return Err(format!("{pk} is listed twice"));
                }
                if page.lo != lk {
                    return Err(format!("{pk} is not listed by exactly its learning object {}", page.lo));
                }
                listed.count += 1;
            }
        }
        Ok(listed)
    }

    /// Pages: owner (every page listed, by its LO: `listed`), style,
    /// library items.
    fn check_pages(&self, listed: &Listed) -> Result<(), String> {
        if listed.count != self.pages.len() {
            let unlisted = self.pages.iter().find(|(pk, _)| self.pages.slot_of(*pk).is_none_or(|s| !listed.slots[s]));
            if let Some((pk, p)) = unlisted {
                return Err(format!("{pk} is not listed by exactly its learning object {}", p.lo));
            }
        }
        for (pk, p) in self.pages.iter() {
            if let Some(s) = p.style.filter(|s| !self.styles.contains(*s)) {
                return Err(format!("{pk} applies a missing {s}"));
            }
            if let Some(item) = p.content.items.iter().find(|i| self.library_entry(**i).is_err()) {
                return Err(format!("{pk} references a missing library item {item}"));
            }
            if let Some(item) = p.repeated_item() {
                return Err(format!("{pk} references library item {item} twice"));
            }
        }
        Ok(())
    }

    /// Links (LNK-10, INT-1): every link names a live upstream or holds an
    /// "upstream deleted" marker; the downstreams index is exactly the
    /// links; versions and the `edited` maps agree with the pages.
    fn check_links(&self) -> Result<(), String> {
        let mut indexed = 0;
        for (up, d) in &self.downstreams {
            let names = self.los.get(*d).and_then(|l| l.link.as_ref()).and_then(|l| l.upstream);
            if names != Some(*up) {
                return Err(format!("the downstreams index lists {d} under {up}, which it does not link to"));
            }
            indexed += 1;
        }
        let mut links = 0;
        for (lk, lo) in self.los.iter() {
            if lo.layout_version > lo.version {
                return Err(format!("{lk}: its layout version is past its version"));
            }
            for (v, (pk, _)) in lo.edited.0.iter() {
                if !self.pages.get(*pk).is_some_and(|p| p.lo == lk && p.version == *v) {
                    return Err(format!("{lk}: its edit log names {pk} at version {v}, which is not that page's"));
                }
            }
            let Some(link) = lo.link.as_ref() else { continue };
            if let Some(up) = link.upstream {
                links += 1;
                let Some(upstream) = self.los.get(up).filter(|_| up != lk) else {
                    return Err(format!("{lk} links to a missing upstream {up}"));
                };
                if link.synced > upstream.version || link.declined > upstream.version {
                    return Err(format!("{lk}: its synced or declined version is past its upstream's"));
                }
            }
            if let Some(c) = link.course.filter(|c| !self.courses.contains(*c)) {
                return Err(format!("{lk} names a missing upstream course {c}"));
            }
            for (pk, page_link) in link.pages.iter() {
                if self.pages.get(pk).is_none_or(|p| p.lo != lk) {
                    return Err(format!("{lk} holds a link for {pk}, which is not one of its pages"));
                }
                if let Some(up) = page_link.upstream.filter(|u| !self.pages.contains(*u)) {
                    return Err(format!("{pk} links to a missing upstream page {up}"));
                }
            }
        }
        if links != indexed {
            return Err("the downstreams index misses a link".into());
        }
        for (pk, p) in self.pages.iter() {
            let Some(lo) = self.los.get(p.lo) else { continue };
            if p.version > lo.version || (p.version > 0 && lo.edited.0.get(&p.version).map(|e| e.0) != Some(pk)) {
                return Err(format!("{pk}: its version disagrees with its learning object's edit log"));
            }
        }
        Ok(())
    }

    /// The checks of a course's own fields (text, settings, assigned users,
    /// lock, tool items): also what a cancelled copy puts back into its
    /// target, which loading checks with this.
    pub(super) fn check_course_data(&self, ck: &dyn std::fmt::Display, c: &crate::data::Course) -> Result<(), String> {
        use crate::data::ToolLink;
        let texts =
            [Text::name(crate::Field::Title, &c.title), Text::name(crate::Field::PlayerLayout, &c.player_layout)];
        if let Some(Err(e)) = texts.into_iter().find(Result::is_err) {
            return Err(format!("{ck}: {e}"));
        }
        if let Some(u) = c.assigned.iter().find(|u| !self.users.contains(**u)) {
            return Err(format!("{ck} assigns a missing {u}"));
        }
        if let Some(u) = c.lock.filter(|u| !self.users.contains(*u)) {
            return Err(format!("{ck} is locked by a missing {u}"));
        }
        if let Some(m) = c.settings.banner_image.filter(|m| !self.media.contains(*m)) {
            return Err(format!("{ck} has a missing banner image {m}"));
        }
        if let Some(Err(e)) = c.details.keys().map(|k| Text::name(crate::Field::Details, k)).find(Result::is_err) {
            return Err(format!("{ck}: {e}"));
        }
        if c.tools.next_id > crate::data::MAX_TOOL_ID {
            return Err(format!("{ck} has given out more tool item ids than a course can"));
        }
        let mut ids = HashSet::new();
        for item in c.tools.iter() {
            let at = format!("tool item {} of {ck}", item.id);
            if let Err(e) = Text::name(crate::Field::Title, &item.title) {
                return Err(format!("{at}: {e}"));
            }
            if !ids.insert(item.id) || item.id.0 > c.tools.next_id || item.id.0 == 0 {
                return Err(format!("{at} has a repeated or unallocated id"));
            }
            let live = match item.link {
                Some(ToolLink::Content(lo)) => self.los.contains(lo),
                Some(ToolLink::Term(t)) => self.terms.contains(t),
                Some(ToolLink::Tool(_)) | None => true,
            };
            let ok = live && c.tools.link_fits(item);
            if !ok {
                return Err(format!("{at} has a dangling or ill-typed link {:?}", item.link));
            }
            let users = item
                .posts
                .iter()
                .map(|p| p.author)
                .chain(item.groups.values().flat_map(|m| m.iter().copied()))
                .chain(item.grades.keys().copied());
            if let Some(u) = users.into_iter().find(|u| !self.users.contains(*u)) {
                return Err(format!("{at} names a missing {u}"));
            }
        }
        Ok(())
    }

    fn check_tasks(&self) -> Result<(), String> {
        use crate::data::Phase;
        let mut scheduled = HashSet::new();
        for (list, phase) in
            [(self.queue.iter().collect::<Vec<_>>(), "queued"), (self.running.iter().collect(), "running")]
        {
            for t in list {
                let ok = match self.tasks.get(*t).map(|t| &t.phase) {
                    Some(Phase::Queued) => phase == "queued",
                    Some(Phase::Running) => phase == "running",
                    _ => false,
                };
                if !ok || !scheduled.insert(*t) {
                    return Err(format!("{t} is listed as {phase} but is not, or is listed twice"));
                }
            }
        }
        let mut pending = HashSet::new();
        for (tk, t) in self.tasks.iter() {
            if matches!(t.phase, Phase::Finished(_)) {
                if t.job.is_some() {
                    return Err(format!("finished {tk} still holds its work"));
                }
                continue;
            }
            pending.insert(tk);
            if !scheduled.contains(&tk) || t.job.is_none() {
                return Err(format!("{tk} is neither queued nor running"));
            }
            if !self.courses.contains(t.target) || self.busy.get(&t.target) != Some(&tk) {
                return Err(format!("{tk} has a missing target, or one not marked busy"));
            }
        }
        if self.busy.values().any(|t| !pending.contains(t)) {
            return Err("a course is marked busy by a task that is not pending".into());
        }
        Ok(())
    }
}

/// Numeric ids (CNV-2): each from 1 to the counter, which holds the last
/// one given, and none held twice. O(n log n).
fn check_numeric_ids<K: std::fmt::Display>(
    kind: &str,
    ids: impl Iterator<Item = (K, u64)>,
    counter: u64,
) -> Result<(), String> {
    let mut seen = Vec::new();
    for (key, id) in ids {
        if id == 0 || id > counter {
            return Err(format!("{key}: its numeric id {id} is out of range (the last given is {counter})"));
        }
        seen.push(id);
    }
    seen.sort_unstable();
    match seen.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(format!("two of the {kind}s hold the numeric id {}", w[0])),
        None => Ok(()),
    }
}
