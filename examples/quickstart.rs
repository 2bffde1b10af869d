//! Share versus Duplicate, step by step.
//!
//! Builds a small course, shares it and duplicates it, then makes the same
//! edits the source documents walk through, and prints what each course
//! shows after each step.
//!
//! Run with `cargo run --example quickstart`.

use coursecopy::{CopyOptions, CourseKey, Error, NewCourse, PageDraft, PageEdit, Role, Workspace};

fn main() -> Result<(), Error> {
    let (mut ws, admin) = Workspace::with_admin("Ada (admin)")?;
    let author = ws.create_user(admin, "Grace (author)", Role::Author)?;

    // The source course: two learning objects, an image, a glossary term
    // and a style.
    let original = ws.create_course(author, NewCourse::new("SAFE-101", "Lab safety"))?;
    let goggles = ws.add_media(author, "goggles.png", "files/goggles.png")?;
    let gloves = ws.add_media(author, "gloves.png", "files/gloves.png")?;
    let ppe = ws.add_glossary_term(author, "PPE", "Personal protective equipment")?;
    let warning = ws.create_style(author, original, "Warning", ".warning { color: red }")?;
    let intro = ws.create_learning_object(author, original, "Introduction", "")?;
    let gear = ws.create_learning_object(author, original, "Protective gear", "")?;
    ws.add_page(author, original, intro, PageDraft::new("Welcome", "Welcome to the lab.").item(ppe))?;
    ws.add_page(author, original, intro, PageDraft::new("Rules", "Never eat in the lab.").style(warning))?;
    let eyes = ws.add_page(author, original, gear, PageDraft::new("Eyes", "Wear goggles.").item(goggles))?.page;
    let hands = ws.add_page(author, original, gear, PageDraft::new("Hands", "Wear gloves.").item(gloves))?.page;

    let shared = ws.share_course(author, original, &CopyOptions::new().title("Lab safety (shared)"))?;
    let duplicate = ws.duplicate_course(author, original, &CopyOptions::new().title("Lab safety (duplicate)"))?;
    let courses = [original, shared, duplicate];
    show(&ws, "Right after the copies (the duplicate has no styles: DUP-3)", &courses)?;

    // 1. Edit a page of a shared LO through the shared copy.
    let reach = ws.edit_page(author, shared, eyes, PageEdit::new().body("Goggles on, always."))?;
    println!(">>> edited page \"Eyes\" through the shared copy; it reaches {} courses", reach.len());
    // 2. Delete a page of a shared LO through the original.
    ws.delete_page(author, original, hands)?;
    println!(">>> deleted page \"Hands\" through the original");
    // 3. Replace the image on a page ("Change"), through the original.
    ws.replace_item(author, original, eyes, goggles, gloves)?;
    println!(">>> replaced goggles.png by gloves.png on page \"Eyes\"");
    // 4. Remove a whole LO from the shared copy.
    ws.remove_learning_object(author, shared, intro)?;
    println!(">>> removed LO \"Introduction\" from the shared copy");
    // 5. Add a new LO to the shared copy.
    let spills = ws.create_learning_object(author, shared, "Spills", "")?;
    ws.add_page(author, shared, spills, PageDraft::new("Acids", "Neutralise first."))?;
    println!(">>> created LO \"Spills\" in the shared copy");
    // 6. Update a glossary term in the library.
    ws.update_library_item(author, ppe, "Gear that keeps you safe")?;
    println!(">>> updated glossary term PPE in the library");
    show(&ws, "After the edits", &courses)?;

    println!("What happened:");
    println!("  - The page edit, the page deletion and the image change reached the original and the");
    println!("    shared copy, which include the same LOs. The duplicate kept its own pages.");
    println!("  - Removing \"Introduction\" from the shared copy left it in the original.");
    println!("  - \"Spills\" exists only in the shared copy.");
    println!("  - The glossary term changed everywhere: library items are global.");
    Ok(())
}

fn show(ws: &Workspace, heading: &str, courses: &[CourseKey]) -> Result<(), Error> {
    println!("\n=== {heading} ===");
    for &course in courses {
        let c = ws.course(course)?;
        println!("\n{} [{}]", c.title(), c.course_id());
        for lo in c.learning_objects() {
            let record = ws.learning_object(lo)?;
            let shared = record.used_in().len() > 1;
            println!("  LO {}{}", record.title(), if shared { "  (shared)" } else { "" });
            for page in record.pages() {
                let p = ws.page(page)?;
                let style = match p.style() {
                    Some(s) => format!("  style: {}", ws.style(s)?.name()),
                    None => String::new(),
                };
                println!("    - {}: \"{}\"{style}", p.title(), p.body());
                for (_, entry) in ws.page_items(page)? {
                    println!("        uses {} ({})", entry.name(), entry.content());
                }
            }
        }
    }
    println!();
    Ok(())
}
