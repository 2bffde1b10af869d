//! The arena's slots: a vector in fixed segments, so that growing never
//! moves what it holds.
//!
//! A plain `Vec` doubles by moving every element to a new allocation. For
//! the page table that meant a Duplicate of a 100,000-page course, in a
//! workspace just cloned (whose vector has no spare room), first copied
//! the 100,000 slots it already held, 4.8 MB, before writing the 100,000
//! new ones. Here the slots live in segments of [`Segments::SEGMENT`]
//! values each (about 16 KB); a new segment is allocated whole when the
//! last one is full, and nothing is ever moved. Only the first segment
//! grows as a `Vec` does, so that a small workspace takes no more than it
//! holds; that move is bounded by one segment.
//!
//! | operation | cost |
//! | --- | --- |
//! | `get`, `get_mut` | O(1): a shift, a mask, two loads |
//! | `push` | O(1), an allocation of one segment every [`Segments::SEGMENT`] pushes |
//! | `extend` of n values | O(n), no move of what is held |
//! | `reserve` of n | O(n ÷ segment) allocations, no move |
//! | `clone` | O(len); every segment but a lone first one is cloned whole |

/// The bytes a segment aims at: big enough that allocations are rare, small
/// enough that a workspace past its first segment wastes little.
const SEGMENT_BYTES: usize = 16 * 1024;

/// Values in segments of a fixed power-of-two length, in order.
pub(super) struct Segments<T> {
    /// Every segment but the last is full. The last may be empty (room
    /// taken by [`reserve`](Self::reserve)); segments past it are too.
    segments: Vec<Vec<T>>,
    len: usize,
}

impl<T> Segments<T> {
    /// Values a segment holds: a power of two near [`SEGMENT_BYTES`] of
    /// them, at least 16 and at most 4,096.
    pub(super) const SEGMENT: usize = {
        let size = if std::mem::size_of::<T>() == 0 { 1 } else { std::mem::size_of::<T>() };
        let fit = SEGMENT_BYTES / size;
        let fit = if fit < 16 {
            16
        } else if fit > 4096 {
            4096
        } else {
            fit
        };
        1 << (usize::BITS - 1 - fit.leading_zeros())
    };
    const SHIFT: u32 = Self::SEGMENT.trailing_zeros();

    pub(super) fn new() -> Self {
        Segments { segments: Vec::new(), len: 0 }
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    fn locate(i: usize) -> (usize, usize) {
        (i >> Self::SHIFT, i & (Self::SEGMENT - 1))
    }

    pub(super) fn get(&self, i: usize) -> Option<&T> {
        let (segment, at) = Self::locate(i);
        self.segments.get(segment)?.get(at)
    }

    pub(super) fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        let (segment, at) = Self::locate(i);
        self.segments.get_mut(segment)?.get_mut(at)
    }

    /// The segment the next value goes to, allocated if it is not yet.
    #[inline]
    fn tail(&mut self) -> &mut Vec<T> {
        let (segment, _) = Self::locate(self.len);
        if segment == self.segments.len() {
            let room = if segment == 0 { 0 } else { Self::SEGMENT };
            self.segments.push(Vec::with_capacity(room));
        }
        let tail = &mut self.segments[segment];
        if segment == 0 && tail.len() == tail.capacity() {
            // The first segment grows as a vector does, up to its length.
            let grown = (tail.len() * 2).clamp(4, Self::SEGMENT);
            tail.reserve_exact(grown - tail.len());
        }
        tail
    }

    #[inline]
    pub(super) fn push(&mut self, value: T) {
        self.tail().push(value);
        self.len += 1;
    }

    /// Appends every value, in order.
    pub(super) fn extend(&mut self, values: impl IntoIterator<Item = T>) {
        let mut values = values.into_iter();
        loop {
            let Some(first) = values.next() else { return };
            let tail = self.tail();
            tail.push(first);
            let room = tail.capacity().min(Self::SEGMENT).saturating_sub(tail.len());
            let before = tail.len();
            tail.extend(values.by_ref().take(room));
            let added = tail.len() - before;
            self.len += 1 + added;
            if added < room {
                return;
            }
        }
    }

