//! The LMS's JSON forms (LMS-11), with the `serde` feature.
//!
//! The core types ([`CopyRequest`], [`NewCourse`], [`CourseChange`]) keep
//! no LMS's wire shape: Learn's forms are the wire types of
//! [`learn`](crate::LearnCopyRequest), which read the bodies below and
//! convert to them (`.into()`).
//!
//! - [`LearnCopyRequest`] deserialises the body of the LMS's v2 copy request:
//!   `targetCourse` with `courseId` (a new course) or `id` (an existing one:
//!   `_12_1`, `courseId:X`, `externalId:X` or `uuid:X`; `{}` or `null` is
//!   no id); `copy` with one entry per
//!   category, each a boolean or the string `"true"`/`"false"` (an entry left
//!   out is not copied; `copy` left out, or `null`, copies everything); and,
//!   beyond the LMS, an optional `mode`, `"Share"`, `"Duplicate"` or `"Linked"` (LNK-12),
//!   and an optional `dateShift` (DAT-7), Canvas's content-migration
//!   `date_shift_options` in camelCase: `shiftDates`, `oldStartDate`,
//!   `oldEndDate`, `newStartDate`, `newEndDate` (each a calendar date
//!   `YYYY-MM-DD`, that date in the source course's zone; a timestamp
//!   counts by the date written at its start, as Canvas reads it),
//!   `daySubstitutions` (`{"1": "2"}`, weekday numbers, 0 = Sunday),
//!   `removeDates`, and `shiftDays` for day mode. Precedence (DAT-1):
//!   `removeDates`, else `shiftDays`, else the range if all four dates are
//!   given, else no shift; `shiftDates: false` turns days and range off.
//! - [`LearnNewCourse`] deserialises the body of the LMS's v3 course POST: the
//!   keys of a PATCH (below), with `courseId` and `name` required.
//! - [`LearnCourseChange`] deserialises the body of the LMS's v3 course PATCH:
//!   `externalId`, `name`, `description`, `availability` (`available`, and
//!   `duration` with `type`, `start`, `end`, `daysOfUse`), `enrollment`
//!   (`type`, `start`, `end`, `accessCode`), `locale` (`id`), `allowGuests`,
//!   `allowObservers`, and, beyond the LMS, `timeZone` (an IANA name,
//!   DAT-7). A `courseId` other than the course's own is refused
//!   when the change is applied (LMS-10).
//! - [`TaskStatus`] serialises the library's own, richer task form: `id`,
//!   `status` (`Cancelled` included), `percentComplete`, `started`, plus
//!   `queuePosition`, `reason` or `errors` where they apply, and
//!   `dateShift` (the [`DateShiftReport`](crate::DateShiftReport)) once a
//!   copy that shifted dates is complete. For exactly
//!   what Learn writes (a cancelled task as `Incomplete`, nothing more than
//!   `id`, `status`, `percentComplete`, `started`), use
//!   [`LearnCourseTask`](crate::LearnCourseTask).
//!
//! Keys these forms do not know are ignored, so newer LMS bodies still
//! load. A malformed value gives an error that names its field as a path
//! (`copy.discussions`, `availability.duration.end`), never a panic.

use crate::copy::{CopyRequest, CopyTarget, CourseRef};
use crate::data::{
    Availability, CopyMode, CopySelection, DateShift, Discussions, Duration, Enrollment, RangeDay, SettingsSelection,
    TaskState, TaskStatus, Timestamp, calendar_date,
};
use crate::edit::{CourseChange, NewCourse};
use crate::learn::{LearnCopyRequest, LearnCourseChange, LearnNewCourse};
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::fmt;
use std::sync::Arc;

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

/// Reads a leaf value, naming `path` in any error.
fn leaf<'de, T: Deserialize<'de>, A: MapAccess<'de>>(map: &mut A, path: &str) -> Result<T, A::Error> {
    map.next_value::<T>().map_err(|e| de::Error::custom(format_args!("{path}: {e}")))
}

fn bad<E: de::Error>(path: &str, message: impl fmt::Display) -> E {
    E::custom(format_args!("{path}: {message}"))
}

