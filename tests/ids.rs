//! Numeric ids (CNV-2): every learning object and page gets one when it is
//! created, whatever creates it, from a counter of the workspace; none is
//! ever given twice, and save and load keep them.

use coursecopy::*;

fn ids(ws: &Workspace) -> (Vec<u64>, Vec<u64>) {
    let mut los: Vec<u64> = ws.learning_objects().map(|(_, lo)| lo.numeric_id()).collect();
    let mut pages: Vec<u64> = ws.pages().map(|(_, p)| p.numeric_id()).collect();
    los.sort_unstable();
    pages.sort_unstable();
    (los, pages)
}

/// The ids of the records made since `before`: each new, each past every
/// id `before` held.
fn fresh(before: &(Vec<u64>, Vec<u64>), after: &(Vec<u64>, Vec<u64>)) {
    for (old, new) in [(&before.0, &after.0), (&before.1, &after.1)] {
        let max = old.iter().max().copied().unwrap_or(0);
        for id in new.iter().filter(|id| !old.contains(id)) {
            assert!(*id > max, "id {id} given after {max}");
        }
        let mut unique = new.clone();
        unique.dedup();
        assert_eq!(&unique, new, "no id held twice");
    }
}

/// CNV-2: each way to make learning objects and pages (create, add,
/// Duplicate, Share, a linked copy, a sync that adds a page, detach, a
/// stepped copy task) gives new ids past every one given before, deleted
/// records' ids included; a Duplicate's pages take consecutive ids; save
/// and load keep every id and counter.
#[test]
fn cnv2_every_new_record_takes_a_new_numeric_id() {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    let bio = ws.create_course(admin, NewCourse::new("BIO-101", "Biology")).unwrap();
    let lo = ws.create_learning_object(admin, bio, "Cells", "").unwrap();
    let mut pages = Vec::new();
    for title in ["Membranes", "Nucleus", "Ribosomes"] {
        pages.push(ws.add_page(admin, bio, lo, PageDraft::new(title, "")).unwrap().page);
    }
    assert_eq!(ws.learning_object(lo).unwrap().numeric_id(), 1);
    let numbers: Vec<u64> = pages.iter().map(|p| ws.page(*p).unwrap().numeric_id()).collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert_eq!(ws.course(bio).unwrap().numeric_id(), 1);
    ws.delete_page(admin, bio, pages[2]).unwrap();

    let mut before = ids(&ws);
    let mut step = |ws: &mut Workspace, what: &str, f: &mut dyn FnMut(&mut Workspace)| {
        f(ws);
        let after = ids(ws);
        fresh(&before, &after);
        assert!(after != before || what == "share", "{what} made records");
        ws.check_integrity().unwrap();
        before = after;
    };
    step(&mut ws, "add", &mut |ws| drop(ws.add_page(admin, bio, lo, PageDraft::new("Again", "")).unwrap()));
    assert_eq!(ids(&ws).1.last(), Some(&4), "the deleted page's id 3 is not given again");
    step(&mut ws, "duplicate", &mut |ws| {
        let _ = ws.duplicate_course(admin, bio, &CopyOptions::new().course_id("D")).unwrap();
    });
    let dup = ws.find_course("D").unwrap();
    let dup_lo = ws.course(dup).unwrap().learning_objects().next().unwrap();
    let dup_ids: Vec<u64> =
        ws.learning_object(dup_lo).unwrap().pages().map(|p| ws.page(p).unwrap().numeric_id()).collect();
    assert_eq!(dup_ids, [5, 6, 7], "a Duplicate's pages take consecutive ids, in order");
    step(&mut ws, "share", &mut |ws| {
        ws.share_course(admin, bio, &CopyOptions::new().course_id("S")).unwrap();
    });
    step(&mut ws, "link", &mut |ws| {
        ws.link_course(admin, bio, &CopyOptions::new().course_id("L")).unwrap();
    });
    let linked = ws.find_course("L").unwrap();
    let copy = ws.course(linked).unwrap().learning_objects().next().unwrap();
    step(&mut ws, "sync", &mut |ws| {
        ws.add_page(admin, bio, lo, PageDraft::new("Upstream", "")).unwrap();
        ws.sync_learning_object(admin, linked, copy, Customisations::Keep).unwrap();
    });
    let shared = ws.find_course("S").unwrap();
    step(&mut ws, "detach", &mut |ws| {
        ws.detach_learning_object(admin, shared, lo).unwrap();
    });
    step(&mut ws, "linked copy task", &mut |ws| {
        let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "LT".into() }).mode(CopyMode::Linked);
        ws.request_copy(admin, bio, &request).unwrap();
        while ws.run_tasks(1_000) > 0 {}
    });
    step(&mut ws, "copy task", &mut |ws| {
        let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "T".into() });
        ws.request_copy(admin, bio, &request).unwrap();
        while ws.run_tasks(1) > 0 {}
    });

    #[cfg(feature = "serde")]
    {
        let saved = serde_json::to_string(&ws).unwrap();
        let mut loaded: Workspace = serde_json::from_str(&saved).unwrap();
        assert_eq!(ids(&loaded), ids(&ws));
        let page = loaded.add_page(admin, bio, lo, PageDraft::new("After load", "")).unwrap().page;
        let mut again = ws.clone();
        let same = again.add_page(admin, bio, lo, PageDraft::new("After load", "")).unwrap().page;
        assert_eq!(loaded.page(page).unwrap().numeric_id(), again.page(same).unwrap().numeric_id(), "the counter too");
    }
}
