//! Checking a copy and building its plan. Reads the workspace, never
//! changes it. Every check of a copy happens here.

use super::request::resolve_course;
use super::{ContentPick, CopyOptions, CopyRequest, CopyTarget, CourseRef};
use crate::access::require;
use crate::data::{
    CopyMode, CopySelection, Course, DatePlan, DateShift, LoSnapshot, OwnDates, Snapshot, Timestamp, ToolItem, limits,
};
use crate::edit::{free_course_id, free_external_id};
use crate::error::{Action, Error};
use crate::handles::{CourseKey, UserKey};
use crate::store::Store;
use imbl::{OrdSet, Vector};
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PlannedTarget {
    /// A new course: this record, without settings, members, styles,
    /// content or tools (the job adds them).
    New(Box<Course>),
    /// An existing course.
    Existing(CourseKey),
}

/// A checked copy, ready to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CopyPlan {
    pub(crate) requester: UserKey,
    pub(crate) mode: CopyMode,
    pub(crate) selection: CopySelection,
    pub(crate) keep_authors: bool,
    pub(crate) snapshot: Snapshot,
    pub(crate) target: PlannedTarget,
    /// The time of the request: a new target's `created` and `modified`,
    /// an existing target's `modified`.
    pub(crate) at: Timestamp,
    /// The tool items the copy carries, in copy order.
    pub(crate) tools: Vec<ToolItem>,
    /// The new dates of what the copy carries, if it shifts dates.
    pub(crate) dates: Option<Box<DatePlan>>,
}

/// Plans a copy into a new course with [`CopyOptions`] (OPT-1..4).
pub(crate) fn plan_copy(
    store: &Store,
    actor: UserKey,
    source: CourseKey,
    mode: CopyMode,
    options: &CopyOptions,
    now: Timestamp,
) -> Result<CopyPlan, Error> {
    let src = store.course(source)?;
    require(store, actor, Action::ReadCourse(source))?;
    require(store, actor, Action::CreateCourse)?;
    let mut fields = options.fields.clone();
    let course_id = match &options.course_id {
        Some(id) => free_course_id(store, id)?,
        None => derive_course_id(store, &src.course_id, fields.external_id.is_none()),
    };
    fields.external_id.get_or_insert_with(|| course_id.to_string());
    let checked = fields.check(store, None)?;
    let selection = CopySelection::everything();
    let tools = src.tools.selected(&selection);
    let dates = plan_dates(src, &tools, &selection, &options.date_shift)?;
    let mut record = new_record(src, source, actor, course_id, now);
    checked.apply_to_record(&mut record);
    Ok(CopyPlan {
        tools,
        dates,
        requester: actor,
        mode,
        selection,
        keep_authors: options.keep_authors,
        // Run to its end at once: the job reads the LOs live.
        snapshot: snapshot(store, src, mode, true),
        target: PlannedTarget::New(Box::new(record)),
        at: now,
    })
}

/// Plans an LMS copy request (LMS-1..3, LMS-12).
pub(crate) fn plan_request(
    store: &Store,
    actor: UserKey,
    source: &CourseRef,
    request: &CopyRequest,
    now: Timestamp,
) -> Result<CopyPlan, Error> {
    enum Resolved<'a> {
        New(&'a str),
        Existing(CourseKey),
    }
    let source = resolve_course(store, source)?;
    let resolved = match &request.target {
        CopyTarget::NewCourse { course_id } => Resolved::New(course_id),
        CopyTarget::Existing(target) => Resolved::Existing(resolve_course(store, target)?),
    };
    require(store, actor, Action::ReadCourse(source))?;
    let src = store.course(source)?;
    let tools = src.tools.selected(&request.selection);
    let target = match resolved {
        Resolved::Existing(target) => {
            require(store, actor, Action::EditCourse(target))?;
            if target == source {
                return Err(Error::invalid(crate::Field::Target, "a course cannot be copied into itself"));
            }
            if (store.course(target)?.tools.ids_left() as usize) < tools.len() {
                return Err(Error::invalid(
                    crate::Field::Target,
                    format!("{target} has no tool item ids left for the copy"),
                ));
            }
            PlannedTarget::Existing(target)
        }
        Resolved::New(course_id) => {
            require(store, actor, Action::CreateCourse)?;
            let course_id = free_course_id(store, course_id)?;
            let external_id = free_external_id(store, &course_id, None)?;
            let mut record = new_record(src, source, actor, course_id, now);
            record.external_id = external_id;
            PlannedTarget::New(Box::new(record))
        }
    };
    let dates = plan_dates(src, &tools, &request.selection, &request.date_shift)?;
    let mut snapshot = snapshot(store, src, request.mode, false);
    if request.selection.content_areas {
        pick_content(store, &request.content, request.mode, &mut snapshot)?;
    }
    Ok(CopyPlan {
        tools,
        dates,
        requester: actor,
        mode: request.mode,
        selection: request.selection,
        keep_authors: true,
        snapshot,
        target,
        at: now,
    })
}

