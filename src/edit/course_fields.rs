//! The course-level fields that creating, updating and copying a course all
//! set, with their validation in one place.

use crate::data::{Availability, CourseSettings, Duration, Enrollment, Text, limits};
use crate::data::{Course, Timestamp, Zone};
use crate::error::Error;
use crate::handles::{CourseKey, MediaKey, UserKey};
use crate::store::Store;
use imbl::OrdMap;
use std::sync::Arc;

/// Optional course fields; `None` leaves the field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub(crate) struct CourseFields {
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) external_id: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) title: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) description: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) player_layout: Option<String>,
    /// Detail key and new value; `None` removes the key.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub(crate) details: Vec<(String, Option<String>)>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "SettingsChange::is_empty"))]
    pub(crate) settings: SettingsChange,
    /// A `course_id` an update names: refused unless it is the course's own
    /// (LMS-10: `course_id` cannot change).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) course_id: Option<String>,
    /// The course's time zone.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) time_zone: Option<Zone>,
    /// The time of the change, if the caller gave one.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) at: Option<Timestamp>,
}

impl CourseFields {
    /// The time the caller gave, or else the system clock's: called only
    /// at the public boundary, so that everything below takes the time as
    /// an input.
    pub(crate) fn time_or_clock(&self) -> Timestamp {
        self.at.unwrap_or_else(Timestamp::now)
    }
}

/// Changes to course settings; `None` leaves a setting as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub(crate) struct SettingsChange {
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) availability: Option<Availability>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) duration: Option<Duration>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) enrollment: Option<Enrollment>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none", deserialize_with = "set_or_clear"))]
    pub(crate) locale: Option<Option<String>>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) guest_access: Option<bool>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) observer_access: Option<bool>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none", deserialize_with = "set_or_clear"))]
    pub(crate) banner_image: Option<Option<MediaKey>>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none", deserialize_with = "set_or_clear"))]
    pub(crate) navigation: Option<Option<String>>,
}

/// Reads a field that sets (`"x"`) or clears (`null`) a value: present,
/// it is `Some` either way; absent, the struct's default (`None`) keeps it.
#[cfg(feature = "serde")]
fn set_or_clear<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

impl SettingsChange {
    /// Whether it changes nothing.
    #[cfg(feature = "serde")]
    fn is_empty(&self) -> bool {
        *self == SettingsChange::default()
    }

    /// Validates the change and returns the settings it makes of `current`.
    fn apply_to(&self, ws: &Store, current: &CourseSettings) -> Result<CourseSettings, Error> {
        let mut s = current.clone();
        if let Some(a) = self.availability {
            s.availability = a;
        }
        if let Some(d) = self.duration {
            match d {
                Duration::DateRange { start, end } if end < start => {
                    return Err(Error::invalid(
                        crate::Field::Duration,
                        format!("ends ({end}) before it starts ({start})"),
                    ));
                }
                Duration::FixedNumDays { days: 0 } => {
                    return Err(Error::invalid(crate::Field::Duration, "a fixed number of days must be at least 1"));
                }
                _ => s.duration = d,
            }
        }
        if let Some(e) = &self.enrollment {
            if let Enrollment::SelfEnrollment { start: Some(start), end: Some(end), .. } = e
                && end < start
            {
                return Err(Error::invalid(
                    crate::Field::Enrollment,
                    format!("ends ({end}) before it starts ({start})"),
                ));
            }
            if let Enrollment::SelfEnrollment { access_code: Some(code), .. } = e {
                Text::short_name(crate::Field::AccessCode, code, limits::ACCESS_CODE)?;
            }
            s.enrollment = e.clone();
        }
        if let Some(locale) = &self.locale {
            s.locale =
                locale.as_deref().map(|l| Text::identifier(crate::Field::Locale, l, limits::LOCALE)).transpose()?;
        }
        if let Some(g) = self.guest_access {
            s.guest_access = g;
        }
        if let Some(o) = self.observer_access {
            s.observer_access = o;
        }
        if let Some(banner) = self.banner_image {
            if let Some(media) = banner {
                ws.library_entry(media.into())?;
            }
            s.banner_image = banner;
        }
        if let Some(nav) = &self.navigation {
            s.navigation = nav.as_deref().map(|n| Text::name(crate::Field::Navigation, n)).transpose()?;
        }
        Ok(s)
    }
}

