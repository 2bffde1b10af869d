//! Linked copies (LNK-1..12): scenarios in the shape of what people who run
//! many sections of one course do with upstream/downstream links.

use coursecopy::*;

struct Master {
    ws: Workspace,
    admin: UserKey,
    author: UserKey,
    master: CourseKey,
    lo: LoKey,
    pages: Vec<PageKey>,
}

fn master() -> Master {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    let author = ws.create_user(admin, "Grace", Role::Author).unwrap();
    let master = ws.create_course(author, NewCourse::new("BIO-101", "Biology")).unwrap();
    let style = ws.create_style(author, master, "dark", "body{}").unwrap();
    let lo = ws.create_learning_object(author, master, "Cells", "What cells are").unwrap();
    let mut pages = Vec::new();
    for (i, title) in ["Membranes", "Nucleus", "Mitochondria"].into_iter().enumerate() {
        let mut draft = PageDraft::new(title, format!("Body {i}"));
        if i == 0 {
            draft = draft.style(style);
        }
        pages.push(ws.add_page(author, master, lo, draft).unwrap().page);
    }
    Master { ws, admin, author, master, lo, pages }
}

impl Master {
    fn section(&mut self, id: &str) -> (CourseKey, LoKey) {
        let c = self.ws.link_course(self.author, self.master, &CopyOptions::new().course_id(id)).unwrap();
        let lo = self.ws.course(c).unwrap().learning_objects().next().unwrap();
        (c, lo)
    }

    fn pages_of(&self, lo: LoKey) -> Vec<PageKey> {
        self.ws.learning_object(lo).unwrap().pages().collect()
    }

    fn titles(&self, lo: LoKey) -> Vec<String> {
        self.pages_of(lo).iter().map(|p| self.ws.page(*p).unwrap().title().to_string()).collect()
    }

    fn body(&self, page: PageKey) -> String {
        self.ws.page(page).unwrap().body().to_string()
    }

    fn edit_master(&mut self, page: usize, body: &str) {
        self.ws.edit_page(self.author, self.master, self.pages[page], PageEdit::new().body(body)).unwrap();
    }
}

/// LNK-1: a linked copy follows the Duplicate rules (new LOs and pages,
/// text shared until edited, no style) and records upstream and version.
#[test]
fn lnk1_linked_copy_is_a_duplicate_that_records_its_upstream() {
    let mut m = master();
    let version = m.ws.learning_object(m.lo).unwrap().version();
    let (section, copy) = m.section("BIO-101-A");
    assert_ne!(copy, m.lo);
    let link = m.ws.learning_object(copy).unwrap().link().unwrap();
    assert_eq!(link.upstream, Some(m.lo));
    assert_eq!(link.synced, version);
    assert_eq!(link.upstream_course, Some(m.master));
    assert_eq!(m.ws.learning_object(copy).unwrap().parent(), Some(section));
    for (d, u) in m.pages_of(copy).into_iter().zip(m.pages.clone()) {
        assert_ne!(d, u);
        let page = m.ws.page(d).unwrap();
        let link = m.ws.page_link(d).unwrap().unwrap();
        assert_eq!(link.upstream, Some(u));
        assert_eq!(link.synced, m.ws.page(u).unwrap().version());
        assert!(page.shares_body_with(m.ws.page(u).unwrap()), "text shared until edited");
        assert_eq!(page.style(), None, "DUP-3: no course style");
        assert_eq!(page.origin(), Some(u));
    }
    m.ws.check_integrity().unwrap();
}

/// LNK-1: one LO linked into another course.
#[test]
fn lnk1_one_learning_object_linked_into_a_course() {
    let mut m = master();
    let other = m.ws.create_course(m.author, NewCourse::new("CHEM-101", "Chemistry")).unwrap();
    let copy = m.ws.link_learning_object(m.author, m.master, m.lo, other).unwrap();
    assert_eq!(m.ws.course(other).unwrap().learning_objects().collect::<Vec<_>>(), vec![copy]);
    assert_eq!(m.ws.learning_object(copy).unwrap().link().unwrap().upstream, Some(m.lo));
    assert_eq!(m.titles(copy), ["Membranes", "Nucleus", "Mitochondria"]);
    let stranger = m.ws.create_course(m.admin, NewCourse::new("ART-1", "Art")).unwrap();
    let err = m.ws.link_learning_object(m.author, m.master, m.lo, stranger).unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err}");
    let err = m.ws.link_learning_object(m.admin, stranger, m.lo, other).unwrap_err();
    assert!(matches!(err, Error::NotIn { .. }), "{err}");
}

/// LNK-1, LNK-12: through the LMS flow with `"mode": "Linked"`, the synced
/// version is the one at request acceptance: an edit made while the task
/// runs shows as a pending update.
#[cfg(feature = "serde")]
#[test]
fn lnk1_lnk12_lms_linked_copy_records_the_version_at_acceptance() {
    let mut m = master();
    let body = r#"{"targetCourse":{"courseId":"BIO-101-LMS"},"mode":"Linked"}"#;
    let request: CopyRequest = serde_json::from_str::<LearnCopyRequest>(body).unwrap().into();
    assert_eq!(request.mode, CopyMode::Linked);
    let at_request = m.ws.learning_object(m.lo).unwrap().version();
    let task = m.ws.request_copy(m.author, m.master, &request).unwrap();
    m.edit_master(1, "Edited while the copy runs");
    m.ws.run_all_tasks();
    assert!(matches!(m.ws.task_status(task).unwrap().state, TaskState::Complete { .. }));
    let section = m.ws.find_course("BIO-101-LMS").unwrap();
    let copy = m.ws.course(section).unwrap().learning_objects().next().unwrap();
    assert_eq!(m.ws.learning_object(copy).unwrap().link().unwrap().synced, at_request);
    assert_eq!(m.body(m.pages_of(copy)[1]), "Body 1", "the copy is the source at acceptance");
    assert_eq!(m.ws.updates_available(section).unwrap(), vec![copy]);
    m.ws.sync_course(m.author, section, Customisations::Keep).unwrap();
    assert_eq!(m.body(m.pages_of(copy)[1]), "Edited while the copy runs");
    m.ws.check_integrity().unwrap();
}

/// LNK-2: upstream edits stay upstream until a sync; downstream edits never
/// reach upstream.
#[test]
fn lnk2_nothing_flows_until_synced_and_never_upstream() {
    let mut m = master();
    let (section, copy) = m.section("BIO-101-A");
    m.edit_master(0, "New upstream");
    let down = m.pages_of(copy);
    assert_eq!(m.body(down[0]), "Body 0");
    m.ws.edit_page(m.author, section, down[1], PageEdit::new().body("Local")).unwrap();
    assert_eq!(m.body(m.pages[1]), "Body 1");
    m.ws.sync_learning_object(m.author, section, copy, Customisations::Keep).unwrap();
    assert_eq!(m.body(m.pages[1]), "Body 1", "a sync never writes upstream");
    assert_eq!(m.body(down[0]), "New upstream");
}

