//! The where-used set of a learning object: the courses that include it.
//!
//! Most learning objects are in one or two courses, so up to two handles
//! live inside the record itself: a Duplicate's new LO allocates nothing
//! for its set, and a Share of an LO in one course reads and writes no
//! memory outside the LO's record. A third course moves the set to the
//! heap.

use crate::arena::rank;
use crate::{CourseKey, Reach};
use std::sync::Arc;

/// How many courses a set holds without a heap allocation.
const INLINE: usize = 2;

#[derive(Clone, Debug)]
enum Keys {
    Inline { len: u8, keys: [CourseKey; INLINE] },
    Heap(Vec<CourseKey>),
}

impl Default for Keys {
    fn default() -> Self {
        Keys::Inline { len: 0, keys: [crate::handles::Handle::null(); INLINE] }
    }
}

impl Keys {
    fn as_slice(&self) -> &[CourseKey] {
        match self {
            Keys::Inline { len, keys } => &keys[..usize::from(*len).min(INLINE)],
            Keys::Heap(keys) => keys,
        }
    }

    /// Inserts `course` at `at` (at most the length).
    fn insert(&mut self, at: usize, course: CourseKey) {
        match self {
            Keys::Inline { len, keys } if usize::from(*len) < INLINE => {
                let n = usize::from(*len);
                for i in (at.min(n) + 1..=n).rev() {
                    keys[i] = keys[i - 1];
                }
                keys[at.min(n)] = course;
                *len += 1;
            }
            Keys::Inline { .. } => {
                let mut heap = Vec::with_capacity(INLINE * 2);
                heap.extend_from_slice(self.as_slice());
                heap.insert(at.min(heap.len()), course);
                *self = Keys::Heap(heap);
            }
            Keys::Heap(keys) => keys.insert(at.min(keys.len()), course),
        }
    }

    /// Removes the course at `at` (less than the length).
    fn remove(&mut self, at: usize) {
        match self {
            Keys::Inline { len, keys } => {
                let n = usize::from(*len).min(INLINE);
                if at < n {
                    for i in at..n - 1 {
                        keys[i] = keys[i + 1];
                    }
                    *len -= 1;
                }
            }
            Keys::Heap(keys) => {
                if at < keys.len() {
                    keys.remove(at);
                }
            }
        }
    }
}

/// A sorted set of courses: the where-used set of a learning object.
///
/// Adding a course with a newer handle appends, with no atomic operation and
/// no search; lookups are binary searches. The [`Reach`](crate::Reach) an
/// edit returns holds a set of up to two courses inline; for a larger set it
/// is a shared copy made on first demand and kept until the set changes, so
/// repeated edits of a widely shared LO get it in O(1).
#[derive(Clone, Debug, Default)]
pub(crate) struct CourseSet {
    courses: Keys,
    shared: Option<Arc<[CourseKey]>>,
}

impl PartialEq for CourseSet {
    fn eq(&self, other: &Self) -> bool {
        self.courses.as_slice() == other.courses.as_slice()
    }
}

impl Eq for CourseSet {}

impl CourseSet {
    fn as_slice(&self) -> &[CourseKey] {
        self.courses.as_slice()
    }

    /// O(log n), as one integer comparison a step: edits of a widely
    /// shared LO check their course here.
    pub(crate) fn contains(&self, course: &CourseKey) -> bool {
        let target = rank(*course);
        self.as_slice().binary_search_by(|k| rank(*k).cmp(&target)).is_ok()
    }

    /// The set of one course.
    pub(crate) fn of(course: CourseKey) -> Self {
        CourseSet { courses: Keys::Inline { len: 1, keys: [course, crate::handles::Handle::null()] }, shared: None }
    }

    pub(crate) fn insert(&mut self, course: CourseKey) -> bool {
        // The usual case, a first Share of an LO, without a search or a
        // loop. An inline set never has a shared copy (see `reach`).
        if let Keys::Inline { len: len @ 1, keys } = &mut self.courses {
            let first = keys[0];
            if first == course {
                return false;
            }
            keys[0] = first.min(course);
            keys[1] = first.max(course);
            *len = 2;
            return true;
        }
        let courses = self.as_slice();
        // A course newer than all the others goes at the end: no search.
        let at = match courses.last() {
            Some(last) if *last >= course => match courses.binary_search(&course) {
                Ok(_) => return false,
                Err(at) => at,
            },
            _ => courses.len(),
        };
        self.courses.insert(at, course);
        self.shared = None;
        true
    }

    pub(crate) fn remove(&mut self, course: &CourseKey) -> bool {
        match self.as_slice().binary_search(course) {
            Ok(at) => {
                self.courses.remove(at);
                self.shared = None;
                true
            }
            Err(_) => false,
        }
    }

    /// The set as a [`Reach`]. A set too large for a reach to hold inline
    /// is shared: made once and kept until the set changes, so that a
    /// change to the set of a small one never drops a shared pointer.
    pub(crate) fn reach(&mut self) -> Reach {
        if Reach::is_inline(self.len()) {
            return Reach::sorted(self.as_slice());
        }
        let courses = &self.courses;
        Reach::shared(self.shared.get_or_insert_with(|| Arc::from(courses.as_slice())).clone())
    }

    /// The set as a [`Reach`], without keeping a shared copy.
    pub(crate) fn to_reach(&self) -> Reach {
        match &self.shared {
            Some(shared) => Reach::shared(shared.clone()),
            None => Reach::sorted(self.as_slice()),
        }
    }

    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = &CourseKey> + '_ {
        self.as_slice().iter()
    }

    pub(crate) fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arena::test_key as key;

    /// The set behaves as a sorted set of unique keys, inline or on the
    /// heap, whatever the order of inserts and removes.
    #[test]
    fn a_set_stays_sorted_and_unique_across_the_inline_limit() {
        let mut set = CourseSet::default();
        let mut model = std::collections::BTreeSet::new();
        let ops: [i64; 19] = [5, 3, 3, 9, 1, 7, -3, -9, -1, -5, -7, 2, -2, 4, 6, -6, 8, -4, -8];
        for op in ops {
            let k = key(op.unsigned_abs());
            if op > 0 {
                assert_eq!(set.insert(k), model.insert(k));
            } else {
                assert_eq!(set.remove(&k), model.remove(&k));
            }
            assert_eq!(set.iter().copied().collect::<Vec<_>>(), model.iter().copied().collect::<Vec<_>>());
            assert_eq!(set.len(), model.len());
            assert!(set.to_reach().iter().eq(set.iter().copied()));
            assert_eq!(set.reach(), set.to_reach());
            assert!(model.iter().all(|k| set.contains(k)));
        }
        assert!(set.is_empty());
        assert_eq!(set, CourseSet::default());
    }
}
