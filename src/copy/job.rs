//! Applying a copy plan, one unit of work at a time. Cannot fail.
//!
//! Work order (LMS-6): the target record first (created when the job
//! starts), then its settings and styles, then its memberships, then the
//! content, then the tools. One unit is one of: the settings, the
//! memberships, one learning object, one page, one tool item. A learning
//! object whose pages all fit in the budget left is duplicated with them
//! at once, its record written once ([`Store::push_duplicate_lo`]).
//! Otherwise its pages follow as batches of as many units as the budget
//! allows, so that the new LO's page list grows once a batch.
//!
//! Progress is weighted so that the settings and memberships, the part an
//! integration waits for, fill the first 15 %; content and tools the other
//! 85 %.
//!
//! The job carries over only references that are live when it copies them:
//! library items, learning objects, terms, users. The snapshot is history and
//! may name entities deleted since (or, in a tampered file, never there).

use super::duplicate::NewDuplicate;
use super::plan::{CopyPlan, PlannedTarget};
use crate::data::{CopyIssue, CopyJob, CopyMode, Discussions, LoParts, PageSource, ReadIndex, Step};
use crate::data::{CourseSettings, DateShiftReport, Duration, PageContent, ToolItem, ToolLink};
use crate::error::Error;
use crate::handles::{LibraryItem, LoKey, UserKey};
use crate::store::{PagesOf, Store};
use imbl::{OrdMap, OrdSet, Vector};
use std::collections::BTreeMap;
use std::sync::Arc;

impl CopyJob {
    /// Starts a planned copy: creates the target record of a new course, or
    /// remembers an existing target as it is, for a rollback.
    ///
    /// # Errors
    /// The new target's record cannot be inserted (the plan checked it, so
    /// only a plan made against another state fails here); nothing changed.
    pub(crate) fn start(ws: &mut Store, plan: CopyPlan) -> Result<CopyJob, Error> {
        let (target, new_target, target_before) = match plan.target {
            PlannedTarget::New(record) => (ws.insert_course(*record)?, true, None),
            PlannedTarget::Existing(key) => {
                let before = ws.course(key)?.clone();
                // Only the time changes: the text stays as valid as it was.
                ws.update_course_text(key, |c| *c.modified = plan.at)?;
                (key, false, Some(before))
            }
        };
        let tools = plan.tools;
        let (los, pages) = match (plan.selection.content_areas, plan.mode) {
            (false, _) => (0, 0),
            (true, CopyMode::Share) => (usize::from(!plan.snapshot.course.los.is_empty()), 0),
            (true, CopyMode::Duplicate | CopyMode::Linked) => match &plan.snapshot.live {
                Some(keys) => {
                    let records = keys.iter().filter_map(|lo| ws.learning_object(*lo).ok());
                    (keys.len(), records.map(|lo| lo.pages.len()).sum())
                }
                None => (plan.snapshot.los.len(), plan.snapshot.los.iter().map(|(_, lo)| lo.pages.len()).sum()),
            },
        };
        if plan.mode.copies_content() && plan.selection.content_areas {
            ws.reserve(los, pages);
        }
        let content = (los + pages) as u64;
        Ok(CopyJob {
            requester: plan.requester,
            mode: plan.mode,
            selection: plan.selection,
            keep_authors: plan.keep_authors,
            snapshot: plan.snapshot,
            target,
            new_target,
            target_before,
            total: 2 + content + tools.len() as u64,
            tools,
            step: Step::Settings,
            done: 0,
            tool_map: BTreeMap::new(),
            current_lo: None,
            issues: Vec::new(),
            overlay: BTreeMap::new(),
            reads: ReadIndex::default(),
            batch: Vec::new(),
            dates: plan.dates,
        })
    }

    /// Does at most `budget` units; returns how many it did.
    pub(crate) fn run(&mut self, ws: &mut Store, budget: u64) -> u64 {
        let mut used = 0;
        while used < budget && !self.is_done() {
            used += self.units(ws, budget - used);
        }
        used
    }

    /// Does the next units, at most `budget` of them (at least one): one
    /// unit, or a run of pages of one LO. Returns how many it did.
    fn units(&mut self, ws: &mut Store, budget: u64) -> u64 {
        let mut did = 1;
        self.step = match self.step {
            Step::Settings => {
                self.copy_settings(ws);
                Step::Memberships
            }
            Step::Memberships => {
                self.copy_memberships(ws);
                self.content_from(0)
            }
            Step::Lo(i) => {
                let (next, units) = self.copy_lo(ws, i, budget);
                did = units;
                next
            }
            Step::Page(i, j) => {
                // The source LO is looked up once a batch: in a live job, an
                // index into the course's LO list is a tree walk.
                let source = self.source_lo(ws, i).map(|(key, lo)| (key, lo.pages.len()));
                let len = source.map_or(0, |(_, len)| len);
                let n = len.saturating_sub(j).min(usize::try_from(budget).unwrap_or(usize::MAX)).max(1);
                self.copy_pages(ws, i, source, j, n);
                did = n as u64;
                if j + n < len { Step::Page(i, j + n) } else { self.content_from(i + 1) }
            }
            Step::Tool(k) => {
                self.copy_tool(ws, k);
                if k + 1 < self.tools.len() { Step::Tool(k + 1) } else { Step::Done }
            }
            Step::Done => Step::Done,
        };
        self.done = self.done.saturating_add(did);
        did
    }