/// LNK-3: versions grow with every change to an LO or its pages;
/// "updates available" lists linked LOs whose upstream moved on.
#[test]
fn lnk3_versions_and_updates_available() {
    let mut m = master();
    let (a, copy_a) = m.section("BIO-101-A");
    let last = std::cell::Cell::new(m.ws.learning_object(m.lo).unwrap().version());
    let grew = |m: &Master| {
        let v = m.ws.learning_object(m.lo).unwrap().version();
        assert!(v > last.get(), "version {v} did not grow past {}", last.get());
        last.set(v);
    };
    assert!(m.ws.updates_available(a).unwrap().is_empty());
    m.edit_master(0, "x");
    grew(&m);
    assert_eq!(m.ws.page(m.pages[0]).unwrap().version(), last.get(), "a page carries its last change's version");
    assert_eq!(m.ws.updates_available(a).unwrap(), vec![copy_a]);
    m.ws.edit_learning_object(m.author, m.master, m.lo, coursecopy::LoEdit::new().title("Cells!")).unwrap();
    grew(&m);
    let new = m.ws.add_page(m.author, m.master, m.lo, PageDraft::new("Ribosomes", "r")).unwrap().page;
    grew(&m);
    m.ws.move_page(m.author, m.master, new, 0).unwrap();
    grew(&m);
    m.ws.delete_page(m.author, m.master, new).unwrap();
    grew(&m);
    let image = m.ws.add_media(m.author, "cell.png", "f").unwrap();
    m.ws.attach_item(m.author, m.master, m.pages[2], image).unwrap();
    grew(&m);
    // A page's style is a page field too, though it never syncs (LNK-5).
    m.ws.set_page_style(m.author, m.master, m.pages[0], None).unwrap();
    grew(&m);
    m.ws.sync_learning_object(m.author, a, copy_a, Customisations::Keep).unwrap();
    assert!(m.ws.updates_available(a).unwrap().is_empty());
    assert_eq!(m.ws.learning_object(copy_a).unwrap().link().unwrap().synced, last.get());
}

/// LNK-3: an edit that sets a field to the value it has is no change.
/// Upstream, an empty `PageEdit`, the same body, title, description,
/// style, library items, and a move to where the page is move no version
/// and make no update available. Downstream, the same saves mark nothing
/// customised, so a later upstream change to those fields applies under
/// a Keep sync instead of being kept out as a conflict; a locked field set
/// to its own value is not refused.
#[test]
fn lnk3_an_edit_to_the_same_value_is_no_change() {
    let mut m = master();
    let (a, copy_a) = m.section("BIO-101-A");
    let image = m.ws.add_media(m.author, "cell.png", "f").unwrap();
    m.ws.attach_item(m.author, m.master, m.pages[2], image).unwrap();
    m.ws.sync_learning_object(m.author, a, copy_a, Customisations::Keep).unwrap();
    let version = |m: &Master| m.ws.learning_object(m.lo).unwrap().version();
    let before = version(&m);
    let (author, master, lo, p) = (m.author, m.master, m.lo, m.pages.clone());
    let style = m.ws.page(p[0]).unwrap().style();
    m.ws.edit_page(author, master, p[0], PageEdit::new()).unwrap();
    m.ws.edit_page(author, master, p[0], PageEdit::new().title("Membranes").body("Body 0")).unwrap();
    m.ws.edit_learning_object(
        author,
        master,
        lo,
        coursecopy::LoEdit::new().title("Cells").description("What cells are"),
    )
    .unwrap();
    m.ws.set_page_style(author, master, p[0], style).unwrap();
    m.ws.replace_item(author, master, p[2], image, image).unwrap();
    m.ws.move_page(author, master, p[1], 1).unwrap();
    assert_eq!(version(&m), before, "no version moved");
    assert!(m.ws.updates_available(a).unwrap().is_empty());

    // Downstream: the same values saved, under a content lock too.
    let down = m.pages_of(copy_a);
    m.ws.set_field_locks(author, master, FieldLocks::new().content(true)).unwrap();
    m.ws.edit_page(author, a, down[1], PageEdit::new().title("Nucleus").body("Body 1")).unwrap();
    m.ws.replace_item(author, a, down[2], image, image).unwrap();
    assert!(matches!(
        m.ws.edit_page(author, a, down[1], PageEdit::new().body("Mine")),
        Err(Error::FieldLocked { field: coursecopy::Field::Body, .. })
    ));
    m.ws.set_field_locks(author, master, FieldLocks::default()).unwrap();
    m.ws.edit_learning_object(author, a, copy_a, coursecopy::LoEdit::new().title("Cells")).unwrap();
    let link = m.ws.page_link(down[1]).unwrap().unwrap();
    assert!(!link.title_customised && !link.body_customised, "{link:?}");
    assert!(!m.ws.page_link(down[2]).unwrap().unwrap().items_customised);
    assert!(!m.ws.learning_object(copy_a).unwrap().link().unwrap().title_customised);
    // The upstream's next change to those fields applies.
    m.ws.edit_page(author, master, p[1], PageEdit::new().body("Upstream")).unwrap();
    m.ws.edit_learning_object(author, master, lo, coursecopy::LoEdit::new().title("Cells!")).unwrap();
    let preview = m.ws.preview_sync(copy_a).unwrap();
    assert!(preview.to_string().contains("will apply"), "{preview}");
    assert!(!preview.to_string().contains("conflict"), "{preview}");
    m.ws.sync_learning_object(author, a, copy_a, Customisations::Keep).unwrap();
    assert_eq!(m.body(down[1]), "Upstream");
    assert_eq!(m.ws.learning_object(copy_a).unwrap().title(), "Cells!");
}

/// LNK-4: after a section customised a page, an upstream lock makes the
/// next sync replace the teacher's text whatever it is asked: the preview
/// says so (*overwrites customisation*, not *will apply*), field by field,
/// with nothing changed upstream; a customised field whose value already
/// equals the upstream's is not listed.
#[test]
fn lnk4_a_lock_over_a_customisation_is_previewed_as_overwriting_it() {
    let mut m = master();
    let (a, copy_a) = m.section("BIO-101-A");
    let (author, master) = (m.author, m.master);
    let down = m.pages_of(copy_a);
    m.ws.edit_page(author, a, down[0], PageEdit::new().body("The teacher's text")).unwrap();
    m.ws.edit_page(author, a, down[1], PageEdit::new().title("Nucleus")).unwrap();
    m.ws.edit_learning_object(author, a, copy_a, coursecopy::LoEdit::new().title("My cells")).unwrap();
    m.ws.edit_page(author, a, down[2], PageEdit::new().title("Mitochondria!")).unwrap();
    m.ws.edit_page(author, a, down[2], PageEdit::new().title("Mitochondria")).unwrap();
    assert!(m.ws.preview_sync(copy_a).unwrap().changes().is_empty(), "nothing pending before the lock");

    m.ws.set_field_locks(author, master, FieldLocks::new().content(true).title_description(true)).unwrap();
    let preview = m.ws.preview_sync(copy_a).unwrap();
    let printed = preview.to_string();
    assert!(printed.contains(&format!("overwrites customisation: body of {}", down[0])), "{printed}");
    assert!(printed.contains("overwrites customisation: title of the learning object"), "{printed}");
    assert!(!printed.contains("will apply"), "{printed}");
    assert_eq!(preview.overwrites().count(), 2, "the title set back to upstream's is not overwritten: {printed}");
    assert_eq!(preview.conflicts().count(), 0);
    let report = m.ws.sync_learning_object(author, a, copy_a, Customisations::Keep).unwrap();
    assert_eq!(report.applied, preview.changes());
    assert_eq!(m.body(down[0]), "Body 0", "the lock's value replaced the teacher's");
    assert_eq!(m.ws.learning_object(copy_a).unwrap().title(), "Cells");
}

