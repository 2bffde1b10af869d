//! Locks (ACC-4).

mod common;
use common::*;
use coursecopy::*;

/// ACC-4: who may lock and unlock.
#[test]
fn acc4_who_may_lock_and_unlock() {
    let mut w = world();
    let other = w.ws.create_user(w.admin, "Otto", Role::Author).unwrap();
    let c = w.course;
    assert_eq!(w.ws.lock_course(other, c), Err(Error::Forbidden { user: other, action: Action::LockCourse(c) }));
    assert_eq!(
        w.ws.lock_course(w.reviewer, c),
        Err(Error::Forbidden { user: w.reviewer, action: Action::LockCourse(c) })
    );
    w.ws.lock_course(w.author, c).unwrap();
    assert_eq!(w.ws.course(c).unwrap().locked_by(), Some(w.author));
    assert_eq!(w.ws.lock_course(w.admin, c), Err(Error::Locked { course: c, by: w.author }));
    // Another assigned author may not unlock; the locker and Administrators may.
    w.ws.assign_user(w.admin, c, other).unwrap_err();
    let fresh = w.ws.create_course(other, NewCourse::new("F", "f")).unwrap();
    w.ws.assign_user(other, fresh, w.author).unwrap();
    w.ws.lock_course(w.author, fresh).unwrap();
    assert_eq!(
        w.ws.unlock_course(other, fresh),
        Err(Error::Forbidden { user: other, action: Action::UnlockCourse(fresh) })
    );
    w.ws.unlock_course(w.admin, fresh).unwrap();
    assert!(matches!(w.ws.unlock_course(w.admin, fresh), Err(Error::Invalid { field: coursecopy::Field::Lock, .. })));
    w.ws.unlock_course(w.author, c).unwrap();
    assert_eq!(w.ws.course(c).unwrap().locked_by(), None);
}

/// ACC-4: nobody, Administrators included, edits a locked course's
/// structure, LOs or pages; a refused edit changes nothing.
#[test]
fn acc4_nobody_edits_a_locked_course() {
    let mut w = world();
    let c = w.course;
    let page = page_at(&w.ws, c, 0, 0);
    let lo = w.los[0];
    w.ws.lock_course(w.author, c).unwrap();
    let snapshot = w.ws.clone();
    for who in [w.admin, w.author] {
        let locked = Err(Error::Locked { course: c, by: w.author });
        assert_eq!(w.ws.edit_page(who, c, page, PageEdit::new().body("x")).map(|_| ()), locked);
        assert_eq!(w.ws.delete_page(who, c, page).map(|_| ()), locked);
        assert_eq!(w.ws.add_page(who, c, lo, PageDraft::new("a", "b")).map(|_| ()), locked);
        assert_eq!(w.ws.move_page(who, c, page, 1).map(|_| ()), locked);
        assert_eq!(w.ws.set_page_style(who, c, page, None).map(|_| ()), locked);
        assert_eq!(w.ws.attach_item(who, c, page, w.image).map(|_| ()), locked);
        assert_eq!(w.ws.edit_learning_object(who, c, lo, coursecopy::LoEdit::new().title("x")).map(|_| ()), locked);
        assert_eq!(w.ws.create_learning_object(who, c, "x", "").map(|_| ()), locked);
        assert_eq!(w.ws.remove_learning_object(who, c, lo).map(drop), locked);
        assert_eq!(w.ws.move_learning_object(who, c, lo, 1), locked);
        assert_eq!(w.ws.update_course(who, c, CourseChange::new().title("x")), locked);
        assert_eq!(w.ws.create_style(who, c, "x", "").map(|_| ()), locked);
        assert_eq!(w.ws.add_tool(who, c, ToolDraft::new(Category::Wikis, "w")).map(|_| ()), locked);
        assert_eq!(w.ws.delete_course(who, c), locked);
    }
    assert_eq!(w.ws, snapshot);
    // Copying a locked course is reading it: allowed, and the copy is not locked.
    let copy = w.ws.duplicate_course(w.author, c, &CopyOptions::new()).unwrap();
    assert_eq!(w.ws.course(copy).unwrap().locked_by(), None);
    // Library items are not locked.
    w.ws.update_library_item(w.author, w.image, "files/new.png").unwrap();
}

/// ACC-4: a learning object obeys its parent course's lock, whichever
/// course it is reached through; the other course itself stays editable.
#[test]
fn acc4_shared_lo_obeys_its_parent_lock_through_every_course() {
    let mut w = world();
    let shared = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    w.ws.lock_course(w.admin, w.course).unwrap();
    let page = page_at(&w.ws, shared, 0, 0);
    let locked = Err(Error::Locked { course: w.course, by: w.admin });
    assert_eq!(w.ws.edit_page(w.author, shared, page, PageEdit::new().body("x")).map(|_| ()), locked);
    assert_eq!(w.ws.add_page(w.author, shared, w.los[1], PageDraft::new("a", "b")).map(|_| ()), locked);
    assert_eq!(
        w.ws.edit_learning_object(w.admin, shared, w.los[1], coursecopy::LoEdit::new().title("x")).map(|_| ()),
        locked
    );
    // The shared course's own structure is its own.
    let own = w.ws.create_learning_object(w.author, shared, "Own", "").unwrap();
    w.ws.add_page(w.author, shared, own, PageDraft::new("Mine", "")).unwrap();
    w.ws.move_learning_object(w.author, shared, own, 0).unwrap();
    w.ws.remove_learning_object(w.author, shared, w.los[0]).unwrap();
    w.ws.update_course(w.author, shared, CourseChange::new().title("Mine now")).unwrap();
    // The parent's own LOs cannot be deleted while it is locked.
    let orphan = w.los[0];
    w.ws.unlock_course(w.admin, w.course).unwrap();
    w.ws.remove_learning_object(w.author, w.course, orphan).unwrap();
    w.ws.lock_course(w.author, w.course).unwrap();
    assert_eq!(w.ws.delete_learning_object(w.admin, orphan), Err(Error::Locked { course: w.course, by: w.author }));
    w.ws.check_integrity().unwrap();
}

/// ACC-4 and LMS: a course being copied into cannot be locked; a locked
/// course cannot be copied into.
#[test]
fn acc4_locks_and_copy_tasks() {
    let mut w = world();
    let target = w.ws.create_course(w.author, NewCourse::new("T", "t")).unwrap();
    let task = w.ws.request_copy(w.author, w.course, &CopyRequest::new(CopyTarget::Existing(target.into()))).unwrap();
    assert_eq!(w.ws.lock_course(w.admin, target), Err(Error::Busy { course: target, task }));
    w.ws.run_all_tasks();
    w.ws.lock_course(w.admin, target).unwrap();
    assert_eq!(
        w.ws.request_copy(w.author, w.course, &CopyRequest::new(CopyTarget::Existing(target.into()))),
        Err(Error::Locked { course: target, by: w.admin })
    );
}

/// ACC-4 and INT-4: locks are saved and loaded.
#[cfg(feature = "serde")]
#[test]
fn acc4_locks_survive_save_and_load() {
    let mut w = world();
    w.ws.lock_course(w.author, w.course).unwrap();
    let loaded: Workspace = serde_json::from_str(&serde_json::to_string(&w.ws).unwrap()).unwrap();
    assert_eq!(loaded.course(w.course).unwrap().locked_by(), Some(w.author));
    assert_eq!(loaded, w.ws);
}
