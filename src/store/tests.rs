//! Each primitive refuses a misuse and leaves the store as it was, or keeps
//! every invariant: `check_integrity` after each change. The store's
//! fields are private to this module and its children, and its reads hand
//! out shared references only, so the layers above cannot bend it but
//! through these primitives.

use super::Store;
use crate::data::{Category, Course, Ending, LibraryEntry, Post, Role, Timestamp, ToolDates, ToolItem, ToolLink, User};
use crate::error::Error;
use crate::handles::{CourseKey, LibraryItem, LoKey, MediaKey, ToolId, UserKey};
use crate::{CopyRequest, CopyTarget, NewCourse, PageDraft, ToolDraft, Workspace};
use imbl::{OrdMap, OrdSet, Vector};

/// A small world: two courses sharing an LO with a page using a media
/// asset, a tool item of the second course linking to the LO, and a
/// second user.
struct World {
    store: Store,
    admin: UserKey,
    other: UserKey,
    course: CourseKey,
    second: CourseKey,
    lo: LoKey,
    media: MediaKey,
    linking_tool: ToolId,
}

fn world() -> World {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    let other = ws.create_user(admin, "Bo", Role::Author).unwrap();
    let course = ws.create_course(admin, NewCourse::new("C-1", "One")).unwrap();
    let second = ws.create_course(admin, NewCourse::new("C-2", "Two")).unwrap();
    let lo = ws.create_learning_object(admin, course, "Unit", "").unwrap();
    let media = ws.add_media(admin, "Image", "a.png").unwrap();
    ws.add_page(admin, course, lo, PageDraft::new("Page", "body").item(media)).unwrap();
    ws.add_learning_object(admin, second, lo, None).unwrap();
    let draft = ToolDraft::new(Category::AdaptiveReleaseRules, "After the unit").link(ToolLink::Content(lo));
    let linking_tool = ws.add_tool(admin, second, draft).unwrap();
    let store = ws.store().clone();
    store.check_integrity().unwrap();
    World { store, admin, other, course, second, lo, media, linking_tool }
}

/// Keys the store does not have: made in a copy of it.
fn missing_user(store: &Store) -> UserKey {
    store.clone().insert_user(User { name: "Nobody".into(), role: Role::Reviewer })
}

fn missing_media(store: &Store) -> MediaKey {
    store.clone().insert_media(LibraryEntry { name: "Gone".into(), content: "g.png".into() })
}

fn missing_lo(store: &Store) -> LoKey {
    store.clone().insert_lo("Gone".into(), "".into(), None, None, Default::default())
}

fn item(category: Category, link: Option<ToolLink>) -> ToolItem {
    ToolItem {
        id: ToolId(0),
        category,
        title: "Item".into(),
        body: "".into(),
        link,
        posts: Vector::new(),
        groups: OrdMap::new(),
        grades: OrdMap::new(),
        dates: ToolDates::default(),
    }
}

/// Runs `primitive` on `store`, asserts that it is refused and that it
/// left the store as it was; gives the refusal.
fn refused<T: std::fmt::Debug>(store: &mut Store, primitive: impl FnOnce(&mut Store) -> Result<T, Error>) -> Error {
    let before = store.clone();
    let e = primitive(store).expect_err("the primitive should refuse");
    assert!(*store == before, "a refused primitive changed the store ({e})");
    e
}

