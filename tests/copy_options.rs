//! Copy options (OPT-1..4).

mod common;
use common::*;
use coursecopy::*;

/// OPT-1: a copy may set the title, player layout and details; whatever it
/// does not set comes from the source.
#[test]
fn opt1_copy_sets_some_fields_and_takes_the_rest_from_the_source() {
    let mut w = world();
    let options = CopyOptions::new().title("Lab safety (2027)").player_layout("compact").detail("term", "2027");
    let copy = w.ws.share_course(w.author, w.course, &options).unwrap();
    let c = w.ws.course(copy).unwrap();
    assert_eq!(c.title(), "Lab safety (2027)");
    assert_eq!(c.player_layout(), "compact");
    assert_eq!(c.detail("term"), Some("2027"));
    assert_eq!(c.detail("language"), Some("en"), "details not named come from the source");
    assert_eq!(c.description(), "Stay safe in the lab");
    let dup = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new().description("Fresh")).unwrap();
    let d = w.ws.course(dup).unwrap();
    assert_eq!((d.title(), d.description(), d.player_layout()), ("Lab safety", "Fresh", "sidebar"));
}

/// OPT-2: author assignments are kept by default; turned off, only the user
/// who copies is assigned.
#[test]
fn opt2_author_assignments_kept_by_default_or_only_the_copier() {
    let mut w = world();
    let other = w.ws.create_user(w.admin, "Otto", Role::Author).unwrap();
    w.ws.assign_user(w.author, w.course, other).unwrap();
    let source: Vec<_> = w.ws.course(w.course).unwrap().assigned_users().collect();
    assert_eq!(source.len(), 3);

    let kept = w.ws.duplicate_course(other, w.course, &CopyOptions::new()).unwrap();
    assert_eq!(w.ws.course(kept).unwrap().assigned_users().collect::<Vec<_>>(), source);
    assert_eq!(w.ws.course(kept).unwrap().created_by(), other);

    let alone = w.ws.share_course(other, w.course, &CopyOptions::new().keep_authors(false)).unwrap();
    assert_eq!(w.ws.course(alone).unwrap().assigned_users().collect::<Vec<_>>(), vec![other]);
    assert!(!w.ws.can_read(w.reviewer, alone));
    assert!(!w.ws.can_edit(w.author, alone));
    assert!(w.ws.can_edit(w.author, kept));
}

/// OPT-3: every course has a unique course_id; a copy names one or gets a
/// fresh one derived from the source's; a taken id is refused and nothing
/// is created.
#[test]
fn opt3_course_ids_are_unique_named_or_derived() {
    let mut w = world();
    let first = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let second = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let third = w.ws.duplicate_course(w.author, first, &CopyOptions::new()).unwrap();
    assert_eq!(w.ws.course(first).unwrap().course_id(), "SAFE-101-copy");
    assert_eq!(w.ws.course(second).unwrap().course_id(), "SAFE-101-copy-2");
    assert_eq!(w.ws.course(third).unwrap().course_id(), "SAFE-101-copy-copy");
    assert_eq!(w.ws.course(first).unwrap().external_id(), "SAFE-101-copy");
    assert_eq!(w.ws.find_course("SAFE-101-copy-2"), Some(second));

    let named = w.ws.share_course(w.author, w.course, &CopyOptions::new().course_id("SAFE-2027")).unwrap();
    assert_eq!(w.ws.find_course("SAFE-2027"), Some(named));

    let snapshot = w.ws.clone();
    for taken in ["SAFE-101", "SAFE-2027"] {
        let err = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new().course_id(taken)).unwrap_err();
        assert!(
            matches!(err, Error::Conflict { field: coursecopy::Field::CourseId, ref value, .. } if value == taken),
            "{err:?}"
        );
    }
    let err =
        w.ws.duplicate_course(w.author, w.course, &CopyOptions::new().course_id("NEW").external_id("SAFE-101"))
            .unwrap_err();
    assert_eq!(
        err,
        Error::Conflict { field: coursecopy::Field::ExternalId, value: "SAFE-101".into(), holder: w.course }
    );
    assert_eq!(w.ws, snapshot, "a refused copy creates nothing");
}

/// OPT-3: a derived id stays within the 100-character limit and skips ids
/// taken as external ids.
#[test]
fn opt3_derived_ids_fit_the_limit_and_avoid_taken_external_ids() {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    let long = "L".repeat(100);
    let course = ws.create_course(admin, NewCourse::new(long.clone(), "Long")).unwrap();
    ws.create_course(admin, NewCourse::new("X", "x").external_id(format!("{}-copy", &long[..95]))).unwrap();
    let copy = ws.duplicate_course(admin, course, &CopyOptions::new()).unwrap();
    let id = ws.course(copy).unwrap().course_id().to_string();
    assert_eq!(id.chars().count(), 100);
    assert!(id.ends_with("-copy-2"), "{id}");
    ws.check_integrity().unwrap();
}

/// OPT-4: with no options, the copy equals the source in every field but
/// its identity (course_id, external_id, handle, creator, provenance).
#[test]
fn opt4_copy_without_options_is_exact() {
    let mut w = world();
    for mode in [CopyMode::Share, CopyMode::Duplicate] {
        let copy = w.ws.copy_course(w.author, w.course, mode, &CopyOptions::new()).unwrap();
        let (s, c) = (w.ws.course(w.course).unwrap(), w.ws.course(copy).unwrap());
        assert_ne!(s.course_id(), c.course_id());
        assert_ne!(s.external_id(), c.external_id());
        assert_eq!(s.title(), c.title());
        assert_eq!(s.description(), c.description());
        assert_eq!(s.player_layout(), c.player_layout());
        assert_eq!(s.details().collect::<Vec<_>>(), c.details().collect::<Vec<_>>());
        assert_eq!(s.assigned_users().collect::<Vec<_>>(), c.assigned_users().collect::<Vec<_>>());
        let styles = |course: &Course| -> Vec<(String, String)> {
            course
                .styles()
                .map(|k| {
                    let st = w.ws.style(k).unwrap();
                    (st.name().to_string(), st.css().to_string())
                })
                .collect()
        };
        assert_eq!(styles(s), styles(c));
        let (mut so, co) = (outline(&w.ws, w.course), outline(&w.ws, copy));
        if mode == CopyMode::Duplicate {
            // The one content difference Duplicate makes on purpose (DUP-3).
            so.iter_mut().flat_map(|(_, p)| p.iter_mut()).for_each(|p| p.2 = None);
        }
        assert_eq!(so, co, "{mode:?}");
    }
}