    /// Appends `f(value, x)` for each `(i, x)` of `items` whose value `i`
    /// was held before the call and for which `f` gives one, in order;
    /// returns how many.
    /// Values are read where they are, the one being filled included, so
    /// no batch of them is built first.
    pub(super) fn extend_within<X>(
        &mut self,
        items: impl Iterator<Item = (usize, X)>,
        mut f: impl FnMut(&T, X) -> Option<T>,
    ) -> usize {
        let mut items = items.peekable();
        let before = self.len;
        while items.peek().is_some() {
            // The segment the next value goes to, with room.
            self.tail();
            let (t, _) = Self::locate(self.len);
            let (full, rest) = self.segments.split_at_mut(t);
            let Some(tail) = rest.first_mut() else { break };
            let room = tail.capacity().min(Self::SEGMENT).saturating_sub(tail.len());
            if room == 0 {
                // `tail` leaves room; should it not, stop rather than spin.
                break;
            }
            let start = tail.len();
            while tail.len() - start < room {
                let Some((i, x)) = items.next() else { break };
                if i >= before {
                    // Only what was held before the call is read.
                    continue;
                }
                let (s, at) = Self::locate(i);
                let source =
                    if s < t { full.get(s).and_then(|seg| seg.get(at)) } else { tail.get(at).filter(|_| s == t) };
                if let Some(value) = source.and_then(|v| f(v, x)) {
                    tail.push(value);
                }
            }
            self.len += tail.len() - start;
        }
        self.len - before
    }

    /// Makes room for `additional` more values: the first segment grows to
    /// fit them or whole, then whole segments are allocated; it stops,
    /// without error, at the first allocation the allocator refuses.
    pub(super) fn reserve(&mut self, additional: usize) {
        let want = self.len.saturating_add(additional);
        if want == self.len {
            return;
        }
        if self.segments.is_empty() {
            self.segments.push(Vec::new());
        }
        if let Some(first) = self.segments.first_mut() {
            let fill = want.min(Self::SEGMENT);
            if first.try_reserve_exact(fill.saturating_sub(first.len())).is_err() {
                return;
            }
        }
        let needed = want.div_ceil(Self::SEGMENT);
        while self.segments.len() < needed {
            // Room is a hint: where memory runs out, stop.
            let mut segment = Vec::new();
            if segment.try_reserve_exact(Self::SEGMENT).is_err() || self.segments.try_reserve(1).is_err() {
                return;
            }
            self.segments.push(segment);
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.segments.iter().flatten()
    }

    pub(super) fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> + '_ {
        self.segments.iter_mut().flatten()
    }
}

impl<T: Clone> Clone for Segments<T> {
    /// Each full or partly full segment cloned with a whole segment's room,
    /// so that the clone grows without moving; a lone first segment is
    /// cloned as it is, small.
    fn clone(&self) -> Self {
        let lone = self.len <= Self::SEGMENT;
        let segments = self
            .segments
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| {
                let mut copy = Vec::with_capacity(if lone { s.len() } else { Self::SEGMENT });
                copy.extend(s.iter().cloned());
                copy
            })
            .collect();
        Segments { segments, len: self.len }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_hold_values_in_order_and_never_move_them() {
        let mut s: Segments<u64> = Segments::new();
        let n = 5 * Segments::<u64>::SEGMENT + 3;
        s.extend(0..10u64);
        let first = s.get(0).map(|v| v as *const u64);
        s.extend(10..n as u64 - 1);
        s.push(n as u64 - 1);
        assert_eq!(s.len(), n);
        assert!(s.iter().copied().eq(0..n as u64));
        assert_eq!(s.get(n), None);
        // The first segment has grown to its whole length before the
        // second was taken, and no segment moved since.
        let second = s.get(Segments::<u64>::SEGMENT).map(|v| v as *const u64);
        s.reserve(10 * Segments::<u64>::SEGMENT);
        s.extend(n as u64..3 * n as u64);
        assert_eq!(s.get(Segments::<u64>::SEGMENT).map(|v| v as *const u64), second);
        assert!(s.iter().copied().eq(0..3 * n as u64));
        assert_ne!(first, None);
        *s.get_mut(7).unwrap() = 70;
        assert_eq!(s.iter_mut().nth(7).copied(), Some(70));
    }

    #[test]
    fn a_clone_has_the_same_values_and_grows_without_moving() {
        let mut s: Segments<u32> = Segments::new();
        s.extend(0..(2 * Segments::<u32>::SEGMENT as u32 + 5));
        let mut c = s.clone();
        assert!(c.iter().eq(s.iter()));
        let held = c.get(2 * Segments::<u32>::SEGMENT).map(|v| v as *const u32);
        c.extend(0..10);
        assert_eq!(c.get(2 * Segments::<u32>::SEGMENT).map(|v| v as *const u32), held);
        assert_eq!(c.len(), s.len() + 10);
        let small: Segments<u32> = {
            let mut t = Segments::new();
            t.extend(0..3);
            t
        };
        assert!(small.clone().iter().eq(small.iter()));
    }

