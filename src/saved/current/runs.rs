//! Format 6's `page_runs` part: the pages of a Duplicate that nobody
//! edited since, a run of consecutive slots in one record instead of a
//! record a page.
//!
//! A Duplicate appends its pages after the page table's last slot, in the
//! order of its source's, so an unedited copy of an LO is a run: slots
//! `first .. first + count` at one version, in one LO, each the duplicate
//! of the source page in the same place of a run of source slots, with no
//! style and the very content of its source (INT-6). Saving that run as
//! one record made a file of 570 copies of a 10,000-page course 127 bytes
//! a page smaller and its load about five times faster: most of a load
//! was reading page records that said nothing new.
//!
//! Reading a run trusts nothing: each page's origin must be a live page of
//! the file, explicit or in another run, with no cycle; the runs may not
//! claim more pages than the learning objects list (which bounds what a
//! file makes the reader allocate by the file's own size); and every page
//! then goes through the same checks as any other.

use super::body::Key;
use super::read::handle;
use crate::arena::{RawKey, from_raw};
use crate::data::{Page, PageContent};
use crate::handles::{LoKey, PageKey};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// `count` pages at slots `first.0 ..`, each at version `first.1`, in
/// learning object `lo`, duplicated from the page at slot `origin.0 + i`
/// and version `origin.1`, whose content they share; no style.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PageRun {
    pub(crate) first: Key,
    pub(crate) count: u32,
    pub(crate) lo: Key,
    pub(crate) origin: Key,
    /// Since format 8: the first page's numeric id; page `i` of the run
    /// has the id after it by `i`. Absent (0) before.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) first_pk: u64,
}

/// Whether a numeric id is absent, as in a file before format 8.
fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl PageRun {
    /// Whether the page at `key`, in `lo`, duplicated from `origin`, with
    /// numeric id `pk`, is the next of this run.
    pub(crate) fn continues(&self, key: Key, lo: Key, origin: Key, pk: u64) -> bool {
        let next = |start: Key| u64::from(start.0) + u64::from(self.count);
        pk == self.first_pk.saturating_add(u64::from(self.count))
            && key.1 == self.first.1
            && u64::from(key.0) == next(self.first)
            && lo == self.lo
            && origin.1 == self.origin.1
            && u64::from(origin.0) == next(self.origin)
    }
}

/// Whether the page `key` can be saved in a run, duplicated from
/// `origin`: no style, and the content of its origin, a live page of a
/// lower handle. Following origins then always ends at a page saved on
/// its own, whatever the origins say (an origin is history, and may name
/// the page itself): a workspace that loads saves to a file that loads.
/// A Duplicate's pages come after their sources, so none is left out.
pub(crate) fn runnable(key: PageKey, page: &Page, origin: PageKey, origin_page: Option<&Page>) -> bool {
    page.style.is_none()
        && crate::arena::rank(origin) < crate::arena::rank(key)
        && origin_page.is_some_and(|o| Arc::ptr_eq(&o.content, &page.content))
}

/// A page of a run, with the content of its origin once known.
pub(crate) struct RunPage {
    pub(crate) raw: RawKey,
    lo: LoKey,
    origin_raw: RawKey,
    origin: PageKey,
    content: Option<Arc<PageContent>>,
    pk: u64,
}

impl RunPage {
    /// The page under its raw handle; `None` if its content is not known
    /// (never, once [`expand`] gave it).
    pub(crate) fn into_page(self) -> Option<(RawKey, Page)> {
        let (lo, origin, pk) = (self.lo, Some(self.origin), self.pk);
        let page = Page { content: self.content?, style: None, lo, origin, version: 0, pk };
        Some((self.raw, page))
    }
}

/// Where a slot's page is while runs are read.
#[derive(Clone, Copy)]
enum At {
    Nowhere,
    Explicit(usize),
    Run(usize),
}