/// LNK-4: the preview lists each pending change field by field, *will
/// apply* or *conflict*, with pages added, deleted and moved upstream; a
/// customised field that did not change upstream is not listed.
#[test]
fn lnk4_preview_marks_will_apply_and_conflict() {
    let mut m = master();
    let (section, copy) = m.section("BIO-101-A");
    let down = m.pages_of(copy);
    m.ws.edit_page(m.author, section, down[0], PageEdit::new().body("Local 0")).unwrap();
    m.ws.edit_page(m.author, section, down[2], PageEdit::new().title("Local title")).unwrap();
    m.edit_master(0, "Upstream 0");
    m.edit_master(1, "Upstream 1");
    let preview = m.ws.preview_sync(copy).unwrap();
    assert_eq!(
        preview.changes(),
        &[
            PendingChange::PageField {
                page: down[0],
                upstream_page: m.pages[0],
                field: LinkedField::Body,
                outcome: Outcome::Conflict
            },
            PendingChange::PageField {
                page: down[1],
                upstream_page: m.pages[1],
                field: LinkedField::Body,
                outcome: Outcome::WillApply
            },
        ],
        "page 2's customised title has no upstream change, so it is not listed"
    );
    assert_eq!(preview.conflicts().count(), 1);
    let printed = preview.to_string();
    assert!(printed.contains("conflict: body") && printed.contains("will apply: body"), "{printed}");

    // Structure: added, deleted, moved.
    let added = m.ws.add_page(m.author, m.master, m.lo, PageDraft::new("Ribosomes", "r")).unwrap().page;
    m.ws.delete_page(m.author, m.master, m.pages[1]).unwrap();
    m.ws.move_page(m.author, m.master, m.pages[2], 0).unwrap();
    let preview = m.ws.preview_sync(copy).unwrap();
    let changes = preview.changes();
    assert!(changes.contains(&PendingChange::PageAdded { upstream_page: added }), "{preview}");
    assert!(changes.contains(&PendingChange::PageDeleted { page: down[1], outcome: Outcome::WillApply }));
    assert!(changes.contains(&PendingChange::PagesMoved { outcome: Outcome::WillApply }));
    assert_eq!(
        m.ws.page_link(down[1]).unwrap().unwrap().upstream,
        None,
        "LNK-10: the deleted upstream page left a marker"
    );
    let preview = m.ws.preview_sync(copy).unwrap();
    assert_eq!(preview.upstream_version(), m.ws.learning_object(m.lo).unwrap().version());
}

/// LNK-5: a downstream edit is a customisation that sync keeps unless told
/// to overwrite; one field can be reverted; page style never syncs.
#[test]
fn lnk5_customisations_survive_sync_overwrite_and_revert() {
    let mut m = master();
    let (section, copy) = m.section("BIO-101-A");
    let down = m.pages_of(copy);
    m.ws.edit_page(m.author, section, down[0], PageEdit::new().body("Local")).unwrap();
    m.edit_master(0, "Upstream");
    let report = m.ws.sync_learning_object(m.author, section, copy, Customisations::Keep).unwrap();
    assert_eq!(report.kept.len(), 1);
    assert!(report.applied.is_empty());
    assert_eq!(m.body(down[0]), "Local");

    m.edit_master(0, "Upstream again");
    let report = m.ws.sync_learning_object(m.author, section, copy, Customisations::Overwrite).unwrap();
    assert_eq!(report.applied.len(), 1);
    assert_eq!(m.body(down[0]), "Upstream again");

    // Revert one field: back to upstream at the synced version.
    m.ws.edit_page(m.author, section, down[1], PageEdit::new().title("Mine").body("Mine too")).unwrap();
    m.ws.revert_field(m.author, section, LinkedRecord::Page(down[1]), LinkedField::Title).unwrap();
    assert_eq!(m.ws.page(down[1]).unwrap().title(), "Nucleus");
    assert_eq!(m.body(down[1]), "Mine too", "the other field stays customised");
    m.ws.edit_learning_object(m.author, section, copy, coursecopy::LoEdit::new().title("My cells")).unwrap();
    m.ws.revert_field(m.author, section, LinkedRecord::LearningObject(copy), LinkedField::Title).unwrap();
    assert_eq!(m.ws.learning_object(copy).unwrap().title(), "Cells");
    let err = m.ws.revert_field(m.author, section, LinkedRecord::Page(down[1]), LinkedField::Description);
    assert!(matches!(err, Err(Error::Invalid { field: coursecopy::Field::LinkedField, .. })));

    // Style: a downstream style stays; upstream style changes never sync.
    let style = m.ws.create_style(m.author, section, "light", "p{}").unwrap();
    m.ws.set_page_style(m.author, section, down[2], Some(style)).unwrap();
    m.ws.set_page_style(m.author, m.master, m.pages[2], None).unwrap();
    m.edit_master(2, "Changed");
    m.ws.sync_learning_object(m.author, section, copy, Customisations::Keep).unwrap();
    assert_eq!(m.ws.page(down[2]).unwrap().style(), Some(style));
    assert_eq!(m.body(down[2]), "Changed");
    m.ws.check_integrity().unwrap();
}

