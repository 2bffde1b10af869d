//! Date shifting (DAT-1..4): the rule that moves one date of a course to a
//! new term, in the course's local calendar. Pure: a date and a time zone
//! in, a date (or none) out.

use super::{Timestamp, Zone};
use crate::{Error, Field};
use jiff::SignedDuration;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;

/// How to move dates to a new term (DAT-1..4), as LMSs offer it when a
/// course is copied: by a number of days, by mapping an old range of dates
/// onto a new one (proportionally, keeping weekdays), or by removing them.
///
/// Precedence (DAT-1): remove dates, else days, else range, else no
/// change. Shifting works on local calendar dates in the course's time
/// zone and keeps each date's local time of day (DAT-2); a local time in a
/// daylight-saving gap moves forward by the gap, one in a fold takes the
/// earlier instant.
///
/// ```
/// use coursecopy::{DateShift, Timestamp, Zone};
///
/// // A whole term, a year and a week later.
/// let t = |s: &str| s.parse::<Timestamp>().unwrap();
/// let shift = DateShift::by_range(
///     t("2027-01-04T00:00:00Z"), t("2027-05-01T00:00:00Z"),
///     t("2028-01-10T00:00:00Z"), t("2028-05-06T00:00:00Z"),
/// );
/// // Due on a Monday at 23:59 in Berlin: still a Monday, still 23:59 there.
/// let due = t("2027-03-29T21:59:00Z");
/// assert_eq!(shift.shift(due, &Zone::get("Europe/Berlin")?)?, Some(t("2028-04-03T21:59:00Z")));
/// assert_eq!(DateShift::remove_dates().shift(due, &Zone::utc())?, None);
/// # Ok::<(), coursecopy::Error>(())
/// ```
///
/// With the `serde` feature it serializes in the library's own form (what
/// a journal keeps), not an LMS's: Learn's and Canvas's `dateShift` are
/// read by [`LearnCopyRequest`](crate::LearnCopyRequest).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields, try_from = "ShiftForm"))]
#[must_use = "a shift does nothing until it is passed to a copy or Workspace::shift_course_dates"]
pub struct DateShift {
    remove: bool,
    days: Option<i32>,
    range: Option<[RangeDay; 4]>,
    /// Old weekday (0 = Sunday) → wanted weekday.
    substitutions: [Option<u8>; 7],
}

impl DateShift {
    /// No change.
    pub fn new() -> Self {
        DateShift::default()
    }

    /// Every date moves by `days` calendar days (DAT-1, day mode).
    pub fn by_days(days: i32) -> Self {
        DateShift { days: Some(days), ..DateShift::default() }
    }

    /// A date's place between `old_start` and `old_end` maps proportionally
    /// between `new_start` and `new_end`, in whole days, rounding halves
    /// away from zero; then it moves to its weekday (DAT-1, DAT-3).
    pub fn by_range(old_start: Timestamp, old_end: Timestamp, new_start: Timestamp, new_end: Timestamp) -> Self {
        let at = RangeDay::At;
        DateShift { range: Some([at(old_start), at(old_end), at(new_start), at(new_end)]), ..DateShift::default() }
    }

    /// As [`by_range`](Self::by_range), with the four dates given as
    /// calendar dates, as people write a term's first and last day: the
    /// date itself, in whatever zone the course is. Parse text with jiff
    /// (`"2027-01-04".parse::<jiff::civil::Date>()`), re-exported as
    /// [`coursecopy::jiff`](crate::jiff).
    ///
    /// ```
    /// use coursecopy::{DateShift, Timestamp, Zone, jiff::civil::date};
    /// let shift = DateShift::by_range_dates(date(2027, 1, 4), date(2027, 5, 1), date(2028, 1, 10), date(2028, 5, 6));
    /// let due: Timestamp = "2027-01-05T04:59:00Z".parse()?; // Monday 23:59 in New York
    /// let new_york = Zone::get("America/New_York")?;
    /// assert_eq!(shift.shift(due, &new_york)?, Some("2028-01-11T04:59:00Z".parse()?));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn by_range_dates(old_start: Date, old_end: Date, new_start: Date, new_end: Date) -> Self {
        let on = RangeDay::On;
        DateShift { range: Some([on(old_start), on(old_end), on(new_start), on(new_end)]), ..DateShift::default() }
    }

    /// Sets the range from bounds each given as an instant or a calendar
    /// date (the JSON layer's mix).
    #[cfg(feature = "serde")]
    pub(crate) fn with_range(mut self, range: [RangeDay; 4]) -> Self {
        self.range = Some(range);
        self
    }

    /// Sets day mode's number of days.
    #[cfg(feature = "serde")]
    pub(crate) fn with_days(mut self, days: i32) -> Self {
        self.days = Some(days);
        self
    }

    /// Sets whether dates are removed.
    #[cfg(feature = "serde")]
    pub(crate) fn with_removal(mut self, remove: bool) -> Self {
        self.remove = remove;
        self
    }

    /// The copy's dates are removed (DAT-4).
    pub fn remove_dates() -> Self {
        DateShift { remove: true, ..DateShift::default() }
    }

    /// A date that was on weekday `from` lands on weekday `to` (DAT-3).
    ///
    /// In range mode the date moves forward (1 to 6 days) to the wanted
    /// weekday, then back a week unless that is before the new start: so a
    /// substituted date can land in the week before its proportional date,
    /// as Canvas does it. In day mode it only moves forward.
    ///
    /// ```
    /// use coursecopy::{DateShift, jiff::civil::Weekday};
    /// let shift = DateShift::by_days(7).substitute(Weekday::Monday, Weekday::Tuesday);
    /// let monday = "2027-04-12T09:00:00Z".parse()?;
    /// assert_eq!(shift.shift(monday, &Default::default())?, Some("2027-04-20T09:00:00Z".parse()?));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn substitute(mut self, from: Weekday, to: Weekday) -> Self {
        self.substitutions[usize::from(weekday_number(from))] = Some(weekday_number(to));
        self
    }

    /// Whether the shift changes nothing: no removal, no days, no range.
    pub fn is_none(&self) -> bool {
        !self.remove && self.days.is_none() && self.range.is_none()
    }

    /// Whether the shift removes dates (DAT-4).
    pub fn removes_dates(&self) -> bool {
        self.remove
    }

    /// Where `date` lands, in the calendar of `zone`, or `None` when dates
    /// are removed.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] ([`Field::Date`](crate::Field::Date)) when the result falls outside the
    /// years -9999 to 9999.
    pub fn shift(&self, date: Timestamp, zone: &Zone) -> Result<Option<Timestamp>, Error> {
        let [moved, ..] = self.prepare(zone)?.dates([Some(date), None, None])?.dates;
        Ok(moved)
    }

    /// The shift ready to run in `zone`: the zone looked up and the range's
    /// local dates worked out once, for every date of a course.
    pub(crate) fn prepare(&self, zone: &Zone) -> Result<Shifter, Error> {
        let tz = zone.to_jiff();
        let range = match self.range {
            Some(r) => {
                let day = |d: RangeDay| match d {
                    RangeDay::On(date) => Ok(epoch_day(date)),
                    RangeDay::At(t) => local_date(t, &tz)
                        .map(epoch_day)
                        .ok_or_else(|| Error::invalid(Field::DateShift, format!("{t} is out of range"))),
                };
                let (os, oe, ns, ne) = (day(r[0])?, day(r[1])?, day(r[2])?, day(r[3])?);
                Some(Range { old_start: os, new_start: ns, old_len: oe - os, new_len: ne - ns, new: [r[2], r[3]] })
            }
            None => None,
        };
        let offsets = Offsets { tz, seen: std::cell::RefCell::new(Vec::new()) };
        Ok(Shifter { remove: self.remove, days: self.days, range, substitutions: self.substitutions, offsets })
    }
}

