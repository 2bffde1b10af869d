//! Learning objects and pages: their records, versions and edit logs, and the copy tasks' write barrier every page change passes.

use super::*;
use crate::data::LoLink;

/// The pages a Duplicate copies from: a list (a snapshot's), or the live
/// list of an LO of the store, read in place.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PagesOf<'a> {
    List(&'a [PageKey]),
    Lo(LoKey),
}

/// How the pages a linked copy gains are linked: not at all (a plain LO),
/// as a fresh run of the diff base at these versions, or each to its
/// source.
enum NewLinks {
    None,
    Run(Box<[u64]>),
    Each(Vec<LinkSource>),
}

/// What a linked page is made from: its source, the version it was read
/// at, and whether the source lives.
struct LinkSource {
    key: PageKey,
    version: u64,
    live: bool,
}

impl Store {
    /// Inserts a learning object with no pages, included in no course yet.
    pub(crate) fn insert_lo(
        &mut self,
        title: Arc<str>,
        description: Arc<str>,
        parent: Option<CourseKey>,
        origin: Option<LoKey>,
        ancestors: Ancestry,
    ) -> LoKey {
        let parent = parent.filter(|p| self.courses.contains(*p));
        let mut record = LearningObject::new_record(title, description, parent, origin, ancestors);
        record.pk = next_id(&mut self.next_lo_pk);
        self.los.insert(record)
    }

    /// Changes an LO's title and description (`None` keeps one).
    /// A value equal to the one the LO has is no change (LNK-3): with no
    /// change left, nothing moves, not even the version.
    pub(crate) fn set_lo_text(&mut self, lo: LoKey, title: Option<Arc<str>>, description: Option<Arc<str>>) -> Reach {
        let Some(record) = self.los.get_mut(lo) else { return Reach::default() };
        let title = title.filter(|t| *t != record.title);
        let description = description.filter(|d| *d != record.description);
        if title.is_none() && description.is_none() {
            return record.used_in.reach();
        }
        if let Some(link) = record.link.as_mut() {
            link.customised.title |= title.is_some();
            link.customised.description |= description.is_some();
        }
        if let Some(t) = title {
            record.title = t;
        }
        if let Some(d) = description {
            record.description = d;
        }
        record.version = record.version.saturating_add(1);
        record.used_in.reach()
    }

    /// Deletes a learning object and its pages, taking it out of every
    /// course that includes it first. Its linked copies keep their content
    /// and hold "upstream deleted" markers (LNK-10); its own link leaves
    /// the downstreams index.
    ///
    /// # Errors
    /// The LO is gone, or a course's tool items link to it (they would
    /// dangle); nothing changed.
    pub(crate) fn remove_lo(&mut self, lo: LoKey) -> Result<(), Error> {
        if !self.los.contains(lo) {
            return Err(Error::not_found(lo));
        }
        let linking = self.courses_linking_to(lo);
        if !linking.is_empty() {
            return Err(Error::InUse { entity: lo.into(), used_by: linking.into_iter().map(Into::into).collect() });
        }
        self.forget_upstream_lo(lo);
        self.forget_locks_of_lo(lo);
        self.set_lo_link(lo, None);
        let courses = self.los.get(lo).map(|l| l.used_in.iter().copied().collect::<Vec<_>>()).unwrap_or_default();
        for course in courses {
            if let Some(at) = self.courses.get(course).and_then(|c| c.position_of(lo)) {
                self.exclude_lo_at(course, at);
            }
        }
        if let Some(record) = self.los.remove(lo) {
            for page in record.pages.iter() {
                self.remove_page_record(*page);
            }
        }
        Ok(())
    }

    /// Deletes every learning object of `los` that no course includes and
    /// no tool item links to (with its pages, as [`remove_lo`](Self::remove_lo)
    /// does); gives back those it kept. One pass over the tool items for
    /// them all.
    pub(crate) fn remove_los(&mut self, los: &[LoKey]) -> Vec<LoKey> {
        let linked: std::collections::HashSet<LoKey> = self
            .courses
            .iter()
            .flat_map(|(_, c)| c.tools.iter())
            .filter_map(|i| match i.link {
                Some(ToolLink::Content(lo)) => Some(lo),
                _ => None,
            })
            .collect();
        let mut kept = Vec::new();
        for &lo in los {
            let unused = self.los.get(lo).is_some_and(|l| l.used_in.is_empty());
            if !unused || linked.contains(&lo) {
                kept.push(lo);
                continue;
            }
            self.forget_upstream_lo(lo);
            self.forget_locks_of_lo(lo);
            self.set_lo_link(lo, None);
            if let Some(record) = self.los.remove(lo) {
                for page in record.pages.iter() {
                    self.remove_page_record(*page);
                }
            }
        }
        kept
    }

