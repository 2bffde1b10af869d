//! A course with something in every category, for the LMS flow tests.
#![allow(dead_code)]

use coursecopy::*;

pub struct Lms {
    pub ws: Workspace,
    pub admin: UserKey,
    pub author: UserKey,
    pub student: UserKey,
    pub course: CourseKey,
    pub los: Vec<LoKey>,
    pub banner: MediaKey,
    pub term: TermKey,
    pub tools: Tools,
}

pub struct Tools {
    pub quiz: ToolId,
    pub column: ToolId,
    pub rubric: ToolId,
    pub forum: ToolId,
    pub groups: ToolId,
    pub glossary: ToolId,
    pub release: ToolId,
    pub alignment: ToolId,
}

/// `pages` pages in each of two LOs.
pub fn lms_world(pages: usize) -> Lms {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    let author = ws.create_user(admin, "Grace", Role::Author).unwrap();
    let student = ws.create_user(admin, "Sam", Role::Reviewer).unwrap();
    let banner = ws.add_media(author, "banner.png", "files/banner.png").unwrap();
    let image = ws.add_media(author, "cell.png", "files/cell.png").unwrap();
    let term = ws.add_glossary_term(author, "Mitosis", "Cell division").unwrap();
    let start: Timestamp = "2027-01-10T00:00:00Z".parse().unwrap();
    let end: Timestamp = "2027-06-30T00:00:00Z".parse().unwrap();
    let spec = NewCourse::new("BIO-101", "Biology")
        .external_id("ext-bio-101")
        .description("Cells and more")
        .availability(Availability::No)
        .duration(Duration::DateRange { start, end })
        .enrollment(Enrollment::SelfEnrollment { start: Some(start), end: None, access_code: Some("cells".into()) })
        .locale(Some("en_GB"))
        .guest_access(true)
        .observer_access(true)
        .banner_image(Some(banner))
        .navigation(Some("buttons"));
    let course = ws.create_course(author, spec).unwrap();
    ws.assign_user(author, course, student).unwrap();
    ws.create_style(author, course, "Calm", ".calm {}").unwrap();
    let mut los = vec![];
    for l in 0..2 {
        let lo = ws.create_learning_object(author, course, &format!("Unit {l}"), "").unwrap();
        for p in 0..pages {
            let draft = PageDraft::new(format!("Page {l}.{p}"), format!("Body {l}.{p}")).item(image);
            ws.add_page(author, course, lo, draft).unwrap();
        }
        los.push(lo);
    }
    let mut add = |d: ToolDraft| ws.add_tool(author, course, d).unwrap();
    add(ToolDraft::new(Category::Announcements, "Welcome").body("Hello all"));
    let quiz = add(ToolDraft::new(Category::Assessments, "Quiz 1"));
    let column =
        add(ToolDraft::new(Category::Gradebook, "Quiz 1 score").link(ToolLink::Tool(quiz)).grade(student, "A"));
    let rubric = add(ToolDraft::new(Category::Rubrics, "Quiz rubric").link(ToolLink::Tool(column)));
    add(ToolDraft::new(Category::Blogs, "Lab diary"));
    add(ToolDraft::new(Category::Calendar, "Exam day"));
    add(ToolDraft::new(Category::Contacts, "Office hours"));
    let forum = add(ToolDraft::new(Category::Discussions, "Questions")
        .post(author, "Ask here")
        .reply(student, "What is a cell?"));
    let glossary = add(ToolDraft::new(Category::Glossary, "Mitosis").link(ToolLink::Term(term)));
    let groups = add(ToolDraft::new(Category::GroupSettings, "Lab pairs").group("Pair 1", [student]));
    add(ToolDraft::new(Category::Journals, "Reflections"));
    add(ToolDraft::new(Category::Tasks, "Read chapter 1"));
    add(ToolDraft::new(Category::Wikis, "Class wiki"));
    let release = add(ToolDraft::new(Category::AdaptiveReleaseRules, "After unit 0").link(ToolLink::Content(los[0])));
    let alignment = add(ToolDraft::new(Category::ContentAlignments, "Goal 1").link(ToolLink::Content(los[1])));
    add(ToolDraft::new(Category::RetentionRules, "Keep 5 years"));
    Lms {
        ws,
        admin,
        author,
        student,
        course,
        los,
        banner,
        term,
        tools: Tools { quiz, column, rubric, forum, groups, glossary, release, alignment },
    }
}

/// A new-course request.
pub fn to_new(course_id: &str) -> CopyRequest {
    CopyRequest::new(CopyTarget::NewCourse { course_id: course_id.into() })
}

/// The finished target of a task, or a panic with its state.
pub fn finished(ws: &Workspace, task: TaskKey) -> (CourseKey, Vec<CopyIssue>) {
    match ws.task_status(task).unwrap().state {
        TaskState::Complete { course } => (course, vec![]),
        TaskState::CompleteWithErrors { course, issues } => (course, issues),
        other => panic!("task did not complete: {other:?}"),
    }
}

/// Tool items of a course as (category, title, link kind, posts, groups with
/// member counts, grades), comparable across courses.
pub fn tool_view(ws: &Workspace, course: CourseKey) -> Vec<String> {
    let c = ws.course(course).unwrap();
    c.tools()
        .iter()
        .map(|i| {
            let link = match i.link() {
                None => "-".to_string(),
                Some(ToolLink::Tool(t)) => format!("tool:{}", c.tools().get(t).unwrap().title()),
                Some(ToolLink::Content(lo)) => format!("lo:{}", ws.learning_object(lo).unwrap().title()),
                Some(ToolLink::Term(t)) => format!("term:{}", ws.library_entry(t).unwrap().name()),
            };
            let posts: Vec<String> =
                i.posts().map(|p| format!("{}{}", if p.is_reply() { "re:" } else { "" }, p.body())).collect();
            let groups: Vec<String> = i.groups().map(|(n, m)| format!("{n}({})", m.len())).collect();
            format!("{:?} {} {link} {posts:?} {groups:?} grades={}", i.category(), i.title(), i.grades().len())
        })
        .collect()
}