/// One of a fixed set of names, as a string.
fn choice<E: de::Error, T: Copy>(path: &str, given: &str, options: &[(&str, T)]) -> Result<T, E> {
    options.iter().find(|(name, _)| name.eq_ignore_ascii_case(given)).map(|(_, v)| *v).ok_or_else(|| {
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        bad(path, format_args!("{given:?} is none of {}", names.join(", ")))
    })
}

/// Declares a seed that reads a JSON object at a path; `null` gives
/// `$null` (an `Option` of the output: `None` refuses `null`).
macro_rules! object_seed {
    ($seed:ident -> $out:ty, $what:literal, null: $null:expr, |$map:ident, $path:ident| $body:block) => {
        struct $seed {
            path: String,
        }

        impl<'de> DeserializeSeed<'de> for $seed {
            type Value = $out;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<$out, D::Error> {
                d.deserialize_any(self)
            }
        }

        impl<'de> Visitor<'de> for $seed {
            type Value = $out;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if self.path.is_empty() { write!(f, "{}", $what) } else { write!(f, "{} at {}", $what, self.path) }
            }
            fn visit_unit<E: de::Error>(self) -> Result<$out, E> {
                let null: Option<$out> = $null;
                null.ok_or_else(|| E::invalid_type(de::Unexpected::Unit, &self))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut $map: A) -> Result<$out, A::Error> {
                let $path = self.path;
                $body
            }
        }
    };
}

/// A course id given as a string; `null` or an empty object is none.
struct OptionalId(Option<String>);