/// [`CourseFields`] that passed validation, ready to apply.
#[derive(Clone, Debug)]
pub(crate) struct CheckedFields {
    pub(crate) external_id: Option<Arc<str>>,
    title: Option<Arc<str>>,
    description: Option<Arc<str>>,
    player_layout: Option<Arc<str>>,
    details: Vec<(Arc<str>, Option<Arc<str>>)>,
    settings: Option<CourseSettings>,
    time_zone: Option<Zone>,
}

impl CourseFields {
    /// Validates every field. `owner` is the course the fields will belong
    /// to, if it exists already: its own `external_id` is no conflict.
    pub(crate) fn check(&self, ws: &Store, owner: Option<CourseKey>) -> Result<CheckedFields, Error> {
        let current = owner.and_then(|o| ws.course(o).ok());
        if self.course_id.is_some() && current.is_some() {
            // Refused even when it names the stored value, as the LMS does
            // (SRV-11): an update must leave the course_id out.
            return Err(Error::invalid(
                crate::Field::CourseId,
                "a course's course_id cannot change; leave it out of an update",
            ));
        }
        let external_id = match &self.external_id {
            Some(id) => Some(free_external_id(ws, id, owner)?),
            None => None,
        };
        let details = self
            .details
            .iter()
            .map(|(k, v)| Ok((Text::name(crate::Field::Details, k)?, v.as_deref().map(Text::free))))
            .collect::<Result<_, Error>>()?;
        Ok(CheckedFields {
            external_id,
            title: self.title.as_deref().map(|t| Text::name(crate::Field::Title, t)).transpose()?,
            description: self.description.as_deref().map(Text::free),
            player_layout: self
                .player_layout
                .as_deref()
                .map(|p| Text::name(crate::Field::PlayerLayout, p))
                .transpose()?,
            details,
            time_zone: self.time_zone.clone(),
            settings: if self.settings == SettingsChange::default() {
                None
            } else {
                let base = current.map(|c| c.settings.clone()).unwrap_or_default();
                Some(self.settings.apply_to(ws, &base)?)
            },
        })
    }
}

impl CheckedFields {
    /// Writes the fields into a course record that is not in the store yet.
    pub(crate) fn apply_to_record(self, course: &mut Course) {
        if let Some(v) = self.external_id.clone() {
            course.external_id = v;
        }
        if let Some(zone) = self.time_zone.clone() {
            course.time_zone = zone;
        }
        let (title, description, layout, details, settings) = (
            &mut course.title,
            &mut course.description,
            &mut course.player_layout,
            &mut course.details,
            &mut course.settings,
        );
        self.write(title, description, layout, details, settings);
    }

    /// Writes the fields into a course of the store, each through its
    /// primitive: `external_id` keeps its index, the settings name a live
    /// banner image.
    ///
    /// # Errors
    /// The course is gone, the `external_id` is taken, the banner image is
    /// gone: all checked before anything is written, so nothing changed.
    pub(crate) fn apply(self, store: &mut Store, course: CourseKey, now: Timestamp) -> Result<(), Error> {
        let record = store.course(course)?;
        let mut settings = record.settings.clone();
        let (mut title, mut description) = (record.title.clone(), record.description.clone());
        let (mut layout, mut details) = (record.player_layout.clone(), record.details.clone());
        let (external_id, time_zone) = (self.external_id.clone(), self.time_zone.clone());
        self.write(&mut title, &mut description, &mut layout, &mut details, &mut settings);
        // Everything that can refuse is checked before the first write.
        store.check_course_settings(&settings)?;
        if let Some(v) = &external_id {
            store.check_external_id(course, v)?;
        }
        store.update_course_text(course, |c| {
            *c.modified = now;
            if let Some(zone) = time_zone {
                *c.time_zone = zone;
            }
            (*c.title, *c.description, *c.player_layout, *c.details) = (title, description, layout, details);
        })?;
        if let Some(v) = external_id {
            store.set_external_id(course, v)?;
        }
        store.set_course_settings(course, settings)
    }

