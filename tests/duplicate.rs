//! Duplicate (DUP-1..6): the copy gets new, independent learning objects
//! and pages.

mod common;
use common::*;
use coursecopy::*;

fn duplicated() -> (World, CourseKey) {
    let mut w = world();
    let copy = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    (w, copy)
}

/// DUP-1: a new LO per source LO, in order, with new pages equal in title,
/// body and library items, in order.
#[test]
fn dup1_duplicate_creates_new_los_and_pages_equal_to_the_source() {
    let mut w = world();
    let before = w.ws.counts();
    let copy = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let after = w.ws.counts();
    assert_eq!(after.learning_objects, before.learning_objects + 2);
    assert_eq!(after.pages, before.pages + 4);
    let (src, dup) = (lo_list(&w.ws, w.course), lo_list(&w.ws, copy));
    assert_eq!(dup.len(), src.len());
    for (s, d) in src.iter().zip(&dup) {
        assert_ne!(s, d);
        let (s, d) = (w.ws.learning_object(*s).unwrap(), w.ws.learning_object(*d).unwrap());
        assert_eq!((s.title(), s.description()), (d.title(), d.description()));
        assert_eq!(s.pages().len(), d.pages().len());
        for (sp, dp) in s.pages().zip(d.pages()) {
            assert_ne!(sp, dp);
            let (sp, dp) = (w.ws.page(sp).unwrap(), w.ws.page(dp).unwrap());
            assert_eq!((sp.title(), sp.body(), sp.items()), (dp.title(), dp.body(), dp.items()));
            assert!(dp.shares_body_with(sp), "the body text is shared in memory, not copied");
        }
    }
    let strip_styles = |o: Outline| -> Outline {
        o.into_iter().map(|(t, ps)| (t, ps.into_iter().map(|(a, b, _, d)| (a, b, None, d)).collect())).collect()
    };
    assert_eq!(strip_styles(outline(&w.ws, copy)), strip_styles(outline(&w.ws, w.course)));
}

/// DUP-2: after a Duplicate no change in either course shows in the other:
/// the seed's cases with the opposite outcome to Share.
#[test]
fn dup2_changes_after_duplicate_stay_in_their_course() {
    let (mut w, copy) = duplicated();
    let original = outline(&w.ws, w.course);
    // Edit, delete, add and reorder pages in the copy.
    let page = page_at(&w.ws, copy, 1, 0);
    let reach = w.ws.edit_page(w.author, copy, page, PageEdit::new().body("Changed")).unwrap();
    assert_eq!(reach.iter().collect::<Vec<_>>(), vec![copy]);
    w.ws.delete_page(w.author, copy, page_at(&w.ws, copy, 0, 0)).unwrap();
    let copy_lo = lo_at(&w.ws, copy, 0);
    w.ws.add_page(w.author, copy, copy_lo, PageDraft::new("New", "x")).unwrap();
    w.ws.move_page(w.author, copy, page_at(&w.ws, copy, 1, 1), 0).unwrap();
    w.ws.replace_item(w.author, copy, page_at(&w.ws, copy, 1, 1), w.image, w.other_image).unwrap();
    w.ws.remove_learning_object(w.author, copy, copy_lo).unwrap();
    w.ws.create_learning_object(w.author, copy, "Only in the copy", "").unwrap();
    assert_eq!(outline(&w.ws, w.course), original);
    assert_ne!(outline(&w.ws, copy), original);

    // And the other way round.
    let copy_view = outline(&w.ws, copy);
    let page = page_at(&w.ws, w.course, 1, 0);
    w.ws.edit_page(w.author, w.course, page, PageEdit::new().title("Original only")).unwrap();
    w.ws.delete_page(w.author, w.course, page_at(&w.ws, w.course, 0, 0)).unwrap();
    w.ws.remove_learning_object(w.author, w.course, w.los[1]).unwrap();
    assert_eq!(outline(&w.ws, copy), copy_view);
}