/// LNK-6: sync places an upstream-added page after the copy of its nearest
/// upstream predecessor that exists downstream; pages added downstream stay
/// where they are; upstream moves apply unless reordered here; upstream
/// deletions go unless customised here; the report lists every change.
#[test]
fn lnk6_sync_places_pages_as_specified() {
    let mut m = master();
    let (section, copy) = m.section("BIO-101-A");
    let down = m.pages_of(copy);
    // Downstream: its own page after the first, and the copy of
    // "Nucleus" deleted here.
    let own = m.ws.add_page(m.author, section, copy, PageDraft::new("Local notes", "n")).unwrap().page;
    m.ws.move_page(m.author, section, own, 1).unwrap();
    assert!(m.ws.learning_object(copy).unwrap().link().unwrap().reordered);
    m.ws.delete_page(m.author, section, down[1]).unwrap();
    // Upstream: a page after "Nucleus" (whose copy is gone here, so the
    // nearest predecessor with a copy is "Membranes"), one at the start.
    let after_nucleus = m.ws.add_page(m.author, m.master, m.lo, PageDraft::new("Golgi", "g")).unwrap().page;
    m.ws.move_page(m.author, m.master, after_nucleus, 2).unwrap();
    let first = m.ws.add_page(m.author, m.master, m.lo, PageDraft::new("Intro", "i")).unwrap().page;
    m.ws.move_page(m.author, m.master, first, 0).unwrap();
    let report = m.ws.sync_learning_object(m.author, section, copy, Customisations::Keep).unwrap();
    assert_eq!(m.titles(copy), ["Intro", "Membranes", "Golgi", "Local notes", "Mitochondria"]);
    let added = report.applied.iter().filter(|c| matches!(c, PendingChange::PageAdded { .. })).count();
    assert_eq!(added, 2, "{report:?}");
    assert!(report.courses.contains(section));
    m.ws.check_integrity().unwrap();

    // Moves: applied when not reordered here (a fresh section).
    let (b, copy_b) = m.section("BIO-101-B");
    let order = m.titles(copy_b);
    let last = *m.ws.learning_object(m.lo).unwrap().pages().collect::<Vec<_>>().last().unwrap();
    m.ws.move_page(m.author, m.master, last, 0).unwrap();
    m.ws.sync_learning_object(m.author, b, copy_b, Customisations::Keep).unwrap();
    assert_eq!(m.titles(copy_b), m.titles(m.lo));
    assert_ne!(m.titles(copy_b), order);

    // Moves kept and reported when reordered here.
    let pages_b = m.pages_of(copy_b);
    m.ws.move_page(m.author, b, pages_b[0], 1).unwrap();
    let local = m.titles(copy_b);
    let upstream_first = m.ws.learning_object(m.lo).unwrap().pages().next().unwrap();
    m.ws.move_page(m.author, m.master, upstream_first, 3).unwrap();
    let report = m.ws.sync_learning_object(m.author, b, copy_b, Customisations::Keep).unwrap();
    assert_eq!(m.titles(copy_b), local);
    assert!(report.kept.contains(&PendingChange::PagesMoved { outcome: Outcome::Conflict }));

    // Deletions: a customised copy is kept and reported, a plain one goes.
    let pages_b = m.pages_of(copy_b);
    let (plain, custom) = (pages_b[0], pages_b[1]);
    let up_plain = m.ws.page_link(plain).unwrap().unwrap().upstream.unwrap();
    let up_custom = m.ws.page_link(custom).unwrap().unwrap().upstream.unwrap();
    m.ws.edit_page(m.author, b, custom, PageEdit::new().body("mine")).unwrap();
    m.ws.delete_page(m.author, m.master, up_plain).unwrap();
    m.ws.delete_page(m.author, m.master, up_custom).unwrap();
    let report = m.ws.sync_learning_object(m.author, b, copy_b, Customisations::Keep).unwrap();
    assert!(m.ws.page(plain).is_err());
    assert!(m.ws.page(custom).is_ok());
    assert!(report.applied.contains(&PendingChange::PageDeleted { page: plain, outcome: Outcome::WillApply }));
    assert!(report.kept.contains(&PendingChange::PageDeleted { page: custom, outcome: Outcome::Conflict }));
    m.ws.check_integrity().unwrap();
}

/// LNK-6: a course sync is all or nothing, needs edit rights and obeys
/// course locks; a shared linked LO syncs for every course that includes
/// it, and the report names them all.
#[test]
fn lnk6_course_sync_is_atomic_checked_and_names_every_course() {
    let mut m = master();
    let (section, copy) = m.section("BIO-101-A");
    let second = m.ws.create_learning_object(m.author, m.master, "Tissues", "").unwrap();
    m.ws.add_page(m.author, m.master, second, PageDraft::new("Epithelium", "e")).unwrap();
    let copy2 = m.ws.link_learning_object(m.author, m.master, second, section).unwrap();
    let shared = m.ws.share_course(m.author, section, &CopyOptions::new().course_id("BIO-101-A-EVE")).unwrap();
    m.edit_master(0, "Upstream");
    let reviewer = m.ws.create_user(m.admin, "Rita", Role::Reviewer).unwrap();
    let before = m.ws.clone();
    assert!(matches!(m.ws.sync_course(reviewer, section, Customisations::Keep), Err(Error::Forbidden { .. })));
    m.ws.lock_course(m.admin, section).unwrap();
    assert!(matches!(m.ws.sync_course(m.author, section, Customisations::Keep), Err(Error::Locked { .. })));
    assert_eq!(m.ws.learning_object(copy).unwrap(), before.learning_object(copy).unwrap(), "nothing changed");
    m.ws.unlock_course(m.admin, section).unwrap();
    let reports = m.ws.sync_course(m.author, section, Customisations::Keep).unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].learning_object, copy);
    assert_eq!(reports[1].learning_object, copy2);
    assert!(reports[0].courses.contains(section) && reports[0].courses.contains(shared));
    assert_eq!(m.body(m.pages_of(copy)[0]), "Upstream");
}

/// LNK-7: a declined version leaves "updates available" until the upstream
/// changes again, and the next sync includes the declined changes.
#[test]
fn lnk7_decline_hides_until_the_next_change() {
    let mut m = master();
    let (section, copy) = m.section("BIO-101-A");
    m.edit_master(0, "First");
    m.ws.decline_update(m.author, section, copy).unwrap();
    assert!(m.ws.updates_available(section).unwrap().is_empty());
    m.edit_master(1, "Second");
    assert_eq!(m.ws.updates_available(section).unwrap(), vec![copy]);
    m.ws.sync_learning_object(m.author, section, copy, Customisations::Keep).unwrap();
    let down = m.pages_of(copy);
    assert_eq!((m.body(down[0]), m.body(down[1])), ("First".into(), "Second".into()));
}

/// LNK-8: from the upstream side, every downstream is listed and synced in
/// one call; each is atomic by itself and a refused one is reported while
/// the others proceed.
#[test]
fn lnk8_push_updates_to_every_downstream() {
    let mut m = master();
    let (a, copy_a) = m.section("BIO-101-A");
    let (b, copy_b) = m.section("BIO-101-B");
    let (_, copy_c) = m.section("BIO-101-C");
    let mut all = vec![copy_a, copy_b, copy_c];
    all.sort();
    assert_eq!(m.ws.downstreams(m.lo).unwrap(), all);
    m.ws.lock_course(m.admin, b).unwrap();
    m.edit_master(0, "Pushed");
    let results = m.ws.push_updates(m.author, m.lo, Customisations::Keep).unwrap();
    assert_eq!(results.len(), 3);
    for DownstreamSync { learning_object: lo, result, .. } in &results {
        if *lo == copy_b {
            assert!(matches!(result, Err(Error::Locked { .. })), "{result:?}");
            assert_eq!(m.body(m.pages_of(copy_b)[0]), "Body 0");
        } else {
            assert!(result.is_ok());
            assert_eq!(m.body(m.pages_of(*lo)[0]), "Pushed");
        }
    }
    assert!(m.ws.updates_available(a).unwrap().is_empty());

    // The same from the upstream course, for all its LOs at once.
    let second = m.ws.create_learning_object(m.author, m.master, "Tissues", "").unwrap();
    let page = m.ws.add_page(m.author, m.master, second, PageDraft::new("Epithelium", "e")).unwrap().page;
    let copy_second = m.ws.link_learning_object(m.author, m.master, second, a).unwrap();
    let pairs = m.ws.course_downstreams(m.master).unwrap();
    assert_eq!(pairs.len(), 4);
    assert!(pairs.contains(&(second, copy_second)) && pairs.iter().filter(|(up, _)| *up == m.lo).count() == 3);
    m.ws.unlock_course(m.admin, b).unwrap();
    m.edit_master(1, "Course push");
    m.ws.edit_page(m.author, m.master, page, PageEdit::new().body("Pushed too")).unwrap();
    let results = m.ws.push_course_updates(m.author, m.master, Customisations::Keep).unwrap();
    assert_eq!(results.len(), 4);
    assert!(results.iter().all(|r| r.result.is_ok()));
    assert_eq!(m.body(m.pages_of(copy_second)[0]), "Pushed too");
    assert!(m.ws.updates_available(b).unwrap().is_empty());
}

