//! A UTC timestamp, as LMS APIs write it (ISO 8601, `Z`), on `jiff`.

use crate::Error;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use std::fmt;

/// A point in time, UTC, to the millisecond: course dates, enrollment
/// windows, task start times.
///
/// Prints the LMS form `2027-01-31T09:30:00.000Z`; parses every RFC 3339
/// `date-time` (the fraction is optional, and a UTC offset may stand for
/// the `Z`: see [`FromStr`](#impl-FromStr-for-Timestamp)). The calendar is `jiff`'s; the range
/// is `jiff`'s too, from early -9999 to the end of 9999.
///
/// ```
/// use coursecopy::Timestamp;
/// let t: Timestamp = "2027-01-31T09:30:00Z".parse()?;
/// assert_eq!(t.to_string(), "2027-01-31T09:30:00.000Z");
/// assert!(t < "2027-02-01T00:00:00.000Z".parse()?);
/// # Ok::<(), coursecopy::Error>(())
/// ```
///
/// It converts to and from [`jiff::Timestamp`] (`From` both ways; a jiff
/// timestamp loses what it has below the millisecond), and is made from a
/// local date and time in a [`Zone`](crate::Zone) with
/// [`from_civil`](Self::from_civil):
///
/// ```
/// use coursecopy::{Timestamp, Zone, jiff::civil::date};
/// let berlin = Zone::get("Europe/Berlin")?;
/// let t = Timestamp::from_civil(date(2027, 3, 26).at(23, 59, 0, 0), &berlin);
/// assert_eq!(format!("{t:?}"), "2027-03-26T22:59:00.000Z");
/// assert_eq!(berlin.civil(t), date(2027, 3, 26).at(23, 59, 0, 0));
/// let j: coursecopy::jiff::Timestamp = t.into();
/// assert_eq!(Timestamp::from(j), t);
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    millis: i64,
}

/// The first and last whole millisecond `jiff` takes: from
/// -009999-01-02T01:59:59Z to 9999-12-30T22:00:00Z.
fn range() -> (i64, i64) {
    (jiff::Timestamp::MIN.as_millisecond(), jiff::Timestamp::MAX.as_second().saturating_mul(1000))
}

