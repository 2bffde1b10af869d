//! The built-in demo workspace: three users (one per role, each behind an
//! app key), a course with learning objects, pages and library items, a
//! course that shares one of its learning objects, a Duplicate of it, and
//! tools, two of them dated in the fall 2027 term (New York time), so that
//! a copy to a new term has dates to shift. Its times are fixed, so two
//! demos differ only in their salt.

use coursecopy::{
    Category, CopyOptions, CourseKey, Error, NewCourse, PageDraft, Role, Timestamp, ToolDates, ToolDraft, UserKey,
    Workspace,
};

/// An app key: what a client logs in with, and the user it acts as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppKey {
    /// The key (OAuth2 client id).
    pub key: String,
    /// The secret.
    pub secret: String,
    /// The name of the workspace user it acts as.
    pub user: String,
}

/// The demo's app keys: one per role.
pub fn demo_keys() -> Vec<AppKey> {
    [
        ("admin-key", "admin-secret", "Administrator"),
        ("author-key", "author-secret", "Author"),
        ("reviewer-key", "reviewer-secret", "Reviewer"),
    ]
    .into_iter()
    .map(|(key, secret, user)| AppKey { key: key.into(), secret: secret.into(), user: user.into() })
    .collect()
}

/// When the demo's courses were made.
pub fn demo_time() -> Timestamp {
    Timestamp::from_unix_millis(1_788_220_800_000) // 2026-09-01T00:00:00Z
}

/// The demo workspace.
///
/// # Errors
/// None in practice: every call is valid; an error would be a bug in the
/// demo, reported rather than panicking.
pub fn demo_workspace() -> Result<Workspace, Error> {
    let at = demo_time();
    let (mut ws, admin) = Workspace::with_admin("Administrator")?;
    let author = ws.create_user(admin, "Author", Role::Author)?;
    let reviewer = ws.create_user(admin, "Reviewer", Role::Reviewer)?;
    let image = ws.add_media(author, "Cell diagram", "media/cell.png")?;
    let handout = ws.add_resource(author, "Lab handout", "resources/lab.pdf")?;
    let term = ws.add_glossary_term(author, "Mitosis", "Division of a cell nucleus")?;

    let bio = ws.create_course(
        author,
        NewCourse::new("BIO-101", "Introduction to Biology")
            .description("Cells, genes and ecosystems")
            .time_zone(coursecopy::Zone::get("America/New_York")?)
            .at(at),
    )?;
    ws.assign_user(author, bio, reviewer)?;
    let chapters: [(&str, &[&str]); 3] = [
        ("Cells", &["What is a cell", "Organelles", "Cell division"]),
        ("Genetics", &["Genes", "Inheritance"]),
        ("Ecology", &["Ecosystems", "Food webs"]),
    ];
    let mut los = Vec::new();
    for (title, pages) in chapters {
        let lo = ws.create_learning_object(author, bio, title, "")?;
        for page in pages {
            let draft = PageDraft::new(*page, format!("<p>{page}.</p>")).item(image).item(handout).item(term);
            ws.add_page(author, bio, lo, draft)?;
        }
        los.push(lo);
    }
    // The fall 2027 term, New York time: Welcome shown from Monday 6
    // September 08:00 to Friday 17 December 18:00; Quiz 1 open Monday 13
    // September 09:00, due Friday 17 September 23:59.
    let welcome = ToolDates::new().start("2027-09-06T12:00:00Z".parse()?).end("2027-12-17T23:00:00Z".parse()?);
    let quiz = ToolDates::new().start("2027-09-13T13:00:00Z".parse()?).due("2027-09-18T03:59:00Z".parse()?);
    let announcement = ToolDraft::new(Category::Announcements, "Welcome").body("Welcome to Biology").dates(welcome);
    ws.add_tool(author, bio, announcement)?;
    ws.add_tool(author, bio, ToolDraft::new(Category::Assessments, "Quiz 1").dates(quiz))?;

    // Chemistry shares the Cells learning object with Biology.
    let chem = ws.create_course(author, NewCourse::new("CHEM-101", "Introduction to Chemistry").at(at))?;
    let atoms = ws.create_learning_object(author, chem, "Atoms", "")?;
    ws.add_page(author, chem, atoms, PageDraft::new("The atom", "<p>Protons, neutrons, electrons.</p>"))?;
    if let Some(cells) = los.first() {
        ws.add_learning_object(author, chem, *cells, None)?;
    }

    // Last year's Biology, a Duplicate.
    duplicate(&mut ws, author, bio, "BIO-101-2025", at)?;
    Ok(ws)
}

fn duplicate(ws: &mut Workspace, author: UserKey, from: CourseKey, id: &str, at: Timestamp) -> Result<(), Error> {
    let copy = ws.duplicate_course(author, from, &CopyOptions::new().course_id(id).at(at))?;
    let change = coursecopy::CourseChange::new().title("Introduction to Biology (2025)").at(at);
    ws.update_course(author, copy, change)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_builds_and_is_sound() {
        let ws = super::demo_workspace().unwrap();
        ws.check_integrity().unwrap();
        assert_eq!(ws.courses().count(), 3);
        let (_, course) = ws.courses().next().unwrap();
        assert_eq!(course.time_zone(), "America/New_York");
        let dated = course.tools().iter().filter(|item| !item.dates().is_empty()).count();
        assert_eq!(dated, 2, "Welcome and Quiz 1 have dates to shift");
        for key in super::demo_keys() {
            assert!(ws.users().any(|(_, u)| u.name() == key.user));
        }
    }
}
