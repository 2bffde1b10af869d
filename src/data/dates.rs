//! Dated items (SPEC section 12): the optional dates of a tool item, and
//! what a date shift reports.

use super::{Category, Course, DateShift, Duration, Enrollment, Moved, Timestamp, ToolId, ToolItem, Zone};
use crate::Error;
use std::fmt;
use std::sync::Arc;

/// The dates of one dated item, each optional. What each means depends on
/// the item's [`Category`] ([`Category::takes_date`]):
///
/// | category | `start` | `end` | `due` |
/// | --- | --- | --- | --- |
/// | assessments | available from | available until | due |
/// | announcements | shown from | shown until | |
/// | calendar events | start | end | |
/// | discussion forums | available from | available until | |
/// | adaptive release rules | released from | released until | |
/// | tasks, gradebook columns | | | due |
/// | course duration, self-enrollment window (in reports) | start | end | |
///
/// `end` is never before `start`. `due` may fall anywhere: a late
/// submission window is an assessment's own business.
///
/// ```
/// use coursecopy::{Timestamp, ToolDates};
/// let t = |s: &str| s.parse::<Timestamp>().unwrap();
/// let week = ToolDates::new().start(t("2027-03-01T08:00:00Z")).end(t("2027-03-07T21:59:00Z"));
/// assert_eq!(week.earliest(), Some(t("2027-03-01T08:00:00Z")));
/// assert!(ToolDates::new().is_empty());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", deny_unknown_fields))]
#[must_use]
pub struct ToolDates {
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub(crate) start: Option<Timestamp>,
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub(crate) end: Option<Timestamp>,
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub(crate) due: Option<Timestamp>,
}

/// One of the three dates of [`ToolDates`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum DateField {
    /// Available, shown or released from; an event's start.
    Start,
    /// Available, shown or released until; an event's end.
    End,
    /// Due.
    Due,
}

impl DateField {
    /// The three fields, in order.
    pub const ALL: [DateField; 3] = [DateField::Start, DateField::End, DateField::Due];

    /// The field's name in errors and JSON: `start`, `end`, `due`.
    pub fn name(self) -> &'static str {
        match self {
            DateField::Start => "start",
            DateField::End => "end",
            DateField::Due => "due",
        }
    }
}

impl ToolDates {
    /// No dates.
    pub fn new() -> Self {
        ToolDates::default()
    }

    /// Sets the start.
    pub fn start(mut self, at: Timestamp) -> Self {
        self.start = Some(at);
        self
    }

    /// Sets the end.
    pub fn end(mut self, at: Timestamp) -> Self {
        self.end = Some(at);
        self
    }

    /// Sets the due date.
    pub fn due(mut self, at: Timestamp) -> Self {
        self.due = Some(at);
        self
    }

    /// The start, if any.
    pub fn start_date(&self) -> Option<Timestamp> {
        self.start
    }

    /// The end, if any.
    pub fn end_date(&self) -> Option<Timestamp> {
        self.end
    }

    /// The due date, if any.
    pub fn due_date(&self) -> Option<Timestamp> {
        self.due
    }

    /// One date, by field.
    pub fn get(&self, field: DateField) -> Option<Timestamp> {
        match field {
            DateField::Start => self.start,
            DateField::End => self.end,
            DateField::Due => self.due,
        }
    }

    /// Whether no date is set.
    pub fn is_empty(&self) -> bool {
        self.start.is_none() && self.end.is_none() && self.due.is_none()
    }

    /// The earliest date set: the one a shift moves by its rule (DAT-5).
    pub fn earliest(&self) -> Option<Timestamp> {
        self.iter().map(|(_, t)| t).min()
    }

    /// The dates set, with their fields, in field order.
    pub fn iter(&self) -> impl Iterator<Item = (DateField, Timestamp)> + '_ {
        DateField::ALL.into_iter().filter_map(|f| self.get(f).map(|t| (f, t)))
    }

    /// Whether the dates are in order: no end before its start.
    pub(crate) fn in_order(&self) -> bool {
        !matches!((self.start, self.end), (Some(s), Some(e)) if e < s)
    }

    pub(crate) fn as_array(&self) -> [Option<Timestamp>; 3] {
        [self.start, self.end, self.due]
    }

    /// Dates as given, unchecked: callers check them ([`in_order`](Self::in_order),
    /// or the edit layer's check of a category's dates).
    pub(crate) fn from_array([start, end, due]: [Option<Timestamp>; 3]) -> Self {
        ToolDates { start, end, due }
    }
}