    fn write(
        self,
        title: &mut Arc<str>,
        description: &mut Arc<str>,
        player_layout: &mut Arc<str>,
        details: &mut OrdMap<Arc<str>, Arc<str>>,
        settings: &mut CourseSettings,
    ) {
        if let Some(v) = self.title {
            *title = v;
        }
        if let Some(v) = self.description {
            *description = v;
        }
        if let Some(v) = self.player_layout {
            *player_layout = v;
        }
        if let Some(v) = self.settings {
            *settings = v;
        }
        for (k, v) in self.details {
            match v {
                Some(v) => {
                    details.insert(k, v);
                }
                None => {
                    details.remove(&k);
                }
            }
        }
    }
}

/// Validates a `course_id` and checks it is free.
pub(crate) fn free_course_id(store: &Store, id: &str) -> Result<Arc<str>, Error> {
    let id = Text::identifier(crate::Field::CourseId, id, limits::COURSE_ID)?;
    match store.course_by_id(&id) {
        Some(holder) => Err(Error::Conflict { field: crate::Field::CourseId, value: id.to_string(), holder }),
        None => Ok(id),
    }
}

/// Validates an `external_id` and checks it is free (or held by `owner`).
pub(crate) fn free_external_id(store: &Store, id: &str, owner: Option<CourseKey>) -> Result<Arc<str>, Error> {
    let id = Text::identifier(crate::Field::ExternalId, id, limits::EXTERNAL_ID)?;
    match store.course_by_external_id(&id) {
        Some(holder) if Some(holder) != owner => {
            Err(Error::Conflict { field: crate::Field::ExternalId, value: id.to_string(), holder })
        }
        _ => Ok(id),
    }
}

/// Builder methods shared by [`NewCourse`], [`CourseChange`] and
/// [`CopyOptions`](crate::CopyOptions).
macro_rules! course_field_setters {
    ($ty:ty) => {
        impl $ty {
            /// Sets the time of this change, as the clock is an input: a new
            /// course's (or copy's) `created` and `modified`, an update's
            /// `modified`. Unset, the workspace reads the system clock.
            pub fn at(mut self, time: $crate::Timestamp) -> Self {
                self.fields.at = Some(time);
                self
            }

            /// Sets the `external_id` (unique, at most 256 characters, no white space).
            pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
                self.fields.external_id = Some(external_id.into());
                self
            }

            /// Sets the title (at most 333 characters, not blank).
            pub fn title(mut self, title: impl Into<String>) -> Self {
                self.fields.title = Some(title.into());
                self
            }

            /// Sets the time zone (`UTC` unless set): the calendar the
            /// course's dates shift in (DAT-2).
            pub fn time_zone(mut self, zone: $crate::Zone) -> Self {
                self.fields.time_zone = Some(zone);
                self
            }

            /// Sets the description.
            pub fn description(mut self, description: impl Into<String>) -> Self {
                self.fields.description = Some(description.into());
                self
            }

            /// Sets the name of the player layout.
            pub fn player_layout(mut self, layout: impl Into<String>) -> Self {
                self.fields.player_layout = Some(layout.into());
                self
            }

            /// Sets one of the other details; the details not named keep their value.
            pub fn detail(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
                self.fields.details.push((key.into(), Some(value.into())));
                self
            }
        }
    };
}
pub(crate) use course_field_setters;