/// LNK-9: field locks refuse downstream edits with an error naming the
/// field and the upstream course; a sync always applies locked fields.
#[test]
fn lnk9_field_locks_refuse_edits_and_always_sync() {
    let mut m = master();
    let (section, copy) = m.section("BIO-101-A");
    let down = m.pages_of(copy);
    m.ws.edit_page(m.author, section, down[0], PageEdit::new().body("Local")).unwrap();
    m.ws.edit_page(m.author, section, down[2], PageEdit::new().body("Local too")).unwrap();
    m.ws.set_field_locks(m.author, m.master, FieldLocks::new().content(true).title_description(false)).unwrap();
    // Locking is an upstream change: the customised pages will be
    // overwritten by the next sync, though their upstream did not change.
    assert_eq!(m.ws.updates_available(section).unwrap(), vec![copy]);
    let preview = m.ws.preview_sync(copy).unwrap();
    assert!(preview.changes().contains(&PendingChange::PageField {
        page: down[2],
        upstream_page: m.pages[2],
        field: LinkedField::Body,
        outcome: Outcome::OverwritesCustomisation
    }));
    let err = m.ws.edit_page(m.author, section, down[1], PageEdit::new().body("no")).unwrap_err();
    assert_eq!(err, Error::FieldLocked { field: coursecopy::Field::Body, entity: down[1].into(), upstream: m.master });
    assert!(err.to_string().contains("body") && err.to_string().contains(&m.master.to_string()));
    let image = m.ws.add_media(m.author, "x.png", "x").unwrap();
    assert!(matches!(
        m.ws.attach_item(m.author, section, down[1], image),
        Err(Error::FieldLocked { field: coursecopy::Field::Items, .. })
    ));
    m.ws.edit_learning_object(m.author, section, copy, coursecopy::LoEdit::new().title("Allowed")).unwrap();
    m.ws.set_field_locks(m.author, m.master, FieldLocks::new().content(true).title_description(true)).unwrap();
    assert!(matches!(
        m.ws.edit_learning_object(m.author, section, copy, coursecopy::LoEdit::new().description("no")),
        Err(Error::FieldLocked { field: coursecopy::Field::Description, .. })
    ));
    // A page added here is not linked, so not locked.
    let own = m.ws.add_page(m.author, section, copy, PageDraft::new("Own", "o")).unwrap().page;
    m.ws.edit_page(m.author, section, own, PageEdit::new().body("fine")).unwrap();
    // Sync applies locked fields over customisations.
    m.edit_master(0, "Locked upstream");
    let preview = m.ws.preview_sync(copy).unwrap();
    assert_eq!(preview.conflicts().count(), 0, "{preview}");
    m.ws.sync_learning_object(m.author, section, copy, Customisations::Keep).unwrap();
    assert_eq!(m.body(down[0]), "Locked upstream");
    assert_eq!(m.body(down[2]), "Body 2", "the lock overrode the customisation");
    assert!(!m.ws.page_link(down[2]).unwrap().unwrap().body_customised);
    assert_eq!(m.ws.course(m.master).unwrap().field_locks(), FieldLocks::new().content(true).title_description(true));
    let copy_of_master = m.ws.duplicate_course(m.author, m.master, &CopyOptions::new().course_id("BIO-DUP")).unwrap();
    assert_eq!(m.ws.course(copy_of_master).unwrap().field_locks(), FieldLocks::default(), "locks are not copied");
}

/// LNK-10: unlink makes a plain duplicate; deleting an upstream page or LO
/// leaves "upstream deleted" markers at once, the downstream whole.
#[test]
fn lnk10_unlink_and_upstream_deleted_markers() {
    let mut m = master();
    let (a, copy_a) = m.section("BIO-101-A");
    let (b, copy_b) = m.section("BIO-101-B");
    m.ws.unlink_learning_object(m.author, a, copy_a).unwrap();
    assert_eq!(m.ws.learning_object(copy_a).unwrap().link(), None);
    assert!(m.pages_of(copy_a).iter().all(|p| m.ws.page_link(*p).unwrap().is_none()));
    assert_eq!(m.ws.downstreams(m.lo).unwrap(), vec![copy_b]);
    assert!(matches!(m.ws.preview_sync(copy_a), Err(Error::NotLinked { .. })));

    m.ws.remove_learning_object(m.author, m.master, m.lo).unwrap();
    m.ws.delete_learning_object(m.author, m.lo).unwrap();
    let link = m.ws.learning_object(copy_b).unwrap().link().unwrap();
    assert_eq!(link.upstream, None, "marker at once");
    assert!(m.pages_of(copy_b).iter().all(|p| m.ws.page_link(*p).unwrap().unwrap().upstream.is_none()));
    assert_eq!(m.titles(copy_b), ["Membranes", "Nucleus", "Mitochondria"], "the downstream stays whole");
    let preview = m.ws.preview_sync(copy_b).unwrap();
    assert_eq!(preview.upstream(), None);
    assert!(preview.to_string().contains("upstream deleted"));
    let report = m.ws.sync_learning_object(m.author, b, copy_b, Customisations::Keep).unwrap();
    assert!(report.upstream_deleted);
    m.ws.check_integrity().unwrap();
}

