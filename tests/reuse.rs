//! The re-use toolkit (REU-1..6).

mod common;
use common::*;
use coursecopy::*;

/// REU-1: where an LO is used (its courses) and where a library item is
/// used (its pages, and through them their courses), kept right by every
/// operation.
#[test]
fn reu1_where_used() {
    let mut w = world();
    let shared = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let dup = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let lo = w.los[1];
    let mut courses: Vec<_> = w.ws.learning_object(lo).unwrap().used_in().iter().collect();
    courses.sort();
    let mut expected = vec![w.course, shared];
    expected.sort();
    assert_eq!(courses, expected);
    // Library item: two pages (the original's, the duplicate's).
    let pages = w.ws.pages_using(w.image);
    assert_eq!(pages, vec![page_at(&w.ws, w.course, 1, 0), page_at(&w.ws, dup, 1, 0)]);
    assert_eq!(w.ws.impact(Change::UpdateLibraryItem(w.image.into())).unwrap().len(), 3);
    // The index follows changes: detach the image in the duplicate.
    w.ws.detach_item(w.author, dup, page_at(&w.ws, dup, 1, 0), w.image).unwrap();
    assert_eq!(w.ws.pages_using(w.image), vec![page_at(&w.ws, w.course, 1, 0)]);
    w.ws.attach_item(w.author, dup, page_at(&w.ws, dup, 0, 1), w.image).unwrap();
    assert_eq!(w.ws.pages_using(w.image).len(), 2);
    w.ws.delete_page(w.author, dup, page_at(&w.ws, dup, 0, 1)).unwrap();
    assert_eq!(w.ws.pages_using(w.image).len(), 1);
    // Removing the LO from one course shrinks its where-used set.
    w.ws.remove_learning_object(w.author, shared, lo).unwrap();
    assert_eq!(w.ws.learning_object(lo).unwrap().used_in().iter().collect::<Vec<_>>(), vec![w.course]);
}

/// REU-2: the impact of a change, before it is made, is what the change
/// reports when made.
#[test]
fn reu2_impact_preview_matches_the_change() {
    let mut w = world();
    let shared = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let dup = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let page = page_at(&w.ws, w.course, 0, 0);
    let preview = w.ws.impact(Change::EditPage(page)).unwrap();
    assert_eq!(preview, w.ws.edit_page(w.author, shared, page, PageEdit::new().body("x")).unwrap());
    let preview = w.ws.impact(Change::DeletePage(page)).unwrap();
    assert_eq!(preview, w.ws.delete_page(w.author, shared, page).unwrap());
    assert!(preview.contains(w.course) && preview.contains(shared) && !preview.contains(dup));
    let preview = w.ws.impact(Change::RemoveLearningObject { course: shared, lo: w.los[0] }).unwrap();
    assert_eq!(preview, w.ws.remove_learning_object(w.author, shared, w.los[0]).unwrap());
    assert_eq!(preview.iter().collect::<Vec<_>>(), vec![shared]);
    let preview = w.ws.impact(Change::UpdateLibraryItem(w.term.into())).unwrap();
    assert_eq!(preview, w.ws.update_library_item(w.author, w.term, "new definition").unwrap());
    assert_eq!(preview.len(), 3, "the term is on pages of all three courses");
    let preview = w.ws.impact(Change::EditLearningObject(w.los[1])).unwrap();
    assert_eq!(preview, w.ws.add_page(w.author, w.course, w.los[1], PageDraft::new("New", "")).unwrap().reach);
    // What blocks a deletion is what the preview shows.
    assert_eq!(w.ws.impact(Change::DeleteLibraryItem(w.resource.into())).unwrap().len(), 3);
    assert!(matches!(
        w.ws.impact(Change::RemoveLearningObject { course: dup, lo: w.los[1] }),
        Err(Error::NotIn { .. })
    ));
}

/// REU-3: re-use an existing LO in another course: it is then shared;
/// rights and locks are respected.
#[test]
fn reu3_reuse_an_lo_in_another_course() {
    let mut w = world();
    let other = w.ws.create_course(w.author, NewCourse::new("OTHER", "Other")).unwrap();
    let reach = w.ws.add_learning_object(w.author, other, w.los[0], None);
    assert_eq!(reach, Ok(()));
    let page = page_at(&w.ws, other, 0, 0);
    let reach = w.ws.edit_page(w.author, other, page, PageEdit::new().body("shared now")).unwrap();
    assert_eq!(reach.len(), 2);
    assert_eq!(w.ws.page(page_at(&w.ws, w.course, 0, 0)).unwrap().body(), "shared now");
    w.ws.lock_course(w.admin, other).unwrap();
    assert!(matches!(w.ws.add_learning_object(w.author, other, w.los[1], None), Err(Error::Locked { .. })));
}

