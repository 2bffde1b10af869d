//! The API-neutral ops' application: each names the workspace user by
//! name and courses and pages by numeric id, so it replays whichever API
//! sent it and whatever keys the server starts with.

use super::{CoreError, Model, Outcome};
use coursecopy::{Availability, CourseChange, CourseRef, Duration, NewCourse, Timestamp};

impl Model {
    /// [`Op::EditPage`]: the page, found by numeric id in the course it
    /// was reached through, edited there (`None` keeps a field).
    pub(super) fn edit_page(
        &mut self,
        user: &str,
        course: u64,
        page: u64,
        title: Option<&str>,
        body: Option<&str>,
    ) -> Result<Outcome, CoreError> {
        let actor = self.user(user)?;
        let course = self.ws.resolve_course(&CourseRef::PrimaryId(course))?;
        let page = self.page_in(course, page)?;
        let mut edit = coursecopy::PageEdit::new();
        if let Some(title) = title {
            edit = edit.title(title);
        }
        if let Some(body) = body {
            edit = edit.body(body);
        }
        self.ws.edit_page(actor, course, page, edit)?;
        Ok(Outcome::Done)
    }

    /// [`Op::ChangeCourse`]: its title, course code, external id, time
    /// zone and availability (each kept when `None`), and the start and
    /// end of its `DateRange`, as one course change at `at`. A start or
    /// end given alone moves that bound of the course's range; a course
    /// with no range gets one only when both are given (the model has no
    /// open-ended range), and an end before the start is refused.
    pub(super) fn change_course(
        &mut self,
        user: &str,
        course: u64,
        [title, course_code, external_id, time_zone, availability]: [Option<&str>; 5],
        [start, end]: [Option<Timestamp>; 2],
        at: Timestamp,
    ) -> Result<Outcome, CoreError> {
        let actor = self.user(user)?;
        let course = self.ws.resolve_course(&CourseRef::PrimaryId(course))?;
        let mut change = CourseChange::new().at(at);
        let range = match self.ws.course(course)?.settings().duration() {
            Duration::DateRange { start, end } => [Some(start), Some(end)],
            _ => [None, None],
        };
        if let (true, Some(start), Some(end)) = (start.is_some() || end.is_some(), start.or(range[0]), end.or(range[1]))
        {
            change = change.duration(Duration::DateRange { start, end });
        }
        if let Some(title) = title {
            change = change.title(title);
        }
        if let Some(code) = course_code {
            change = change.detail("course_code", code);
        }
        if let Some(id) = external_id {
            change = change.external_id(id);
        }
        if let Some(zone) = time_zone {
            change = change.time_zone(coursecopy::Zone::get(zone)?);
        }
        if let Some(availability) = availability {
            change = change.availability(availability_named(availability)?);
        }
        self.ws.update_course(actor, course, change)?;
        Ok(Outcome::Done)
    }
}

/// The fields of a course made by [`Op::NewCourse`](super::Op::NewCourse).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CourseFields {
    /// The title.
    pub title: String,
    /// The `course_code` detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_code: Option<String>,
    /// The external id; the `course_id` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// An IANA time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// A `DateRange` duration, when both are given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Timestamp>,
    /// The range's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Timestamp>,
    /// Available to students at once; not when false.
    #[serde(default)]
    pub available: bool,
}

impl Model {
    /// [`Op::NewCourse`](super::Op::NewCourse): a course whose `course_id` is
    /// `<prefix>-<its numeric id>`, which never changes (LMS-10); when
    /// another course holds that id (a Learn client chose it), the first
    /// free of `<prefix>-<id>-2`, `-3`, ...
    pub(super) fn new_course(
        &mut self,
        user: &str,
        prefix: &str,
        fields: &CourseFields,
        at: Timestamp,
    ) -> Result<Outcome, CoreError> {
        let actor = self.user(user)?;
        let base = format!("{prefix}-{}", self.ws.next_course_id());
        let taken = |id: &str| {
            let as_external =
                fields.external_id.is_none() && self.ws.resolve_course(&CourseRef::ExternalId(id.into())).is_ok();
            self.ws.resolve_course(&CourseRef::CourseId(id.into())).is_ok() || as_external
        };
        let mut course_id = base.clone();
        for n in 2u64.. {
            if !taken(&course_id) {
                break;
            }
            course_id = format!("{base}-{n}");
        }
        let mut spec = NewCourse::new(course_id, fields.title.as_str()).at(at);
        if let Some(code) = &fields.course_code {
            spec = spec.detail("course_code", code.as_str());
        }
        if let Some(id) = &fields.external_id {
            spec = spec.external_id(id.as_str());
        }
        if let Some(zone) = &fields.time_zone {
            spec = spec.time_zone(coursecopy::Zone::get(zone)?);
        }
        if let (Some(start), Some(end)) = (fields.start, fields.end) {
            spec = spec.duration(Duration::DateRange { start, end });
        }
        spec = spec.availability(if fields.available { Availability::Yes } else { Availability::No });
        Ok(Outcome::Course(self.ws.create_course(actor, spec)?))
    }

    /// [`Op::RemoveCourse`](super::Op::RemoveCourse): the course deleted, with
    /// what only it held.
    pub(super) fn remove_course(&mut self, user: &str, course: u64) -> Result<Outcome, CoreError> {
        let actor = self.user(user)?;
        let course = self.ws.resolve_course(&CourseRef::PrimaryId(course))?;
        self.delete_course(actor, course)
    }

    /// Deletes a course, whichever API asked, and drops what the server's
    /// blueprint data holds of it: its template, its associations. A
    /// blueprint whose sync is unfinished is not deleted.
    pub(super) fn delete_course(
        &mut self,
        actor: coursecopy::UserKey,
        course: coursecopy::CourseKey,
    ) -> Result<Outcome, CoreError> {
        let id = self.ws.course(course)?.numeric_id();
        self.check_course_removal(id)?;
        self.ws.delete_course(actor, course)?;
        self.forget_course(id);
        Ok(Outcome::Done)
    }
}

/// An availability by its name: `Yes`, `No`, `Disabled`, `Term`.
fn availability_named(name: &str) -> Result<Availability, CoreError> {
    match name {
        "Yes" => Ok(Availability::Yes),
        "No" => Ok(Availability::No),
        "Disabled" => Ok(Availability::Disabled),
        "Term" => Ok(Availability::Term),
        other => Err(CoreError::Body(format!("availability: {other:?} is none of Yes, No, Disabled, Term"))),
    }
}
