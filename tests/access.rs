//! Access (ACC-1..3).

mod common;
use common::*;
use coursecopy::*;

fn forbidden(user: UserKey, action: Action) -> Error {
    Error::Forbidden { user, action }
}

/// ACC-1: Administrators may do everything; Authors what they created or
/// are assigned to; Reviewers only read what is assigned to them.
#[test]
fn acc1_roles_grant_what_the_spec_says() {
    let mut w = world();
    let stranger = w.ws.create_user(w.admin, "Sam", Role::Author).unwrap();
    let outsider = w.ws.create_user(w.admin, "Vic", Role::Reviewer).unwrap();
    let c = w.course;
    assert!(w.ws.can_read(w.admin, c) && w.ws.can_edit(w.admin, c));
    assert!(w.ws.can_read(w.author, c) && w.ws.can_edit(w.author, c));
    assert!(w.ws.can_read(w.reviewer, c) && !w.ws.can_edit(w.reviewer, c));
    assert!(!w.ws.can_read(stranger, c) && !w.ws.can_edit(stranger, c));
    assert!(!w.ws.can_read(outsider, c));

    // Assignment gives an Author edit rights; taking it away takes them.
    w.ws.assign_user(w.author, c, stranger).unwrap();
    assert!(w.ws.can_edit(stranger, c));
    w.ws.unassign_user(w.admin, c, stranger).unwrap();
    assert!(!w.ws.can_edit(stranger, c));
    // The creator keeps rights even when unassigned.
    w.ws.unassign_user(w.admin, c, w.author).unwrap();
    assert!(w.ws.can_edit(w.author, c));

    // Reviewers create nothing; Authors manage no users.
    assert_eq!(
        w.ws.create_course(w.reviewer, NewCourse::new("R", "r")),
        Err(forbidden(w.reviewer, Action::CreateCourse))
    );
    assert_eq!(w.ws.add_media(w.reviewer, "x", "y"), Err(forbidden(w.reviewer, Action::EditLibrary)));
    assert_eq!(w.ws.create_user(w.author, "Eve", Role::Administrator), Err(forbidden(w.author, Action::ManageUsers)));
    // Administrators edit courses they have nothing to do with.
    w.ws.update_course(w.admin, c, CourseChange::new().title("By admin")).unwrap();
    // The last Administrator cannot be demoted.
    assert!(matches!(
        w.ws.set_role(w.admin, w.admin, Role::Author),
        Err(Error::Invalid { field: coursecopy::Field::Role, .. })
    ));
    w.ws.set_role(w.admin, stranger, Role::Administrator).unwrap();
    w.ws.set_role(stranger, w.admin, Role::Author).unwrap();
    let theirs = w.ws.create_course(stranger, NewCourse::new("S", "s")).unwrap();
    assert!(!w.ws.can_edit(w.admin, theirs), "a demoted Administrator is an Author");
}