/// LNK-14: a sync that follows a deleted upstream takes an untouched copy
/// out of the course it goes through (other courses sharing it keep it,
/// and it lives on); a copy that holds local work stays, reported as kept;
/// the default policy keeps every copy, as LNK-10 says.
#[test]
fn lnk14_a_sync_follows_a_deleted_upstream_unless_the_copy_holds_local_work() {
    let mut m = master();
    let sections: Vec<(CourseKey, LoKey)> =
        ["BIO-101-A", "BIO-101-B", "BIO-101-C", "BIO-101-D", "BIO-101-E"].iter().map(|id| m.section(id)).collect();
    let [(a, copy_a), (b, copy_b), (c, copy_c), (d, copy_d), (e, copy_e)] = sections[..] else { unreachable!() };
    // B customises a page, C adds one, D deletes one, E keeps its copy as
    // it came and also shares it into A's neighbour course.
    let b_page = m.pages_of(copy_b)[0];
    m.ws.edit_page(m.author, b, b_page, PageEdit::new().body("Our own")).unwrap();
    m.ws.add_page(m.author, c, copy_c, PageDraft::new("Extra", "Local")).unwrap();
    let d_page = m.pages_of(copy_d)[1];
    m.ws.delete_page(m.author, d, d_page).unwrap();
    let neighbour = m.ws.create_course(m.author, NewCourse::new("BIO-101-N", "Neighbour")).unwrap();
    m.ws.add_learning_object(m.author, neighbour, copy_e, None).unwrap();
    m.ws.remove_learning_object(m.author, m.master, m.lo).unwrap();
    m.ws.delete_learning_object(m.author, m.lo).unwrap();

    let follow = SyncOptions::new().deleted_upstream(DeletedUpstream::FollowUpstream);
    let gone = PendingChange::LoDeleted { outcome: Outcome::WillApply };
    let kept = PendingChange::LoDeleted { outcome: Outcome::Conflict };
    // The default policy: the copy stays, marked.
    let report = m.ws.sync_learning_object(m.author, a, copy_a, Customisations::Keep).unwrap();
    assert!(report.upstream_deleted && report.applied.is_empty() && report.kept.is_empty());
    assert_eq!(m.ws.course(a).unwrap().position_of(copy_a), Some(0));
    // Following the upstream: the untouched copy leaves its course and
    // lives on, the report says so.
    let report = m.ws.sync_learning_object(m.author, a, copy_a, follow).unwrap();
    assert_eq!(report.applied, std::slice::from_ref(&gone));
    assert!(report.to_string().contains("taken out of the course"), "{report}");
    assert_eq!(m.ws.course(a).unwrap().position_of(copy_a), None);
    assert!(m.ws.learning_object(copy_a).is_ok(), "it lives on, as after remove_learning_object");
    // Local work keeps a copy: a customised page, a page added here, a
    // page deleted here.
    for (course, copy) in [(b, copy_b), (c, copy_c), (d, copy_d)] {
        let report = m.ws.sync_learning_object(m.author, course, copy, follow).unwrap();
        assert_eq!((report.applied.as_slice(), report.kept.as_slice()), (&[][..], &[kept.clone()][..]), "{report}");
        assert_eq!(m.ws.course(course).unwrap().position_of(copy), Some(0));
    }
    // A course sync follows too; the course it shares the copy with keeps it.
    let reports = m.ws.sync_course(m.author, e, follow).unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].applied, [gone]);
    assert_eq!(m.ws.course(e).unwrap().position_of(copy_e), None);
    assert_eq!(m.ws.course(neighbour).unwrap().position_of(copy_e), Some(0));
    // A second sync finds nothing to take out.
    let report = m.ws.sync_learning_object(m.author, a, copy_a, follow).unwrap();
    assert!(report.applied.is_empty() && report.kept.is_empty());
    m.ws.check_integrity().unwrap();
}

/// LNK-11: a linked copy of a linked copy links one hop up; a Duplicate of
/// a course with linked LOs makes plain duplicates; Detach of a shared
/// linked LO keeps its link, synced version and customisations.
#[test]
fn lnk11_chains_duplicates_and_detach() {
    let mut m = master();
    let (a, copy_a) = m.section("BIO-101-A");
    let aa = m.ws.link_course(m.author, a, &CopyOptions::new().course_id("BIO-101-AA")).unwrap();
    let copy_aa = m.ws.course(aa).unwrap().learning_objects().next().unwrap();
    assert_eq!(m.ws.learning_object(copy_aa).unwrap().link().unwrap().upstream, Some(copy_a));
    m.edit_master(0, "Top");
    assert!(m.ws.updates_available(aa).unwrap().is_empty(), "one hop only");
    m.ws.sync_learning_object(m.author, a, copy_a, Customisations::Keep).unwrap();
    assert_eq!(m.ws.updates_available(aa).unwrap(), vec![copy_aa]);
    m.ws.sync_learning_object(m.author, aa, copy_aa, Customisations::Keep).unwrap();
    assert_eq!(m.body(m.pages_of(copy_aa)[0]), "Top");

    let dup = m.ws.duplicate_course(m.author, a, &CopyOptions::new().course_id("BIO-101-DUP")).unwrap();
    let dup_lo = m.ws.course(dup).unwrap().learning_objects().next().unwrap();
    assert_eq!(m.ws.learning_object(dup_lo).unwrap().link(), None);
    assert!(m.pages_of(dup_lo).iter().all(|p| m.ws.page_link(*p).unwrap().is_none()));

    let eve = m.ws.share_course(m.author, a, &CopyOptions::new().course_id("BIO-101-A-EVE")).unwrap();
    m.ws.edit_page(m.author, a, m.pages_of(copy_a)[1], PageEdit::new().body("custom")).unwrap();
    m.edit_master(2, "Later");
    let before = m.ws.learning_object(copy_a).unwrap().link().unwrap();
    let own = m.ws.detach_learning_object(m.author, eve, copy_a).unwrap();
    let link = m.ws.learning_object(own).unwrap().link().unwrap();
    assert_eq!((link.upstream, link.synced), (before.upstream, before.synced));
    let report = m.ws.sync_learning_object(m.author, eve, own, Customisations::Keep).unwrap();
    assert_eq!(m.body(m.pages_of(own)[1]), "custom", "customisation carried over: {report:?}");
    assert_eq!(m.body(m.pages_of(own)[2]), "Later");
    m.ws.check_integrity().unwrap();
}

/// LNK-12: links, versions, customisations, field locks and declined
/// versions are saved and loaded.
#[cfg(feature = "serde")]
#[test]
fn lnk12_links_survive_saving_and_loading() {
    let mut m = master();
    let (section, copy) = m.section("BIO-101-A");
    let down = m.pages_of(copy);
    m.ws.edit_page(m.author, section, down[0], PageEdit::new().body("Local")).unwrap();
    m.ws.set_field_locks(m.author, m.master, FieldLocks::new().content(false).title_description(true)).unwrap();
    m.edit_master(1, "Upstream");
    m.ws.decline_update(m.author, section, copy).unwrap();
    m.ws.delete_page(m.author, m.master, m.pages[2]).unwrap();
    let saved = serde_json::to_string(&m.ws).unwrap();
    let loaded: Workspace = serde_json::from_str(&saved).unwrap();
    assert_eq!(loaded, m.ws);
    assert_eq!(loaded.preview_sync(copy).unwrap(), m.ws.preview_sync(copy).unwrap());
    assert_eq!(loaded.downstreams(m.lo).unwrap(), vec![copy]);
    let mut loaded = loaded;
    let a = loaded.sync_learning_object(m.author, section, copy, Customisations::Keep).unwrap();
    let b = m.ws.sync_learning_object(m.author, section, copy, Customisations::Keep).unwrap();
    assert_eq!(a, b);
    assert_eq!(loaded, m.ws);
}

