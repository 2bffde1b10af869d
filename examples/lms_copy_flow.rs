//! The LMS copy flow as an integration sees it: POST a copy request, poll
//! the task, PATCH the new course.
//!
//! Run with `cargo run --example lms_copy_flow --features serde`.

use coursecopy::{
    Category, CopyRequest, CourseChange, CourseRef, Error, LearnCopyRequest, LearnCourseChange, NewCourse, PageDraft,
    Role, TaskState, Timestamp, ToolDraft, ToolLink, Workspace,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut ws, admin) = Workspace::with_admin("Ada (admin)")?;
    let integration = ws.create_user(admin, "SIS integration", Role::Author)?;
    let template = template_course(&mut ws, integration)?;

    // 1. POST /courses/courseId:mbk-original-template/copy
    let body = r#"{
        "targetCourse": { "courseId": "mbk-original-target2" },
        "copy": {
            "contentAreas": "true", "announcements": "true", "assessments": "true",
            "discussions": "ForumsOnly", "gradebook": "true", "rubrics": "false",
            "adaptiveReleaseRules": "true",
            "settings": { "availability": "true", "guestAccess": "true" }
        }
    }"#;
    println!("POST /courses/courseId:mbk-original-template/copy\n{body}\n");
    // Learn's body is a wire type of the library's, read into the core's request.
    let request: CopyRequest = serde_json::from_str::<LearnCopyRequest>(body)?.into();
    let source: CourseRef = "courseId:mbk-original-template".parse()?;
    let task = ws.request_copy(integration, source, &request)?;
    let status = ws.task_status(task)?;
    println!("-> 202 Accepted, Location: /courses/{}/tasks/{}\n", ws.course(template)?.lms_id(), status.id);

    // Another request for the same id is refused at once (LMS-2).
    if let Err(e) = ws.request_copy(integration, template, &request) {
        println!("A second request for the same courseId: {e}\n");
    }

    // 2. Poll the task. The host gives each poll a budget of work units.
    println!("GET /courses/.../tasks/{}", status.id);
    // The clock is an input: a fixed start and one second a poll, so every
    // run of this example prints the same task times.
    let mut clock: Timestamp = "2027-01-31T09:30:00.000Z".parse()?;
    loop {
        let status = ws.task_status(task)?;
        let json = serde_json::to_string(&status)?;
        let bar = "#".repeat(usize::from(status.percent_complete) / 5);
        println!("  [{bar:<20}] {:>3}%  {json}", status.percent_complete);
        if status.state.is_finished() {
            break;
        }
        ws.run_tasks_at(4, clock);
        clock = Timestamp::from_unix_millis(clock.unix_millis() + 1_000);
    }
    let target = match ws.task_status(task)?.state {
        TaskState::Complete { course } => course,
        TaskState::CompleteWithErrors { course, issues } => {
            println!("\nCompleted with {} dropped reference(s):", issues.len());
            for issue in issues {
                println!("  - {issue:?}");
            }
            course
        }
        other => return Err(format!("copy failed: {other:?}").into()),
    };

    // 3. PATCH /courses/courseId:mbk-original-target2
    let patch = r#"{ "externalId": "mbk-original-target2", "name": "Biology (autumn)", "description": "my copied course",
                     "availability": { "available": "Yes", "duration": { "type": "FixedNumDays", "daysOfUse": 90 } } }"#;
    println!("\nPATCH /courses/courseId:mbk-original-target2\n{patch}");
    let change: CourseChange = serde_json::from_str::<LearnCourseChange>(patch)?.into();
    ws.update_course(integration, target, change)?;
    let bad: CourseChange = serde_json::from_str::<LearnCourseChange>(r#"{ "courseId": "renamed" }"#)?.into();
    if let Err(e) = ws.update_course(integration, target, bad) {
        println!("A PATCH that renames the courseId: {e}");
    }

    show(&ws, template, "Source")?;
    show(&ws, target, "Copy")?;
    Ok(())
}

fn template_course(ws: &mut Workspace, user: coursecopy::UserKey) -> Result<coursecopy::CourseKey, Error> {
    let course = ws.create_course(user, NewCourse::new("mbk-original-template", "Biology").guest_access(true))?;
    let image = ws.add_media(user, "cell.png", "files/cell.png")?;
    let mut units = Vec::new();
    for unit in ["Cells", "Genetics", "Ecology"] {
        let lo = ws.create_learning_object(user, course, unit, "")?;
        for n in 1..=4 {
            ws.add_page(user, course, lo, PageDraft::new(format!("{unit} {n}"), "...").item(image))?;
        }
        units.push(lo);
    }
    let first = units[0];
    ws.add_tool(user, course, ToolDraft::new(Category::Announcements, "Welcome"))?;
    let quiz = ws.add_tool(user, course, ToolDraft::new(Category::Assessments, "Quiz 1"))?;
    let column = ws.add_tool(user, course, ToolDraft::new(Category::Gradebook, "Quiz 1").link(ToolLink::Tool(quiz)))?;
    ws.add_tool(user, course, ToolDraft::new(Category::Rubrics, "Quiz rubric").link(ToolLink::Tool(column)))?;
    ws.add_tool(user, course, ToolDraft::new(Category::Discussions, "Questions").post(user, "Ask here"))?;
    ws.add_tool(
        user,
        course,
        ToolDraft::new(Category::AdaptiveReleaseRules, "After cells").link(ToolLink::Content(first)),
    )?;
    Ok(course)
}

fn show(ws: &Workspace, course: coursecopy::CourseKey, label: &str) -> Result<(), Error> {
    let c = ws.course(course)?;
    println!("\n{label}: {} [{}] external id {:?}, {}", c.title(), c.course_id(), c.external_id(), c.lms_id());
    println!(
        "  availability {:?}, duration {:?}, guests {}",
        c.settings().availability(),
        c.settings().duration(),
        c.settings().guest_access()
    );
    let los: Vec<String> = c
        .learning_objects()
        .map(|lo| ws.learning_object(lo).map(|l| format!("{} ({} pages)", l.title(), l.pages().count())))
        .collect::<Result<_, _>>()?;
    println!("  content: {}", los.join(", "));
    for item in c.tools().iter() {
        let link = if item.link().is_some() { " -> linked" } else { "" };
        println!("  {:?}: {} ({} posts){link}", item.category(), item.title(), item.posts().count());
    }
    Ok(())
}
