//! Linked copies in one walk: a master course and three sections taught
//! from it. The master's authors fix and extend the content; each section
//! previews what is pending, syncs, keeps its own changes or declines an
//! update; a field lock keeps one part the same everywhere.
//!
//! Run with `cargo run --example linked_copies`.

use coursecopy::{
    CopyOptions, Customisations, Error, FieldLocks, LoKey, NewCourse, PageDraft, PageEdit, Role, Workspace,
};

fn show(ws: &Workspace, label: &str, lo: LoKey) -> Result<(), Error> {
    println!("{label}:");
    for page in ws.learning_object(lo)?.pages() {
        let p = ws.page(page)?;
        println!("    {:<14} {}", p.title(), p.body());
    }
    Ok(())
}

fn main() -> Result<(), Error> {
    let (mut ws, admin) = Workspace::with_admin("Ada")?;
    let author = ws.create_user(admin, "Grace", Role::Author)?;
    let master = ws.create_course(author, NewCourse::new("BIO-101", "Biology (master)"))?;
    let cells = ws.create_learning_object(author, master, "Cells", "The unit of life")?;
    let mut pages = Vec::new();
    for (title, body) in [("Membranes", "Lipids."), ("Nucleus", "DNA lives here."), ("Mitochondria", "Energy.")] {
        pages.push(ws.add_page(author, master, cells, PageDraft::new(title, body))?.page);
    }

    // Three sections, each a linked copy of the master.
    let mut sections = Vec::new();
    for id in ["BIO-101-A", "BIO-101-B", "BIO-101-C"] {
        let section = ws.link_course(author, master, &CopyOptions::new().course_id(id))?;
        // The section's copy of the master's Cells.
        let copy = ws.linked_copy_in(section, cells)?.expect("a linked copy holds every LO of the master");
        sections.push((id, section, copy));
    }
    let (a, b, c) = (sections[0], sections[1], sections[2]);

    // Section A's teacher rewrites the Nucleus page in their own words.
    let a_nucleus = ws.linked_page_copy_in(a.1, pages[1])?.expect("section A has the Nucleus page");
    ws.edit_page(author, a.1, a_nucleus, PageEdit::new().body("Our notes on the nucleus."))?;

    // The master fixes two pages and adds one.
    ws.edit_page(author, master, pages[1], PageEdit::new().body("DNA lives here, in chromosomes."))?;
    ws.edit_page(author, master, pages[2], PageEdit::new().body("ATP is made here."))?;
    ws.add_page(author, master, cells, PageDraft::new("Ribosomes", "Proteins are made here."))?;

    for (id, section, _) in &sections {
        let pending: Vec<String> = ws.updates_available(*section)?.iter().map(|lo| lo.to_string()).collect();
        println!("{id}: updates available for {}", pending.join(", "));
    }

    println!("\nPreview for section A (its own Nucleus page is a conflict):");
    print!("{}", ws.preview_sync(a.2)?.display_with(&ws));
    let report = ws.sync_learning_object(author, a.1, a.2, Customisations::Keep)?;
    println!("synced to version {}: {} applied, {} kept", report.version, report.applied.len(), report.kept.len());
    show(&ws, "Section A after its sync", a.2)?;

    println!("\nPreview for section B:");
    print!("{}", ws.preview_sync(b.2)?.display_with(&ws));
    let declined = ws.decline_update(author, b.1, b.2)?;
    println!("section B declines version {declined}; updates available: {}", ws.updates_available(b.1)?.len());

    // The master locks its content: sections may not edit pages, and every
    // sync writes them, over section A's own Nucleus page too.
    ws.set_field_locks(author, master, FieldLocks::new().content(true).title_description(false))?;
    let c_page = ws.linked_page_copy_in(c.1, pages[0])?.expect("section C has the Membranes page");
    match ws.edit_page(author, c.1, c_page, PageEdit::new().body("Section C's own text")) {
        Err(e) => println!("\nsection C edits a locked page: {}", e.display_with(&ws)),
        Ok(_) => println!("\nsection C edited a locked page"),
    }
    ws.edit_page(author, master, pages[0], PageEdit::new().body("Lipid bilayers."))?;
    println!("\nPreview for section B after another master edit (the declined changes are back):");
    print!("{}", ws.preview_sync(b.2)?.display_with(&ws));
    println!("\nPreview for section C:");
    print!("{}", ws.preview_sync(c.2)?.display_with(&ws));

    // The master pushes to every section at once.
    for outcome in ws.push_updates(author, cells, Customisations::Keep)? {
        let report = outcome.result?;
        println!("pushed to {}: {} changes applied", outcome.learning_object, report.applied.len());
    }
    show(&ws, "\nSection A", a.2)?;
    show(&ws, "Section B", b.2)?;
    show(&ws, "Section C", c.2)?;
    ws.check_integrity()?;
    Ok(())
}