/// The pages of `runs`, each with the content of its origin, a page of
/// `live` (those saved one by one) or of a run. `listed` is how many pages
/// the learning objects list, `free` how many free slots the file names.
///
/// # Errors
/// A run of no page, past the last slot or with an even version; more pages
/// in runs than the learning objects list; a slot far beyond what the file
/// holds; an origin that is no page of the file, or a chain of origins that
/// comes back to itself.
pub(crate) fn expand(
    salt: u32,
    live: &[(RawKey, Page)],
    runs: Vec<PageRun>,
    listed: usize,
    free: usize,
) -> Result<Vec<RunPage>, String> {
    let in_runs: u64 = runs.iter().map(|r| u64::from(r.count)).sum();
    if in_runs > listed as u64 {
        return Err(format!("page_runs: {in_runs} pages in runs, more than the {listed} the learning objects list"));
    }
    let mut pages = Vec::with_capacity(in_runs as usize);
    for (n, run) in runs.iter().enumerate() {
        let at = format!("page_runs[{n}]");
        if run.count == 0 {
            return Err(format!("{at}: a run of no page"));
        }
        let past = |start: Key| u64::from(start.0) + u64::from(run.count) > u64::from(u32::MAX - 1);
        if past(run.first) || past(run.origin) {
            return Err(format!("{at}: the run goes past the last slot"));
        }
        let lo: LoKey = handle(salt, run.lo).map_err(|e| format!("{at}.lo: {e}"))?;
        handle::<PageKey>(salt, run.first).map_err(|e| format!("{at}.first: {e}"))?;
        handle::<PageKey>(salt, run.origin).map_err(|e| format!("{at}.origin: {e}"))?;
        for i in 0..run.count {
            let raw = (run.first.0 + i, run.first.1);
            let origin_raw = (run.origin.0 + i, run.origin.1);
            // The versions are odd (checked above): these are handles.
            let Some(origin) = from_raw(origin_raw, salt) else { return Err(format!("{at}.origin: no handle")) };
            // A file before format 8 has none: its pages are numbered later.
            let pk = if run.first_pk == 0 { 0 } else { run.first_pk.saturating_add(u64::from(i)) };
            pages.push(RunPage { raw, lo, origin_raw, origin, content: None, pk });
        }
    }
    // Each slot's page, for the origins; the slots are bounded as the
    // arena bounds them.
    let top = live.iter().map(|(raw, _)| raw.0).chain(pages.iter().map(|p| p.raw.0)).max().unwrap_or(0) as usize;
    let held = live.len() + pages.len() + free;
    if top > 2 * held + 1024 {
        return Err(format!("page_runs: slot {top} is far beyond the {held} slots the file holds"));
    }
    let mut at = vec![At::Nowhere; top + 1];
    for (i, (raw, _)) in live.iter().enumerate() {
        at[raw.0 as usize] = At::Explicit(i);
    }
    for (i, page) in pages.iter().enumerate() {
        if !matches!(at[page.raw.0 as usize], At::Nowhere) {
            return Err(format!("page_runs: slot {} holds two pages", page.raw.0));
        }
        at[page.raw.0 as usize] = At::Run(i);
    }
    resolve(live, &mut pages, &at)?;
    Ok(pages)
}

/// Gives every run page the content of its origin, following chains of
/// runs (a copy of a copy) to a page saved on its own: O(pages) in all.
fn resolve(live: &[(RawKey, Page)], pages: &mut [RunPage], at: &[At]) -> Result<(), String> {
    // 0: not reached yet; 1: on the chain being followed; 2: done.
    let mut state = vec![0u8; pages.len()];
    let mut chain = Vec::new();
    for start in 0..pages.len() {
        if state[start] == 2 {
            continue;
        }
        let mut next = start;
        let content = loop {
            if state[next] == 2 {
                break pages[next].content.clone();
            }
            if state[next] == 1 {
                let (slot, version) = pages[next].raw;
                return Err(format!("page_runs: page [{slot}, {version}] is its own origin, through a chain of runs"));
            }
            state[next] = 1;
            chain.push(next);
            let (slot, version) = pages[next].origin_raw;
            match at.get(slot as usize).copied().unwrap_or(At::Nowhere) {
                At::Explicit(i) if live[i].0.1 == version => break Some(live[i].1.content.clone()),
                At::Run(j) if pages[j].raw.1 == version => next = j,
                _ => {
                    return Err(format!(
                        "page_runs: the origin [{slot}, {version}] of a run page is no page of the file"
                    ));
                }
            }
        };
        // One counter increment a page: the last of the chain takes the
        // content itself.
        let last = chain.pop();
        for i in chain.drain(..) {
            pages[i].content = content.clone();
            state[i] = 2;
        }
        if let Some(i) = last {
            pages[i].content = content;
            state[i] = 2;
        }
    }
    Ok(())
}
