//! The global library (GLB-1..3).

mod common;
use common::*;
use coursecopy::*;

/// GLB-1: neither copy mode clones a library item.
#[test]
fn glb1_copies_never_clone_library_items() {
    let mut w = world();
    let before: Vec<_> = w.ws.library().map(|(item, _)| item).collect();
    let shared = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let dup = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let after: Vec<_> = w.ws.library().map(|(item, _)| item).collect();
    assert_eq!(before, after);
    for course in [shared, dup] {
        let items: Vec<_> = lo_list(&w.ws, course)
            .into_iter()
            .flat_map(|lo| w.ws.learning_object(lo).unwrap().pages().collect::<Vec<_>>())
            .flat_map(|p| w.ws.page(p).unwrap().items().to_vec())
            .collect();
        assert!(items.iter().all(|i| before.contains(i)));
        assert_eq!(items.len(), 4);
    }
}

/// GLB-2: an update to a library item is seen by every page that
/// references it, in the source, a shared and a duplicated course.
#[test]
fn glb2_library_update_is_seen_in_every_course() {
    let mut w = world();
    let shared = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let dup = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    w.ws.update_library_item(w.author, w.image, "files/goggles-v2.png").unwrap();
    w.ws.rename_library_item(w.author, w.term, "Protective equipment").unwrap();
    w.ws.update_library_item(w.author, w.term, "Gear that protects you").unwrap();
    for course in [w.course, shared, dup] {
        let page = page_at(&w.ws, course, 1, 0);
        let items = w.ws.page_items(page).unwrap();
        assert_eq!(items[0].1.content(), "files/goggles-v2.png");
        assert_eq!(items[1].1.name(), "Protective equipment");
        assert_eq!(items[1].1.content(), "Gear that protects you");
    }
}

/// GLB-3: deleting a referenced item is refused, naming every page that
/// references it; nothing changes. Unreferenced, it can go.
#[test]
fn glb3_deleting_a_referenced_item_is_refused_with_the_pages() {
    let mut w = world();
    let dup = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let snapshot = w.ws.clone();
    let err = w.ws.delete_library_item(w.author, w.image).unwrap_err();
    let mut expected = vec![Entity::Page(page_at(&w.ws, w.course, 1, 0)), Entity::Page(page_at(&w.ws, dup, 1, 0))];
    expected.sort();
    match &err {
        Error::InUse { entity, used_by } => {
            assert_eq!(*entity, Entity::Media(w.image));
            let mut used_by = used_by.clone();
            used_by.sort();
            assert_eq!(used_by, expected);
        }
        other => panic!("expected InUse, got {other:?}"),
    }
    assert!(err.to_string().contains("still used by"));
    assert_eq!(w.ws, snapshot);

    for course in [w.course, dup] {
        let page = page_at(&w.ws, course, 1, 0);
        w.ws.detach_item(w.author, course, page, w.image).unwrap();
    }
    w.ws.delete_library_item(w.author, w.image).unwrap();
    assert!(matches!(w.ws.library_entry(w.image), Err(Error::NotFound { .. })));
    w.ws.check_integrity().unwrap();
}

/// GLB-2, Duplicate side of the seed: "Change" (replacing which item a page
/// uses) in a duplicated course is not seen in the original.
#[test]
fn glb2_replacing_an_item_in_a_duplicate_stays_in_the_duplicate() {
    let mut w = world();
    let dup = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let page = page_at(&w.ws, dup, 1, 0);
    w.ws.replace_item(w.author, dup, page, w.image, w.other_image).unwrap();
    assert_eq!(outline(&w.ws, dup)[1].1[0].3, vec!["gloves.png", "PPE"]);
    assert_eq!(outline(&w.ws, w.course)[1].1[0].3, vec!["goggles.png", "PPE"]);
}