    /// The step for the LO at `i`, or the tools after the last one.
    fn content_from(&self, i: usize) -> Step {
        if self.selection.content_areas && i < self.content_len() {
            Step::Lo(i)
        } else if !self.tools.is_empty() {
            Step::Tool(0)
        } else {
            Step::Done
        }
    }

    fn copy_settings(&mut self, ws: &mut Store) {
        let (src, sel) = (&self.snapshot.course.settings, self.selection.settings);
        let Ok(course) = ws.course(self.target) else {
            return;
        };
        let mut s = if self.new_target { CourseSettings::default() } else { course.settings.clone() };
        if sel.availability {
            s.availability = src.availability;
        }
        let shifted = self.dates.as_deref();
        if sel.duration {
            s.duration = shifted.and_then(|d| d.duration()).unwrap_or(src.duration);
        }
        if sel.enrollment_options {
            s.enrollment =
                shifted.and_then(|d| d.enrollment(&src.enrollment)).unwrap_or_else(|| src.enrollment.clone());
        }
        if sel.language_pack {
            s.locale = src.locale.clone();
        }
        if sel.guest_access {
            s.guest_access = src.guest_access;
        }
        if sel.observer_access {
            s.observer_access = src.observer_access;
        }
        if sel.navigation_settings {
            s.navigation = src.navigation.clone();
        }
        if sel.banner_image {
            s.banner_image = src.banner_image.filter(|m| ws.has_media(*m));
            if let Some(media) = src.banner_image.filter(|m| !ws.has_media(*m)) {
                self.issues.push(CopyIssue::DroppedBannerImage { media });
            }
        }
        // The banner is filtered to a live one above, and the target is the
        // task's: this cannot be refused.
        let set = ws.set_course_settings(self.target, s);
        debug_assert!(set.is_ok(), "{set:?}");
        if self.new_target {
            for style in &self.snapshot.styles {
                ws.insert_style(self.target, style.name.clone(), style.css.clone());
            }
        }
    }

    fn copy_memberships(&mut self, ws: &mut Store) {
        let source: OrdSet<UserKey> =
            self.snapshot.course.assigned.iter().copied().filter(|u| ws.has_user(*u)).collect();
        let Ok(target) = ws.course(self.target) else { return };
        let assigned = match (self.new_target, self.keep_authors) {
            (true, true) => source,
            (true, false) => OrdSet::unit(self.requester),
            (false, true) => target.assigned.clone().union(source),
            (false, false) => return,
        };
        // Every user is live: the source's are filtered, the requester
        // asked.
        let set = ws.set_assigned(self.target, assigned);
        debug_assert!(set.is_ok(), "{set:?}");
    }

    /// Duplicates the source's LO `i`: the record and its pages at once
    /// when they all fit in `budget` and no page of it can be saved in the
    /// overlay, or else the record alone, its pages to follow in
    /// `Step::Page` batches. Returns the next step and the units done.
    fn copy_lo(&mut self, ws: &mut Store, i: usize, budget: u64) -> (Step, u64) {
        if self.mode == CopyMode::Share {
            self.share_los(ws);
            return (self.content_from(i + 1), 1);
        }
        // A linked copy's upstream course is the source, found by its LMS
        // id, which is never reused.
        let linked = match self.mode {
            CopyMode::Linked => ws.course_by_pk(self.snapshot.course.pk),
            CopyMode::Share | CopyMode::Duplicate => None,
        };
        let Some((src_key, src)) = self.source_lo(ws, i) else { return (self.content_from(i + 1), 1) };
        let (copy, len) = (NewDuplicate::of(ws, src_key, src, linked), src.pages.len() as u64);
        if len < budget && self.overlay.is_empty() {
            self.current_lo = Some(copy.insert_whole(ws, self.target, self.pages_of(i, src_key)));
            return (self.content_from(i + 1), len.saturating_add(1));
        }
        self.current_lo = Some(copy.insert(ws, self.target));
        (if len > 0 { Step::Page(i, 0) } else { self.content_from(i + 1) }, 1)
    }

