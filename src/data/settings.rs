//! Course settings as an LMS has them (LMS-8 `settings`, LMS-10).

use super::Timestamp;
use crate::MediaKey;
use std::sync::Arc;

/// Whether students can see a course.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Availability {
    /// Available.
    #[default]
    Yes,
    /// Not available.
    No,
    /// Disabled by an administrator.
    Disabled,
    /// Available as the course's term says.
    Term,
}

/// For how long a course runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Duration {
    /// No end.
    #[default]
    Continuous,
    /// From `start` to `end`; `end` is never before `start`.
    DateRange {
        /// First moment.
        start: Timestamp,
        /// Last moment.
        end: Timestamp,
    },
    /// A number of days from each student's enrollment (at least 1).
    FixedNumDays {
        /// Days of use.
        days: u32,
    },
    /// As long as the course's term.
    Term,
}

/// How students join a course.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Enrollment {
    /// An instructor enrolls them.
    #[default]
    InstructorLed,
    /// They enroll themselves, within an optional window, with an optional
    /// access code.
    SelfEnrollment {
        /// When self-enrollment opens.
        start: Option<Timestamp>,
        /// When it closes; never before `start`.
        end: Option<Timestamp>,
        /// The code students must give.
        access_code: Option<Arc<str>>,
    },
    /// They enroll by e-mail invitation.
    EmailEnrollment,
}

/// A course's settings. Each field is one of the `settings` categories an
/// LMS copy selects (LMS-8).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CourseSettings {
    pub(crate) availability: Availability,
    pub(crate) duration: Duration,
    pub(crate) enrollment: Enrollment,
    pub(crate) locale: Option<Arc<str>>,
    pub(crate) guest_access: bool,
    pub(crate) observer_access: bool,
    pub(crate) banner_image: Option<MediaKey>,
    pub(crate) navigation: Option<Arc<str>>,
}

impl CourseSettings {
    /// Whether students can see the course (`settings.availability`).
    pub fn availability(&self) -> Availability {
        self.availability
    }

    /// How long the course runs (`settings.duration`).
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// How students join (`settings.enrollmentOptions`).
    pub fn enrollment(&self) -> &Enrollment {
        &self.enrollment
    }

    /// The course's language pack, e.g. `en_US` (`settings.languagePack`).
    pub fn locale(&self) -> Option<&str> {
        self.locale.as_deref()
    }

    /// Whether guests may enter (`settings.guestAccess`).
    pub fn guest_access(&self) -> bool {
        self.guest_access
    }

    /// Whether observers may enter (`settings.observerAccess`).
    pub fn observer_access(&self) -> bool {
        self.observer_access
    }

    /// The banner image, a media asset of the library (`settings.bannerImage`).
    pub fn banner_image(&self) -> Option<MediaKey> {
        self.banner_image
    }

    /// The name of the course menu's navigation style
    /// (`settings.navigationSettings`).
    pub fn navigation(&self) -> Option<&str> {
        self.navigation.as_deref()
    }
}