/// ACC-2: every changing operation is checked; a refused one changes
/// nothing. Copying needs read rights on the source.
#[test]
fn acc2_refused_operations_change_nothing() {
    let mut w = world();
    let stranger = w.ws.create_user(w.admin, "Sam", Role::Author).unwrap();
    let page = page_at(&w.ws, w.course, 0, 0);
    let lo = w.los[0];
    let c = w.course;
    let snapshot = w.ws.clone();
    let edit = forbidden(stranger, Action::EditCourse(c));
    let results = [
        w.ws.edit_page(stranger, c, page, PageEdit::new().body("x")).map(|_| ()),
        w.ws.delete_page(stranger, c, page).map(|_| ()),
        w.ws.add_page(stranger, c, lo, PageDraft::new("x", "y")).map(|_| ()),
        w.ws.move_page(stranger, c, page, 1).map(|_| ()),
        w.ws.set_page_style(stranger, c, page, None).map(|_| ()),
        w.ws.attach_item(stranger, c, page, w.image).map(|_| ()),
        w.ws.detach_item(stranger, c, page, w.term).map(|_| ()),
        w.ws.replace_item(stranger, c, page, w.term, w.image).map(|_| ()),
        w.ws.edit_learning_object(stranger, c, lo, coursecopy::LoEdit::new().title("x")).map(|_| ()),
        w.ws.remove_learning_object(stranger, c, lo).map(drop),
        w.ws.move_learning_object(stranger, c, lo, 1),
        w.ws.create_learning_object(stranger, c, "x", "").map(|_| ()),
        w.ws.update_course(stranger, c, CourseChange::new().title("x")),
        w.ws.assign_user(stranger, c, stranger),
        w.ws.create_style(stranger, c, "x", "").map(|_| ()),
        w.ws.delete_course(stranger, c),
    ];
    for (i, r) in results.into_iter().enumerate() {
        assert_eq!(r, Err(edit.clone()), "operation #{i}");
    }
    assert_eq!(w.ws.delete_learning_object(stranger, lo), Err(forbidden(stranger, Action::DeleteLearningObject(lo))));
    // Copying needs read rights on the source...
    assert_eq!(w.ws.share_course(stranger, c, &CopyOptions::new()), Err(forbidden(stranger, Action::ReadCourse(c))));
    // ...and the right to create courses: a Reviewer who can read may not copy.
    assert_eq!(
        w.ws.duplicate_course(w.reviewer, c, &CopyOptions::new()),
        Err(forbidden(w.reviewer, Action::CreateCourse))
    );
    // Re-using an LO needs read rights on its parent course.
    let own = w.ws.create_course(stranger, NewCourse::new("OWN", "own")).unwrap();
    let snapshot_with_own = w.ws.clone();
    assert_eq!(w.ws.add_learning_object(stranger, own, lo, None), Err(forbidden(stranger, Action::ReadCourse(c))));
    assert_eq!(w.ws, snapshot_with_own);
    w.ws.delete_course(stranger, own).unwrap();
    assert_eq!(w.ws.counts(), snapshot.counts());
    // An unknown actor is not found.
    let (_, foreign_admin) = Workspace::with_admin("Other").unwrap();
    assert_eq!(
        w.ws.create_course(foreign_admin, NewCourse::new("F", "f")),
        Err(Error::NotFound { entity: foreign_admin.into() })
    );
}

/// ACC-3: editing a page of a shared LO needs edit rights in the course it
/// is reached through, and the result names every course the change
/// reaches.
#[test]
fn acc3_shared_page_edit_needs_rights_in_the_course_it_goes_through() {
    let mut w = world();
    let other = w.ws.create_user(w.admin, "Otto", Role::Author).unwrap();
    // Otto shares the course, keeping only himself: he can edit the copy,
    // not the source.
    let copy = w.ws.share_course(w.admin, w.course, &CopyOptions::new().keep_authors(false)).unwrap();
    w.ws.assign_user(w.admin, copy, other).unwrap();
    let page = page_at(&w.ws, w.course, 0, 0);
    assert_eq!(
        w.ws.edit_page(other, w.course, page, PageEdit::new().body("x")),
        Err(forbidden(other, Action::EditCourse(w.course)))
    );
    let reach = w.ws.edit_page(other, copy, page, PageEdit::new().body("through the copy")).unwrap();
    let mut expected = vec![w.course, copy];
    expected.sort();
    assert_eq!(reach.iter().collect::<Vec<_>>(), expected);
    assert_eq!(w.ws.page(page_at(&w.ws, w.course, 0, 0)).unwrap().body(), "through the copy");

    // A page is reachable only through a course that includes its LO.
    let unrelated = w.ws.create_course(other, NewCourse::new("U", "u")).unwrap();
    assert_eq!(
        w.ws.edit_page(other, unrelated, page, PageEdit::new().body("x")),
        Err(Error::NotIn { entity: page.into(), container: unrelated.into() })
    );
    // A third course joins: the reach grows.
    w.ws.add_learning_object(w.admin, unrelated, w.los[0], None).unwrap();
    let reach = w.ws.edit_page(other, unrelated, page, PageEdit::new().title("Hi")).unwrap();
    assert_eq!(reach.len(), 3);
}