    /// The courses that include `lo`, cached in the LO for widely shared
    /// ones.
    pub(crate) fn lo_reach(&mut self, lo: LoKey) -> Reach {
        self.los.get_mut(lo).map(|l| l.used_in.reach()).unwrap_or_default()
    }

    // ---- Pages --------------------------------------------------------------

    /// Adds a page to `lo`, at `at` or at the end.
    pub(crate) fn insert_page(
        &mut self,
        lo: LoKey,
        content: Arc<PageContent>,
        style: Option<StyleKey>,
        at: Option<usize>,
    ) -> Option<PageKey> {
        self.bump_layout(lo)?;
        if !content.items.is_empty() {
            self.library_index.invalidate();
        }
        let pk = next_id(&mut self.next_page_pk);
        let page = self.pages.insert(Page { content, style, lo, origin: None, version: 0, pk });
        if let Some(record) = self.los.get_mut(lo) {
            match at {
                Some(at) => record.pages.insert(at, page),
                None => record.pages.push_back(page),
            }
        }
        Some(page)
    }

    /// Appends to `lo` a duplicate of each source page, given as its handle
    /// and the content to give the duplicate, and empties `sources`: the
    /// content is shared, not copied, the style dropped, the origin kept.
    /// Returns the position in `lo` of the first new page. `more` is how
    /// many pages are still to come after these, for which the list makes
    /// room now. The pages come as a batch so that the LO's list grows
    /// once, not page by page.
    pub(crate) fn push_duplicate_pages(&mut self, lo: LoKey, sources: &mut Vec<PageSource>, more: usize) -> usize {
        let Some(record) = self.los.get(lo) else {
            sources.clear();
            return 0;
        };
        let linked = match record.link {
            Some(_) => NewLinks::Each(
                sources.iter().map(|s| LinkSource { key: s.key, version: s.version, live: s.live }).collect(),
            ),
            None => NewLinks::None,
        };
        // Each source becomes a page: the ids after the last given, in turn.
        let first = self.next_page_pk;
        self.next_page_pk = first.saturating_add(sources.len() as u64);
        let pages = sources.drain(..).zip(1..).map(|(src, i)| Page {
            content: src.content,
            style: None,
            lo,
            origin: Some(src.key),
            version: 0,
            pk: first.saturating_add(i),
        });
        let keys = self.pages.extend(pages);
        self.list_duplicate_pages(lo, keys, linked, more)
    }

    /// As [`push_duplicate_pages`](Self::push_duplicate_pages), for the
    /// live pages among `range` of the pages `from` names, read where they
    /// are: no batch of contents is built first, which a Duplicate's pages
    /// would otherwise write and read back once each.
    pub(crate) fn push_duplicates_of(
        &mut self,
        lo: LoKey,
        from: PagesOf<'_>,
        range: std::ops::Range<usize>,
        more: usize,
    ) -> usize {
        let Some(record) = self.los.get(lo) else { return 0 };
        let sources = match from {
            PagesOf::List(list) => list,
            PagesOf::Lo(src) => self.los.get(src).map_or(&[][..], |l| l.pages.as_slice()),
        };
        let sources = sources.get(range).unwrap_or_default();
        let fresh = record.pages.is_empty() && more == 0;
        let linked = record.link.as_deref().map(|link| LinkedInto { fresh, link });
        let next = self.pages.next_keys(sources.len());
        let (added, links) = append_duplicates(&mut self.pages, &mut self.next_page_pk, lo, sources, linked);
        self.list_duplicate_pages(lo, next.take(added), links, more)
    }

