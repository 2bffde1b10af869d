//! The store's primitives for item locks (LNK-13) and for the linked
//! copies a course took out (LNK-14): store data kept beside the records,
//! so that a record that is never locked pays nothing for them.
//!
//! | table | holds | kept by |
//! | --- | --- | --- |
//! | item locks | (upstream LO, `None`) for a locked LO's title and description; (LO, page) for a locked page's content | [`Store::set_item_lock`]; dropped with the LO or page by `remove_lo`, `remove_los`, `remove_page` |
//! | removed copies | (upstream LO, downstream course) → the upstream course of the copy's link | [`Store::exclude_lo_at`] writes one when a live-linked copy leaves a course; [`Store::forget_removed_copy`] drops it when a sync re-creates the copy; dropped with the LO or course. A copy of that upstream that joins the course again leaves it in place (the sync then has nothing to re-create), so a copy task that adds one and is cancelled changes nothing here |
//!
//! A lookup is O(log locks); the locks of one LO are a range.

use super::Store;
use crate::handles::{CourseKey, Handle, LoKey, PageKey};
use std::collections::{BTreeMap, BTreeSet};

/// Item locks: (upstream LO, `None`) for its own fields, (LO, page) for a
/// page's content.
pub(crate) type ItemLocks = BTreeSet<(LoKey, Option<PageKey>)>;

/// Removed copies: (upstream LO, downstream course) → the upstream course
/// of the removed copy's link.
pub(crate) type RemovedCopies = BTreeMap<(LoKey, CourseKey), Option<CourseKey>>;

impl Store {
    /// Whether the upstream item is locked for its linked copies: the LO's
    /// title and description (`page` `None`) or a page's content.
    pub(crate) fn item_locked(&self, lo: LoKey, page: Option<PageKey>) -> bool {
        !self.item_locks.is_empty() && self.item_locks.contains(&(lo, page))
    }

    /// The locked pages of `lo`, in handle order. O(log locks + result).
    pub(crate) fn locked_pages_of(&self, lo: LoKey) -> impl Iterator<Item = PageKey> + '_ {
        self.item_locks.range((lo, None)..).take_while(move |(l, _)| *l == lo).filter_map(|(_, p)| *p)
    }

    /// Locks or unlocks an item of `lo` (its own fields, or `page`'s
    /// content); gives back whether anything changed. A lock turned on is
    /// an upstream change, as a course's field lock is (LNK-9): `lo` gets a
    /// new version, so that its linked copies show an update and their
    /// next sync writes the locked fields. Nothing happens for a missing
    /// LO, or a page that is not `lo`'s.
    pub(crate) fn set_item_lock(&mut self, lo: LoKey, page: Option<PageKey>, locked: bool) -> bool {
        if page.is_some_and(|p| self.pages.get(p).is_none_or(|p| p.lo != lo)) || !self.los.contains(lo) {
            return false;
        }
        let changed = if locked { self.item_locks.insert((lo, page)) } else { self.item_locks.remove(&(lo, page)) };
        if changed
            && locked
            && let Some(record) = self.los.get_mut(lo)
        {
            record.version = record.version.saturating_add(1);
        }
        changed
    }

    /// `lo` is deleted: its locks and the removed copies it is the
    /// upstream of go with it.
    pub(super) fn forget_locks_of_lo(&mut self, lo: LoKey) {
        if !self.item_locks.is_empty() {
            let locks: Vec<_> = self.item_locks.range((lo, None)..).take_while(|(l, _)| *l == lo).copied().collect();
            for lock in locks {
                self.item_locks.remove(&lock);
            }
        }
        if !self.removed_copies.is_empty() {
            // The least handle there is: slot 0, version 1.
            let least = CourseKey::from_data(slotmap::KeyData::from_ffi(0));
            let gone: Vec<_> =
                self.removed_copies.range((lo, least)..).take_while(|((l, _), _)| *l == lo).map(|(k, _)| *k).collect();
            for key in gone {
                self.removed_copies.remove(&key);
            }
        }
    }

    /// Page `page` of `lo` is deleted: its lock goes with it.
    pub(super) fn forget_lock_of_page(&mut self, lo: LoKey, page: PageKey) {
        if !self.item_locks.is_empty() {
            self.item_locks.remove(&(lo, Some(page)));
        }
    }

    /// `course` is deleted: the copies it took out are forgotten, and the
    /// copies taken out of its LOs' links name no upstream course, as
    /// those links do not.
    pub(super) fn forget_removed_copies_of(&mut self, course: CourseKey) {
        self.removed_copies.retain(|(_, c), _| *c != course);
        for from in self.removed_copies.values_mut().filter(|from| **from == Some(course)) {
            *from = None;
        }
    }

    /// The linked copies `course` took out while their upstream lived
    /// (LNK-14): each upstream LO with the upstream course of the copy's
    /// link. O(removed copies).
    pub(crate) fn removed_copies_of(&self, course: CourseKey) -> Vec<(LoKey, Option<CourseKey>)> {
        self.removed_copies.iter().filter(|((_, c), _)| *c == course).map(|((up, _), from)| (*up, *from)).collect()
    }

    /// `lo` left `course`: if it is a linked copy whose upstream lives,
    /// the course remembers that it took the copy out.
    pub(super) fn note_removed_copy(&mut self, course: CourseKey, lo: LoKey) {
        let Some(link) = self.los.get(lo).and_then(|l| l.link.as_deref()) else { return };
        if let Some(up) = link.upstream {
            let from = link.course;
            self.removed_copies.insert((up, course), from);
        }
    }

    /// A sync re-created the copy of `upstream` that `course` took out.
    pub(crate) fn forget_removed_copy(&mut self, upstream: LoKey, course: CourseKey) {
        self.removed_copies.remove(&(upstream, course));
    }
}