impl Category {
    /// Whether items of this category take `field` (SPEC section 12).
    pub fn takes_date(self, field: DateField) -> bool {
        use Category::*;
        match field {
            DateField::Start | DateField::End => {
                matches!(self, Assessments | Announcements | Calendar | Discussions | AdaptiveReleaseRules)
            }
            DateField::Due => matches!(self, Assessments | Tasks | Gradebook),
        }
    }
}

impl From<DateField> for crate::Field {
    fn from(field: DateField) -> Self {
        match field {
            DateField::Start => crate::Field::Start,
            DateField::End => crate::Field::End,
            DateField::Due => crate::Field::Due,
        }
    }
}

/// A dated item of a course, as a date shift reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", tag = "kind"))]
#[non_exhaustive]
pub enum DatedItem {
    /// A tool item.
    #[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
    Tool {
        /// Its category.
        category: Category,
        /// The item in the source course (for a shift in place, the item itself).
        source_item: ToolId,
        /// The item whose dates were set: in a copy, the copy's item.
        item: ToolId,
    },
    /// The course duration (a date range).
    Duration,
    /// The self-enrollment window.
    EnrollmentWindow,
}

/// One item a shift moved, with its dates before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[non_exhaustive]
pub struct ShiftedItem {
    /// Which item.
    pub item: DatedItem,
    /// Its title (empty for the course's own dates), shared with the item.
    pub title: Arc<str>,
    /// Its dates before the shift.
    pub old: ToolDates,
    /// Its dates after the shift (none once removed).
    pub new: ToolDates,
    /// Whether its dates kept their distances instead of moving each by
    /// itself, because that would have put its end or due date before its
    /// start (DAT-5); the report warns about it. In JSON, written only
    /// when `true`.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "std::ops::Not::not"))]
    pub kept_distances: bool,
}

/// Something about a date shift worth a look (DAT-5). A warning only: the
/// copy completes, the shift applies.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", tag = "kind"))]
#[non_exhaustive]
pub enum DateWarning {
    /// A shifted date falls outside the course's duration.
    #[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
    OutsideCourse {
        /// The item.
        item: DatedItem,
        /// Which of its dates.
        field: DateField,
        /// The date, after the shift.
        date: Timestamp,
        /// The course's duration: its first moment.
        course_start: Timestamp,
        /// The course's duration: its last moment.
        course_end: Timestamp,
    },
    /// Shifted each by itself, the item's dates would have put its end or
    /// due date before its start: they kept their distances instead,
    /// measured from the earliest one, which moved by the rule.
    #[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
    KeptDistances {
        /// The item.
        item: DatedItem,
    },
}

impl DateWarning {
    /// The item the warning is about.
    pub fn item(&self) -> DatedItem {
        match self {
            DateWarning::OutsideCourse { item, .. } | DateWarning::KeptDistances { item } => *item,
        }
    }
}

/// What a date shift did, or would do (DAT-5, DAT-6): every dated item
/// it moved, old and new dates, and the dates that fall outside the
/// course's duration.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[non_exhaustive]
pub struct DateShiftReport {
    /// The time zone the dates were shifted in (the source course's).
    pub time_zone: Zone,
    /// Every dated item shifted: the duration, the enrollment window,
    /// then the tool items in the order the copy carries them (category by
    /// category), or, for a shift in place, the course's order.
    pub shifted: Vec<ShiftedItem>,
    /// Items whose dates kept their distances, and shifted dates outside
    /// the course's duration, item by item.
    pub warnings: Vec<DateWarning>,
}

