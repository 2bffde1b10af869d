//! A small world the rule tests share: one course with two learning
//! objects of two pages, an image, a second image, a glossary term, a
//! resource and a style applied to one page.
#![allow(dead_code)]

pub mod lms;

use coursecopy::*;

pub struct World {
    pub ws: Workspace,
    pub admin: UserKey,
    pub author: UserKey,
    pub reviewer: UserKey,
    pub course: CourseKey,
    pub los: Vec<LoKey>,
    pub image: MediaKey,
    pub other_image: MediaKey,
    pub term: TermKey,
    pub resource: ResourceKey,
    pub style: StyleKey,
}

pub fn world() -> World {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    let author = ws.create_user(admin, "Grace", Role::Author).unwrap();
    let reviewer = ws.create_user(admin, "Rita", Role::Reviewer).unwrap();
    let course = ws
        .create_course(
            author,
            NewCourse::new("SAFE-101", "Lab safety")
                .description("Stay safe in the lab")
                .player_layout("sidebar")
                .detail("language", "en"),
        )
        .unwrap();
    ws.assign_user(author, course, reviewer).unwrap();
    let image = ws.add_media(author, "goggles.png", "files/goggles.png").unwrap();
    let other_image = ws.add_media(author, "gloves.png", "files/gloves.png").unwrap();
    let term = ws.add_glossary_term(author, "PPE", "Personal protective equipment").unwrap();
    let resource = ws.add_resource(author, "Checklist", "files/checklist.pdf").unwrap();
    let style = ws.create_style(author, course, "Warning", ".warning { color: red }").unwrap();
    let intro = ws.create_learning_object(author, course, "Introduction", "Why safety").unwrap();
    let gear = ws.create_learning_object(author, course, "Protective gear", "What to wear").unwrap();
    ws.add_page(author, course, intro, PageDraft::new("Welcome", "Welcome to the lab.").item(term)).unwrap();
    ws.add_page(author, course, intro, PageDraft::new("Rules", "Never eat in the lab.").style(style)).unwrap();
    ws.add_page(author, course, gear, PageDraft::new("Goggles", "Wear goggles.").item(image).item(term)).unwrap();
    ws.add_page(author, course, gear, PageDraft::new("Checklist", "Tick every box.").item(resource)).unwrap();
    World { ws, admin, author, reviewer, course, los: vec![intro, gear], image, other_image, term, resource, style }
}

/// What a person sees of a course: LO titles, and per LO the pages as
/// (title, body, style name, library item names).
pub type Outline = Vec<(String, Vec<(String, String, Option<String>, Vec<String>)>)>;

pub fn outline(ws: &Workspace, course: CourseKey) -> Outline {
    let course = ws.course(course).unwrap();
    course
        .learning_objects()
        .map(|lo| {
            let record = ws.learning_object(lo).unwrap();
            let pages = record
                .pages()
                .map(|p| {
                    let page = ws.page(p).unwrap();
                    let style = page.style().map(|s| ws.style(s).unwrap().name().to_string());
                    let items = ws.page_items(p).unwrap().into_iter().map(|(_, e)| e.name().to_string()).collect();
                    (page.title().to_string(), page.body().to_string(), style, items)
                })
                .collect();
            (record.title().to_string(), pages)
        })
        .collect()
}

/// The page at `page` in the LO at `lo` of a course.
pub fn page_at(ws: &Workspace, course: CourseKey, lo: usize, page: usize) -> PageKey {
    let lo = lo_at(ws, course, lo);
    ws.learning_object(lo).unwrap().pages().nth(page).unwrap()
}

/// The LO at `lo` of a course.
pub fn lo_at(ws: &Workspace, course: CourseKey, lo: usize) -> LoKey {
    ws.course(course).unwrap().learning_objects().nth(lo).unwrap()
}

/// Page titles of a course, LO by LO.
pub fn titles(ws: &Workspace, course: CourseKey) -> Vec<Vec<String>> {
    outline(ws, course).into_iter().map(|(_, pages)| pages.into_iter().map(|p| p.0).collect()).collect()
}

pub fn lo_list(ws: &Workspace, course: CourseKey) -> Vec<LoKey> {
    ws.course(course).unwrap().learning_objects().collect()
}
