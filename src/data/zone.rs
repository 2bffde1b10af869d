//! A course's time zone: an IANA name the bundled database knows.

use super::Timestamp;
use crate::Error;
use std::fmt;
use std::sync::Arc;

/// An IANA time zone that the time zone database bundled with the crate
/// knows, such as `America/Chicago` or `UTC`: a course's zone (SPEC
/// section 12), the zone a date shift works in (DAT-2). Checked once, when
/// it is made, so that every call that takes one cannot fail on it.
///
/// Cheap to clone (a reference-counted name). It compares, hashes and
/// prints as its name; [`to_jiff`](Self::to_jiff) gives `jiff`'s zone.
///
/// ```
/// use coursecopy::{Timestamp, Zone, jiff::civil::date};
///
/// let chicago = Zone::get("America/Chicago")?;
/// assert_eq!(chicago, "America/Chicago");
/// // 23:59 in Chicago on Friday 16 April 2027 (daylight time, UTC-5).
/// let due = Timestamp::from_civil(date(2027, 4, 16).at(23, 59, 0, 0), &chicago);
/// assert_eq!(due.to_string(), "2027-04-17T04:59:00.000Z");
/// assert!(Zone::get("Mars/Olympus").is_err());
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Zone {
    name: Arc<str>,
}

impl Zone {
    /// The zone named `name`, if the bundled database knows it. Names are
    /// looked up without regard to case and kept as the database spells
    /// them: `america/chicago` is `America/Chicago`.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] ([`Field::TimeZone`](crate::Field::TimeZone)) for
    /// a name it does not know.
    pub fn get(name: &str) -> Result<Zone, Error> {
        jiff::tz::TimeZone::get(name)
            .map(|tz| Zone { name: Arc::from(tz.iana_name().unwrap_or(name)) })
            .map_err(|_| Error::invalid(crate::Field::TimeZone, format!("{name:?} is not a known IANA time zone")))
    }

    /// Coordinated Universal Time, every course's zone unless it is given
    /// another.
    pub fn utc() -> Zone {
        Zone { name: Arc::from("UTC") }
    }

    /// Its IANA name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The zone as `jiff` knows it, for local dates and times.
    pub fn to_jiff(&self) -> jiff::tz::TimeZone {
        // Checked when made: the bundled database knows every `Zone`.
        jiff::tz::TimeZone::get(&self.name).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// The local date and time in this zone at `t`.
    pub fn civil(&self, t: Timestamp) -> jiff::civil::DateTime {
        self.to_jiff().to_datetime(t.into())
    }
}

impl Default for Zone {
    /// [`Zone::utc`].
    fn default() -> Self {
        Zone::utc()
    }
}

impl std::str::FromStr for Zone {
    type Err = Error;

    /// As [`Zone::get`].
    fn from_str(s: &str) -> Result<Self, Error> {
        Zone::get(s)
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({:?})", &*self.name)
    }
}

impl AsRef<str> for Zone {
    fn as_ref(&self) -> &str {
        &self.name
    }
}

impl PartialEq<str> for Zone {
    fn eq(&self, other: &str) -> bool {
        *self.name == *other
    }
}

impl PartialEq<&str> for Zone {
    fn eq(&self, other: &&str) -> bool {
        *self.name == **other
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Zone::get(&s).map_err(serde::de::Error::custom)
    }
}