/// REU-4: detach a shared LO in one course: a duplicate in the same place,
/// provenance kept, tools re-pointed; the other courses keep the original.
#[test]
fn reu4_detach_replaces_a_shared_lo_by_a_duplicate_in_place() {
    let mut w = world();
    let shared = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let rule =
        w.ws.add_tool(
            w.author,
            shared,
            ToolDraft::new(Category::AdaptiveReleaseRules, "r").link(ToolLink::Content(w.los[0])),
        )
        .unwrap();
    let before = outline(&w.ws, shared);
    let copy = w.ws.detach_learning_object(w.author, shared, w.los[0]).unwrap();
    assert_eq!(lo_list(&w.ws, shared), vec![copy, w.los[1]], "same place");
    assert_eq!(lo_list(&w.ws, w.course), w.los, "the original stays in the other course");
    let record = w.ws.learning_object(copy).unwrap();
    assert_eq!((record.origin(), record.parent()), (Some(w.los[0]), Some(shared)));
    assert_eq!(w.ws.learning_object(w.los[0]).unwrap().used_in().iter().collect::<Vec<_>>(), vec![w.course]);
    // Duplicate rules: same content, styles dropped.
    let mut unstyled = before.clone();
    unstyled[0].1.iter_mut().for_each(|p| p.2 = None);
    assert_eq!(outline(&w.ws, shared), unstyled);
    assert_eq!(w.ws.course(shared).unwrap().tools().get(rule).unwrap().link(), Some(ToolLink::Content(copy)));
    // Independent from now on.
    w.ws.edit_page(w.author, shared, page_at(&w.ws, shared, 0, 0), PageEdit::new().body("mine")).unwrap();
    assert_ne!(w.ws.page(page_at(&w.ws, w.course, 0, 0)).unwrap().body(), "mine");
    // Rights: edit rights on the course; not in the course: refused.
    assert!(matches!(w.ws.detach_learning_object(w.reviewer, shared, w.los[1]), Err(Error::Forbidden { .. })));
    assert_eq!(
        w.ws.detach_learning_object(w.author, shared, w.los[0]),
        Err(Error::NotIn { entity: w.los[0].into(), container: shared.into() })
    );
    w.ws.check_integrity().unwrap();
}

/// REU-5: compare two courses: shared LOs, LOs related by duplication across
/// generations (even when a middle generation is gone), and unique ones.
#[test]
fn reu5_compare_courses() {
    let mut w = world();
    let shared = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let gen1 = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let gen2 = w.ws.duplicate_course(w.author, gen1, &CopyOptions::new()).unwrap();
    let own = w.ws.create_learning_object(w.author, gen2, "Only here", "").unwrap();
    let extra = w.ws.create_learning_object(w.author, w.course, "Only there", "").unwrap();

    let c = w.ws.compare_courses(w.course, shared).unwrap();
    assert_eq!(c.shared, w.los);
    assert!(c.duplicated.is_empty());
    assert_eq!(c.only_in_first, vec![extra]);

    // Delete the middle generation: the grandchildren still trace back.
    let gen1_los = lo_list(&w.ws, gen1);
    w.ws.delete_course(w.author, gen1).unwrap();
    for lo in gen1_los {
        w.ws.delete_learning_object(w.admin, lo).unwrap();
    }
    let c = w.ws.compare_courses(w.course, gen2).unwrap();
    assert!(c.shared.is_empty());
    let gen2_los = lo_list(&w.ws, gen2);
    assert_eq!(c.duplicated, vec![(w.los[0], gen2_los[0]), (w.los[1], gen2_los[1])]);
    assert_eq!(c.only_in_first, vec![extra]);
    assert_eq!(c.only_in_second, vec![own]);
    assert_eq!(w.ws.learning_object(gen2_los[0]).unwrap().ancestors().len(), 2);
}

/// REU-6: the sharing graph in DOT: courses, LOs, shared ones marked with
/// their use count, library items on demand.
#[test]
fn reu6_sharing_graph_in_dot() {
    let mut w = world();
    let shared = w.ws.share_course(w.author, w.course, &CopyOptions::new().title("Lab \"safety\" II")).unwrap();
    w.ws.create_learning_object(w.author, shared, "Own", "").unwrap();
    let dot = w.ws.sharing_graph(coursecopy::GraphOptions::new());
    assert!(dot.starts_with("digraph sharing {") && dot.trim_end().ends_with('}'));
    assert_eq!(dot.matches("shape=box").count(), 2, "{dot}");
    assert_eq!(dot.matches("shared: 2 courses").count(), 2);
    assert_eq!(dot.matches("shape=ellipse").count(), 3);
    assert!(dot.contains("Lab \\\"safety\\\" II"), "quotes are escaped");
    assert_eq!(dot.matches(" -> ").count(), 5);
    let with_library = w.ws.sharing_graph(coursecopy::GraphOptions::new().library(true));
    assert_eq!(with_library.matches("shape=note").count(), 3, "the second image is on no page");
    assert!(with_library.contains("goggles.png\\n(media asset)"));
}