impl Timestamp {
    /// The timestamp `millis` milliseconds after 1970-01-01T00:00:00Z,
    /// clamped to `jiff`'s range (-009999-01-02T01:59:59Z to
    /// 9999-12-30T22:00:00Z).
    pub fn from_unix_millis(millis: i64) -> Self {
        let (min, max) = range();
        Timestamp { millis: millis.clamp(min, max) }
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub fn unix_millis(self) -> i64 {
        self.millis
    }

    /// The current time, from the system clock.
    pub fn now() -> Self {
        Timestamp::from_unix_millis(jiff::Timestamp::now().as_millisecond())
    }

    /// The same instant as a `jiff` timestamp.
    fn to_jiff(self) -> jiff::Timestamp {
        // Every constructor clamps, so this always succeeds.
        jiff::Timestamp::from_millisecond(self.millis).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// The instant of the local date and time `civil` in `zone`. A local
    /// time that a daylight-saving change skips (a gap) moves forward by
    /// the gap's length; one it repeats (a fold) takes the earlier instant:
    /// `jiff`'s `Disambiguation::Compatible`, as date shifts resolve them
    /// (DAT-2). Clamped to the range of [`Timestamp`].
    ///
    /// ```
    /// use coursecopy::{Timestamp, Zone, jiff::civil::date};
    /// let berlin = Zone::get("Europe/Berlin")?;
    /// // 02:30 on 28 March 2027 does not exist in Berlin: 03:30 summer time.
    /// let gap = Timestamp::from_civil(date(2027, 3, 28).at(2, 30, 0, 0), &berlin);
    /// assert_eq!(gap.to_string(), "2027-03-28T01:30:00.000Z");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn from_civil(civil: DateTime, zone: &super::Zone) -> Timestamp {
        match zone.to_jiff().to_ambiguous_timestamp(civil).compatible() {
            Ok(t) => Timestamp::from(t),
            // Only past the ends of jiff's range.
            Err(_) if civil.year() < 0 => Timestamp::from_unix_millis(i64::MIN),
            Err(_) => Timestamp::from_unix_millis(i64::MAX),
        }
    }
}

impl From<jiff::Timestamp> for Timestamp {
    /// The same instant, to the millisecond (what lies below it is dropped,
    /// toward the past).
    fn from(t: jiff::Timestamp) -> Self {
        let millis = t.as_millisecond();
        let below = t.subsec_nanosecond() % 1_000_000;
        Timestamp::from_unix_millis(if below < 0 { millis - 1 } else { millis })
    }
}

impl From<Timestamp> for jiff::Timestamp {
    fn from(t: Timestamp) -> Self {
        t.to_jiff()
    }
}

/// The ISO 8601 form, as [`Display`](fmt::Display): `2027-01-31T09:30:00.000Z`.
impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for Timestamp {
    type Err = Error;

    /// RFC 3339's `date-time`, the form LMS APIs (and OpenAPI's
    /// `date-time`) use: `YYYY-MM-DDTHH:MM:SS`, an optional fraction of
    /// one digit or more (read to the millisecond), and `Z` or a UTC offset
    /// `+HH:MM` / `-HH:MM`. `T` and `Z` may be lower case, as RFC 3339
    /// allows. A leap second (`:60`, only where one can be: 23:59:60 UTC)
    /// is read as second 59, as `jiff` reads it. A year before 0 takes ISO 8601's expanded form, a sign and six
    /// digits (`-000580-06-12T19:04:00.000Z`), as it prints. The shape is
    /// checked here; `jiff` checks the calendar (no February 30) and
    /// converts. Whatever the offset written, the timestamp prints in the
    /// `Z` form.
    ///
    /// ```
    /// use coursecopy::Timestamp;
    /// let t: Timestamp = "2030-01-01T00:00:00+01:00".parse()?;
    /// assert_eq!(t.to_string(), "2029-12-31T23:00:00.000Z");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || {
            Error::invalid(
                crate::Field::Timestamp,
                format!("{s:?} is not of the form YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)"),
            )
        };
        // How far an expanded year moves every later field.
        let o = if s.starts_with(['-', '+']) { 3 } else { 0 };
        let b = s.as_bytes();
        if b.len() < 20 + o
            || !b.is_ascii()
            || b[4 + o] != b'-'
            || b[7 + o] != b'-'
            || !matches!(b[10 + o], b'T' | b't')
            || b[13 + o] != b':'
            || b[16 + o] != b':'
        {
            return Err(bad());
        }
        let digits = |part: &str| -> Result<i16, Error> {
            if part.bytes().all(|c| c.is_ascii_digit()) { part.parse().map_err(|_| bad()) } else { Err(bad()) }
        };
        let num = |r: std::ops::Range<usize>| digits(&s[r.start + o..r.end + o]);
        let y = match b[0] {
            b'-' => -digits(&s[1..7])?,
            b'+' => digits(&s[1..7])?,
            _ => num(0..4)?,
        };
        let (mo, d, h, mi, sec) = (num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
        let mut rest = &s[19 + o..];
        let mut millis = 0;
        if let Some(fraction) = rest.strip_prefix('.') {
            let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if len == 0 {
                return Err(bad());
            }
            millis = format!("{:0<3}", &fraction[..len.min(3)]).parse::<i32>().map_err(|_| bad())?;
            rest = &fraction[len..];
        }
        let offset_minutes = match rest.as_bytes() {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let (oh, om) = (digits(&rest[1..3])?, digits(&rest[4..6])?);
                if oh > 23 || om > 59 {
                    return Err(bad());
                }
                let minutes = i64::from(oh * 60 + om);
                if *sign == b'-' { -minutes } else { minutes }
            }
            _ => return Err(bad()),
        };
        let small = |v: i16| i8::try_from(v).map_err(|_| bad());
        let leap = sec == 60;
        let sec = if leap { 59 } else { sec };
        let civil = DateTime::new(y, small(mo)?, small(d)?, small(h)?, small(mi)?, small(sec)?, millis * 1_000_000)
            .map_err(|_| bad())?;
        let local = civil.to_zoned(TimeZone::UTC).map_err(|_| bad())?.timestamp().as_millisecond();
        let instant = local - offset_minutes * 60_000;
        let (min, max) = range();
        if !(min..=max).contains(&instant) {
            return Err(bad());
        }
        // A leap second is inserted at the end of a UTC day, so `:60` is
        // 23:59:60 in UTC once the offset is taken off.
        if leap && instant.rem_euclid(86_400_000) / 1000 != 86_399 {
            return Err(bad());
        }
        Ok(Timestamp { millis: instant })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.to_jiff().to_zoned(TimeZone::UTC).datetime();
        // Years 0 to 9999 as LMSs write them; earlier ones in ISO 8601's
        // expanded form, which parses back.
        if t.year() < 0 {
            write!(f, "-{:06}", -i32::from(t.year()))?;
        } else {
            write!(f, "{:04}", t.year())?;
        }
        write!(
            f,
            "-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_orders() {
        for s in [
            "1970-01-01T00:00:00.000Z",
            "2000-02-29T23:59:59.999Z",
            "2027-12-31T00:00:00.500Z",
            "1969-07-20T20:17:00.000Z",
        ] {
            let t: Timestamp = s.parse().unwrap();
            assert_eq!(t.to_string(), s);
        }
        let a: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
        let b: Timestamp = "2027-01-01T00:00:00.1Z".parse().unwrap();
        assert_eq!(b.unix_millis() - a.unix_millis(), 100);
        assert_eq!(Timestamp::from_unix_millis(0).to_string(), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn rejects_malformed_input_without_panicking() {
        for s in [
            "",
            "2027-02-30T00:00:00Z",
            "2027-13-01T00:00:00Z",
            "2027-01-01 00:00:00Z",
            "2027-01-01T24:00:00Z",
            "2027-01-01T00:00:00",
            "2027-01-01T00:00:00.Z",
            "20x7-01-01T00:00:00Z",
            "2027-01-01T00:00:00+01",
            "2027-01-01T00:00:00+0100",
            "2027-01-01T00:00:00+24:00",
            "2027-01-01T00:00:00+01:60",
            "2027-01-01T00:00:00Z+01:00",
            "2027-01-01T00:00:00.5+01:00Z",
            "2027-01-01T00:00Z",
            "é027-01-01T00:00:00Z",
            "2027-02-29T00:00:00Z",
            "2027-01-01T00:00:61Z",
            "2027-01-01T12:34:60Z",
            "2016-12-31T23:59:60+01:00",
            "9999-12-30T22:00:00-01:00",
        ] {
            assert!(s.parse::<Timestamp>().is_err(), "{s}");
        }
        assert!("2028-02-29T12:00:00Z".parse::<Timestamp>().is_ok(), "a leap day");
    }

    /// RFC 3339's other forms: offsets, lower-case `t` and `z`, a leap
    /// second; each prints back in the `Z` form.
    #[test]
    fn reads_every_rfc3339_form_and_writes_z() {
        for (given, z) in [
            ("2030-01-01T00:00:00+01:00", "2029-12-31T23:00:00.000Z"),
            ("2030-01-01T00:00:00-05:30", "2030-01-01T05:30:00.000Z"),
            ("2030-01-01T00:00:00.25+00:00", "2030-01-01T00:00:00.250Z"),
            ("2030-01-01T00:00:00-00:00", "2030-01-01T00:00:00.000Z"),
            ("2030-01-01t00:00:00z", "2030-01-01T00:00:00.000Z"),
            ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.000Z"),
            ("2017-01-01T00:59:60+01:00", "2016-12-31T23:59:59.000Z"),
            ("2030-01-01T00:00:00.1234567890123Z", "2030-01-01T00:00:00.123Z"),
            ("2029-12-31T23:00:00.123456789+23:59", "2029-12-30T23:01:00.123Z"),
        ] {
            let t: Timestamp = given.parse().unwrap();
            assert_eq!(t.to_string(), z, "{given}");
        }
    }

    #[test]
    fn the_range_is_jiffs_and_out_of_range_millis_are_clamped() {
        let (min, max) = (Timestamp::from_unix_millis(i64::MIN), Timestamp::from_unix_millis(i64::MAX));
        assert_eq!(max.to_string(), "9999-12-30T22:00:00.000Z");
        assert!(min < Timestamp::from_unix_millis(0) && min.to_string().starts_with("-009999-01-02"), "{min}");
        assert_eq!(min.to_string().parse::<Timestamp>().unwrap(), min);
        let ancient: Timestamp = "-000580-06-12T19:04:00.000Z".parse().unwrap();
        assert_eq!(ancient.to_string(), "-000580-06-12T19:04:00.000Z");
        assert_eq!("+002027-01-01T00:00:00Z".parse::<Timestamp>().unwrap().to_string(), "2027-01-01T00:00:00.000Z");
        for s in ["-580-06-12T19:04:00Z", "-0580-06-12T19:04:00Z", "-010000-01-01T00:00:00Z", "-00058a-06-12T19:04:00Z"]
        {
            assert!(s.parse::<Timestamp>().is_err(), "{s}");
        }
        assert_eq!("9999-12-30T22:00:00Z".parse::<Timestamp>().unwrap(), max);
        assert!("9999-12-31T00:00:00Z".parse::<Timestamp>().is_err(), "past jiff's range: refused, not clamped");
    }

    proptest::proptest! {
        #![proptest_config(crate::property_config())]

        /// Printing and parsing give back every millisecond of years 0 to
        /// 9999, in order.
        #[test]
        fn prints_and_parses_back(a in -62_167_219_200_000i64..253_402_207_200_000, b in -62_167_219_200_000i64..253_402_207_200_000) {
            let (ta, tb) = (Timestamp::from_unix_millis(a), Timestamp::from_unix_millis(b));
            proptest::prop_assert_eq!(ta.to_string().parse::<Timestamp>().unwrap(), ta);
            proptest::prop_assert_eq!(ta.to_string().cmp(&tb.to_string()), a.cmp(&b));
        }

        /// RFC 3339 with any UTC offset: an instant written in any offset's
        /// local time, as jiff writes it, parses to that instant.
        #[test]
        fn any_offset_reads_as_the_instant_it_names(
            a in -62_000_000_000_000i64..253_000_000_000_000,
            minutes in -(23 * 60 + 59)..=(23 * 60 + 59i32),
        ) {
            let t = Timestamp::from_unix_millis(a);
            let offset = jiff::tz::Offset::from_seconds(minutes * 60).unwrap();
            let written = t.to_jiff().display_with_offset(offset).to_string();
            proptest::prop_assert_eq!(written.parse::<Timestamp>().unwrap(), t, "{}", written);
        }

        /// INT-4: every timestamp of the range prints in a form that parses
        /// back, years before 0 included, so saved dates always load.
        #[test]
        fn every_timestamp_parses_back(a in proptest::num::i64::ANY) {
            let t = Timestamp::from_unix_millis(a);
            proptest::prop_assert_eq!(t.to_string().parse::<Timestamp>().unwrap(), t);
        }
    }
}