/// A [`DateShift`] as read, before its weekdays are checked.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
#[derive(Default)]
struct ShiftForm {
    remove: bool,
    days: Option<i32>,
    range: Option<[RangeDay; 4]>,
    substitutions: [Option<u8>; 7],
}

#[cfg(feature = "serde")]
impl TryFrom<ShiftForm> for DateShift {
    type Error = String;

    fn try_from(form: ShiftForm) -> Result<Self, String> {
        let ShiftForm { remove, days, range, substitutions } = form;
        if let Some(day) = substitutions.iter().flatten().find(|day| **day > 6) {
            return Err(format!("substitutions: weekday {day} is none of 0 (Sunday) to 6"));
        }
        Ok(DateShift { remove, days, range, substitutions })
    }
}

/// A bound of a shift's range: an instant (its local date in the course's
/// zone counts) or a calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub(crate) enum RangeDay {
    At(Timestamp),
    On(Date),
}

/// A range worked out for one zone: the starts as local day numbers
/// ([`epoch_day`]), the lengths in days.
#[derive(Clone, Copy, Debug)]
struct Range {
    old_start: i64,
    new_start: i64,
    old_len: i64,
    new_len: i64,
    /// The new range's bounds as given.
    new: [RangeDay; 2],
}

/// A [`DateShift`] prepared for one time zone.
///
/// It counts whole days as day numbers: a local date is the number of days
/// since 1970-01-01, so that moving by days, measuring a range and finding
/// a weekday are sums. Every local time and every offset comes from jiff
/// (through [`Offsets`]); no calendar (months, years, leap days) is worked
/// out here.
#[derive(Clone, Debug)]
pub(crate) struct Shifter {
    remove: bool,
    days: Option<i32>,
    range: Option<Range>,
    substitutions: [Option<u8>; 7],
    offsets: Offsets,
}

const DAY_MS: i64 = 86_400_000;

/// A time zone with the spans of constant offset met so far: a course's
/// dates fall in a few of them (a term crosses two or three daylight-saving
/// changes), and jiff works out a zone's rule for each lookup past its
/// table of transitions. Each span is jiff's, checked before it is kept. A
/// local time is resolved from a span only when no transition lies within
/// a day of the instant, where there is no gap and no fold; otherwise jiff
/// resolves it (`Compatible`).
#[derive(Clone, Debug)]
struct Offsets {
    tz: TimeZone,
    seen: std::cell::RefCell<Vec<Span>>,
}

/// A span of constant offset, in Unix milliseconds: `[start, end)`, its
/// offset, and the part of it more than a day from either end.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: i64,
    end: i64,
    offset: i64,
    clear_from: i64,
    clear_until: i64,
}

/// Spans remembered at most: a term's worth, many times over.
const SPANS: usize = 32;

impl Offsets {
    /// The offset from UTC at `t` (Unix milliseconds), in milliseconds.
    fn offset_at(&self, t: i64) -> Option<i64> {
        if let Some(span) = self.seen.borrow().iter().find(|s| s.start <= t && t < s.end) {
            return Some(span.offset);
        }
        let instant = jiff::Timestamp::from_millisecond(t).ok()?;
        self.learn(instant);
        Some(i64::from(self.tz.to_offset(instant).seconds()) * 1000)
    }

    /// The instant (Unix milliseconds) of the local time `local` (local
    /// wall-clock milliseconds since 1970-01-01T00:00): `Compatible` in a gap
    /// or a fold.
    fn instant(&self, local: i64) -> Option<i64> {
        let clear = self.seen.borrow().iter().find_map(|s| {
            let t = local.checked_sub(s.offset)?;
            (s.clear_from <= t && t < s.clear_until).then_some(t)
        });
        if clear.is_some() {
            return clear;
        }
        let wall = jiff::tz::Offset::UTC.to_datetime(jiff::Timestamp::from_millisecond(local).ok()?);
        let t = self.tz.to_ambiguous_timestamp(wall).compatible().ok()?;
        self.learn(t);
        Some(t.as_millisecond())
    }

