//! A read of SQLite's write-ahead log (the `-wal` file beside a data
//! file), to find what SQLite itself would pass over without a word.
//!
//! SQLite reads a `-wal` file frame by frame and stops at the first frame
//! whose salts or cumulative checksum do not match: everything after it is
//! ignored, as if it had never been written. That is right for the torn
//! tail a crash leaves (a transaction nobody was told had committed), and
//! silent loss for a byte damaged in the middle: every transaction after
//! it is dropped. This module tells the two apart as far as the file
//! allows: see [`scan`].
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
    /// Nothing SQLite would pass over but, at most, the torn tail of a
    /// transaction nobody was told had committed.
    Sound {
        /// Frames of committed transactions SQLite will read.
        frames: u64,
    },
    /// SQLite would stop at a bad frame and drop whole transactions that
    /// committed after the one the bad frame is in.
    Damaged {
        /// The first frame SQLite stops at (1-based); 0 for the header.
        at_frame: u64,
        /// Whole commit frames after the damaged transaction: the
        /// transactions SQLite would drop besides it.
        lost_transactions: u64,
    },
}

/// Scans the bytes of a `-wal` file.
///
/// The damaged transaction, the one the first bad frame is in, ends at
/// that frame if it is a commit frame, else at the first whole commit
/// frame after it. It may be the write a crash cut: a torn frame, or
/// frames SQLite rewrites in place before it fixes their checksums. A
/// whole commit frame after its end is a later transaction, and SQLite
/// (`synchronous=FULL`) writes one only once the transaction before it
/// is durable: that is damage.
pub fn scan(wal: &[u8]) -> WalState {
    let Some(header) = wal.get(..HEADER) else { return WalState::Sound { frames: 0 } };
    let magic = word(header, 0);
    let magic_ok = magic & !1 == MAGIC;
    let page_size = word(header, 8) as usize;
    let page_ok = page_size.is_power_of_two() && (512..=65_536).contains(&page_size);
    // A damaged header may name the wrong page size or byte order: then
    // SQLite's default page size, and each byte order in turn, the one the
    // magic names first.
    let frames: Vec<&[u8]> =
        wal[HEADER..].chunks_exact(FRAME_HEADER + if page_ok { page_size } else { 4096 }).collect();
    let named = magic_ok && magic & 1 == 1;
    let mut first = None;
    for big_endian in [named, !named] {
        let header_ok = magic_ok && page_ok && checksum((0, 0), &header[..24], big_endian) == stored_sum(header, 24);
        let state = scan_frames(header, &frames, header_ok, big_endian);
        if header_ok || matches!(state, WalState::Damaged { .. }) {
            return state;
        }
        first.get_or_insert(state);
    }
    first.unwrap_or(WalState::Sound { frames: 0 })
}

/// The scan with one byte order.
fn scan_frames(header: &[u8], frames: &[&[u8]], header_ok: bool, big_endian: bool) -> WalState {
    // The generation's salts: the header's, or with a damaged header the
    // first frame's (a generation's header and first frame are written
    // together).
    let salts = match (header_ok, frames.first()) {
        (true, _) => (word(header, 16), word(header, 20)),
        (false, Some(first)) => (word(first, 8), word(first, 12)),
        (false, None) => return WalState::Sound { frames: 0 },
    };
    let header_sum = stored_sum(header, 24);
    // SQLite's reading: frames valid by the running checksum, from the
    // start, up to the first that is not.
    let mut valid_commits = 0u64;
    let mut first_bad = if header_ok { None } else { Some(0usize) };
    // After it, a frame is whole if it checks out from the checksum stored
    // in the frame before it, or from the running sum over the content
    // before it (when it is that stored checksum that was damaged).
    let (mut stored_before, mut running) = (header_sum, header_sum);
    let mut damaged_ends: Option<usize> = None;
    let mut lost = 0u64;
    for (i, frame) in frames.iter().enumerate() {
        let stored = stored_sum(frame, 16);
        let content = |seed| checksum(checksum(seed, &frame[..8], big_endian), &frame[FRAME_HEADER..], big_endian);
        let from_running = content(running);
        let salts_ok = (word(frame, 8), word(frame, 12)) == salts;
        let commit = word(frame, 4) != 0;
        match first_bad {
            None if salts_ok && from_running == stored => {
                if commit {
                    valid_commits = i as u64 + 1;
                }
            }
            None => {
                first_bad = Some(i + 1);
                if commit {
                    damaged_ends = Some(i + 1);
                }
            }
            Some(_) => {
                let whole = salts_ok && (from_running == stored || content(stored_before) == stored);
                if whole && commit {
                    match damaged_ends {
                        None => damaged_ends = Some(i + 1),
                        Some(_) => lost += 1,
                    }
                }
            }
        }
        stored_before = stored;
        running = from_running;
    }
    match first_bad {
        Some(at) if lost > 0 => WalState::Damaged { at_frame: at as u64, lost_transactions: lost },
        _ => WalState::Sound { frames: valid_commits },
    }
}