/// Narrows `snapshot` to what `content` picks, in the source's order: a
/// learning object picked whole, or one holding picked pages with those
/// pages alone. Checks every pick against the source first.
fn pick_content(store: &Store, content: &ContentPick, mode: CopyMode, snapshot: &mut Snapshot) -> Result<(), Error> {
    let Some((los, pages)) = content.picked() else { return Ok(()) };
    let invalid = |reason: String| Err(Error::invalid(crate::Field::Selection, reason));
    if los.is_empty() && pages.is_empty() {
        return invalid("the pick names no learning object and no page".into());
    }
    if !pages.is_empty() && mode != CopyMode::Duplicate {
        return invalid(
            "only a Duplicate takes single pages: a Share or a linked copy carries whole learning objects".into(),
        );
    }
    let source: std::collections::BTreeSet<_> = snapshot.course.los.iter().copied().collect();
    if let Some(lo) = los.iter().find(|lo| !source.contains(lo)) {
        return invalid(format!("{lo} is not a learning object of the source"));
    }
    let mut partly = std::collections::BTreeSet::new();
    for page in pages {
        match store.page(*page).ok().map(|p| p.lo).filter(|lo| source.contains(lo)) {
            Some(lo) => partly.insert(lo),
            None => return invalid(format!("{page} is not a page of the source's learning objects")),
        };
    }
    let keep = |lo: &crate::handles::LoKey| los.contains(lo) || partly.contains(lo);
    snapshot.course.los.retain(keep);
    snapshot.los.retain(|(lo, _)| keep(lo));
    for (lo, taken) in &mut snapshot.los {
        if !los.contains(lo) {
            taken.pages = taken.pages.iter().filter(|p| pages.contains(p)).copied().collect();
        }
    }
    Ok(())
}

/// The new dates of what a copy with `selection` carries of `src`, if
/// `shift` moves dates: the selected tool items, and the duration and
/// enrollment window if the copy carries them (LMS-8). Shifted in the
/// source's time zone (DAT-2).
fn plan_dates(
    src: &Course,
    tools: &[ToolItem],
    selection: &CopySelection,
    shift: &DateShift,
) -> Result<Option<Box<DatePlan>>, Error> {
    if shift.is_none() {
        return Ok(None);
    }
    let own = OwnDates { duration: selection.settings.duration, enrollment: selection.settings.enrollment_options };
    let plan = DatePlan::of(src, tools, own, shift).map_err(|e| match e {
        Error::Invalid { field: crate::Field::Date, reason } => Error::invalid(crate::Field::DateShift, reason),
        other => other,
    })?;
    Ok(Some(Box::new(plan)))
}

/// The source as it is now. Share reads no LO record (the course's LO
/// list, a persistent vector, is all it needs), so only Duplicate takes
/// the LO records, and only for a job that outlives its call: a `live`
/// one reads them as it goes ([`Snapshot::live`]).
fn snapshot(store: &Store, source: &Course, mode: CopyMode, live: bool) -> Snapshot {
    let course = source.clone();
    let styles = course.styles.iter().filter_map(|s| store.style(*s).ok()).cloned().collect();
    let (los, live) = match mode {
        CopyMode::Share => (Vec::new(), None),
        CopyMode::Duplicate | CopyMode::Linked if live => (Vec::new(), Some(course.los.iter().copied().collect())),
        CopyMode::Duplicate | CopyMode::Linked => {
            let mut los = Vec::with_capacity(course.los.len());
            los.extend(
                course.los.iter().filter_map(|lo| store.learning_object(*lo).ok().map(|r| (*lo, LoSnapshot::of(r)))),
            );
            (los, None)
        }
    };
    Snapshot { course, styles, los, live }
}

/// The first free id among `<base>-copy`, `<base>-copy-2`, ..., with
/// `base` cut to fit the limit. With `as_external`, the id must be free
/// as an `external_id` too.
fn derive_course_id(store: &Store, base: &str, as_external: bool) -> Arc<str> {
    (1usize..)
        .map(|n| {
            let suffix = if n == 1 { "-copy".to_string() } else { format!("-copy-{n}") };
            let keep = limits::COURSE_ID.saturating_sub(suffix.chars().count());
            let stem: String = base.chars().take(keep).collect();
            stem + &suffix
        })
        .find(|id| {
            let taken_as_external = as_external && store.course_by_external_id(id).is_some();
            store.course_by_id(id).is_none() && !taken_as_external
        })
        .map(Arc::from)
        .unwrap_or_else(|| Arc::from(base))
}

/// The record of a new course copied from `src`: everything but identity,
/// members, styles, content, settings and tools, which the job fills in.
fn new_record(src: &Course, source: CourseKey, actor: UserKey, course_id: Arc<str>, now: Timestamp) -> Course {
    Course {
        pk: 0,
        uuid: 0,
        created: now,
        modified: now,
        external_id: course_id.clone(),
        course_id,
        created_by: actor,
        assigned: OrdSet::new(),
        styles: Vector::new(),
        los: Vector::new(),
        copied_from: Some(source),
        settings: Default::default(),
        tools: Default::default(),
        lock: None,
        field_locks: Default::default(),
        ..src.clone()
    }
}