    /// Remembers the span of constant offset around `t`, if jiff's
    /// transitions and offsets agree on it.
    fn learn(&self, t: jiff::Timestamp) {
        if self.seen.borrow().len() >= SPANS {
            return;
        }
        let start = self.tz.preceding(t).next().map_or(jiff::Timestamp::MIN, |tr| tr.timestamp());
        let end = self.tz.following(t).next().map_or(jiff::Timestamp::MAX, |tr| tr.timestamp());
        let offset = self.tz.to_offset(t);
        let last = end.checked_sub(SignedDuration::from_millis(1)).unwrap_or(end);
        let agrees = start <= t && t < end && self.tz.to_offset(start) == offset && self.tz.to_offset(last) == offset;
        let (start, end) = (start.as_millisecond(), end.as_millisecond());
        if agrees {
            self.seen.borrow_mut().push(Span {
                start,
                end,
                offset: i64::from(offset.seconds()) * 1000,
                clear_from: start.saturating_add(DAY_MS),
                clear_until: end.saturating_sub(DAY_MS),
            });
        }
    }
}

/// An item's dates after a shift, and whether they kept their distances
/// instead of moving each by itself (DAT-5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Moved {
    pub(crate) dates: [Option<Timestamp>; 3],
    pub(crate) kept_distances: bool,
}

impl Shifter {
    /// The dates (start, end, due) of one item after the shift (DAT-5):
    /// each by itself, by the rule (DAT-1..3), at its own local time of day
    /// (DAT-2). Only when that would put the end before the start, or a due
    /// date that was not before the start before it, do the dates instead
    /// keep their distances: the earliest moves by the rule and every other
    /// one by the same number of calendar days, at its own local time of
    /// day ([`Moved::kept_distances`]). With dates removed, none is left
    /// (DAT-4).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] (`date`) when a date moves outside the years
    /// -9999 to 9999.
    pub(crate) fn dates(&self, dates: [Option<Timestamp>; 3]) -> Result<Moved, Error> {
        let unmoved = |dates| Ok(Moved { dates, kept_distances: false });
        if self.remove {
            return unmoved([None; 3]);
        }
        if self.days.is_none() && self.range.is_none() {
            return unmoved(dates);
        }
        let mut each = [None; 3];
        for (slot, date) in each.iter_mut().zip(dates) {
            if let Some(date) = date {
                *slot = Some(self.resolve(date, self.local(date)?, self.days_moved(date)?)?);
            }
        }
        if !reverses_order(dates, each) {
            return unmoved(each);
        }
        Ok(Moved { dates: self.together(dates)?, kept_distances: true })
    }

    /// The dates of one item moved together: the earliest by the rule,
    /// every other one by the same number of days, none before the
    /// earliest, and the end not before the start (a daylight-saving gap
    /// could put a date there: 02:30 becomes 03:30 while 03:10 stays).
    fn together(&self, dates: [Option<Timestamp>; 3]) -> Result<[Option<Timestamp>; 3], Error> {
        let Some(earliest) = dates.iter().flatten().min().copied() else { return Ok(dates) };
        let by = self.days_moved(earliest)?;
        let first = self.resolve(earliest, self.local(earliest)?, by)?;
        let mut out = [None; 3];
        for (slot, date) in out.iter_mut().zip(dates) {
            if let Some(date) = date {
                *slot =
                    Some(if date == earliest { first } else { self.resolve(date, self.local(date)?, by)?.max(first) });
            }
        }
        if let [Some(start), Some(end), _] = &mut out {
            *end = (*end).max(*start);
        }
        Ok(out)
    }

    /// `t` as local wall-clock milliseconds.
    fn local(&self, t: Timestamp) -> Result<i64, Error> {
        let offset = self.offsets.offset_at(t.unix_millis()).ok_or_else(|| out_of_range(t))?;
        t.unix_millis().checked_add(offset).ok_or_else(|| out_of_range(t))
    }

    /// How far (milliseconds, whole days) the rule moves the local day of `t`.
    fn days_moved(&self, t: Timestamp) -> Result<i64, Error> {
        let day = self.local(t)?.div_euclid(DAY_MS);
        self.new_day(day).and_then(|d| (d - day).checked_mul(DAY_MS)).ok_or_else(|| out_of_range(t))
    }

    /// The instant of `t`'s local time `local` moved by `by` milliseconds.
    fn resolve(&self, t: Timestamp, local: i64, by: i64) -> Result<Timestamp, Error> {
        let moved = local.checked_add(by).and_then(|l| self.offsets.instant(l)).ok_or_else(|| out_of_range(t))?;
        Ok(Timestamp::from_unix_millis(moved))
    }

    /// A course's date range (`start` to `end`) after the shift (DAT-5):
    /// in range mode exactly the new range, each bound an instant as given
    /// or a calendar date at the local time of day the old bound had;
    /// otherwise, or if the new range ends before it starts, as an item's
    /// dates.
    ///
    /// # Errors
    ///
    /// As [`dates`](Self::dates).
    pub(crate) fn date_range(&self, start: Timestamp, end: Timestamp) -> Result<Moved, Error> {
        let as_item = |s: &Self| s.dates([Some(start), Some(end), None]);
        let (false, None, Some(range)) = (self.remove, self.days, &self.range) else { return as_item(self) };
        let bound = |given: RangeDay, old: Timestamp| match given {
            RangeDay::At(t) => Ok(t),
            RangeDay::On(date) => {
                let time_of_day = self.local(old)?.rem_euclid(DAY_MS);
                let local = epoch_day(date).checked_mul(DAY_MS).and_then(|d| d.checked_add(time_of_day));
                let at = local.and_then(|l| self.offsets.instant(l)).ok_or_else(|| out_of_range(old))?;
                Ok(Timestamp::from_unix_millis(at))
            }
        };
        let (new_start, new_end) = (bound(range.new[0], start)?, bound(range.new[1], end)?);
        if new_end < new_start {
            return as_item(self);
        }
        Ok(Moved { dates: [Some(new_start), Some(new_end), None], kept_distances: false })
    }

