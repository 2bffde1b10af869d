//! Integrity (INT-1..3) on hand-picked cases; the state-machine suite
//! checks the same after every random step.

mod common;
use common::*;
use coursecopy::*;

/// INT-2: a stale handle (deleted entity) is not found, even after its slot
/// is reused, and never names the new entity.
#[test]
fn int2_stale_handles_are_not_found_even_after_slot_reuse() {
    let mut w = world();
    let page = page_at(&w.ws, w.course, 0, 0);
    w.ws.delete_page(w.author, w.course, page).unwrap();
    let fresh = w.ws.add_page(w.author, w.course, w.los[0], PageDraft::new("Fresh", "x")).unwrap().page;
    assert_ne!(fresh, page);
    assert_eq!(w.ws.page(page), Err(Error::NotFound { entity: Entity::Page(page) }));
    assert_eq!(
        w.ws.edit_page(w.author, w.course, page, PageEdit::new().body("x")),
        Err(Error::NotFound { entity: Entity::Page(page) })
    );
    assert_eq!(w.ws.page(fresh).unwrap().title(), "Fresh");
    let err = w.ws.page(page).unwrap_err();
    assert!(err.to_string().starts_with(&format!("{page} not found")), "{err}");
    assert!(page.to_string().starts_with("page#") && page.to_string() != fresh.to_string(), "{page} {fresh}");
}

/// INT-2: handles from another workspace built the same way are not found
/// here, never taken for this workspace's entities.
#[test]
fn int2_foreign_handles_are_not_found() {
    let a = world();
    let mut b = world();
    assert_eq!(b.ws.course(a.course), Err(Error::NotFound { entity: a.course.into() }));
    assert!(b.ws.learning_object(a.los[0]).is_err());
    assert!(b.ws.library_entry(a.image).is_err());
    assert!(b.ws.user(a.admin).is_err());
    let before = b.ws.clone();
    assert!(b.ws.share_course(a.author, a.course, &CopyOptions::new()).is_err());
    assert!(b.ws.share_course(b.author, a.course, &CopyOptions::new()).is_err());
    assert_eq!(b.ws, before);
    // A handle made up through the serde form is not found either.
    #[cfg(feature = "serde")]
    {
        let made_up: CourseKey = serde_json::from_value(serde_json::json!({"idx": 1, "version": 1})).unwrap();
        assert!(b.ws.course(made_up).is_err());
    }
}

/// INT-1: the invariants hold after every operation of a long scripted run
/// touching every kind of entity, including deletions.
#[test]
fn int1_invariants_hold_through_a_scripted_run() {
    let mut w = world();
    w.ws.check_integrity().unwrap();
    let shared = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    w.ws.check_integrity().unwrap();
    let dup = w.ws.duplicate_course(w.author, shared, &CopyOptions::new()).unwrap();
    w.ws.check_integrity().unwrap();
    let style = w.ws.create_style(w.author, shared, "S", "").unwrap();
    w.ws.set_page_style(w.author, shared, page_at(&w.ws, shared, 0, 0), Some(style)).unwrap();
    w.ws.check_integrity().unwrap();
    // Deleting the source course: shared LOs live on without a parent,
    // pages lose the deleted course's styles.
    w.ws.delete_course(w.author, w.course).unwrap();
    w.ws.check_integrity().unwrap();
    assert_eq!(w.ws.learning_object(w.los[0]).unwrap().parent(), None);
    assert_eq!(w.ws.page(page_at(&w.ws, shared, 0, 1)).unwrap().style(), None);
    assert_eq!(w.ws.page(page_at(&w.ws, shared, 0, 0)).unwrap().style(), Some(style));
    // Deleting the shared course removes the style it gave the page.
    w.ws.delete_course(w.author, shared).unwrap();
    w.ws.check_integrity().unwrap();
    assert_eq!(w.ws.page(w.ws.learning_object(w.los[0]).unwrap().pages().next().unwrap()).unwrap().style(), None);
    // The LOs are in no course now: an Administrator can delete them.
    assert_eq!(
        w.ws.delete_learning_object(w.author, w.los[0]),
        Err(Error::Forbidden { user: w.author, action: Action::DeleteLearningObject(w.los[0]) })
    );
    w.ws.delete_learning_object(w.admin, w.los[0]).unwrap();
    w.ws.check_integrity().unwrap();
    // An LO still in a course cannot be deleted.
    let dup_lo = lo_at(&w.ws, dup, 0);
    assert_eq!(
        w.ws.delete_learning_object(w.admin, dup_lo),
        Err(Error::InUse { entity: dup_lo.into(), used_by: vec![dup.into()] })
    );
    w.ws.remove_learning_object(w.author, dup, dup_lo).unwrap();
    w.ws.delete_learning_object(w.author, dup_lo).unwrap();
    w.ws.check_integrity().unwrap();
    assert_eq!(w.ws.counts().learning_objects, 2);
}