/// Builder methods for course settings, shared by [`NewCourse`] and
/// [`CourseChange`] (LMS-10).
macro_rules! settings_setters {
    ($ty:ty) => {
        impl $ty {
            /// Sets whether students can see the course.
            pub fn availability(mut self, availability: Availability) -> Self {
                self.fields.settings.availability = Some(availability);
                self
            }

            /// Sets how long the course runs (a date range must not end
            /// before it starts; a fixed number of days is at least 1).
            pub fn duration(mut self, duration: Duration) -> Self {
                self.fields.settings.duration = Some(duration);
                self
            }

            /// Sets how students join (a self-enrollment window must not end
            /// before it starts).
            pub fn enrollment(mut self, enrollment: Enrollment) -> Self {
                self.fields.settings.enrollment = Some(enrollment);
                self
            }

            /// Sets the language pack, e.g. `en_US` (`None` for the default).
            pub fn locale(mut self, locale: Option<&str>) -> Self {
                self.fields.settings.locale = Some(locale.map(str::to_string));
                self
            }

            /// Sets whether guests may enter.
            pub fn guest_access(mut self, allowed: bool) -> Self {
                self.fields.settings.guest_access = Some(allowed);
                self
            }

            /// Sets whether observers may enter.
            pub fn observer_access(mut self, allowed: bool) -> Self {
                self.fields.settings.observer_access = Some(allowed);
                self
            }

            /// Sets the banner image, a media asset of the library (`None`
            /// for none).
            pub fn banner_image(mut self, media: Option<MediaKey>) -> Self {
                self.fields.settings.banner_image = Some(media);
                self
            }

            /// Sets the navigation style of the course menu (`None` for the
            /// default).
            pub fn navigation(mut self, style: Option<&str>) -> Self {
                self.fields.settings.navigation = Some(style.map(str::to_string));
                self
            }
        }
    };
}

/// A course to create with [`Workspace::create_course`](crate::Workspace::create_course).
///
/// ```
/// use coursecopy::NewCourse;
/// let spec = NewCourse::new("BIO-101", "Biology 101")
///     .description("Cells and more")
///     .detail("language", "en");
/// ```
///
/// With the `serde` feature it serializes in the library's own form (its
/// fields as the builder sets them), which a journal can keep and read
/// back; that form is no LMS's body: read Learn's with
/// [`LearnNewCourse`](crate::LearnNewCourse).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use = "a new course does nothing until it is passed to Workspace::create_course"]
pub struct NewCourse {
    pub(crate) course_id: String,
    pub(crate) fields: CourseFields,
}

impl NewCourse {
    /// A course with this `course_id` and title. Its `external_id` is the
    /// `course_id` unless set; its player layout is `"standard"` unless set.
    pub fn new(course_id: impl Into<String>, title: impl Into<String>) -> Self {
        NewCourse {
            course_id: course_id.into(),
            fields: CourseFields { title: Some(title.into()), ..CourseFields::default() },
        }
    }

    pub(crate) fn into_record(self, ws: &Store, creator: UserKey, now: Timestamp) -> Result<Course, Error> {
        let course_id = free_course_id(ws, &self.course_id)?;
        let mut fields = self.fields;
        let external = fields.external_id.get_or_insert_with(|| course_id.to_string()).clone();
        let checked = fields.check(ws, None)?;
        let mut course = Course {
            pk: 0,
            uuid: 0,
            created: now,
            modified: now,
            course_id,
            external_id: Arc::from(external.as_str()),
            title: Arc::from(""),
            description: Arc::from(""),
            player_layout: Arc::from("standard"),
            details: OrdMap::new(),
            created_by: creator,
            assigned: imbl::OrdSet::unit(creator),
            styles: imbl::Vector::new(),
            los: imbl::Vector::new(),
            copied_from: None,
            settings: Default::default(),
            tools: Default::default(),
            lock: None,
            field_locks: Default::default(),
            time_zone: Zone::utc(),
        };
        checked.apply_to_record(&mut course);
        Ok(course)
    }
}

course_field_setters!(NewCourse);
settings_setters!(NewCourse);

/// A change to a course's own data, for [`Workspace::update_course`](crate::Workspace::update_course). Fields
/// not set keep their value. The `course_id` never changes.
///
/// With the `serde` feature it serializes in the library's own form, as
/// [`NewCourse`] does; read Learn's PATCH body with
/// [`LearnCourseChange`](crate::LearnCourseChange).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use = "a change does nothing until it is passed to Workspace::update_course"]
pub struct CourseChange {
    pub(crate) fields: CourseFields,
}

impl CourseChange {
    /// A change that changes nothing yet.
    pub fn new() -> Self {
        CourseChange::default()
    }

    /// Removes one of the other details.
    pub fn remove_detail(mut self, key: impl Into<String>) -> Self {
        self.fields.details.push((key.into(), None));
        self
    }
}

course_field_setters!(CourseChange);
settings_setters!(CourseChange);