#[test]
fn push_tool_gives_ids_and_refuses_what_would_dangle() {
    let mut w = world();
    let gone = missing_lo(&w.store);
    let linked = item(Category::AdaptiveReleaseRules, Some(ToolLink::Content(gone)));
    let e = refused(&mut w.store, |s| s.push_tool(w.course, |_| linked));
    assert!(matches!(e, Error::NotFound { .. }), "{e}");
    let to_nothing = item(Category::Gradebook, Some(ToolLink::Tool(ToolId(99))));
    let e = refused(&mut w.store, |s| s.push_tool(w.course, |_| to_nothing));
    assert!(matches!(e, Error::Invalid { field: crate::Field::Link, .. }), "{e}");
    let mut ghost_post = item(Category::Discussions, None);
    ghost_post.posts.push_back(Post { author: missing_user(&w.store), body: "hi".into(), reply: false });
    let e = refused(&mut w.store, |s| s.push_tool(w.course, |_| ghost_post));
    assert!(matches!(e, Error::NotFound { .. }), "{e}");
    let untitled = ToolItem { title: "".into(), ..item(Category::Announcements, None) };
    let e = refused(&mut w.store, |s| s.push_tool(w.course, |_| untitled));
    assert!(matches!(e, Error::Invalid { field: crate::Field::Title, .. }), "{e}");
    let mut full = w.store.clone();
    if let Some(c) = full.courses.get_mut(w.course) {
        c.tools.next_id = crate::data::MAX_TOOL_ID;
    }
    let e = refused(&mut full, |s| s.push_tool(w.course, |_| item(Category::Announcements, None)));
    assert!(matches!(e, Error::Invalid { field: crate::Field::Tools, .. }), "{e}");
    // Given what it needs: an id of its own, whatever `make` wrote.
    let id = w.store.push_tool(w.course, |_| ToolItem { id: ToolId(7), ..item(Category::Announcements, None) });
    let id = id.unwrap();
    assert_eq!(w.store.course(w.course).unwrap().tools.get(id).map(|i| i.id), Some(id));
    w.store.check_integrity().unwrap();
}

#[test]
fn tool_primitives_refuse_what_is_not_there() {
    let mut w = world();
    refused(&mut w.store, |s| s.remove_tool(w.course, ToolId(42)));
    refused(&mut w.store, |s| s.set_tool_dates(w.course, ToolId(42), ToolDates::default()));
    let gone = missing_lo(&w.store);
    refused(&mut w.store, |s| s.relink_tools(w.second, w.lo, gone));
    // Given what they need, they do it.
    let dates = ToolDates::new().due(Timestamp::from_unix_millis(1_800_000_000_000));
    w.store.set_tool_dates(w.second, w.linking_tool, dates).unwrap();
    assert_eq!(w.store.course(w.second).unwrap().tools.get(w.linking_tool).map(|i| i.dates), Some(dates));
    let copy = w.store.insert_lo("Copy".into(), "".into(), None, None, Default::default());
    w.store.relink_tools(w.second, w.lo, copy).unwrap();
    let link = w.store.course(w.second).unwrap().tools.get(w.linking_tool).and_then(|i| i.link);
    assert_eq!(link, Some(ToolLink::Content(copy)));
    // Removing an item unlinks the items that linked to it.
    let quiz = w.store.push_tool(w.course, |_| item(Category::Assessments, None)).unwrap();
    let column = w.store.push_tool(w.course, |_| item(Category::Gradebook, Some(ToolLink::Tool(quiz)))).unwrap();
    w.store.remove_tool(w.course, quiz).unwrap();
    assert_eq!(w.store.course(w.course).unwrap().tools.get(column).and_then(|i| i.link), None);
    w.store.check_integrity().unwrap();
}