/// The big-endian 32-bit word at `at`.
fn word(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// The checksum pair stored at `at`.
fn stored_sum(bytes: &[u8], at: usize) -> (u32, u32) {
    (word(bytes, at), word(bytes, at + 4))
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

    /// Six transactions of two frames each: commits at 2, 4, …, 12.
    fn six_transactions() -> Vec<u8> {
        wal_with_commits(12, PAGE, (1, 2), &[2, 4, 6, 8, 10, 12])
    }

    fn flipped(mut w: Vec<u8>, offset: usize, mask: u8) -> Vec<u8> {
        w[offset] ^= mask;
        w
    }

    #[test]
    fn a_whole_wal_and_a_torn_tail_are_sound() {
        let w = six_transactions();
        assert_eq!(scan(&w), WalState::Sound { frames: 12 });
        assert_eq!(scan(&[]), WalState::Sound { frames: 0 });
        // A crash cut the last frame short, or left it half written: the
        // last transaction is gone, as it never committed.
        assert_eq!(scan(&w[..w.len() - 100]), WalState::Sound { frames: 10 });
        assert_eq!(scan(&flipped(w.clone(), w.len() - 10, 0xff)), WalState::Sound { frames: 10 });
        // Frames written after the last commit (a transaction under way).
        assert_eq!(scan(&wal_with_commits(5, PAGE, (1, 2), &[2])), WalState::Sound { frames: 2 });
    }

    #[test]
    fn damage_before_a_later_commit_is_found_wherever_it_is() {
        let w = six_transactions();
        // (offset, the frame SQLite stops at, transactions lost besides it)
        let cases = [
            (HEADER + 4 * FRAME + 100, 5, 3),  // in a page
            (HEADER + 2 * FRAME + 9, 3, 4),    // in a frame's salt
            (HEADER + 17, 1, 5),               // in the first frame's stored checksum
            (HEADER + 6 * FRAME + 17, 7, 2),   // in a later frame's stored checksum
            (HEADER + 5 * FRAME + 100, 6, 3),  // in a commit frame's page
            (HEADER + 9 * FRAME + 100, 10, 1), // in the second-last transaction
            (12, 0, 5),                        // in the header's checkpoint sequence
            (3, 0, 5),                         // in the magic: the byte order bit
            (16, 0, 5),                        // in the header's salt
        ];
        for (offset, at_frame, lost_transactions) in cases {
            assert_eq!(
                scan(&flipped(w.clone(), offset, 0x01)),
                WalState::Damaged { at_frame, lost_transactions },
                "offset {offset}"
            );
        }
    }

    #[test]
    fn damage_in_the_last_transaction_reads_as_a_torn_write() {
        // Frame 11 is in the last transaction: nothing committed after it.
        let w = six_transactions();
        assert_eq!(scan(&flipped(w.clone(), HEADER + 10 * FRAME + 100, 0x01)), WalState::Sound { frames: 10 });
        // A frame rewritten in place before its checksum was fixed, then
        // the commit frame: SQLite's own write of a large transaction, cut.
        let mut rewritten = w.clone();
        rewritten[HEADER + 10 * FRAME + FRAME_HEADER + 7] ^= 0x40;
        assert_eq!(scan(&rewritten), WalState::Sound { frames: 10 });
        // A WAL of one transaction with a damaged header.
        let one = wal_with_commits(3, PAGE, (1, 2), &[3]);
        assert_eq!(scan(&flipped(one, 12, 0x01)), WalState::Sound { frames: 0 });
    }

    #[test]
    fn stale_frames_of_an_earlier_generation_are_not_damage() {
        // An old generation of 6 frames, overwritten by a new one of 2
        // (new salts) that then tore in its third frame.
        let old = wal(6, PAGE, (1, 2));
        let new = wal(3, PAGE, (2, 99));
        let mut w = new[..HEADER + 2 * FRAME + 50].to_vec();
        w.extend_from_slice(&old[HEADER + 2 * FRAME + 50..]);
        assert_eq!(scan(&w), WalState::Sound { frames: 0 });
        let new = wal_with_commits(3, PAGE, (2, 99), &[1, 3]);
        let mut w = new[..HEADER + 2 * FRAME + 50].to_vec();
        w.extend_from_slice(&old[HEADER + 2 * FRAME + 50..]);
        assert_eq!(scan(&w), WalState::Sound { frames: 1 });
    }
}