/// REU-1, REU-2, REU-5, REU-6 with linked copies: where-linked, the courses
/// a sync or a push reaches, compare tells linked from shared and
/// duplicated, and the DOT graph draws links in their own style.
#[test]
fn lnk_reuse_toolkit_knows_linked_copies() {
    let mut m = master();
    let (a, copy_a) = m.section("BIO-101-A");
    let (b, copy_b) = m.section("BIO-101-B");
    let eve = m.ws.share_course(m.author, a, &CopyOptions::new().course_id("BIO-101-A-EVE")).unwrap();
    let dup = m.ws.duplicate_course(m.author, m.master, &CopyOptions::new().course_id("BIO-101-DUP")).unwrap();
    let aa = m.ws.link_course(m.author, a, &CopyOptions::new().course_id("BIO-101-AA")).unwrap();

    // REU-1: where linked.
    let mut copies = vec![copy_a, copy_b];
    copies.sort();
    assert_eq!(m.ws.downstreams(m.lo).unwrap(), copies);

    let set = |r: Reach| -> Vec<CourseKey> {
        let mut v: Vec<CourseKey> = r.iter().collect();
        v.sort();
        v
    };
    let sorted = |mut v: Vec<CourseKey>| {
        v.sort();
        v
    };
    // REU-2: an upstream edit reaches the master's courses now; a push
    // reaches every course of every linked copy; a sync, the copy's own.
    assert_eq!(set(m.ws.impact(Change::EditPage(m.pages[0])).unwrap()), [m.master]);
    let push = set(m.ws.impact(Change::PushUpdates(m.lo)).unwrap());
    assert_eq!(push, sorted(vec![a, b, eve]));
    m.edit_master(0, "Pushed");
    let reached: Vec<CourseKey> =
        m.ws.push_updates(m.author, m.lo, Customisations::Keep)
            .unwrap()
            .into_iter()
            .flat_map(|r| r.result.unwrap().courses.iter().collect::<Vec<_>>())
            .collect();
    assert_eq!(sorted(reached), push, "the preview is what the push reports");
    assert_eq!(set(m.ws.impact(Change::SyncLearningObject(copy_a)).unwrap()), sorted(vec![a, eve]));
    assert!(matches!(m.ws.impact(Change::SyncLearningObject(m.lo)), Err(Error::NotLinked { .. })));

    // REU-5: linked, shared and duplicated apart, chains included.
    let c = m.ws.compare_courses(m.master, a).unwrap();
    assert_eq!(c.linked, vec![(m.lo, copy_a)]);
    assert!(c.duplicated.is_empty() && c.shared.is_empty());
    let c = m.ws.compare_courses(m.master, dup).unwrap();
    assert_eq!(c.duplicated.len(), 1);
    assert!(c.linked.is_empty());
    let c = m.ws.compare_courses(a, eve).unwrap();
    assert_eq!(c.shared, vec![copy_a]);
    let copy_aa = m.ws.course(aa).unwrap().learning_objects().next().unwrap();
    assert_eq!(m.ws.compare_courses(m.master, aa).unwrap().linked, vec![(m.lo, copy_aa)], "a link of a link");

    // REU-6: links drawn bold and blue; a broken one red and dotted.
    let dot = m.ws.sharing_graph(coursecopy::GraphOptions::new());
    assert_eq!(dot.matches("label=\"linked\"").count(), 3, "{dot}");
    assert!(dot.contains("style=bold, color=\"#1f5fbf\""));
    m.ws.remove_learning_object(m.author, m.master, m.lo).unwrap();
    m.ws.delete_learning_object(m.author, m.lo).unwrap();
    let dot = m.ws.sharing_graph(coursecopy::GraphOptions::new());
    assert_eq!(dot.matches("upstream deleted").count(), 2, "{dot}");
}

/// LNK-13: an upstream locks one page's content, or one LO's title and
/// description, for its linked copies: an edit of a locked field is
/// refused naming it; deleting a locked item (the page, the LO, an LO
/// holding a locked page) is refused; the next sync writes the upstream's
/// value over a customisation, previewed as overwriting it; unlocking
/// leaves the downstream value as it is; fields and items not locked stay
/// free; the lock needs edit rights where the item is reached.
#[test]
fn lnk13_item_locks_refuse_edits_and_deletions_and_win_at_sync() {
    let mut m = master();
    let (section, copy) = m.section("BIO-101-A");
    let (author, admin) = (m.author, m.admin);
    let copies = m.pages_of(copy);
    m.ws.edit_page(author, section, copies[1], PageEdit::new().body("Ours")).unwrap();
    m.ws.edit_learning_object(author, section, copy, LoEdit::new().title("Our cells")).unwrap();

    // Rights: a Reviewer may not lock; a page through a course without it is refused.
    let rita = m.ws.create_user(admin, "Rita", Role::Reviewer).unwrap();
    let refused = m.ws.set_item_lock(rita, m.master, LinkedRecord::Page(m.pages[1]), true);
    assert!(matches!(refused, Err(Error::Forbidden { .. })), "{refused:?}");
    let refused = m.ws.set_item_lock(author, section, LinkedRecord::Page(m.pages[1]), true);
    assert!(matches!(refused, Err(Error::NotIn { .. })), "{refused:?}");
    assert!(!m.ws.item_locked(LinkedRecord::Page(m.pages[1])).unwrap(), "a refusal changes nothing");

    let version = m.ws.learning_object(m.lo).unwrap().version();
    m.ws.set_item_lock(author, m.master, LinkedRecord::Page(m.pages[1]), true).unwrap();
    m.ws.set_item_lock(author, m.master, LinkedRecord::LearningObject(m.lo), true).unwrap();
    assert!(m.ws.item_locked(LinkedRecord::Page(m.pages[1])).unwrap());
    assert!(!m.ws.item_locked(LinkedRecord::Page(m.pages[0])).unwrap());
    assert!(m.ws.learning_object(m.lo).unwrap().version() > version, "a lock is an upstream change");
    assert_eq!(m.ws.updates_available(section).unwrap(), [copy]);

    // Edits of locked fields are refused, naming them; others pass.
    for (edit, field) in [(PageEdit::new().body("x"), Field::Body), (PageEdit::new().title("x"), Field::Title)] {
        let refused = m.ws.edit_page(author, section, copies[1], edit);
        let Err(Error::ItemLocked { field: Some(f), entity, upstream }) = refused else { panic!("{refused:?}") };
        assert_eq!((f, entity, upstream), (field, copies[1].into(), m.pages[1].into()));
    }
    let refused = m.ws.edit_learning_object(author, section, copy, LoEdit::new().description("x"));
    assert!(matches!(refused, Err(Error::ItemLocked { field: Some(Field::Description), .. })), "{refused:?}");
    m.ws.edit_page(author, section, copies[2], PageEdit::new().body("Free")).unwrap();
    let media = m.ws.add_media(author, "Cell diagram", "cell.png").unwrap();
    let refused = m.ws.attach_item(author, section, copies[1], media);
    assert!(matches!(refused, Err(Error::ItemLocked { field: Some(Field::Items), .. })), "{refused:?}");

    // Deletions of locked items are refused, naming the item; nothing changes.
    let before = m.ws.clone();
    let refused = m.ws.delete_page(author, section, copies[1]);
    assert!(matches!(refused, Err(Error::ItemLocked { field: None, .. })), "{refused:?}");
    let refused = m.ws.remove_learning_object(author, section, copy);
    assert!(matches!(refused, Err(Error::ItemLocked { field: None, .. })), "{refused:?}");
    assert_eq!(m.ws, before);
    m.ws.delete_page(author, section, copies[2]).unwrap();

    // The sync writes the locked values over the customisations.
    let preview = m.ws.preview_sync(copy).unwrap();
    let overwrites = |c: &PendingChange| c.outcome() == Outcome::OverwritesCustomisation;
    assert_eq!(preview.changes().iter().filter(|c| overwrites(c)).count(), 2, "{preview}");
    m.ws.sync_learning_object(author, section, copy, Customisations::Keep).unwrap();
    assert_eq!(m.body(copies[1]), "Body 1");
    assert_eq!(m.ws.learning_object(copy).unwrap().title(), "Cells");

    // Unlocking leaves the downstream as it is, and frees it.
    m.ws.set_item_lock(author, m.master, LinkedRecord::Page(m.pages[1]), false).unwrap();
    m.ws.set_item_lock(author, m.master, LinkedRecord::LearningObject(m.lo), false).unwrap();
    m.ws.set_item_lock(author, m.master, LinkedRecord::LearningObject(m.lo), false).unwrap();
    assert_eq!(m.body(copies[1]), "Body 1");
    assert!(m.ws.updates_available(section).unwrap().is_empty(), "unlocking is no upstream change");
    m.ws.edit_page(author, section, copies[1], PageEdit::new().body("Ours again")).unwrap();
    m.ws.remove_learning_object(author, section, copy).unwrap();
    m.ws.check_integrity().unwrap();
}