#[test]
fn course_field_primitives_refuse_what_is_not_there() {
    let mut w = world();
    let mut settings = w.store.course(w.course).unwrap().settings.clone();
    settings.banner_image = Some(missing_media(&w.store));
    refused(&mut w.store, |s| s.set_course_settings(w.course, settings));
    let nobody = missing_user(&w.store);
    refused(&mut w.store, |s| s.set_assigned(w.course, OrdSet::unit(nobody)));
    refused(&mut w.store, |s| s.set_course_lock(w.course, Some(nobody)));
    let taken = w.store.course(w.second).unwrap().external_id.clone();
    let e = refused(&mut w.store, |s| s.set_external_id(w.course, taken));
    assert!(matches!(e, Error::Conflict { field: crate::Field::ExternalId, .. }), "{e}");
    let e = refused(&mut w.store, |s| s.set_external_id(w.course, "has space".into()));
    assert!(matches!(e, Error::Invalid { field: crate::Field::ExternalId, .. }), "{e}");
    // Text is checked before it is written back: a blank title changes
    // nothing, the time set beside it included.
    let e = refused(&mut w.store, |s| {
        s.update_course_text(w.course, |c| {
            *c.title = "  ".into();
            *c.modified = Timestamp::from_unix_millis(1);
        })
    });
    assert!(matches!(e, Error::Invalid { field: crate::Field::Title, .. }), "{e}");
    w.store.set_assigned(w.course, OrdSet::unit(w.other)).unwrap();
    w.store.set_course_lock(w.course, Some(w.admin)).unwrap();
    w.store.check_integrity().unwrap();
}

#[test]
fn insert_course_refuses_taken_ids_and_what_is_not_there() {
    let mut w = world();
    let template = w.store.course(w.course).unwrap().clone();
    let record = |id: &str| -> Course {
        let mut c = template.clone();
        (c.course_id, c.external_id) = (id.into(), id.into());
        c
    };
    let e = refused(&mut w.store, |s| s.insert_course(record("C-2")));
    assert!(matches!(e, Error::Conflict { field: crate::Field::CourseId, .. }), "{e}");
    let mut dangling = record("C-3");
    let link = Some(ToolLink::Content(missing_lo(&w.store)));
    dangling.tools.items.push_back(ToolItem { id: ToolId(1), ..item(Category::AdaptiveReleaseRules, link) });
    dangling.tools.next_id = 1;
    let e = refused(&mut w.store, |s| s.insert_course(dangling));
    assert!(matches!(e, Error::Integrity { .. }), "{e}");
    let mut ghost = record("C-4");
    ghost.assigned = OrdSet::unit(missing_user(&w.store));
    refused(&mut w.store, |s| s.insert_course(ghost));
    let mut locked = record("C-6");
    locked.lock = Some(missing_user(&w.store));
    refused(&mut w.store, |s| s.insert_course(locked));
    let mut bannered = record("C-7");
    bannered.settings.banner_image = Some(missing_media(&w.store));
    refused(&mut w.store, |s| s.insert_course(bannered));
    let mut taken_external = record("C-8");
    taken_external.external_id = template.external_id.clone();
    let e = refused(&mut w.store, |s| s.insert_course(taken_external));
    assert!(matches!(e, Error::Conflict { field: crate::Field::ExternalId, .. }), "{e}");
    let mut spaced = record("C-9");
    spaced.course_id = "C 9".into();
    let e = refused(&mut w.store, |s| s.insert_course(spaced));
    assert!(matches!(e, Error::Invalid { field: crate::Field::CourseId, .. }), "{e}");
    let key = w.store.insert_course(record("C-5")).unwrap();
    assert!(w.store.course(key).is_ok());
    w.store.check_integrity().unwrap();
}