/// INT-3: every kind of refusal (not found, not in, already in, invalid,
/// conflict, in use) leaves the workspace exactly as it was.
#[test]
fn int3_failed_operations_leave_the_workspace_unchanged() {
    let mut w = world();
    let other = w.ws.create_course(w.author, NewCourse::new("OTHER", "Other")).unwrap();
    let other_style = w.ws.create_style(w.author, other, "other", "").unwrap();
    let page = page_at(&w.ws, w.course, 1, 0);
    let lo = w.los[0];
    let snapshot = w.ws.clone();
    let long = "x".repeat(334);
    let errors = vec![
        w.ws.edit_page(w.author, other, page, PageEdit::new().body("x")).map(|_| ()),
        w.ws.edit_page(w.author, w.course, page, PageEdit::new().title("")).map(|_| ()),
        w.ws.edit_page(w.author, w.course, page, PageEdit::new().title(long.as_str())).map(|_| ()),
        w.ws.attach_item(w.author, w.course, page, w.image).map(|_| ()),
        w.ws.detach_item(w.author, w.course, page, w.resource).map(|_| ()),
        w.ws.replace_item(w.author, w.course, page, w.resource, w.image).map(|_| ()),
        w.ws.replace_item(w.author, w.course, page, w.image, w.term).map(|_| ()),
        w.ws.move_page(w.author, w.course, page, 2).map(|_| ()),
        w.ws.set_page_style(w.author, other, page, Some(w.style)).map(|_| ()),
        w.ws.add_page(w.author, w.course, lo, PageDraft::new("a", "b").item(w.image).item(w.image)).map(|_| ()),
        w.ws.add_page(w.author, w.course, lo, PageDraft::new("a", "b").item(w.image).style(other_style)).map(|_| ()),
        w.ws.add_learning_object(w.author, w.course, lo, None),
        w.ws.add_learning_object(w.author, other, lo, Some(5)),
        w.ws.move_learning_object(w.author, w.course, lo, 2),
        w.ws.remove_learning_object(w.author, other, lo).map(drop),
        w.ws.update_course(w.author, other, CourseChange::new().title("ok").external_id("SAFE-101")),
        w.ws.update_course(w.author, other, CourseChange::new().title("ok").detail("", "v")),
        w.ws.create_course(w.author, NewCourse::new("has space", "t")).map(|_| ()),
        w.ws.create_course(w.author, NewCourse::new("x".repeat(101), "t")).map(|_| ()),
        w.ws.create_course(w.author, NewCourse::new("NEW", "t").external_id("e".repeat(257))).map(|_| ()),
        w.ws.assign_user(w.author, w.course, w.reviewer),
        w.ws.unassign_user(w.author, other, w.reviewer),
        w.ws.delete_library_item(w.author, w.term),
        w.ws.create_user(w.admin, "bad\u{7}name", Role::Author).map(|_| ()),
        w.ws.rename_library_item(w.author, w.term, "  ").map(drop),
    ];
    for (i, e) in errors.into_iter().enumerate() {
        assert!(e.is_err(), "operation #{i} should fail");
    }
    assert_eq!(w.ws, snapshot);
    w.ws.check_integrity().unwrap();
}

/// LMS-12 limits on identifiers and names at creation.
#[test]
fn lms12_limits_apply_to_course_creation() {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    assert!(ws.create_course(admin, NewCourse::new("c".repeat(100), "t".repeat(333))).is_ok());
    assert!(matches!(
        ws.create_course(admin, NewCourse::new("d".repeat(101), "t")),
        Err(Error::Invalid { field: coursecopy::Field::CourseId, .. })
    ));
    assert!(matches!(
        ws.create_course(admin, NewCourse::new("d", "t".repeat(334))),
        Err(Error::Invalid { field: coursecopy::Field::Title, .. })
    ));
    assert!(
        ws.create_course(admin, NewCourse::new("ü".repeat(100), "é".repeat(333))).is_ok(),
        "limits count characters"
    );
}