    /// A new duplicate learning object, `new`, with every live page of
    /// `from` duplicated into it, at the end of course `into`'s list: what
    /// [`insert_lo`](Self::insert_lo), [`include_lo`](Self::include_lo)
    /// and [`push_duplicates_of`](Self::push_duplicates_of) do in turn,
    /// with the record written once, its page list and where-used set in
    /// it. For an LO copied whole in one unit of work. O(pages), one
    /// allocation for the page list.
    pub(crate) fn push_duplicate_lo(&mut self, mut new: LearningObject, into: CourseKey, from: PagesOf<'_>) -> LoKey {
        let included = self.courses.contains(into);
        let owned;
        let sources = match from {
            PagesOf::List(list) => list,
            PagesOf::Lo(src) => {
                owned = self.los.get(src).map(|l| l.pages.clone()).unwrap_or_default();
                owned.as_slice()
            }
        };
        let (pages, downstreams, next_page_pk) = (&mut self.pages, &mut self.downstreams, &mut self.next_page_pk);
        new.pk = next_id(&mut self.next_lo_pk);
        let lo = self.los.insert_with(|lo| {
            let next = pages.next_keys(sources.len());
            let linked = new.link.as_deref().map(|link| LinkedInto { fresh: true, link });
            let (added, links) = append_duplicates(pages, next_page_pk, lo, sources, linked);
            // A duplicate given its page list has had one change, as one
            // whose pages came after it would (LNK-3).
            new.version = u64::from(!sources.is_empty());
            new.layout_version = new.version;
            new.pages = next.clone().take(added).collect();
            if let Some(link) = new.link.as_deref_mut() {
                link_new_pages(link, next.take(added), links);
                link.match_copies(&new.pages);
                if let Some(up) = link.upstream {
                    downstreams.insert((up, lo));
                }
            }
            new.parent = Some(into).filter(|_| included);
            new.used_in = if included { CourseSet::of(into) } else { CourseSet::default() };
            new
        });
        if !sources.is_empty() {
            self.library_index.invalidate();
        }
        if let Some(course) = self.courses.get_mut(into) {
            course.los.push_back(lo);
        }
        lo
    }

    /// Puts the new pages `keys`, linked as `links` if `lo` is a linked
    /// copy, at the end of `lo`'s list. Returns the position of the first.
    fn list_duplicate_pages(
        &mut self,
        lo: LoKey,
        keys: impl ExactSizeIterator<Item = PageKey> + Clone,
        links: NewLinks,
        more: usize,
    ) -> usize {
        let Some(record) = self.los.get_mut(lo) else { return 0 };
        self.library_index.invalidate();
        record.version = record.version.saturating_add(1);
        record.layout_version = record.version;
        let first = record.pages.len();
        if let Some(link) = record.link.as_mut() {
            link_new_pages(link, keys.clone(), links);
        }
        if first == 0 && more == 0 {
            // The whole list at once: one allocation.
            record.pages = keys.collect();
        } else {
            record.pages.change(|list| {
                list.reserve(keys.len().saturating_add(more));
                list.extend(keys);
            });
        }
        first
    }

    /// Sets a page's title and body (`None` keeps one); on a linked page,
    /// marks them customised (LNK-5).
    /// A value equal to the page's is no change (LNK-3).
    pub(crate) fn set_page_text(&mut self, page: PageKey, title: Option<Arc<str>>, body: Option<Arc<str>>) -> Reach {
        let Some(record) = self.pages.get(page) else { return Reach::default() };
        let title = title.filter(|t| *t != record.content.title);
        let body = body.filter(|b| *b != record.content.body);
        if title.is_none() && body.is_none() {
            return self.lo_reach(record.lo);
        }
        self.change_content(page, |p, link| {
            if let Some(link) = link {
                link.customised.title |= title.is_some();
                link.customised.body |= body.is_some();
            }
            let content = p.content_mut();
            if let Some(t) = title {
                content.title = t;
            }
            if let Some(b) = body {
                content.body = b;
            }
        })
    }

    /// Applies a style to a page, or clears it.
    /// A style is a page field, so the LO's version grows (LNK-3); it is
    /// not content, so the page's own version does not: style never syncs.
    /// The style the page has already is no change (LNK-3).
    pub(crate) fn set_page_style(&mut self, page: PageKey, style: Option<StyleKey>) -> Reach {
        let Some(record) = self.pages.get(page) else { return Reach::default() };
        if record.style == style {
            return self.lo_reach(record.lo);
        }
        let lo = self.pages.get(page).map(|p| p.lo);
        if let Some(record) = lo.and_then(|lo| self.los.get_mut(lo)) {
            record.version = record.version.saturating_add(1);
        }
        self.change_page(page, |p| p.style = style)
    }

    /// Sets a page's library items: the one place they change. On a
    /// linked page, marks them customised (LNK-5).
    /// The list the page has already is no change (LNK-3).
    pub(crate) fn set_page_items(&mut self, page: PageKey, items: Arc<[crate::handles::LibraryItem]>) -> Reach {
        let Some(record) = self.pages.get(page) else { return Reach::default() };
        if record.items() == &*items {
            return self.lo_reach(record.lo);
        }
        self.library_index.invalidate();
        self.change_content(page, |p, link| {
            if let Some(link) = link {
                link.customised.items = true;
            }
            p.content_mut().items = items;
        })
    }