    /// The local day (number) `day` moves to by the rule (DAT-1, DAT-3).
    fn new_day(&self, day: i64) -> Option<i64> {
        let old_weekday = weekday_of(day);
        let wanted = self.substitutions[usize::from(old_weekday)];
        match (self.days, &self.range) {
            (Some(days), _) => {
                let moved = day.checked_add(i64::from(days))?;
                Some(match wanted {
                    Some(w) => ahead_to(moved, w),
                    None => moved,
                })
            }
            (None, Some(r)) => {
                // An old range of no length (or one that ends before it
                // starts, as Canvas treats it) maps to the new start.
                let offset = match r.old_len {
                    ..=0 => 0,
                    old_len => round_half_away((day - r.old_start).checked_mul(r.new_len)?, old_len),
                };
                let proportional = r.new_start.checked_add(offset)?;
                let wanted = wanted.unwrap_or(old_weekday);
                if weekday_of(proportional) == wanted {
                    return Some(proportional);
                }
                let forward = ahead_to(proportional, wanted);
                Some(if forward - 7 >= r.new_start { forward - 7 } else { forward })
            }
            (None, None) => Some(day),
        }
    }
}

/// Whether dates shifted each by itself (`after`) put an end before its
/// start, or a due date before the start when it was not before it
/// (`before`).
fn reverses_order(before: [Option<Timestamp>; 3], after: [Option<Timestamp>; 3]) -> bool {
    let [Some(start), end, due] = after else { return false };
    let end_first = end.is_some_and(|end| end < start);
    let due_first = matches!((before[0], before[2], due), (Some(s0), Some(d0), Some(d)) if d0 >= s0 && d < start);
    end_first || due_first
}

fn out_of_range(t: Timestamp) -> Error {
    Error::invalid(Field::Date, format!("{t} moves out of range"))
}

/// Weekday number, 0 = Sunday.
fn weekday_number(w: Weekday) -> u8 {
    u8::try_from(w.to_sunday_zero_offset()).unwrap_or(0)
}

fn local_date(t: Timestamp, tz: &TimeZone) -> Option<Date> {
    Some(tz.to_datetime(jiff::Timestamp::from_millisecond(t.unix_millis()).ok()?).date())
}

/// A calendar date written `YYYY-MM-DD`, and nothing more; or why not:
/// the form, or, for a date of that form that does not exist
/// (`2027-13-01`), what is wrong with it.
#[cfg(feature = "serde")]
pub(crate) fn calendar_date(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shaped {
        return Err(format!("{s:?} is not a date of the form YYYY-MM-DD"));
    }
    s.parse::<Date>().map_err(|e| format!("{s:?} is not a date: {}", e.to_string().rsplit(": ").next().unwrap_or("")))
}

/// The day number of a date: days since 1970-01-01 (jiff counts them:
/// civil dates are whole 24-hour days apart).
fn epoch_day(d: Date) -> i64 {
    d.duration_since(Date::constant(1970, 1, 1)).as_secs().div_euclid(86_400)
}

/// The weekday of day number `d`, 0 = Sunday: 1970-01-01 was a Thursday.
fn weekday_of(d: i64) -> u8 {
    u8::try_from((d + 4).rem_euclid(7)).unwrap_or(0)
}

/// `num ÷ den` rounded to the nearest integer, halves away from zero; `den`
/// is not 0.
fn round_half_away(num: i64, den: i64) -> i64 {
    let (q, r) = (num / den, num % den);
    if 2 * r.abs() >= den.abs() { q + (num.signum() * den.signum()) } else { q }
}