    /// Where the pages of the source's LO `i` (handle `src_key`) are read:
    /// the live LO, or the snapshot's list.
    fn pages_of(&self, i: usize, src_key: LoKey) -> PagesOf<'_> {
        match self.snapshot.live {
            Some(_) => PagesOf::Lo(src_key),
            None => PagesOf::List(self.snapshot.los.get(i).map_or(&[][..], |(_, lo)| lo.pages.as_slice())),
        }
    }

    /// The source's LO `i`, which Step::Lo(i) duplicates and whose pages
    /// Step::Page(i, _) copies: from the snapshot, or from the workspace
    /// for a job that reads live ([`Snapshot::live`](crate::data::Snapshot)).
    /// A live job runs in the call that planned it, so the source's LOs
    /// are as the plan saw them, and live (INT-1).
    fn source_lo<'a>(&'a self, ws: &'a Store, i: usize) -> Option<(LoKey, LoParts<'a>)> {
        if let Some(keys) = &self.snapshot.live {
            let key = *keys.get(i)?;
            Some((key, LoParts::of(ws.learning_object(key).ok()?)))
        } else {
            self.snapshot.los.get(i).map(|(key, lo)| (*key, lo.parts()))
        }
    }

    /// Shares the source's LOs with the target, in one unit: the target's
    /// list gains the LOs it does not hold yet ([`Store::share_los`]).
    fn share_los(&mut self, ws: &mut Store) {
        for learning_object in ws.share_los(self.target, &self.snapshot.course.los) {
            self.issues.push(CopyIssue::MissingContent { learning_object });
        }
    }

    /// Duplicates pages `j..j + n` of the current LO, as they were at the
    /// request: new pages with the same title, body and library items
    /// (shared in memory, not copied), no style (DUP-3), and their origin
    /// (DUP-5).
    /// `source` is the source LO's handle and page count, as
    /// [`source_lo`](Self::source_lo) reads them.
    fn copy_pages(&mut self, ws: &mut Store, i: usize, source: Option<(LoKey, usize)>, j: usize, n: usize) {
        let Some(lo) = self.current_lo else { return };
        let range = j..j.saturating_add(n);
        match source {
            Some((src_key, len)) if self.overlay.is_empty() => self.copy_live_pages(ws, lo, i, src_key, len, range),
            Some(_) => self.copy_saved_pages(ws, lo, i, range),
            None => {}
        }
        if source.is_none_or(|(_, len)| j.saturating_add(n) >= len) && self.mode == CopyMode::Linked {
            ws.set_link_copies(lo);
        }
    }

    /// [`copy_pages`](Self::copy_pages) when no page was saved in the
    /// overlay: every page is read where it lives, and lives, for a page of
    /// the source changed or deleted since the request would have been
    /// saved first.
    fn copy_live_pages(
        &self,
        ws: &mut Store,
        lo: LoKey,
        i: usize,
        src_key: LoKey,
        len: usize,
        range: std::ops::Range<usize>,
    ) {
        let end = range.end.min(len);
        let more = len.saturating_sub(end);
        ws.push_duplicates_of(lo, self.pages_of(i, src_key), range.start..end, more);
    }

    /// [`copy_pages`](Self::copy_pages) when pages were saved in the
    /// overlay: those are copied as saved, and report the library items
    /// deleted since (LMS-9).
    fn copy_saved_pages(&mut self, ws: &mut Store, lo: LoKey, i: usize, range: std::ops::Range<usize>) {
        let j = range.start;
        let mut sources = std::mem::take(&mut self.batch);
        let source = self.source_lo(ws, i).map(|(_, lo)| lo.pages);
        let source = source.map_or(&[][..], |pages| pages.as_slice());
        let end = range.end.min(source.len());
        sources.reserve(end.saturating_sub(j));
        // Library items a page saved in the overlay named, deleted since:
        // (position in `sources`, source page, item).
        let mut dropped = Vec::new();
        for &src_key in source.get(j..end).unwrap_or_default() {
            // A live page's items are live (INT-1); a page saved in the
            // overlay may name items deleted since.
            let saved = self.overlay.get(&src_key);
            let Some(src) = saved.or_else(|| ws.page(src_key).ok()) else { continue };
            let version = src.version;
            let live = |item: &LibraryItem| ws.library_entry(*item).is_ok();
            let items = &src.content.items;
            let content = if saved.is_none() || items.iter().all(live) {
                src.content.clone()
            } else {
                dropped.extend(items.iter().filter(|i| !live(i)).map(|item| (sources.len(), src_key, *item)));
                let kept: Arc<[LibraryItem]> = items.iter().copied().filter(live).collect();
                Arc::new(PageContent { items: kept, ..(*src.content).clone() })
            };
            // A page read live lives; one saved in the overlay may not.
            let live = saved.is_none() || ws.page(src_key).is_ok();
            sources.push(PageSource { key: src_key, content, version, live });
        }
        let more = source.len().saturating_sub(end);
        let first = ws.push_duplicate_pages(lo, &mut sources, more);
        self.batch = sources;
        let Ok(pages) = ws.learning_object(lo).map(|record| &record.pages) else { return };
        for (at, source_page, item) in dropped {
            if let Some(page) = pages.get(first + at) {
                self.issues.push(CopyIssue::DroppedLibraryItem { source_page, page, item });
            }
        }
    }

    /// Copies tool item `k` with a new id: links remapped to the copies of
    /// what they point at, or dropped and reported (LMS-9); never grades,
    /// group members or forum replies.
    fn copy_tool(&mut self, ws: &mut Store, k: usize) {
        let Some(src) = self.tools.get(k) else { return };
        let link = src.link.and_then(|link| match link {
            ToolLink::Tool(t) => self.tool_map.get(&t).map(|n| ToolLink::Tool(*n)),
            ToolLink::Content(lo) => self.copy_of_lo(ws, lo).map(ToolLink::Content),
            ToolLink::Term(t) => ws.has_term(t).then_some(link),
        });
        let posts = match self.selection.discussions {
            Discussions::ForumsAndStarterPosts => {
                src.posts.iter().filter(|p| !p.reply && ws.has_user(p.author)).cloned().collect()
            }
            Discussions::ForumsOnly | Discussions::None => Vector::new(),
        };
        let item = |id| ToolItem {
            id,
            category: src.category,
            title: src.title.clone(),
            body: src.body.clone(),
            link,
            posts,
            groups: src.groups.keys().map(|name| (name.clone(), OrdSet::new())).collect::<OrdMap<_, _>>(),
            grades: OrdMap::new(),
            dates: self.dates.as_ref().and_then(|d| d.tools.get(k).copied().flatten()).map_or(src.dates, |n| n.dates),
        };
        // The plan and the loader leave room for every item the job copies,
        // and its links are remapped to what lives.
        let Ok(id) = ws.push_tool(self.target, item) else { return };
        self.tool_map.insert(src.id, id);
        if let (Some(old), None) = (src.link, link) {
            self.issues.push(CopyIssue::DroppedLink {
                category: src.category,
                source_item: src.id,
                item: id,
                link: old,
            });
        }
    }

    /// What the job did to the dates, once it is done: each shifted tool
    /// item named by its copy, and warnings for dates outside the target's
    /// duration (DAT-5). `None` if the job shifts no dates.
    pub(crate) fn date_report(&self, ws: &Store) -> Option<DateShiftReport> {
        let plan = self.dates.as_deref()?;
        let duration = ws.course(self.target).map_or(Duration::Continuous, |c| c.settings.duration);
        Some(plan.report(&self.tools, |source| self.tool_map.get(&source).copied().unwrap_or(source), duration))
    }

    /// What a content link to `lo` becomes in the copy: the same LO if the
    /// target includes it (Share), the LO duplicated from it (Duplicate), or
    /// nothing when the content was not copied.
    fn copy_of_lo(&self, ws: &Store, lo: LoKey) -> Option<LoKey> {
        if !self.selection.content_areas {
            return None;
        }
        let target = ws.course(self.target).ok()?;
        match self.mode {
            CopyMode::Share => ws.learning_object(lo).ok().filter(|l| l.used_in.contains(&self.target)).map(|_| lo),
            CopyMode::Duplicate | CopyMode::Linked => {
                let i = if let Some(keys) = &self.snapshot.live {
                    keys.iter().position(|k| *k == lo)?
                } else {
                    self.snapshot.los.iter().position(|(k, _)| *k == lo)?
                };
                target.los.get(self.base() + i).copied()
            }
        }
    }

    /// Undoes everything the job did: a new target is removed, an existing
    /// one is put back exactly as it was (LMS-4). The job only ever appended
    /// to the target's LO list, so what it added is what follows the
    /// target's former length.
    ///
    /// Other courses keep what they took meanwhile: the target can be read,
    /// so a Share of it or a re-use may include a learning object the job
    /// duplicated. Such an LO leaves the target only; a duplicated LO that
    /// no other course includes or links to is deleted with its pages.
    pub(crate) fn rollback(self, ws: &mut Store) {
        let added = ws.truncate_los(self.target, self.base());
        // The target first, so that its copied tool items, which link to
        // the copied LOs, are gone before those are deleted.
        if self.new_target {
            // Removing the course takes its parenthood from the LOs other
            // courses kept.
            ws.remove_course(self.target);
        } else if let Some(before) = &self.target_before {
            // What the copy replaced comes back; what `before` names that
            // was deleted since (a banner image, say) is left out.
            ws.restore_course_fields(self.target, before);
        }
        if self.mode.copies_content() {
            // A copied LO that another course included, or a tool item of
            // another course linked to, meanwhile stays.
            ws.remove_los(&added);
        }
    }
}