    /// Deletes a page from its LO. The linked copies of the page keep
    /// theirs, with an "upstream deleted" marker (LNK-10).
    pub(crate) fn remove_page(&mut self, page: PageKey) -> Reach {
        let Some((lo, version)) = self.pages.get(page).map(|p| (p.lo, p.version)) else { return Reach::default() };
        let at = self.los.get(lo).and_then(|l| l.pages.index_of(page));
        self.forget_upstream_page(lo, page, at);
        self.remove_page_record(page);
        if self.bump_layout(lo).is_none() {
            return Reach::default();
        }
        let Some(record) = self.los.get_mut(lo) else { return Reach::default() };
        if record.edited.0.get(&version).is_some_and(|(p, _)| *p == page) {
            record.edited.0.remove(&version);
        }
        if let Some(at) = at {
            record.pages.remove(at);
        }
        record.used_in.reach()
    }

    /// Moves a page to position `to` in its LO; in a linked copy, marks
    /// the LO reordered (LNK-6).
    pub(crate) fn move_page(&mut self, page: PageKey, to: usize) -> Reach {
        let Some(lo) = self.pages.get(page).map(|p| p.lo) else { return Reach::default() };
        let Some(at) = self.los.get(lo).and_then(|l| l.pages.index_of(page)) else { return Reach::default() };
        // A move to where the page is is no change (LNK-3).
        if self.los.get(lo).is_none_or(|l| to >= l.pages.len()) || to == at {
            return self.lo_reach(lo);
        }
        self.bump_layout(lo);
        let Some(record) = self.los.get_mut(lo) else { return Reach::default() };
        if let Some(link) = record.link.as_mut() {
            link.reordered = true;
        }
        if let Some(page) = record.pages.remove(at) {
            record.pages.insert(to, page);
        }
        record.used_in.reach()
    }

    /// Raises an LO's version for a change to its page list; returns the
    /// new version.
    pub(super) fn bump_layout(&mut self, lo: LoKey) -> Option<u64> {
        let record = self.los.get_mut(lo)?;
        record.version = record.version.saturating_add(1);
        record.layout_version = record.version;
        Some(record.version)
    }

    /// Changes a page's content: saves it for pending tasks, raises its
    /// LO's version, and stamps the page with it in the LO's `edited` map.
    /// `apply` gets the page and, on a linked page, its link.
    pub(super) fn change_content(
        &mut self,
        page: PageKey,
        apply: impl FnOnce(&mut Page, Option<&mut PageLink>),
    ) -> Reach {
        self.save_for_tasks(page);
        let Some((lo, old)) = self.pages.get(page).map(|p| (p.lo, p.version)) else { return Reach::default() };
        let Some(record) = self.los.get_mut(lo) else { return Reach::default() };
        let at = record.pages.index_of(page).unwrap_or(0);
        record.version = record.version.saturating_add(1);
        let version = record.version;
        if record.edited.0.get(&old).is_some_and(|(p, _)| *p == page) {
            record.edited.0.remove(&old);
        }
        record.edited.0.insert(version, (page, u32::try_from(at).unwrap_or(u32::MAX)));
        let reach = record.used_in.reach();
        let mut link = record.link.as_mut().and_then(|l| l.pages.get_mut(page));
        if let Some(p) = self.pages.get_mut(page) {
            // A linked page's base that is its own content is held as
            // `None`: pin it before the content changes, and let go of it
            // again if the change leaves the two the same.
            if let Some(link) = link.as_mut()
                && link.base.is_none()
            {
                link.base = Some(p.content.clone());
            }
            apply(p, link.as_deref_mut());
            p.version = version;
            if let Some(link) = link
                && link.base.as_ref().is_some_and(|b| Arc::ptr_eq(b, &p.content))
            {
                link.base = None;
            }
        }
        reach
    }

    fn change_page(&mut self, page: PageKey, apply: impl FnOnce(&mut Page)) -> Reach {
        self.save_for_tasks(page);
        let Some(p) = self.pages.get_mut(page) else { return Reach::default() };
        apply(p);
        let lo = p.lo;
        self.lo_reach(lo)
    }

    /// Removes a page record (not its place in its LO's list).
    fn remove_page_record(&mut self, page: PageKey) {
        self.save_for_tasks(page);
        let removed = self.pages.remove(page);
        if removed.as_ref().is_some_and(|p| !p.items().is_empty()) {
            self.library_index.invalidate();
        }
        if let Some(p) = &removed {
            self.forget_lock_of_page(p.lo, page);
        }
        if let Some(link) = removed.and_then(|p| self.los.get_mut(p.lo)).and_then(|l| l.link.as_mut()) {
            link.pages.remove(page);
        }
    }