/// LNK-13: the LO-level deletion refusal covers an LO holding a locked
/// page, and deletion of the LO record itself; a locked item deleted
/// upstream takes its lock with it.
#[test]
fn lnk13_an_lo_holding_a_locked_page_cannot_be_deleted_downstream() {
    let mut m = master();
    let (section, copy) = m.section("BIO-101-A");
    let author = m.author;
    m.ws.set_item_lock(author, m.master, LinkedRecord::Page(m.pages[0]), true).unwrap();
    let refused = m.ws.remove_learning_object(author, section, copy);
    assert!(matches!(refused, Err(Error::ItemLocked { field: None, .. })), "{refused:?}");
    m.ws.delete_page(author, m.master, m.pages[0]).unwrap();
    m.ws.remove_learning_object(author, section, copy).unwrap();
    m.ws.check_integrity().unwrap();
    // Taken out before the lock: the orphan cannot be deleted while locked.
    m.ws.set_item_lock(author, m.master, LinkedRecord::LearningObject(m.lo), true).unwrap();
    let refused = m.ws.delete_learning_object(m.admin, copy);
    assert!(matches!(refused, Err(Error::ItemLocked { field: None, .. })), "{refused:?}");
    m.ws.set_item_lock(author, m.master, LinkedRecord::LearningObject(m.lo), false).unwrap();
    m.ws.delete_learning_object(m.admin, copy).unwrap();
    m.ws.check_integrity().unwrap();
}

/// LNK-14: a linked page or LO the downstream deleted stays deleted at
/// the next syncs, unless the upstream locks it after the deletion: then
/// the sync re-creates it, a new item, reported.
#[test]
fn lnk14_a_deleted_copy_stays_deleted_unless_the_upstream_locks_it_after() {
    let mut m = master();
    let (section, copy) = m.section("BIO-101-A");
    let author = m.author;
    let copies = m.pages_of(copy);
    m.ws.delete_page(author, section, copies[1]).unwrap();
    m.edit_master(0, "Changed upstream");
    let report = m.ws.sync_learning_object(author, section, copy, Customisations::Keep).unwrap();
    assert!(!report.applied.iter().any(|c| matches!(c, PendingChange::PageRecreated { .. })), "{report}");
    assert_eq!(m.titles(copy), ["Membranes", "Mitochondria"], "stays deleted");

    m.ws.set_item_lock(author, m.master, LinkedRecord::Page(m.pages[1]), true).unwrap();
    let preview = m.ws.preview_sync(copy).unwrap();
    assert!(preview.changes().contains(&PendingChange::PageRecreated { upstream_page: m.pages[1] }), "{preview}");
    let report = m.ws.sync_course(author, section, Customisations::Keep).unwrap();
    assert_eq!(report[0].applied, [PendingChange::PageRecreated { upstream_page: m.pages[1] }]);
    assert_eq!(m.titles(copy), ["Membranes", "Nucleus", "Mitochondria"], "where an added page goes");
    let recreated = m.pages_of(copy)[1];
    assert_ne!(recreated, copies[1], "a new item");
    assert_eq!(m.ws.page_link(recreated).unwrap().unwrap().upstream, Some(m.pages[1]));
    let again = m.ws.sync_learning_object(author, section, copy, Customisations::Keep).unwrap();
    assert!(again.applied.is_empty(), "{again}");

    // An LO taken out of the course: it stays out until its upstream locks it.
    m.ws.set_item_lock(author, m.master, LinkedRecord::Page(m.pages[1]), false).unwrap();
    m.ws.remove_learning_object(author, section, copy).unwrap();
    m.edit_master(2, "Changed again");
    assert!(m.ws.sync_course(author, section, Customisations::Keep).unwrap().is_empty());
    assert_eq!(m.ws.course(section).unwrap().learning_objects().count(), 0, "stays out");
    m.ws.set_item_lock(author, m.master, LinkedRecord::LearningObject(m.lo), true).unwrap();
    let reports = m.ws.sync_course(author, section, Customisations::Keep).unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].applied, [PendingChange::LoRecreated { upstream: m.lo }]);
    let new = reports[0].learning_object;
    assert_ne!(new, copy, "a new item");
    assert_eq!(m.ws.course(section).unwrap().learning_objects().collect::<Vec<_>>(), [new]);
    assert_eq!(m.titles(new), ["Membranes", "Nucleus", "Mitochondria"]);
    assert_eq!(m.ws.learning_object(new).unwrap().link().unwrap().upstream, Some(m.lo));
    assert!(m.ws.sync_course(author, section, Customisations::Keep).unwrap()[0].applied.is_empty(), "once");
    // Put back by hand: a removed copy that is back needs no re-creation.
    m.ws.add_learning_object(author, section, copy, None).unwrap();
    let reports = m.ws.sync_course(author, section, Customisations::Keep).unwrap();
    assert!(reports.iter().all(|r| !r.applied.iter().any(|c| matches!(c, PendingChange::LoRecreated { .. }))));
    m.ws.check_integrity().unwrap();
}

/// LNK-14, LMS-4: a course remembers a linked copy it took out, whatever
/// a copy task into it does: a linked copy of the same LO that a task adds
/// and a cancel takes back leaves the memory as it was, so a lock set
/// afterwards still re-creates the copy at the next course sync.
#[test]
fn lnk14_a_cancelled_copy_task_leaves_the_removed_copy_remembered() {
    let mut m = master();
    let (section, copy) = m.section("BIO-101-A");
    let author = m.author;
    m.ws.remove_learning_object(author, section, copy).unwrap();
    let request = CopyRequest::new(CopyTarget::Existing(section.into())).mode(CopyMode::Linked);
    let task = m.ws.request_copy(author, m.master, &request).unwrap();
    // One unit at a time until the copy's LO is in the course, its pages
    // still to come.
    for _ in 0..100 {
        if m.ws.course(section).unwrap().learning_objects().count() > 0 {
            break;
        }
        m.ws.run_tasks(1);
    }
    assert_eq!(m.ws.course(section).unwrap().learning_objects().count(), 1, "the task added its copy");
    assert!(!m.ws.task_status(task).unwrap().state.is_finished());
    m.ws.cancel_task(author, task).unwrap();
    assert_eq!(m.ws.course(section).unwrap().learning_objects().count(), 0, "the cancel took the copy back");
    m.ws.set_item_lock(author, m.master, LinkedRecord::LearningObject(m.lo), true).unwrap();
    let reports = m.ws.sync_course(author, section, Customisations::Keep).unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].applied, [PendingChange::LoRecreated { upstream: m.lo }]);
    m.ws.check_integrity().unwrap();
}