#[test]
fn deletions_refuse_what_would_dangle() {
    let mut w = world();
    let e = refused(&mut w.store, |s| s.remove_lo(w.lo));
    assert!(matches!(&e, Error::InUse { used_by, .. } if used_by == &vec![w.second.into()]), "{e}");
    let e = refused(&mut w.store, |s| s.remove_library_item(LibraryItem::Media(w.media)));
    assert!(matches!(e, Error::InUse { .. }), "{e}");
    let gone = missing_lo(&w.store);
    refused(&mut w.store, |s| s.remove_lo(gone));
    // A banner image and a glossary term in use are kept too.
    let banner = w.store.insert_media(LibraryEntry { name: "Banner".into(), content: "b.png".into() });
    let mut settings = w.store.course(w.course).unwrap().settings.clone();
    settings.banner_image = Some(banner);
    w.store.set_course_settings(w.course, settings).unwrap();
    refused(&mut w.store, |s| s.remove_library_item(LibraryItem::Media(banner)));
    let term = w.store.insert_term(LibraryEntry { name: "Mitosis".into(), content: "Division".into() });
    w.store.push_tool(w.course, |_| item(Category::Glossary, Some(ToolLink::Term(term)))).unwrap();
    refused(&mut w.store, |s| s.remove_library_item(LibraryItem::Term(term)));
    // The batch keeps what a course includes or a tool links to.
    assert_eq!(w.store.remove_los(&[w.lo]), vec![w.lo]);
    // Once nothing links to them they go, and nothing dangles.
    w.store.remove_tool(w.second, w.linking_tool).unwrap();
    w.store.remove_lo(w.lo).unwrap();
    w.store.remove_library_item(LibraryItem::Media(w.media)).unwrap();
    w.store.check_integrity().unwrap();
}

#[test]
fn restoring_a_course_leaves_out_what_is_gone_since() {
    let mut w = world();
    let extra = w.store.insert_media(LibraryEntry { name: "Banner".into(), content: "b.png".into() });
    let mut settings = w.store.course(w.second).unwrap().settings.clone();
    settings.banner_image = Some(extra);
    w.store.set_course_settings(w.second, settings).unwrap();
    let before = w.store.course(w.second).unwrap().clone();
    // The copy that ran meanwhile changed the course; the banner went and,
    // once its tool item was gone, the linked LO too.
    let mut plain = w.store.course(w.second).unwrap().settings.clone();
    plain.banner_image = None;
    w.store.set_course_settings(w.second, plain).unwrap();
    w.store.remove_library_item(LibraryItem::Media(extra)).unwrap();
    w.store.remove_tool(w.second, w.linking_tool).unwrap();
    w.store.remove_lo(w.lo).unwrap();
    w.store.restore_course_fields(w.second, &before);
    let restored = w.store.course(w.second).unwrap();
    assert_eq!(restored.settings.banner_image, None);
    assert_eq!(restored.tools.get(w.linking_tool).map(|i| i.link), Some(None), "the item is back, unlinked");
    w.store.check_integrity().unwrap();
}

#[test]
fn with_job_always_puts_the_job_back_and_keeps_its_barrier() {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    let course = ws.create_course(admin, NewCourse::new("S-1", "Source")).unwrap();
    let lo = ws.create_learning_object(admin, course, "Unit", "").unwrap();
    let page = ws.add_page(admin, course, lo, PageDraft::new("Page", "as requested")).unwrap().page;
    let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "T-1".into() });
    let task = ws.request_copy_at(admin, course, &request, Timestamp::from_unix_millis(0)).unwrap();
    let mut store = ws.store().clone();
    // The work changes a page the job reads: the job keeps the page as it
    // was at the request, though it was out of its task meanwhile.
    let ran = store.with_job(task, |job, store| {
        assert!(!job.overlay.contains_key(&page));
        store.set_page_text(page, None, Some("changed while the job was out".into()));
        3
    });
    assert_eq!(ran, Some(3));
    let job = store.task(task).unwrap().job.as_ref().expect("the job is back in its task");
    assert_eq!(job.overlay.get(&page).map(|p| p.content.body.to_string()).as_deref(), Some("as requested"));
    store.check_integrity().unwrap();
    // While its job is out, the task cannot be ended: it ends after.
    let ended_inside = store.with_job(task, |_, store| store.finish_task(task, Ending::Cancelled, None).is_some());
    assert_eq!(ended_inside, Some(false));
    assert!(store.task(task).unwrap().job.is_some());
    // A task whose job is gone (it ended) runs nothing.
    assert!(store.finish_task(task, Ending::Cancelled, None).is_some());
    assert_eq!(store.with_job(task, |_, _| 1), None);
    store.check_integrity().unwrap();
}