    /// The write barrier: saves a page as it is into the overlay of every
    /// task that will still read it, before the page changes. O(1) when no
    /// task is pending; otherwise O(log LOs) a pending task.
    pub(super) fn save_for_tasks(&mut self, page: PageKey) {
        if self.queue.is_empty() && self.running.is_empty() {
            return;
        }
        let Some(record) = self.pages.get(page) else { return };
        for lent in &mut self.lent {
            lent.saved.entry(page).or_insert_with(|| record.clone());
        }
        for task in self.queue.iter().chain(&self.running) {
            if let Some(job) = self.tasks.get_mut(*task).and_then(|t| t.job.as_mut())
                && job.reads(record.lo)
            {
                // The job reads content and version only.
                job.overlay.entry(page).or_insert_with(|| record.clone());
            }
        }
    }
}

/// The linked copy that new pages go into: its link, and whether the pages
/// are its whole, fresh list (none before them, none to come).
struct LinkedInto<'a> {
    fresh: bool,
    link: &'a LoLink,
}

/// Appends to `pages`, as pages of `lo`, a duplicate of each of `sources`
/// that lives (DUP-1..5): content shared, style dropped, origin kept. Only
/// the values held before the call are read. Returns how many, and how
/// they are linked: not at all unless `linked`; as a run at the versions
/// read when they are the whole, fresh copy of the link's diff base, each
/// to its source otherwise.
fn append_duplicates(
    pages: &mut Arena<PageKey, Page>,
    next_pk: &mut u64,
    lo: LoKey,
    sources: &[PageKey],
    linked: Option<LinkedInto<'_>>,
) -> (usize, NewLinks) {
    let mut versions = Vec::new();
    if linked.is_some() {
        versions.reserve_exact(sources.len());
    }
    let held = pages.slot_count();
    let added = pages.extend_from_within(sources, |key, page| {
        if linked.is_some() {
            versions.push(page.version);
        }
        Page { content: page.content.clone(), style: None, lo, origin: Some(key), version: 0, pk: next_id(next_pk) }
    });
    let links = match linked {
        None => NewLinks::None,
        Some(into)
            if into.fresh
                && added == sources.len()
                && into.link.pages.is_empty()
                && into.link.base_pages.as_slice() == sources =>
        {
            NewLinks::Run(versions.into_boxed_slice())
        }
        Some(_) => {
            // The sources copied are those that lived before the new pages
            // came, in the slots held then.
            let live = sources.iter().filter(|k| pages.slot_of(**k).is_some_and(|slot| slot < held));
            NewLinks::Each(live.zip(versions).map(|(k, version)| LinkSource { key: *k, version, live: true }).collect())
        }
    };
    (added, links)
}

/// Links the new pages `next` of a linked copy as `links` says.
fn link_new_pages(link: &mut LoLink, next: impl Iterator<Item = PageKey>, links: NewLinks) {
    let mut next = next.peekable();
    let each = match links {
        NewLinks::None => Vec::new(),
        // Kept as a run, 8 bytes a page.
        NewLinks::Run(synced) => match next.peek() {
            Some(first) if link.pages.is_empty() && link.base_pages.len() == synced.len() => {
                let set = link.pages.set_fresh(*first, link.base_pages.clone(), synced);
                debug_assert!(set);
                Vec::new()
            }
            // Nothing was added, or the run cannot be: each page linked
            // to its source in the base.
            _ => link
                .base_pages
                .iter()
                .zip(synced.iter())
                .map(|(key, version)| LinkSource { key: *key, version: *version, live: true })
                .collect(),
        },
        NewLinks::Each(each) => each,
    };
    for (key, src) in next.zip(each) {
        // A linked page of a source deleted since the request (a page a
        // pending copy saved) starts with an "upstream deleted" marker.
        let upstream = Some(src.key).filter(|_| src.live);
        link.pages.insert(key, PageLink { upstream, synced: src.version, base: None, customised: Default::default() });
    }
}

/// The next numeric id of a counter (CNV-2): the counter holds the last
/// one given. A counter starts at 0 and a loaded one is at most half of
/// `u64::MAX`, so it never wraps in a workspace's life.
fn next_id(counter: &mut u64) -> u64 {
    *counter = counter.saturating_add(1);
    *counter
}