/// A line an item, its title (or the course's own dates), each date old
/// → new, then the warnings:
///
/// ```text
/// dates shifted in Europe/Berlin
///   Quiz 1: start 2027-03-22T08:00:00.000Z -> 2028-03-20T08:00:00.000Z, due …
/// warning: …
/// ```
impl fmt::Display for DateShiftReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "dates shifted in {}", self.time_zone)?;
        for s in &self.shifted {
            let name: &str = match s.item {
                DatedItem::Duration => "the course's duration",
                DatedItem::EnrollmentWindow => "the enrollment window",
                _ => &s.title,
            };
            write!(f, "  {name}:")?;
            let mut sep = " ";
            for field in DateField::ALL {
                let (old, new) = (s.old.get(field), s.new.get(field));
                if old.is_none() && new.is_none() {
                    continue;
                }
                let show = |t: Option<Timestamp>| t.map_or_else(|| "none".to_string(), |t| t.to_string());
                write!(f, "{sep}{} {} -> {}", field.name(), show(old), show(new))?;
                sep = ", ";
            }
            writeln!(f, "{}", if s.kept_distances { " (kept its distances)" } else { "" })?;
        }
        for w in &self.warnings {
            // A tool item by its title, as the report holds it.
            let title = self.shifted.iter().find(|s| s.item == w.item() && !s.title.is_empty());
            let name = title.map_or_else(|| w.item().to_string(), |s| format!("{:?} ({})", s.title, s.item));
            writeln!(f, "warning: {}", w.text(&name))?;
        }
        Ok(())
    }
}

impl DateWarning {
    /// The warning in words, its item called `name`.
    fn text(&self, name: &str) -> String {
        match self {
            DateWarning::OutsideCourse { field, date, course_start, course_end, .. } => {
                format!("{} of {name} ({date}) is outside the course, {course_start} to {course_end}", field.name())
            }
            DateWarning::KeptDistances { .. } => format!(
                "{name}: its dates kept their distances (moved each by itself, it would have ended or been due before it starts)"
            ),
        }
    }
}

/// The warning in words, naming the item by its id (a report's `Display`
/// names it by its title).
impl fmt::Display for DateWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(&self.item().to_string()))
    }
}

impl fmt::Display for DatedItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatedItem::Tool { item, .. } => write!(f, "tool item {item}"),
            DatedItem::Duration => f.write_str("the course's duration"),
            DatedItem::EnrollmentWindow => f.write_str("the enrollment window"),
        }
    }
}

impl DateShiftReport {
    /// Fills in the warnings, item by item: one whose dates kept their
    /// distances; each shifted date of a tool item outside `duration`, if
    /// the course runs for a date range. The course's own dates (the
    /// duration, the enrollment window) are never outside it.
    pub(crate) fn warn(&mut self, duration: super::Duration) {
        self.warnings.clear();
        let range = match duration {
            super::Duration::DateRange { start, end } => Some((start, end)),
            _ => None,
        };
        for s in &self.shifted {
            if s.kept_distances {
                self.warnings.push(DateWarning::KeptDistances { item: s.item });
            }
            let Some((course_start, course_end)) = range.filter(|_| matches!(s.item, DatedItem::Tool { .. })) else {
                continue;
            };
            for (field, date) in s.new.iter().filter(|(_, date)| *date < course_start || *date > course_end) {
                self.warnings.push(DateWarning::OutsideCourse { item: s.item, field, date, course_start, course_end });
            }
        }
    }
}

/// An item's new dates in a [`DatePlan`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NewDates {
    pub(crate) dates: ToolDates,
    /// See [`ShiftedItem::kept_distances`].
    pub(crate) kept_distances: bool,
}

/// Which of the course's own dates a shift moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OwnDates {
    pub(crate) duration: bool,
    pub(crate) enrollment: bool,
}

/// Every new date a shift gives a course, worked out in full: applying it
/// cannot fail. Compact: the new dates of the items it was made for, by
/// position (the items themselves are the caller's: a copy's carried
/// items, or a course's own), and the course's own dates shifted; the new
/// duration and enrollment and the report derive from these.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct DatePlan {
    /// The zone the dates were shifted in.
    pub(crate) time_zone: Zone,
    /// New dates of each item, by its position; `None` for an undated one.
    pub(crate) tools: Vec<Option<NewDates>>,
    /// The course's own dates shifted: the duration, the enrollment
    /// window, each at most once, in that order.
    pub(crate) own: Vec<ShiftedItem>,
}