    #[test]
    fn reserve_takes_room_in_whole_segments_and_keeps_the_values() {
        let mut s: Segments<u16> = Segments::new();
        s.reserve(0);
        assert_eq!(s.segments.len(), 0, "no room asked, none taken");
        s.reserve(3);
        s.extend([1, 2, 3]);
        s.reserve(Segments::<u16>::SEGMENT * 2);
        assert_eq!(s.segments.len(), 3);
        s.extend(std::iter::repeat_n(9, Segments::<u16>::SEGMENT * 2));
        assert_eq!(s.segments.len(), 3, "the room reserved was enough");
        assert_eq!(s.len(), 3 + 2 * Segments::<u16>::SEGMENT);
        assert_eq!(s.iter().take(4).copied().collect::<Vec<_>>(), [1, 2, 3, 9]);
    }

    #[test]
    fn segment_lengths_aim_at_sixteen_kilobytes() {
        assert_eq!(Segments::<u8>::SEGMENT, 4096);
        assert_eq!(Segments::<[u8; 48]>::SEGMENT, 256);
        assert_eq!(Segments::<[u8; 4096]>::SEGMENT, 16);
        assert_eq!(Segments::<()>::SEGMENT, 4096);
    }

    mod against_a_vec {
        use super::*;
        use proptest::prelude::*;

        /// What a test does to the segments and to a plain `Vec` beside them.
        #[derive(Clone, Debug)]
        enum Op {
            Push(u16),
            Extend(u16, usize),
            /// Appends a copy of each held value at these positions (those
            /// past the end are skipped), plus one.
            ExtendWithin(Vec<usize>),
            Reserve(usize),
            Clone,
            Set(usize, u16),
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                any::<u16>().prop_map(Op::Push),
                (any::<u16>(), 0usize..600).prop_map(|(v, n)| Op::Extend(v, n)),
                proptest::collection::vec(0usize..3000, 0..600).prop_map(Op::ExtendWithin),
                (0usize..2000).prop_map(Op::Reserve),
                Just(Op::Clone),
                (0usize..3000, any::<u16>()).prop_map(|(i, v)| Op::Set(i, v)),
            ]
        }

        proptest! {
            #![proptest_config(crate::property_config())]

            /// Whatever is done to them, the segments hold what a `Vec`
            /// would, in the same order, and a value once in never moves
            /// (its address stays) unless the first segment grows.
            #[test]
            fn segments_behave_as_a_vec(ops in proptest::collection::vec(op(), 1..40)) {
                let mut s: Segments<u16> = Segments::new();
                let mut v: Vec<u16> = Vec::new();
                for op in ops {
                    let past_first = (Segments::<u16>::SEGMENT..s.len()).step_by(97).collect::<Vec<_>>();
                    let addresses: Vec<*const u16> = past_first.iter().filter_map(|i| s.get(*i).map(|x| x as *const u16)).collect();
                    match op {
                        Op::Push(x) => { s.push(x); v.push(x); }
                        Op::Extend(x, n) => { s.extend(std::iter::repeat_n(x, n)); v.extend(std::iter::repeat_n(x, n)); }
                        Op::ExtendWithin(at) => {
                            let added = s.extend_within(at.iter().map(|i| (*i, ())), |x, ()| Some(x.wrapping_add(1)));
                            let expected: Vec<u16> = at.iter().filter_map(|i| v.get(*i)).map(|x| x.wrapping_add(1)).collect();
                            prop_assert_eq!(added, expected.len());
                            v.extend(expected);
                        }
                        Op::Reserve(n) => s.reserve(n),
                        Op::Clone => s = s.clone(),
                        Op::Set(i, x) => {
                            if let (Some(a), Some(b)) = (s.get_mut(i), v.get_mut(i)) { *a = x; *b = x; }
                        }
                    }
                    prop_assert_eq!(s.len(), v.len());
                    prop_assert!(s.iter().eq(v.iter()));
                    prop_assert_eq!(s.get(v.len()), None);
                    if !matches!(s.segments.len(), 0) {
                        let now: Vec<*const u16> = past_first.iter().filter_map(|i| s.get(*i).map(|x| x as *const u16)).collect();
                        // A clone moves everything; anything else moves nothing past the first segment.
                        if !now.is_empty() && now.len() == addresses.len() && now.first() == addresses.first() {
                            prop_assert_eq!(now, addresses);
                        }
                    }
                }
            }
        }
    }
}
