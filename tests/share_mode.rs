//! Share (SHR-1..7): the copy includes the same learning objects.

mod common;
use common::*;
use coursecopy::*;

fn shared() -> (World, CourseKey) {
    let mut w = world();
    let copy = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    (w, copy)
}

/// SHR-1: same LO handles in the same order; no LO and no page created.
#[test]
fn shr1_share_reuses_the_same_lo_handles_and_creates_no_content() {
    let mut w = world();
    let before = w.ws.counts();
    let copy = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    assert_eq!(lo_list(&w.ws, copy), lo_list(&w.ws, w.course));
    assert_eq!(lo_list(&w.ws, copy), w.los);
    let after = w.ws.counts();
    assert_eq!(after.learning_objects, before.learning_objects);
    assert_eq!(after.pages, before.pages);
    assert_eq!(after.courses, before.courses + 1);
    assert_eq!(outline(&w.ws, copy), outline(&w.ws, w.course));
    for lo in &w.los {
        let used = w.ws.learning_object(*lo).unwrap().used_in();
        assert!(used.contains(w.course) && used.contains(copy) && used.len() == 2);
    }
}

/// SHR-2: a page edited through either course shows in both, and the edit
/// reports both courses.
#[test]
fn shr2_page_edit_in_shared_lo_is_seen_through_both_courses() {
    let (mut w, copy) = shared();
    let page = page_at(&w.ws, copy, 1, 0);
    let reach = w.ws.edit_page(w.author, copy, page, PageEdit::new().title("Eye protection").body("Always.")).unwrap();
    assert_eq!(reach.iter().collect::<Vec<_>>().len(), 2);
    assert!(reach.contains(w.course) && reach.contains(copy));
    for c in [w.course, copy] {
        let p = w.ws.page(page_at(&w.ws, c, 1, 0)).unwrap();
        assert_eq!((p.title(), p.body()), ("Eye protection", "Always."));
    }
    // Style changes too.
    w.ws.set_page_style(w.author, w.course, page, Some(w.style)).unwrap();
    assert_eq!(outline(&w.ws, copy), outline(&w.ws, w.course));
    assert_eq!(outline(&w.ws, copy)[1].1[0].2.as_deref(), Some("Warning"));
}

/// SHR-3: deleting a page in one course deletes it in the other (the seed's
/// worked case), and so do additions and reordering.
#[test]
fn shr3_page_delete_add_and_reorder_are_seen_through_both_courses() {
    let (mut w, copy) = shared();
    let doomed = page_at(&w.ws, copy, 0, 0);
    w.ws.delete_page(w.author, copy, doomed).unwrap();
    assert_eq!(titles(&w.ws, w.course)[0], vec!["Rules"]);
    assert_eq!(titles(&w.ws, copy)[0], vec!["Rules"]);
    assert!(matches!(w.ws.page(doomed), Err(Error::NotFound { .. })));

    let added = w.ws.add_page(w.author, w.course, w.los[0], PageDraft::new("Exits", "Know them.")).unwrap();
    assert_eq!(added.reach.len(), 2);
    w.ws.move_page(w.author, copy, added.page, 0).unwrap();
    assert_eq!(titles(&w.ws, w.course)[0], vec!["Exits", "Rules"]);
    assert_eq!(titles(&w.ws, copy)[0], vec!["Exits", "Rules"]);
}

/// SHR-4: removing a whole LO from one course leaves it, with all its
/// pages, in the other.
#[test]
fn shr4_removing_an_lo_from_one_course_keeps_it_in_the_other() {
    let (mut w, copy) = shared();
    let before = outline(&w.ws, w.course);
    w.ws.remove_learning_object(w.author, copy, w.los[1]).unwrap();
    assert_eq!(lo_list(&w.ws, copy), vec![w.los[0]]);
    assert_eq!(lo_list(&w.ws, w.course), w.los);
    assert_eq!(outline(&w.ws, w.course), before);
    assert_eq!(w.ws.learning_object(w.los[1]).unwrap().used_in().len(), 1);
    // And the other way round.
    w.ws.remove_learning_object(w.author, w.course, w.los[0]).unwrap();
    assert_eq!(lo_list(&w.ws, copy), vec![w.los[0]]);
    assert_eq!(titles(&w.ws, copy)[0], vec!["Welcome", "Rules"]);
}

/// SHR-5: an LO created in, or added to, one course does not appear in the
/// other; each course's LO order is its own.
#[test]
fn shr5_lo_lists_are_independent_after_share() {
    let (mut w, copy) = shared();
    let fresh = w.ws.create_learning_object(w.author, copy, "Spills", "").unwrap();
    assert_eq!(lo_list(&w.ws, copy), vec![w.los[0], w.los[1], fresh]);
    assert_eq!(lo_list(&w.ws, w.course), w.los);

    let other = w.ws.create_course(w.author, NewCourse::new("OTHER", "Other")).unwrap();
    let extra = w.ws.create_learning_object(w.author, other, "Fire", "").unwrap();
    w.ws.add_learning_object(w.author, w.course, extra, Some(0)).unwrap();
    assert_eq!(lo_list(&w.ws, w.course), vec![extra, w.los[0], w.los[1]]);
    assert!(!lo_list(&w.ws, copy).contains(&extra));

    w.ws.move_learning_object(w.author, copy, w.los[0], 2).unwrap();
    assert_eq!(lo_list(&w.ws, copy), vec![w.los[1], fresh, w.los[0]]);
    assert_eq!(lo_list(&w.ws, w.course), vec![extra, w.los[0], w.los[1]]);
}

/// SHR-6: course-level data of the two courses is independent.
#[test]
fn shr6_course_level_data_is_independent_after_share() {
    let (mut w, copy) = shared();
    w.ws.update_course(
        w.author,
        copy,
        CourseChange::new().title("Lab safety II").description("More").player_layout("full").detail("language", "fr"),
    )
    .unwrap();
    w.ws.unassign_user(w.author, copy, w.reviewer).unwrap();
    w.ws.create_style(w.author, copy, "Calm", ".calm {}").unwrap();
    let original = w.ws.course(w.course).unwrap();
    assert_eq!(original.title(), "Lab safety");
    assert_eq!(original.description(), "Stay safe in the lab");
    assert_eq!(original.player_layout(), "sidebar");
    assert_eq!(original.detail("language"), Some("en"));
    assert!(original.is_assigned(w.reviewer));
    assert_eq!(original.styles().count(), 1);
    let shared = w.ws.course(copy).unwrap();
    assert_eq!(shared.title(), "Lab safety II");
    assert_eq!(shared.styles().count(), 2);
}

/// SHR-7: replacing the image a page of a shared LO uses shows in both
/// courses.
#[test]
fn shr7_replacing_a_library_item_on_a_shared_page_is_seen_in_both() {
    let (mut w, copy) = shared();
    let page = page_at(&w.ws, copy, 1, 0);
    let reach = w.ws.replace_item(w.author, copy, page, w.image, w.other_image).unwrap();
    assert_eq!(reach.len(), 2);
    for c in [w.course, copy] {
        assert_eq!(outline(&w.ws, c)[1].1[0].3, vec!["gloves.png", "PPE"]);
    }
    w.ws.detach_item(w.author, w.course, page, w.term).unwrap();
    w.ws.attach_item(w.author, w.course, page, w.resource).unwrap();
    assert_eq!(outline(&w.ws, copy)[1].1[0].3, vec!["gloves.png", "Checklist"]);
}
