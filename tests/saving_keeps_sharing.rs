//! INT-6: saving keeps sharing. A Duplicate's pages share their title,
//! body and item list with their source until edited; the saved form stores
//! each shared allocation once, and loading restores exactly the same
//! sharing, no more and no less.
#![cfg(feature = "serde")]

use coursecopy::*;
use std::collections::HashMap;

/// A course of `los` learning objects of `pages` pages each. Every page
/// has the same title and body text, in allocations of its own, so that
/// a loader that merged equal text would be caught. The body is 512 bytes:
/// a saved form that wrote a duplicated page's body again would pay that
/// for each page, past the size test's limit.
fn big_course(los: usize, pages: usize) -> (Workspace, UserKey, CourseKey, MediaKey) {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    let image = ws.add_media(admin, "cell.png", "files/cell.png").unwrap();
    let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology")).unwrap();
    for l in 0..los {
        let lo = ws.create_learning_object(admin, course, &format!("LO {l}"), "").unwrap();
        for p in 0..pages {
            let draft = PageDraft::new("Same title", format!("{:.<512}", "Same body"));
            let page = ws.add_page(admin, course, lo, draft).unwrap().page;
            if p % 3 == 0 {
                ws.attach_item(admin, course, page, image).unwrap();
            }
        }
    }
    (ws, admin, course, image)
}

/// What each page shares: for the title, the body and the item list, the
/// first page (in handle order) holding the same allocation. Two pages are
/// in one group exactly when they share that allocation in memory.
#[derive(Debug, PartialEq)]
struct Sharing {
    title: HashMap<PageKey, PageKey>,
    body: HashMap<PageKey, PageKey>,
    items: HashMap<PageKey, PageKey>,
}

fn sharing(ws: &Workspace) -> Sharing {
    fn group(ws: &Workspace, address: impl Fn(&Page) -> usize) -> HashMap<PageKey, PageKey> {
        let mut first: HashMap<usize, PageKey> = HashMap::new();
        ws.pages().map(|(k, p)| (k, *first.entry(address(p)).or_insert(k))).collect()
    }
    Sharing {
        title: group(ws, |p| p.title().as_ptr() as usize),
        body: group(ws, |p| p.body().as_ptr() as usize),
        items: group(ws, |p| p.items().as_ptr() as usize),
    }
}

fn groups(map: &HashMap<PageKey, PageKey>) -> usize {
    map.iter().filter(|(k, first)| k == first).count()
}

fn round_trip(ws: &Workspace) -> Workspace {
    let text = serde_json::to_string(ws).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// INT-6 at 10,000 pages: three Duplicates of a 10,000-page course, some
/// of their pages edited after the copy (title, body, items), keep exactly
/// their sharing through save and load.
#[test]
fn int6_sharing_survives_save_and_load_at_10000_pages() {
    let (mut ws, admin, course, image) = big_course(100, 100);
    let copies: Vec<CourseKey> =
        (0..3).map(|_| ws.duplicate_course(admin, course, &CopyOptions::new()).unwrap()).collect();
    // Edit some duplicated pages after the copy: the title of one, the body
    // of another, the items of a third.
    let dup_pages: Vec<PageKey> = ws
        .course(copies[0])
        .unwrap()
        .learning_objects()
        .flat_map(|lo| ws.learning_object(lo).unwrap().pages().collect::<Vec<_>>())
        .collect();
    for (n, page) in dup_pages.iter().enumerate().step_by(7) {
        let edit = match n % 3 {
            0 => PageEdit::new().title("Edited title"),
            1 => PageEdit::new().body("Edited body"),
            _ => PageEdit::new().title("Both").body("Both edited"),
        };
        ws.edit_page(admin, copies[0], *page, edit).unwrap();
    }
    for page in dup_pages.iter().skip(1).step_by(11) {
        if ws.page(*page).unwrap().items().is_empty() {
            ws.attach_item(admin, copies[0], *page, image).unwrap();
        }
    }

    let before = sharing(&ws);
    assert_eq!(ws.pages().count(), 40_000);
    // Sharing is there to keep: 10,000 originals, each with its three
    // duplicates in its groups unless edited.
    assert!(groups(&before.body) < 20_000, "{} body groups", groups(&before.body));
    assert!(groups(&before.title) > 10_000 && groups(&before.body) > 10_000, "edits made their own text");

    let loaded = round_trip(&ws);
    assert_eq!(loaded, ws);
    let after = sharing(&loaded);
    assert_eq!(after, before, "the grouping of pages by shared allocation is the same");
    assert_eq!(groups(&after.body), groups(&before.body));

    // The public predicate agrees: an unedited duplicate shares its body with
    // its source; an edited one does not; two originals with equal text do
    // not share (nothing was interned).
    let original = |p: PageKey| loaded.page(loaded.page(p).unwrap().origin().unwrap()).unwrap();
    let unedited = dup_pages[3];
    let page = |p: PageKey| loaded.page(p).unwrap();
    assert!(page(unedited).shares_body_with(original(unedited)));
    assert!(page(unedited).shares_title_with(original(unedited)));
    assert!(page(unedited).shares_items_with(original(unedited)));
    // Page 0 had its title edited, page 7 its body, page 14 both.
    assert!(!page(dup_pages[0]).shares_title_with(original(dup_pages[0])));
    assert!(page(dup_pages[0]).shares_body_with(original(dup_pages[0])));
    assert!(page(dup_pages[7]).shares_title_with(original(dup_pages[7])));
    assert!(!page(dup_pages[7]).shares_body_with(original(dup_pages[7])));
    assert!(!page(dup_pages[14]).shares_title_with(original(dup_pages[14])));
    assert!(!page(dup_pages[14]).shares_body_with(original(dup_pages[14])));
    // Page 1 (one in eleven from the second, without items) had one attached.
    let attached = dup_pages[1];
    assert_eq!(page(attached).items().len(), 1);
    assert!(!page(attached).shares_items_with(original(attached)));
    let lo = loaded.course(course).unwrap().learning_objects().next().unwrap();
    let first_two: Vec<PageKey> = loaded.learning_object(lo).unwrap().pages().take(2).collect();
    let (a, b) = (loaded.page(first_two[0]).unwrap(), loaded.page(first_two[1]).unwrap());
    assert_eq!(a.body(), b.body());
    assert!(!a.shares_body_with(b), "equal text of separate pages stays separate");

    // A second round trip changes nothing.
    assert_eq!(sharing(&round_trip(&loaded)), before);
}

/// INT-6: the saved size grows by at most 200 bytes per unedited
/// duplicated page (compact JSON), for 1, 5 and 20 Duplicates of a
/// 10,000-page course: the text is stored once, whatever the copies.
#[test]
fn int6_saved_size_does_not_grow_with_unedited_duplicates() {
    let (mut ws, admin, course, _) = big_course(100, 100);
    let size = |ws: &Workspace| serde_json::to_vec(ws).unwrap().len();
    let base = size(&ws);
    let mut made = 0;
    for k in [1usize, 5, 20] {
        while made < k {
            ws.duplicate_course(admin, course, &CopyOptions::new()).unwrap();
            made += 1;
        }
        let per_page = (size(&ws) - base) as f64 / (k * 10_000) as f64;
        eprintln!("k = {k}: {} bytes, {per_page:.1} per duplicated page (base {base})", size(&ws));
        assert!(per_page <= 200.0, "k = {k}: {per_page:.1} bytes per duplicated page");
    }
}
