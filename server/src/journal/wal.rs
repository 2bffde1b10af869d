//! A read of SQLite's write-ahead log (the `-wal` file beside a data
//! file), to find what SQLite itself would pass over without a word.
//!
//! SQLite reads a `-wal` file frame by frame and stops at the first frame
//! whose salts or cumulative checksum do not match: everything after it is
//! ignored, as if it had never been written. That is right for the torn
//! tail a crash leaves (a transaction nobody was told had committed), and
//! silent loss for a byte damaged in the middle: every transaction after
//! it is dropped. This module tells the two apart. A frame of the current
//! generation (its salts) that checks out against the checksum stored in
//! the frame before it is whole; whole frames after the first bad one mean
//! damage, not a torn tail.
//!
//! Layout (SQLite's file format, section "WAL file format"): a 32-byte
//! header (magic, format version, page size, checkpoint sequence, two
//! salts, a checksum over its first 24 bytes), then frames of a 24-byte
//! header (page number, the database size after a commit or 0, the two
//! salts, the cumulative checksum) and one page. Numbers are big-endian;
//! the checksum reads 32-bit words in the byte order the magic names.

/// The magic with checksums over little-endian words (bit 0 clear) or
/// big-endian ones (bit 0 set).
const MAGIC: u32 = 0x377f_0682;
const HEADER: usize = 32;
const FRAME_HEADER: usize = 24;

/// What a scan found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WalState {
    /// No frames, or only frames SQLite will read: nothing is passed over
    /// but, at most, the torn tail of a write that never committed.
    Sound {
        /// Whole frames SQLite will read.
        frames: u64,
    },
    /// SQLite would ignore whole, committed frames of the current
    /// generation: the first frame it stops at (1-based; 0 for the
    /// header) and how many whole frames after it, up to the last whole
    /// commit frame, it would drop.
    Damaged {
        /// The first frame SQLite stops at; 0 when it is the header.
        at_frame: u64,
        /// Whole frames after it, up to the last whole commit frame.
        whole_after: u64,
    },
}

/// Scans the bytes of a `-wal` file. Whole frames after a bad one with no
/// commit frame among them are the unacknowledged tail of a write cut by a
/// power loss, and sound.
pub fn scan(wal: &[u8]) -> WalState {
    let Some(header) = wal.get(..HEADER) else { return WalState::Sound { frames: 0 } };
    let word = |b: &[u8], at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let magic = word(header, 0);
    let magic_ok = magic & !1 == MAGIC;
    let page_size = word(header, 8) as usize;
    let page_ok = page_size.is_power_of_two() && (512..=65_536).contains(&page_size);
    let stored_header_sum = (word(header, 24), word(header, 28));
    // With a damaged header, frames are read with SQLite's default page
    // size if the header's is no page size, and with this machine's byte
    // order if its magic is gone; the current generation's salts are then
    // the first frame's (a generation's header and first frame are
    // written together).
    let big_endian = if magic_ok { magic & 1 == 1 } else { cfg!(target_endian = "big") };
    let header_ok = magic_ok && page_ok && checksum((0, 0), &header[..24], big_endian) == stored_header_sum;
    let frame_size = FRAME_HEADER + if page_ok { page_size } else { 4096 };
    let frames: Vec<&[u8]> = wal[HEADER..].chunks_exact(frame_size).collect();
    let salts = if header_ok {
        (word(header, 16), word(header, 20))
    } else {
        match frames.first() {
            Some(f) => (word(f, 8), word(f, 12)),
            None => return WalState::Sound { frames: 0 },
        }
    };
    // A frame is whole when it carries the generation's salts and its
    // stored checksum is the running sum from the one stored before it.
    let mut previous = stored_header_sum;
    let mut first_bad = if header_ok { None } else { Some(0u64) };
    // Whole frames after the first bad one, and how many of them end with
    // the last whole commit frame: only a commit there means a
    // transaction that was acknowledged would be dropped.
    let (mut whole_after, mut lost) = (0, 0);
    for (i, frame) in frames.iter().enumerate() {
        let stored = (word(frame, 16), word(frame, 20));
        let running = checksum(checksum(previous, &frame[..8], big_endian), &frame[FRAME_HEADER..], big_endian);
        let whole = (word(frame, 8), word(frame, 12)) == salts && running == stored;
        match (whole, first_bad) {
            (false, None) => first_bad = Some(i as u64 + 1),
            (true, Some(_)) => {
                whole_after += 1;
                if word(frame, 4) != 0 {
                    lost = whole_after;
                }
            }
            _ => {}
        }
        previous = stored;
    }
    match first_bad {
        Some(at_frame) if lost > 0 => WalState::Damaged { at_frame, whole_after: lost },
        Some(at_frame) => WalState::Sound { frames: at_frame.saturating_sub(1) },
        None => WalState::Sound { frames: frames.len() as u64 },
    }
}