impl DatePlan {
    /// The plan for shifting `tools` and the chosen `own` dates of
    /// `course`, in `course`'s time zone.
    pub(crate) fn of<'a>(
        course: &Course,
        tools: impl IntoIterator<Item = &'a ToolItem>,
        own: OwnDates,
        shift: &DateShift,
    ) -> Result<DatePlan, Error> {
        let shifter = shift.prepare(&course.time_zone)?;
        let mut plan = DatePlan { time_zone: course.time_zone.clone(), ..DatePlan::default() };
        let settings = &course.settings;
        if let (true, Duration::DateRange { start, end }) = (own.duration, settings.duration) {
            let old = ToolDates { start: Some(start), end: Some(end), due: None };
            let NewDates { dates: new, kept_distances } = new_dates(shifter.date_range(start, end)?);
            plan.own.push(ShiftedItem { item: DatedItem::Duration, title: Arc::from(""), old, new, kept_distances });
        }
        if let (true, Enrollment::SelfEnrollment { start, end, .. }) = (own.enrollment, &settings.enrollment) {
            let old = ToolDates { start: *start, end: *end, due: None };
            if !old.is_empty() {
                let NewDates { dates: new, kept_distances } = new_dates(shifter.dates(old.as_array())?);
                let item = DatedItem::EnrollmentWindow;
                plan.own.push(ShiftedItem { item, title: Arc::from(""), old, new, kept_distances });
            }
        }
        for item in tools {
            let new = if item.dates.is_empty() { None } else { Some(new_dates(shifter.dates(item.dates.as_array())?)) };
            plan.tools.push(new);
        }
        Ok(plan)
    }

    /// The new dates the plan gives one of the course's own dated items.
    fn own_dates(&self, item: DatedItem) -> Option<ToolDates> {
        self.own.iter().find(|s| s.item == item).map(|s| s.new)
    }

    /// The new duration, if the plan moves it: `Continuous` once its dates
    /// are removed.
    pub(crate) fn duration(&self) -> Option<Duration> {
        self.own_dates(DatedItem::Duration).map(|new| match (new.start, new.end) {
            (Some(start), Some(end)) => Duration::DateRange { start, end },
            _ => Duration::Continuous,
        })
    }

    /// What `enrollment` becomes, if the plan moves its window: the same
    /// self-enrollment, access code kept, with the new window.
    pub(crate) fn enrollment(&self, enrollment: &Enrollment) -> Option<Enrollment> {
        let new = self.own_dates(DatedItem::EnrollmentWindow)?;
        match enrollment {
            Enrollment::SelfEnrollment { access_code, .. } => {
                Some(Enrollment::SelfEnrollment { start: new.start, end: new.end, access_code: access_code.clone() })
            }
            _ => None,
        }
    }

    /// The report of the plan made for `tools`, each item named by the id
    /// `id_of` gives its source id (in a copy, the copy's item), with
    /// warnings against `duration`, the course's final one.
    pub(crate) fn report<'a>(
        &self,
        tools: impl IntoIterator<Item = &'a ToolItem>,
        id_of: impl Fn(ToolId) -> ToolId,
        duration: Duration,
    ) -> DateShiftReport {
        let shifted = tools.into_iter().zip(&self.tools).filter_map(|(item, new)| {
            new.map(|new| ShiftedItem {
                item: DatedItem::Tool { category: item.category, source_item: item.id, item: id_of(item.id) },
                title: item.title.clone(),
                old: item.dates,
                new: new.dates,
                kept_distances: new.kept_distances,
            })
        });
        let mut all = Vec::with_capacity(self.own.len() + self.tools.iter().flatten().count());
        all.extend(self.own.iter().cloned().chain(shifted));
        let mut report = DateShiftReport { time_zone: self.time_zone.clone(), shifted: all, warnings: Vec::new() };
        report.warn(duration);
        report
    }
}

fn new_dates(moved: Moved) -> NewDates {
    NewDates { dates: ToolDates::from_array(moved.dates), kept_distances: moved.kept_distances }
}