impl<'de> Deserialize<'de> for OptionalId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OptionalId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a course id string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OptionalId, E> {
                Ok(OptionalId(Some(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<OptionalId, E> {
                Ok(OptionalId(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OptionalId, A::Error> {
                match map.next_key::<String>()? {
                    None => Ok(OptionalId(None)),
                    Some(_) => Err(de::Error::invalid_value(de::Unexpected::Map, &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A boolean, or the string "true" or "false" (any case).
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean, or the string \"true\" or \"false\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                match v.to_ascii_lowercase().as_str() {
                    "true" => Ok(Flag(true)),
                    "false" => Ok(Flag(false)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// The `discussions` entry: one of its three names, or a flag.
struct DiscussionsValue(Discussions);

impl<'de> Deserialize<'de> for DiscussionsValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DiscussionsValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"None\", \"ForumsOnly\", \"ForumsAndStarterPosts\", or a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(DiscussionsValue(if v { Discussions::ForumsAndStarterPosts } else { Discussions::None }))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                match v.to_ascii_lowercase().as_str() {
                    "none" | "false" => Ok(DiscussionsValue(Discussions::None)),
                    "forumsonly" => Ok(DiscussionsValue(Discussions::ForumsOnly)),
                    "forumsandstarterposts" | "true" => Ok(DiscussionsValue(Discussions::ForumsAndStarterPosts)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

// ---- the copy request -----------------------------------------------------

impl<'de> Deserialize<'de> for LearnCopyRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RequestSeed { path: String::new() }.deserialize(d).map(LearnCopyRequest)
    }
}

object_seed!(RequestSeed -> CopyRequest, "a copy request body", null: None, |map, path| {
    let (mut target, mut mode, mut selection) = (None, CopyMode::Duplicate, CopySelection::everything());
    let mut date_shift = DateShift::new();
    while let Some(key) = map.next_key::<String>()? {
        let at = join(&path, &key);
        match key.as_str() {
            "targetCourse" => target = Some(map.next_value_seed(TargetSeed { path: at })?),
            "copy" => selection = map.next_value_seed(CopySeed { path: at })?,
            "dateShift" => date_shift = map.next_value_seed(DateShiftSeed { path: at })?,
            "mode" => {
                let given: String = leaf(&mut map, &at)?;
                mode = choice(
                    &at,
                    &given,
                    &[("Share", CopyMode::Share), ("Duplicate", CopyMode::Duplicate), ("Linked", CopyMode::Linked)],
                )?;
            }
            _ => drop(map.next_value::<IgnoredAny>()?),
        }
    }
    let target = target.ok_or_else(|| bad(&join(&path, "targetCourse"), "missing"))?;
    Ok(CopyRequest { target, mode, selection, date_shift, content: crate::ContentPick::all() })
});

object_seed!(DateShiftSeed -> DateShift, "an object of date shift options", null: Some(DateShift::new()), |map, path| {
    let (mut shift_dates, mut remove, mut days) = (None, false, None);
    let mut range: [Option<RangeDay>; 4] = [None; 4];
    let mut substitutions = Vec::new();
    while let Some(key) = map.next_key::<String>()? {
        let at = join(&path, &key);
        let slot = match key.as_str() {
            "shiftDates" => {
                shift_dates = Some(leaf::<Flag, _>(&mut map, &at)?.0);
                continue;
            }
            "removeDates" => {
                remove = leaf::<Flag, _>(&mut map, &at)?.0;
                continue;
            }
            "shiftDays" => {
                days = leaf::<Option<i32>, _>(&mut map, &at)?;
                continue;
            }
            "daySubstitutions" => {
                substitutions = map.next_value_seed(SubstitutionsSeed { path: at })?;
                continue;
            }
            "oldStartDate" => 0,
            "oldEndDate" => 1,
            "newStartDate" => 2,
            "newEndDate" => 3,
            _ => {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
        };
        let given: Option<String> = leaf(&mut map, &at)?;
        range[slot] = given.filter(|g| !g.is_empty()).map(|g| range_day(&at, &g)).transpose()?;
    }
    // DAT-1's precedence: remove, else days, else range (all four), else
    // nothing; `shiftDates: false` turns days and range off.
    let mut shift = DateShift::new().with_removal(remove);
    if shift_dates != Some(false) && !remove {
        if let Some(d) = days {
            shift = shift.with_days(d);
        } else if let [Some(a), Some(b), Some(c), Some(d)] = range {
            shift = shift.with_range([a, b, c, d]);
        }
    }
    for (from, to) in substitutions {
        shift = shift.substitute(from, to);
    }
    Ok(shift)
});

/// A range bound, the calendar date written at its start: `2027-01-04`,
/// or a timestamp such as `2027-01-04T00:00:00Z` or
/// `2027-01-04T00:00:00-05:00`, whose date is taken as written, as Canvas
/// reads these options (its own `Date.parse`), whatever the zones.
fn range_day<E: de::Error>(path: &str, given: &str) -> Result<RangeDay, E> {
    let date = calendar_date(given.get(..10).unwrap_or(given));
    let whole = given.len() == 10
        || given.parse::<Timestamp>().is_ok()
        || given.parse::<jiff::Timestamp>().is_ok()
        || given.parse::<jiff::civil::DateTime>().is_ok();
    match (date, whole) {
        (Ok(d), true) => Ok(RangeDay::On(d)),
        // A date of the right form that does not exist: say what is wrong.
        (Err(why), _) if given.len() == 10 => Err(bad(path, why)),
        _ => Err(bad(path, format_args!("{given:?} is neither a date (YYYY-MM-DD) nor a timestamp"))),
    }
}

object_seed!(SubstitutionsSeed -> Vec<(jiff::civil::Weekday, jiff::civil::Weekday)>, "an object of weekday substitutions", null: Some(Vec::new()), |map, path| {
    let mut out = Vec::new();
    while let Some(key) = map.next_key::<String>()? {
        let at = join(&path, &key);
        let to: Weekday = leaf(&mut map, &at)?;
        let from = key.parse::<u8>().ok().filter(|d| *d <= 6).ok_or_else(|| bad::<A::Error>(&at, "a weekday is 0 (Sunday) to 6"))?;
        out.push((Weekday(from).day(), to.day()));
    }
    Ok(out)
});

/// A weekday number, 0 (Sunday) to 6, as a number or a string of one.
struct Weekday(u8);

impl Weekday {
    fn day(self) -> jiff::civil::Weekday {
        let n = i8::try_from(self.0).unwrap_or(0);
        jiff::civil::Weekday::from_sunday_zero_offset(n).unwrap_or(jiff::civil::Weekday::Sunday)
    }
}

impl<'de> Deserialize<'de> for Weekday {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Weekday;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a weekday number, 0 (Sunday) to 6")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Weekday, E> {
                u8::try_from(v)
                    .ok()
                    .filter(|d| *d <= 6)
                    .map(Weekday)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Weekday, E> {
                u64::try_from(v)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Weekday, E> {
                v.parse::<u64>()
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
                    .and_then(|n| self.visit_u64(n))
            }
        }
        d.deserialize_any(V)
    }
}

object_seed!(TargetSeed -> CopyTarget, "an object with courseId or id", null: None, |map, path| {
    let (mut course_id, mut id, mut id_given) = (None::<String>, None::<String>, false);
    while let Some(key) = map.next_key::<String>()? {
        match key.as_str() {
            "courseId" => course_id = Some(leaf(&mut map, &join(&path, "courseId"))?),
            // A generated Java client writes an unset id as `{}`: read it,
            // and `null`, as absent.
            "id" => {
                id = leaf::<OptionalId, _>(&mut map, &join(&path, "id"))?.0;
                id_given = true;
            }
            _ => drop(map.next_value::<IgnoredAny>()?),
        }
    }
    match (course_id, id) {
        (Some(course_id), None) => Ok(CopyTarget::NewCourse { course_id }),
        (None, Some(id)) => id.parse::<CourseRef>().map(CopyTarget::Existing).map_err(|e| bad(&join(&path, "id"), e)),
        (Some(_), Some(_)) => Err(bad(&path, "give courseId (a new course) or id (an existing course), not both")),
        // An `id` was written, but as `{}` or `null`: name it, since that
        // is the key the client will look for.
        (None, None) if id_given => Err(bad(
            &join(&path, "id"),
            "is empty ({} or null), and there is no courseId: give courseId (a new course) or id (an existing course)",
        )),
        (None, None) => Err(bad(&path, "needs courseId (a new course) or id (an existing course)")),
    }
});

object_seed!(CopySeed -> CopySelection, "an object of copy options", null: Some(CopySelection::everything()), |map, path| {
    let mut s = CopySelection::nothing();
    while let Some(key) = map.next_key::<String>()? {
        let at = join(&path, &key);
        let slot = match key.as_str() {
            "adaptiveReleaseRules" => &mut s.adaptive_release_rules,
            "announcements" => &mut s.announcements,
            "assessments" => &mut s.assessments,
            "blogs" => &mut s.blogs,
            "calendar" => &mut s.calendar,
            "contacts" => &mut s.contacts,
            "contentAlignments" => &mut s.content_alignments,
            "contentAreas" => &mut s.content_areas,
            "glossary" => &mut s.glossary,
            "gradebook" => &mut s.gradebook,
            "groupSettings" => &mut s.group_settings,
            "journals" => &mut s.journals,
            "retentionRules" => &mut s.retention_rules,
            "rubrics" => &mut s.rubrics,
            "tasks" => &mut s.tasks,
            "wikis" => &mut s.wikis,
            "discussions" => {
                s.discussions = leaf::<DiscussionsValue, _>(&mut map, &at)?.0;
                continue;
            }
            "settings" => {
                s.settings = map.next_value_seed(SettingsSeed { path: at })?;
                continue;
            }
            _ => {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
        };
        *slot = leaf::<Flag, _>(&mut map, &at)?.0;
    }
    Ok(s)
});

object_seed!(SettingsSeed -> SettingsSelection, "an object of settings options", null: Some(SettingsSelection::none()), |map, path| {
    let mut s = SettingsSelection::none();
    while let Some(key) = map.next_key::<String>()? {
        let at = join(&path, &key);
        let slot = match key.as_str() {
            "availability" => &mut s.availability,
            "bannerImage" => &mut s.banner_image,
            "duration" => &mut s.duration,
            "enrollmentOptions" => &mut s.enrollment_options,
            "guestAccess" => &mut s.guest_access,
            "languagePack" => &mut s.language_pack,
            "navigationSettings" => &mut s.navigation_settings,
            "observerAccess" => &mut s.observer_access,
            _ => {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
        };
        *slot = leaf::<Flag, _>(&mut map, &at)?.0;
    }
    Ok(s)
});

// ---- the new course ---------------------------------------------------------

impl<'de> Deserialize<'de> for LearnNewCourse {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let CourseChange { mut fields } = PatchSeed { path: String::new() }.deserialize(d)?;
        let course_id = fields.course_id.take().ok_or_else(|| bad::<D::Error>("courseId", "missing"))?;
        if fields.title.is_none() {
            return Err(bad("name", "missing"));
        }
        Ok(LearnNewCourse(NewCourse { course_id, fields }))
    }
}

// ---- the course update ------------------------------------------------------

impl<'de> Deserialize<'de> for LearnCourseChange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        PatchSeed { path: String::new() }.deserialize(d).map(LearnCourseChange)
    }
}

object_seed!(PatchSeed -> CourseChange, "a course update body", null: None, |map, path| {
    let mut c = CourseChange::new();
    while let Some(key) = map.next_key::<String>()? {
        let at = join(&path, &key);
        match key.as_str() {
            "externalId" => c.fields.external_id = Some(leaf(&mut map, &at)?),
            "courseId" => c.fields.course_id = Some(leaf(&mut map, &at)?),
            "name" => c.fields.title = Some(leaf(&mut map, &at)?),
            "description" => c.fields.description = Some(leaf(&mut map, &at)?),
            "timeZone" => c.fields.time_zone = Some(leaf(&mut map, &at)?),
            "availability" => {
                let (available, duration) = map.next_value_seed(AvailabilitySeed { path: at })?;
                c.fields.settings.availability = available.or(c.fields.settings.availability);
                c.fields.settings.duration = duration.or(c.fields.settings.duration);
            }
            "enrollment" => c.fields.settings.enrollment = Some(enrollment(&mut map, at)?),
            "locale" => c.fields.settings.locale = Some(map.next_value_seed(LocaleSeed { path: at })?),
            "allowGuests" => c.fields.settings.guest_access = Some(leaf::<Flag, _>(&mut map, &at)?.0),
            "allowObservers" => c.fields.settings.observer_access = Some(leaf::<Flag, _>(&mut map, &at)?.0),
            _ => drop(map.next_value::<IgnoredAny>()?),
        }
    }
    Ok(c)
});

object_seed!(AvailabilitySeed -> (Option<Availability>, Option<Duration>), "an availability object", null: Some((None, None)), |map, path| {
    let (mut available, mut duration) = (None, None);
    while let Some(key) = map.next_key::<String>()? {
        let at = join(&path, &key);
        match key.as_str() {
            "available" => {
                let given: String = leaf(&mut map, &at)?;
                available = Some(choice(&at, &given, &[
                    ("Yes", Availability::Yes),
                    ("No", Availability::No),
                    ("Disabled", Availability::Disabled),
                    ("Term", Availability::Term),
                ])?);
            }
            "duration" => duration = Some(self::duration(&mut map, at)?),
            _ => drop(map.next_value::<IgnoredAny>()?),
        }
    }
    Ok((available, duration))
});

/// The shape durations and enrollments share: a `type`, an optional
/// `start` and `end`, and one more key of their own, read as `X`.
struct Window<X> {
    kind: Option<String>,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    extra: Option<X>,
}

/// Reads a [`Window`] at `path`, with `extra` the name of its own key.
struct WindowSeed<X> {
    path: String,
    extra: &'static str,
    what: &'static str,
    out: std::marker::PhantomData<X>,
}

impl<X> WindowSeed<X> {
    fn new(path: String, extra: &'static str, what: &'static str) -> Self {
        WindowSeed { path, extra, what, out: std::marker::PhantomData }
    }
}

impl<'de, X: Deserialize<'de>> DeserializeSeed<'de> for WindowSeed<X> {
    type Value = Window<X>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Window<X>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, X: Deserialize<'de>> Visitor<'de> for WindowSeed<X> {
    type Value = Window<X>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.what, self.path)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Window<X>, A::Error> {
        let mut w = Window { kind: None, start: None, end: None, extra: None };
        while let Some(key) = map.next_key::<String>()? {
            let at = join(&self.path, &key);
            match key.as_str() {
                "type" => w.kind = Some(leaf(&mut map, &at)?),
                "start" => w.start = leaf(&mut map, &at)?,
                "end" => w.end = leaf(&mut map, &at)?,
                k if k == self.extra => w.extra = leaf(&mut map, &at)?,
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        Ok(w)
    }
}

#[derive(Clone, Copy)]
enum DurationType {
    Continuous,
    DateRange,
    FixedNumDays,
    Term,
}

/// Reads a duration at `path`.
fn duration<'de, A: MapAccess<'de>>(map: &mut A, path: String) -> Result<Duration, A::Error> {
    let w: Window<u32> = map.next_value_seed(WindowSeed::new(path.clone(), "daysOfUse", "a duration object"))?;
    let need = |name: &str| bad::<A::Error>(&join(&path, name), "missing");
    let kind = w.kind.ok_or_else(|| need("type"))?;
    let types = [
        ("Continuous", DurationType::Continuous),
        ("DateRange", DurationType::DateRange),
        ("FixedNumDays", DurationType::FixedNumDays),
        ("Term", DurationType::Term),
        // The 3900.12x swagger's name for Term; live Learn writes Term
        // (SRV-11).
        ("UseTerm", DurationType::Term),
    ];
    match choice(&join(&path, "type"), &kind, &types)? {
        DurationType::Continuous => Ok(Duration::Continuous),
        DurationType::Term => Ok(Duration::Term),
        DurationType::DateRange => Ok(Duration::DateRange {
            start: w.start.ok_or_else(|| need("start"))?,
            end: w.end.ok_or_else(|| need("end"))?,
        }),
        DurationType::FixedNumDays => Ok(Duration::FixedNumDays { days: w.extra.ok_or_else(|| need("daysOfUse"))? }),
    }
}

#[derive(Clone, Copy)]
enum EnrollmentType {
    InstructorLed,
    SelfEnrollment,
    EmailEnrollment,
}

/// Reads an enrollment at `path`.
fn enrollment<'de, A: MapAccess<'de>>(map: &mut A, path: String) -> Result<Enrollment, A::Error> {
    let w: Window<String> = map.next_value_seed(WindowSeed::new(path.clone(), "accessCode", "an enrollment object"))?;
    let kind = w.kind.ok_or_else(|| bad::<A::Error>(&join(&path, "type"), "missing"))?;
    let types = [
        ("InstructorLed", EnrollmentType::InstructorLed),
        ("SelfEnrollment", EnrollmentType::SelfEnrollment),
        ("EmailEnrollment", EnrollmentType::EmailEnrollment),
    ];
    match choice(&join(&path, "type"), &kind, &types)? {
        EnrollmentType::InstructorLed => Ok(Enrollment::InstructorLed),
        EnrollmentType::EmailEnrollment => Ok(Enrollment::EmailEnrollment),
        EnrollmentType::SelfEnrollment => {
            Ok(Enrollment::SelfEnrollment { start: w.start, end: w.end, access_code: w.extra.map(Arc::from) })
        }
    }
}

object_seed!(LocaleSeed -> Option<String>, "a locale object", null: Some(None), |map, path| {
    let mut id = None;
    while let Some(key) = map.next_key::<String>()? {
        match key.as_str() {
            "id" => id = leaf(&mut map, &join(&path, "id"))?,
            _ => drop(map.next_value::<IgnoredAny>()?),
        }
    }
    Ok(id)
});

// ---- the task status --------------------------------------------------------

impl Serialize for TaskStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("status", self.state.name())?;
        m.serialize_entry("percentComplete", &self.percent_complete)?;
        if let Some(started) = &self.started {
            m.serialize_entry("started", started)?;
        }
        match &self.state {
            TaskState::Queued { position } => m.serialize_entry("queuePosition", position)?,
            TaskState::Incomplete { reason } => m.serialize_entry("reason", reason)?,
            TaskState::CompleteWithErrors { issues, .. } => m.serialize_entry("errors", issues)?,
            _ => {}
        }
        if let Some(report) = &self.date_shift {
            m.serialize_entry("dateShift", report)?;
        }
        m.end()
    }
}