/// Day `d`, or the first day after it (1 to 6 days on) that is weekday `w`.
fn ahead_to(d: i64, w: u8) -> i64 {
    d + (i64::from(w) - i64::from(weekday_of(d))).rem_euclid(7)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::DateTime;

    fn zn(name: &str) -> Zone {
        Zone::get(name).unwrap()
    }

    /// Weekday `n`, 0 = Sunday.
    fn wd(n: u8) -> Weekday {
        Weekday::from_sunday_zero_offset(i8::try_from(n).unwrap()).unwrap()
    }

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }
    use proptest::prelude::*;

    /// Weekday number of a date, 0 = Sunday, by jiff.
    fn weekday(d: Date) -> u8 {
        u8::try_from(d.weekday().to_sunday_zero_offset()).unwrap()
    }

    /// Whole days from `a` to `b`, by jiff's calendar.
    fn days_between(a: Date, b: Date) -> i64 {
        b.since((jiff::Unit::Day, a)).unwrap().get_days().into()
    }

    fn in_days(n: i64) -> Option<SignedDuration> {
        n.checked_mul(86_400).map(SignedDuration::from_secs)
    }

    /// Local wall-clock milliseconds of a civil time.
    fn wall(dt: DateTime) -> i64 {
        jiff::tz::Offset::UTC.to_timestamp(dt).unwrap().as_millisecond()
    }

    /// The day numbers agree with jiff's calendar, weekdays included.
    #[test]
    fn day_numbers_are_jiffs_days() {
        for d in ["1970-01-01", "1969-12-31", "2000-02-29", "2027-03-28", "-000044-03-15", "9999-12-31"] {
            let date: Date = d.parse().unwrap();
            assert_eq!(epoch_day(date), days_between(Date::constant(1970, 1, 1), date), "{d}");
            assert_eq!(weekday_of(epoch_day(date)), weekday(date), "{d}");
        }
    }

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// DAT-2: 23:59 local stays 23:59 local across the 2027 daylight-saving
    /// changes of Europe/Berlin (March 28, October 31), America/New_York
    /// (March 14, November 7) and Australia/Sydney (April 4, October 3).
    #[test]
    fn dat2_local_time_of_day_survives_daylight_saving_changes() {
        let cases = [
            ("Europe/Berlin", "2027-03-24T22:59:00Z", "2027-03-31T21:59:00Z"),
            ("Europe/Berlin", "2027-10-27T21:59:00Z", "2027-11-03T22:59:00Z"),
            ("America/New_York", "2027-03-11T04:59:00Z", "2027-03-18T03:59:00Z"),
            ("America/New_York", "2027-11-04T03:59:00Z", "2027-11-11T04:59:00Z"),
            ("Australia/Sydney", "2027-04-01T12:59:00Z", "2027-04-08T13:59:00Z"),
            ("Australia/Sydney", "2027-09-30T13:59:00Z", "2027-10-07T12:59:00Z"),
        ];
        for (zone, before, after) in cases {
            assert_eq!(DateShift::by_days(7).shift(t(before), &zn(zone)).unwrap(), Some(t(after)), "{zone} {before}");
        }
    }

    /// DAT-2: a local time in a gap moves forward by the gap; one in a fold
    /// takes the earlier instant (jiff's `Compatible`).
    #[test]
    fn dat2_gaps_move_forward_and_folds_take_the_earlier_instant() {
        // 02:30 on 2027-03-21 in Berlin; 02:30 on 2027-03-28 does not exist.
        let gap = DateShift::by_days(7).shift(t("2027-03-21T01:30:00Z"), &zn("Europe/Berlin")).unwrap();
        assert_eq!(gap, Some(t("2027-03-28T01:30:00Z")), "03:30 CEST");
        // 02:30 on 2027-10-24; 02:30 on 2027-10-31 happens twice: the first.
        let fold = DateShift::by_days(7).shift(t("2027-10-24T00:30:00Z"), &zn("Europe/Berlin")).unwrap();
        assert_eq!(fold, Some(t("2027-10-31T00:30:00Z")), "02:30 CEST");
    }

    /// DAT-1, DAT-3: range mode maps proportionally, then keeps the
    /// weekday (forward, then back a week unless before the new start);
    /// substitutions; a leap day; an empty old range.
    #[test]
    fn dat1_dat3_range_mode_fixed_cases() {
        let shift = DateShift::by_range(
            t("2027-01-04T10:00:00Z"),
            t("2027-01-11T10:00:00Z"),
            t("2028-02-21T10:00:00Z"),
            t("2028-03-06T10:00:00Z"),
        );
        // Jan 7 (Thursday), 3 of 7 days in: 3 × 14 ÷ 7 = 6 days past Feb 21
        // is Feb 27 (Sunday); forward to Thursday Mar 2, back a week: Feb 24.
        assert_eq!(shift.shift(t("2027-01-07T09:00:00Z"), &zn("UTC")).unwrap(), Some(t("2028-02-24T09:00:00Z")));
        // Substitution: Thursday → Tuesday (4 → 2), through the leap day.
        let sub = shift.clone().substitute(wd(4), wd(2));
        assert_eq!(sub.shift(t("2027-01-07T09:00:00Z"), &zn("UTC")).unwrap(), Some(t("2028-02-22T09:00:00Z")));
        let leap = DateShift::by_range(
            t("2027-03-01T00:00:00Z"),
            t("2027-03-01T00:00:00Z"),
            t("2028-02-29T00:00:00Z"),
            t("2028-03-20T00:00:00Z"),
        );
        // An empty old range maps to the new start (a Tuesday); Monday
        // wanted: forward to Monday Mar 6, back a week is before the start.
        assert_eq!(leap.shift(t("2027-03-01T12:00:00Z"), &zn("UTC")).unwrap(), Some(t("2028-03-06T12:00:00Z")));
        // An old range that ends before it starts maps to the new start too.
        let reversed =
            DateShift::by_range_dates(day("2027-03-10"), day("2027-03-01"), day("2028-02-29"), day("2028-03-20"));
        assert_eq!(reversed.shift(t("2027-03-01T12:00:00Z"), &zn("UTC")).unwrap(), Some(t("2028-03-06T12:00:00Z")));
        // Exact arithmetic (7 × 45 ÷ 10 = 31.5, up to 32), where a
        // fraction taken first in floating point would give 31.49999….
        // Monday → Friday: Jan 11 → Feb 1 + 32 days = Mar 5, a Friday: it
        // stays (31 days would give Thursday Mar 4, then Friday Feb 26).
        let half =
            DateShift::by_range_dates(day("2027-01-04"), day("2027-01-14"), day("2027-02-01"), day("2027-03-18"))
                .substitute(wd(1), wd(5));
        assert_eq!(half.shift(t("2027-01-11T09:00:00Z"), &zn("UTC")).unwrap(), Some(t("2027-03-05T09:00:00Z")));
        // Back a week may land exactly on the new start (Monday 2028-01-03).
        let to_monday = DateShift::by_range(
            t("2027-01-04T00:00:00Z"),
            t("2027-01-11T00:00:00Z"),
            t("2028-01-03T00:00:00Z"),
            t("2028-01-10T00:00:00Z"),
        )
        .substitute(wd(2), wd(1));
        assert_eq!(to_monday.shift(t("2027-01-05T08:00:00Z"), &zn("UTC")).unwrap(), Some(t("2028-01-03T08:00:00Z")));
        assert_eq!(round_half_away(5, 2), 3);
        assert_eq!(round_half_away(-5, 2), -3);
        assert_eq!(round_half_away(7, 3), 2);
        // Day mode: only an explicit substitution moves a date, forward.
        let days = DateShift::by_days(7).substitute(wd(1), wd(3));
        assert_eq!(days.shift(t("2027-01-04T09:00:00Z"), &zn("UTC")).unwrap(), Some(t("2027-01-13T09:00:00Z")));
        assert_eq!(days.shift(t("2027-01-05T09:00:00Z"), &zn("UTC")).unwrap(), Some(t("2027-01-12T09:00:00Z")));
        // Far past jiff's range: an error, never a panic.
        for days in [i32::MAX, i32::MIN, 4_000_000] {
            let far = DateShift::by_days(days).shift(t("2027-01-01T00:00:00Z"), &zn("UTC"));
            assert!(matches!(far, Err(Error::Invalid { field: Field::Date, .. })), "{days}: {far:?}");
        }
        assert!(matches!(Zone::get("Mars/Olympus"), Err(Error::Invalid { field: Field::TimeZone, .. })));
        assert_eq!(
            DateShift::new().shift(t("2027-01-01T00:00:00Z"), &zn("UTC")).unwrap(),
            Some(t("2027-01-01T00:00:00Z"))
        );
    }

    /// DAT-5: with Monday → Tuesday, an assessment open Monday and due
    /// Friday 23:59 opens on a Tuesday and is still due on a Friday: each
    /// date moves by itself (the Tuesday is in the week before, DAT-3).
    /// One open Thursday and due Monday 09:00 would be due before it opens
    /// (the Monday moves to the Tuesday before): its dates keep their
    /// distances from the opening, which moves by the rule.
    #[test]
    fn dat5_a_substitution_moves_only_the_dates_on_that_weekday() {
        let shift =
            DateShift::by_range_dates(day("2027-04-05"), day("2027-06-25"), day("2028-04-03"), day("2028-06-23"))
                .substitute(wd(1), wd(2));
        let prepared = shift.prepare(&zn("America/Chicago")).unwrap();
        // Monday 2027-04-12 08:00 and Friday 2027-04-16 23:59 in Chicago (CDT, -5).
        let item = [Some(t("2027-04-12T13:00:00Z")), None, Some(t("2027-04-17T04:59:00Z"))];
        let moved = prepared.dates(item).unwrap();
        // Monday 2028-04-10 → Tuesday 04-11 → back a week: Tuesday 04-04;
        // Friday 2028-04-14 23:59 stays.
        assert_eq!(moved.dates, [Some(t("2028-04-04T13:00:00Z")), None, Some(t("2028-04-15T04:59:00Z"))]);
        assert!(!moved.kept_distances);
        // Thursday 2027-04-15 10:00 to Monday 2027-04-19 09:00.
        let late = [Some(t("2027-04-15T15:00:00Z")), None, Some(t("2027-04-19T14:00:00Z"))];
        let alone = late.map(|d| d.map(|d| shift.shift(d, &zn("America/Chicago")).unwrap().unwrap()));
        assert_eq!(alone, [Some(t("2028-04-13T15:00:00Z")), None, Some(t("2028-04-11T14:00:00Z"))], "due first");
        let moved = prepared.dates(late).unwrap();
        assert!(moved.kept_distances);
        assert_eq!(moved.dates, [Some(t("2028-04-13T15:00:00Z")), None, Some(t("2028-04-17T14:00:00Z"))]);
        // A due date already before the start is left to move by itself.
        let early = [Some(t("2027-04-15T15:00:00Z")), None, Some(t("2027-04-12T14:00:00Z"))];
        assert!(!prepared.dates(early).unwrap().kept_distances);
        // Day mode, Friday → Saturday: an event from Friday to Sunday would end before it starts.
        let weekend = DateShift::by_days(7).substitute(wd(5), wd(6)).prepare(&zn("UTC")).unwrap();
        let event = [Some(t("2027-04-16T18:00:00Z")), Some(t("2027-04-18T12:00:00Z")), None];
        let alone = [Some(t("2027-04-24T18:00:00Z")), Some(t("2027-04-25T12:00:00Z")), None];
        assert_eq!(weekend.dates(event).unwrap(), Moved { dates: alone, kept_distances: false });
        let short = [Some(t("2027-04-16T18:00:00Z")), Some(t("2027-04-16T20:00:00Z")), None];
        assert_eq!(
            weekend.dates(short).unwrap(),
            Moved {
                dates: [Some(t("2027-04-24T18:00:00Z")), Some(t("2027-04-24T20:00:00Z")), None],
                kept_distances: false
            }
        );
        // Saturday → Friday (forward: the next Friday): Saturday to Sunday would end first.
        let back = DateShift::by_days(7).substitute(wd(6), wd(5)).prepare(&zn("UTC")).unwrap();
        let event = [Some(t("2027-04-17T18:00:00Z")), Some(t("2027-04-18T12:00:00Z")), None];
        let moved = back.dates(event).unwrap();
        assert!(moved.kept_distances);
        assert_eq!(moved.dates, [Some(t("2027-04-30T18:00:00Z")), Some(t("2027-05-01T12:00:00Z")), None]);
    }

    /// DAT-5: dates that keep their distances never end before they
    /// start, even where a daylight-saving gap moves the start past the
    /// end: in Berlin, a week on from 2027-03-21, an item due at 01:00 and
    /// open 02:30 to 03:10 meets the gap of 2027-03-28 (02:00 to 03:00).
    #[test]
    fn dat5_kept_distances_never_end_before_they_start() {
        let berlin = zn("Europe/Berlin");
        // 01:00, 02:30, 03:10 CET on 2027-03-21.
        let item = [Some(t("2027-03-21T01:30:00Z")), Some(t("2027-03-21T02:10:00Z")), Some(t("2027-03-21T00:00:00Z"))];
        let moved = DateShift::by_days(7).prepare(&berlin).unwrap().dates(item).unwrap();
        let [Some(start), Some(end), Some(due)] = moved.dates else { panic!("{moved:?}") };
        // 02:30 falls in the gap: 03:30 CEST; 03:10 CEST would end first.
        assert_eq!(start, t("2027-03-28T01:30:00Z"));
        assert!(end >= start, "{moved:?}");
        assert_eq!(due, t("2027-03-28T00:00:00Z"), "01:00 CET");
    }

    /// DAT-5: in range mode a course's date range becomes exactly the new
    /// range: instants as given, calendar dates at the old bounds' local
    /// times of day; a new range that ends before it starts moves as an
    /// item's dates do.
    #[test]
    fn dat5_the_date_range_becomes_the_new_range() {
        // 5 April (Monday) to 25 June 2027 (Friday), in New York, 00:00 to 23:59.
        let (start, end) = (t("2027-04-05T04:00:00Z"), t("2027-06-26T03:59:00Z"));
        let dates =
            DateShift::by_range_dates(day("2027-04-05"), day("2027-06-25"), day("2028-04-05"), day("2028-06-25"));
        let moved = dates.prepare(&zn("America/New_York")).unwrap().date_range(start, end).unwrap();
        assert_eq!(moved.dates, [Some(t("2028-04-05T04:00:00Z")), Some(t("2028-06-26T03:59:00Z")), None]);
        let (ns, ne) = (t("2028-04-05T12:00:00Z"), t("2028-06-25T12:00:00Z"));
        let instants = DateShift::by_range(start, end, ns, ne);
        let moved = instants.prepare(&zn("America/New_York")).unwrap().date_range(start, end).unwrap();
        assert_eq!(moved.dates, [Some(ns), Some(ne), None]);
        let reversed = DateShift::by_range(start, end, ne, ns).prepare(&zn("UTC")).unwrap();
        assert_eq!(reversed.date_range(start, end).unwrap(), reversed.dates([Some(start), Some(end), None]).unwrap());
        let days = DateShift::by_days(7).prepare(&zn("UTC")).unwrap();
        assert_eq!(days.date_range(start, end).unwrap(), days.dates([Some(start), Some(end), None]).unwrap());
    }

    /// DAT-2: with the spans on both sides of Berlin's 2027 changes
    /// remembered, a local time in the gap or the fold is still jiff's
    /// `Compatible` answer, and so are times just beside them.
    #[test]
    fn dat2_remembered_offsets_leave_gaps_and_folds_to_jiff() {
        let tz = zone_for("Europe/Berlin");
        let offsets = Offsets { tz: tz.clone(), seen: std::cell::RefCell::new(Vec::new()) };
        for warm in ["2027-03-20T12:00:00Z", "2027-04-05T12:00:00Z", "2027-10-20T12:00:00Z", "2027-11-05T12:00:00Z"] {
            offsets.offset_at(warm.parse::<Timestamp>().unwrap().unix_millis());
        }
        assert_eq!(offsets.seen.borrow().len(), 3, "winter, summer, winter");
        for local in [
            "2027-03-28T02:30",
            "2027-03-28T01:59",
            "2027-03-28T03:00",
            "2027-03-27T02:30",
            "2027-03-29T02:30",
            "2027-10-31T02:30",
            "2027-10-31T01:59",
            "2027-10-31T03:00",
            "2027-10-30T02:30",
            "2027-11-01T02:30",
        ] {
            let dt: DateTime = local.parse().unwrap();
            let jiffs = tz.to_ambiguous_timestamp(dt).compatible().unwrap().as_millisecond();
            assert_eq!(offsets.instant(wall(dt)), Some(jiffs), "{local}");
        }
    }

    fn day_in_2027() -> impl Strategy<Value = Timestamp> {
        (0i64..365, 0i64..86_400_000)
            .prop_map(|(d, ms)| Timestamp::from_unix_millis(1_798_761_600_000 + d * 86_400_000 + ms))
    }

    proptest! {
        #![proptest_config(crate::property_config())]

        /// DAT-1: in day mode, a shift by d days then by -d days gives back
        /// every date (UTC has no gap or fold).
        #[test]
        fn dat1_days_there_and_back(date in day_in_2027(), d in -400i32..400) {
            let there = DateShift::by_days(d).shift(date, &zn("UTC")).unwrap().unwrap();
            prop_assert_eq!(DateShift::by_days(-d).shift(there, &zn("UTC")).unwrap(), Some(date));
        }

        /// DAT-1, DAT-3: range mode with equal lengths and a shift that is a
        /// multiple of 7 days equals day mode (an empty old range maps
        /// everything to the new start instead).
        #[test]
        fn dat1_dat3_equal_ranges_a_whole_number_of_weeks_apart_are_day_mode(date in day_in_2027(), start in day_in_2027(), len in 1i64..200, weeks in -60i64..60) {
            let day = 86_400_000;
            let (os, oe) = (start, Timestamp::from_unix_millis(start.unix_millis() + len * day));
            let k = weeks * 7 * day;
            let (ns, ne) = (Timestamp::from_unix_millis(os.unix_millis() + k), Timestamp::from_unix_millis(oe.unix_millis() + k));
            let range = DateShift::by_range(os, oe, ns, ne).shift(date, &zn("UTC")).unwrap();
            prop_assert_eq!(range, DateShift::by_days((weeks * 7) as i32).shift(date, &zn("UTC")).unwrap());
        }

        /// DAT-3: in range mode a date inside the old range lands on or after
        /// the new start, on the wanted weekday, at most 6 days past its
        /// proportional date.
        #[test]
        fn dat3_range_mode_lands_on_the_wanted_weekday(
            a in day_in_2027(), b in day_in_2027(), c in day_in_2027(), d in day_in_2027(), at in 0.0f64..=1.0,
            sub in proptest::option::of((0u8..7, 0u8..7)), zone in proptest::sample::select(vec!["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney"]),
        ) {
            let ((os, oe), (ns, ne)) = ((a.min(b), a.max(b)), (c.min(d), c.max(d)));
            let inside = Timestamp::from_unix_millis(os.unix_millis() + ((oe.unix_millis() - os.unix_millis()) as f64 * at) as i64);
            let mut shift = DateShift::by_range(os, oe, ns, ne);
            if let Some((from, to)) = sub {
                shift = shift.substitute(wd(from), wd(to));
            }
            let tz = zone_for(zone);
            let out = shift.shift(inside, &zn(zone)).unwrap().unwrap();
            let day = |t: Timestamp| local_date(t, &tz).unwrap();
            let old = day(inside);
            let wanted = sub.filter(|(from, _)| *from == weekday(old)).map_or(weekday(old), |(_, to)| to);
            prop_assert!(day(out) >= day(ns), "{} before the new start {}", out, ns);
            prop_assert_eq!(weekday(day(out)), wanted);
            let old_len = days_between(day(os), day(oe));
            let offset = if old_len == 0 { 0 } else {
                round_half_away(days_between(day(os), old) * days_between(day(ns), day(ne)), old_len)
            };
            let proportional = day(ns).checked_add(in_days(offset).unwrap()).unwrap();
            prop_assert!(days_between(proportional, day(out)) <= 6);
        }

        /// DAT-1, DAT-2: in day mode, in zones with daylight saving, a
        /// shift by d days then by -d days gives back every date whose
        /// local time was neither in a gap nor in a fold on the way.
        #[test]
        fn dat1_days_there_and_back_in_zones_with_daylight_saving(date in day_in_2027(), d in -400i32..400, zone in zones()) {
            let tz = zone_for(zone);
            let there = DateShift::by_days(d).shift(date, &zn(zone)).unwrap().unwrap();
            let clean = |t: Timestamp, days: i32| {
                let local = tz.to_datetime(jiff::Timestamp::from_millisecond(t.unix_millis()).unwrap());
                let moved = local.checked_add(in_days(i64::from(days)).unwrap()).unwrap();
                !tz.to_ambiguous_timestamp(moved).is_ambiguous()
            };
            prop_assume!(clean(date, d) && clean(there, -d));
            prop_assert_eq!(DateShift::by_days(-d).shift(there, &zn(zone)).unwrap(), Some(date));
        }

        /// DAT-5: each date of an item moves by itself, unless that puts
        /// its end, or a due date that was not before its start, before its
        /// start: then the dates move together, each keeping its local time
        /// of day (unless a gap moved it), each by the same number of
        /// calendar days, and none ends before it starts.
        #[test]
        fn dat5_each_date_by_itself_unless_the_item_would_end_before_it_starts(
            dates in proptest::array::uniform3(proptest::option::of(day_in_2027())),
            shift in shifts(), zone in zones(),
        ) {
            let dates = {
                let [s, e, d] = dates;
                match (s, e) {
                    (Some(s), Some(e)) if e < s => [Some(e), Some(s), d],
                    _ => [s, e, d],
                }
            };
            let moved = shift.prepare(&zn(zone)).unwrap().dates(dates).unwrap();
            let alone = dates.map(|d| d.map(|d| shift.shift(d, &zn(zone)).unwrap().unwrap()));
            // DAT-5's trigger, written out: the end before the start, or a
            // due date that was not before the start now before it.
            let reversed = |[s, e, d]: [Option<Timestamp>; 3]| match (s, e, d) {
                (Some(s), Some(e), _) if e < s => true,
                (Some(s), _, Some(d)) => dates[2] >= dates[0] && d < s,
                _ => false,
            };
            prop_assert_eq!(moved.kept_distances, reversed(alone));
            prop_assert!(!reversed(moved.dates), "{:?} -> {:?}", dates, moved.dates);
            if !moved.kept_distances {
                prop_assert_eq!(moved.dates, alone);
                return Ok(());
            }
            let tz = zone_for(zone);
            let local = |t: Timestamp| tz.to_datetime(jiff::Timestamp::from_millisecond(t.unix_millis()).unwrap());
            let mut moved_by = None;
            for (old, new) in dates.iter().zip(moved.dates) {
                prop_assert_eq!(old.is_some(), new.is_some());
                let (Some(old), Some(new)) = (old, new) else { continue };
                let days = days_between(local(*old).date(), local(new).date());
                let gap = tz.to_ambiguous_timestamp(local(*old).checked_add(in_days(days).unwrap()).unwrap()).is_ambiguous();
                if !gap {
                    prop_assert_eq!(local(*old).time(), local(new).time());
                    prop_assert_eq!(*moved_by.get_or_insert(days), days);
                }
            }
        }

        /// DAT-2: the remembered spans of constant offset give jiff's own
        /// answers, gaps and folds included (there, jiff answers), however
        /// warm the memory is.
        #[test]
        fn dat2_remembered_offsets_answer_as_jiff_does(
            warm in proptest::collection::vec(day_in_2027(), 0..12), probes in proptest::collection::vec(day_in_2027(), 1..12),
            zone in zones(), hours in -30i64..30,
        ) {
            let tz = zone_for(zone);
            let offsets = Offsets { tz: tz.clone(), seen: std::cell::RefCell::new(Vec::new()) };
            let at = |t: Timestamp| jiff::Timestamp::from_millisecond(t.unix_millis()).unwrap();
            for t in warm {
                offsets.offset_at(t.unix_millis());
            }
            for t in probes {
                let want = i64::from(tz.to_offset(at(t)).seconds()) * 1000;
                prop_assert_eq!(offsets.offset_at(t.unix_millis()), Some(want));
                // A local time near the probe, perhaps in a gap or a fold.
                let dt = tz.to_datetime(at(t)).checked_add(SignedDuration::from_mins(hours * 37)).unwrap();
                let jiffs = tz.to_ambiguous_timestamp(dt).compatible().unwrap().as_millisecond();
                prop_assert_eq!(offsets.instant(wall(dt)), Some(jiffs));
            }
        }

        /// DAT-4: remove dates leaves none.
        #[test]
        fn dat4_remove_dates_leaves_none(date in day_in_2027(), d in -10i32..10) {
            let mut shift = DateShift::remove_dates();
            shift.days = Some(d);
            prop_assert_eq!(shift.shift(date, &zn("Europe/Berlin")).unwrap(), None);
        }
    }

    fn zones() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(vec!["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney"])
    }

    /// Shifts by days or by range, with or without a substitution.
    fn shifts() -> impl Strategy<Value = DateShift> {
        let days = (-400i32..400).prop_map(DateShift::by_days);
        let range = (day_in_2027(), day_in_2027(), day_in_2027(), day_in_2027())
            .prop_map(|(a, b, c, d)| DateShift::by_range(a.min(b), a.max(b), c.min(d), c.max(d)));
        (prop_oneof![days, range], proptest::option::of((0u8..7, 0u8..7))).prop_map(|(shift, sub)| match sub {
            Some((from, to)) => shift.substitute(wd(from), wd(to)),
            None => shift,
        })
    }

    fn zone_for(name: &str) -> TimeZone {
        zn(name).to_jiff()
    }
}