/// DUP-3: duplicated pages carry no style, whatever the source had.
#[test]
fn dup3_duplicated_pages_lose_their_style() {
    let (w, copy) = duplicated();
    let styled = page_at(&w.ws, w.course, 0, 1);
    assert_eq!(w.ws.page(styled).unwrap().style(), Some(w.style));
    for (_, pages) in outline(&w.ws, copy) {
        for page in pages {
            assert_eq!(page.2, None, "page {:?} kept a style", page.0);
        }
    }
    // The course's styles themselves are copied as course-level data.
    let styles: Vec<_> = w.ws.course(copy).unwrap().styles().collect();
    assert_eq!(styles.len(), 1);
    assert_ne!(styles[0], w.style);
    assert_eq!(w.ws.style(styles[0]).unwrap().name(), "Warning");
    assert_eq!(w.ws.style(styles[0]).unwrap().course(), copy);
}

/// DUP-4: duplicated pages reference the same library items (handles).
#[test]
fn dup4_duplicated_pages_reference_the_same_library_items() {
    let (w, copy) = duplicated();
    let before = w.ws.counts().library_items;
    assert_eq!(w.ws.page(page_at(&w.ws, copy, 1, 0)).unwrap().items(), &[w.image.into(), w.term.into()]);
    assert_eq!(w.ws.page(page_at(&w.ws, copy, 1, 1)).unwrap().items(), &[LibraryItem::Resource(w.resource)]);
    assert_eq!(w.ws.counts().library_items, before);
    assert_eq!(w.ws.pages_using(w.image).len(), 2);
}

/// DUP-5: duplicated LOs and pages record their origin, queryable later
/// and still answered after the origin is deleted (a stale handle, never
/// another entity).
#[test]
fn dup5_duplicates_record_their_origin() {
    let (mut w, copy) = duplicated();
    for (lo_index, src_lo) in w.los.clone().into_iter().enumerate() {
        let dup_lo = lo_at(&w.ws, copy, lo_index);
        assert_eq!(w.ws.learning_object(dup_lo).unwrap().origin(), Some(src_lo));
        let src_pages: Vec<_> = w.ws.learning_object(src_lo).unwrap().pages().collect();
        let origins: Vec<_> =
            w.ws.learning_object(dup_lo).unwrap().pages().map(|p| w.ws.page(p).unwrap().origin().unwrap()).collect();
        assert_eq!(origins, src_pages);
    }
    assert_eq!(w.ws.course(copy).unwrap().copied_from(), Some(w.course));
    // A second generation points at the first.
    let second = w.ws.duplicate_course(w.author, copy, &CopyOptions::new()).unwrap();
    let gen2 = lo_at(&w.ws, second, 0);
    assert_eq!(w.ws.learning_object(gen2).unwrap().origin(), Some(lo_at(&w.ws, copy, 0)));
    // Origin deleted: provenance stays, and resolves to nothing.
    let origin_page = page_at(&w.ws, w.course, 0, 0);
    w.ws.delete_page(w.author, w.course, origin_page).unwrap();
    let dup_page = page_at(&w.ws, copy, 0, 0);
    assert_eq!(w.ws.page(dup_page).unwrap().origin(), Some(origin_page));
    assert_eq!(w.ws.page(origin_page), Err(Error::NotFound { entity: origin_page.into() }));
}

/// DUP-6: the new LOs' parent course is the new course.
#[test]
fn dup6_duplicated_los_belong_to_the_new_course() {
    let (w, copy) = duplicated();
    for lo in lo_list(&w.ws, copy) {
        let record = w.ws.learning_object(lo).unwrap();
        assert_eq!(record.parent(), Some(copy));
        assert_eq!(record.used_in().iter().collect::<Vec<_>>(), vec![copy]);
    }
    for lo in &w.los {
        assert_eq!(w.ws.learning_object(*lo).unwrap().parent(), Some(w.course));
    }
}

/// DUP-2 for a Share followed by a Duplicate of the shared copy: the
/// duplicate is independent of both.
#[test]
fn dup2_duplicate_of_a_shared_copy_is_independent_of_both() {
    let mut w = world();
    let shared = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let dup = w.ws.duplicate_course(w.author, shared, &CopyOptions::new()).unwrap();
    let view = outline(&w.ws, dup);
    let page = page_at(&w.ws, w.course, 0, 0);
    let reach = w.ws.edit_page(w.author, w.course, page, PageEdit::new().body("edited")).unwrap();
    assert_eq!(reach.len(), 2);
    assert_eq!(outline(&w.ws, dup), view);
}
