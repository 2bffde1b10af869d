//! A tour of the re-use toolkit on a realistic case: one core safety course,
//! shared by three regional courses that add their own content; one region
//! re-uses another's learning object, one detaches a shared one to adapt it.
//!
//! Prints where each learning object is used, what edits would reach,
//! how two regions compare; writes the sharing graph as Graphviz DOT and,
//! when `dot` is installed, renders it to SVG.
//!
//! Run with `cargo run --example reuse_tour`.

use coursecopy::{
    Change, CopyOptions, CourseKey, Error, GraphOptions, LibraryItem, LoEdit, NewCourse, PageDraft, Role, Workspace,
};
use std::path::Path;
use std::process::Command;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut ws, admin) = Workspace::with_admin("Ada (admin)")?;
    let author = ws.create_user(admin, "Grace (author)", Role::Author)?;

    // The library: global, shared by everyone.
    let logo = ws.add_media(author, "company-logo.png", "files/logo-2026.png")?;
    let handbook = ws.add_resource(author, "Safety handbook", "files/handbook.pdf")?;
    let ppe = ws.add_glossary_term(author, "PPE", "Personal protective equipment")?;

    // The core course and its learning objects.
    let core = ws.create_course(author, NewCourse::new("SAFETY-CORE", "Safety: core"))?;
    let mut core_los = Vec::new();
    for (title, pages) in [
        ("Fire safety", ["Alarms", "Extinguishers", "Evacuation"]),
        ("First aid", ["Bleeding", "Burns", "Calling for help"]),
        ("Protective gear", ["Goggles", "Gloves", "Boots"]),
    ] {
        let lo = ws.create_learning_object(author, core, title, "")?;
        for page in pages {
            let draft = PageDraft::new(page, format!("{page}: what to do.")).item(logo).item(handbook).item(ppe);
            ws.add_page(author, core, lo, draft)?;
        }
        core_los.push(lo);
    }

    // Three regions share the core and add their own learning object.
    let mut regions = Vec::new();
    for region in ["North", "South", "East"] {
        let course = ws.share_course(
            author,
            core,
            &CopyOptions::new()
                .course_id(format!("SAFETY-{}", region.to_uppercase()))
                .title(format!("Safety: {region}")),
        )?;
        let own = ws.create_learning_object(author, course, &format!("{region} site map"), "")?;
        ws.add_page(author, course, own, PageDraft::new("Assembly points", "See the map.").item(logo))?;
        regions.push((region, course, own));
    }
    let (north, south, east) = (regions[0].1, regions[1].1, regions[2].1);

    // REU-3: East re-uses the North site map (the sites are next door).
    ws.add_learning_object(author, east, regions[0].2, None)?;
    // REU-4: South detaches First aid to adapt it to its clinic.
    let south_first_aid = ws.detach_learning_object(author, south, core_los[1])?;
    ws.edit_learning_object(author, south, south_first_aid, LoEdit::new().title("First aid (South clinic)"))?;

    println!("Where used (REU-1): the badge each learning object of a course would show\n");
    for (_, course, _) in &regions {
        badges(&ws, *course)?;
    }

    println!("\nImpact before a change (REU-2)\n");
    let alarms = ws.learning_object(core_los[0])?.pages().next().ok_or("no page")?;
    let reach = ws.impact(Change::EditPage(alarms))?;
    println!("  Editing \"Alarms\" would reach {} courses: {}", reach.len(), names(&ws, reach.iter())?);
    let reach = ws.impact(Change::UpdateLibraryItem(LibraryItem::Media(logo)))?;
    println!("  Replacing the logo file would reach {} courses: {}", reach.len(), names(&ws, reach.iter())?);
    let reach = ws.impact(Change::RemoveLearningObject { course: east, lo: regions[0].2 })?;
    println!("  Removing \"North site map\" from East would reach only: {}", names(&ws, reach.iter())?);
    println!("  Pages that use the handbook: {}", ws.pages_using(handbook).len());

    println!("\nCompare North and South (REU-5)\n");
    let cmp = ws.compare_courses(north, south)?;
    let titles = |los: &[coursecopy::LoKey]| -> Result<String, Error> {
        Ok(los
            .iter()
            .map(|lo| ws.learning_object(*lo).map(|l| l.title().to_string()))
            .collect::<Result<Vec<_>, _>>()?
            .join(", "))
    };
    println!("  shared:           {}", titles(&cmp.shared)?);
    for (a, b) in &cmp.duplicated {
        println!("  duplicated:       {} ~ {}", ws.learning_object(*a)?.title(), ws.learning_object(*b)?.title());
    }
    println!("  only in North:    {}", titles(&cmp.only_in_first)?);
    println!("  only in South:    {}", titles(&cmp.only_in_second)?);

    // REU-6: the picture.
    let dir = Path::new("target").join("reuse_tour");
    std::fs::create_dir_all(&dir)?;
    let dot_file = dir.join("sharing.dot");
    std::fs::write(&dot_file, ws.sharing_graph(GraphOptions::new().library(true)))?;
    println!("\nThe sharing graph (REU-6) is in {}", dot_file.display());
    let svg = dir.join("sharing.svg");
    match Command::new("dot").arg("-Tsvg").arg(&dot_file).arg("-o").arg(&svg).status() {
        Ok(status) if status.success() => println!("Rendered to {}", svg.display()),
        _ => println!(
            "Graphviz `dot` is not installed, so no SVG was rendered. Install it (`apt-get install graphviz`, \
             `brew install graphviz`, or https://graphviz.org/download/) and run:\n  dot -Tsvg {} -o {}",
            dot_file.display(),
            svg.display()
        ),
    }
    Ok(())
}

fn badges(ws: &Workspace, course: CourseKey) -> Result<(), Error> {
    let c = ws.course(course)?;
    println!("  {}", c.title());
    for lo in c.learning_objects() {
        let record = ws.learning_object(lo)?;
        let used = record.used_in().len();
        let badge = if used > 1 { format!("[used in {used} courses]") } else { "[only here]".to_string() };
        let origin = match record.origin() {
            Some(o) => format!("  (detached from \"{}\")", ws.learning_object(o)?.title()),
            None => String::new(),
        };
        println!("    {:<28} {badge}{origin}", record.title());
    }
    Ok(())
}

fn names(ws: &Workspace, courses: impl Iterator<Item = CourseKey>) -> Result<String, Error> {
    Ok(courses.map(|c| ws.course(c).map(|c| c.title().to_string())).collect::<Result<Vec<_>, _>>()?.join(", "))
}