/// SQLite's WAL checksum: over pairs of 32-bit words, from `seed`.
fn checksum(seed: (u32, u32), bytes: &[u8], big_endian: bool) -> (u32, u32) {
    let (mut s0, mut s1) = seed;
    for pair in bytes.chunks_exact(8) {
        let read = |b: &[u8]| {
            let b = [b[0], b[1], b[2], b[3]];
            if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) }
        };
        s0 = s0.wrapping_add(read(&pair[..4])).wrapping_add(s1);
        s1 = s1.wrapping_add(read(&pair[4..])).wrapping_add(s0);
    }
    (s0, s1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A WAL of `n` frames of `page` bytes each, written as SQLite writes
    /// them; the last is a commit frame.
    fn wal(n: u32, page: usize, salts: (u32, u32)) -> Vec<u8> {
        wal_with_commits(n, page, salts, &[n])
    }

    /// The same, with commit frames where `commits` says (1-based).
    fn wal_with_commits(n: u32, page: usize, salts: (u32, u32), commits: &[u32]) -> Vec<u8> {
        let mut out = Vec::new();
        for w in [MAGIC, 3_007_000, page as u32, 0, salts.0, salts.1] {
            out.extend_from_slice(&w.to_be_bytes());
        }
        let mut sum = checksum((0, 0), &out, false);
        out.extend_from_slice(&sum.0.to_be_bytes());
        out.extend_from_slice(&sum.1.to_be_bytes());
        for i in 0..n {
            let mut frame = Vec::new();
            frame.extend_from_slice(&(i + 1).to_be_bytes());
            frame.extend_from_slice(&(if commits.contains(&(i + 1)) { i + 1 } else { 0 }).to_be_bytes());
            frame.extend_from_slice(&salts.0.to_be_bytes());
            frame.extend_from_slice(&salts.1.to_be_bytes());
            let content: Vec<u8> = (0..page).map(|b| (b as u32 * 7 + i + salts.1) as u8).collect();
            sum = checksum(checksum(sum, &frame[..8], false), &content, false);
            frame.extend_from_slice(&sum.0.to_be_bytes());
            frame.extend_from_slice(&sum.1.to_be_bytes());
            frame.extend_from_slice(&content);
            out.extend_from_slice(&frame);
        }
        out
    }

    const PAGE: usize = 512;
    const FRAME: usize = FRAME_HEADER + PAGE;

    #[test]
    fn a_whole_wal_and_a_torn_tail_are_sound() {
        let w = wal(6, PAGE, (1, 2));
        assert_eq!(scan(&w), WalState::Sound { frames: 6 });
        assert_eq!(scan(&[]), WalState::Sound { frames: 0 });
        // A crash cut the last frame short, or left it half written.
        assert_eq!(scan(&w[..w.len() - 100]), WalState::Sound { frames: 5 });
        let mut torn = w.clone();
        let last = torn.len() - 10;
        torn[last] ^= 0xff;
        assert_eq!(scan(&torn), WalState::Sound { frames: 5 });
    }

    #[test]
    fn damage_before_whole_frames_is_found_wherever_it_is() {
        let w = wal(6, PAGE, (1, 2));
        // In a page, in a frame's salt, in a frame's stored checksum.
        for (offset, frame) in [(HEADER + 2 * FRAME + 100, 3), (HEADER + FRAME + 9, 2), (HEADER + 17, 1)] {
            let mut d = w.clone();
            d[offset] ^= 0x01;
            match scan(&d) {
                WalState::Damaged { at_frame, whole_after } => {
                    assert_eq!(at_frame, frame, "offset {offset}");
                    assert!(whole_after >= 6 - frame - 1, "offset {offset}: {whole_after}");
                }
                other => panic!("offset {offset}: {other:?}"),
            }
        }
        // In the header: SQLite would drop all six frames.
        let mut d = w.clone();
        d[12] ^= 0x01;
        assert_eq!(scan(&d), WalState::Damaged { at_frame: 0, whole_after: 6 });
    }

    #[test]
    fn whole_frames_after_damage_without_a_commit_are_an_unacknowledged_tail() {
        // Transactions end at frames 2 and 6; frame 3 is bad. Frames 4 and
        // 5 are whole but nothing after them committed.
        let mut w = wal_with_commits(5, PAGE, (1, 2), &[2]);
        w[HEADER + 2 * FRAME + 100] ^= 0x01;
        assert_eq!(scan(&w), WalState::Sound { frames: 2 });
        let mut w = wal_with_commits(6, PAGE, (1, 2), &[2, 6]);
        w[HEADER + 2 * FRAME + 100] ^= 0x01;
        assert_eq!(scan(&w), WalState::Damaged { at_frame: 3, whole_after: 3 });
    }

    #[test]
    fn stale_frames_of_an_earlier_generation_are_not_damage() {
        // An old generation of 6 frames, overwritten by a new one of 2
        // (new salts) that then tore in its third frame.
        let old = wal(6, PAGE, (1, 2));
        let new = wal(3, PAGE, (2, 99));
        let mut w = new[..HEADER + 2 * FRAME + 50].to_vec();
        w.extend_from_slice(&old[HEADER + 2 * FRAME + 50..]);
        assert_eq!(scan(&w), WalState::Sound { frames: 2 });
    }
}
