//! The library's own serde form of [`NewCourse`], [`CourseChange`] and
//! [`DateShift`]: what a journal keeps of a request. Whatever the builders
//! make reads back equal, clearing a value included.
#![cfg(feature = "serde")]

use coursecopy::jiff::civil::{Date, Weekday};
use coursecopy::*;
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("COURSECOPY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0i64..4_000_000_000_000).prop_map(Timestamp::from_unix_millis)
}

fn date() -> impl Strategy<Value = Date> {
    (1990i16..2100, 1i8..13, 1i8..29).prop_map(|(y, m, d)| coursecopy::jiff::civil::date(y, m, d))
}

fn weekday() -> impl Strategy<Value = Weekday> {
    (0i8..7).prop_map(Weekday::from_sunday_zero_offset).prop_map(Result::unwrap)
}

fn shift() -> impl Strategy<Value = DateShift> {
    let base = prop_oneof![
        Just(DateShift::new()),
        Just(DateShift::remove_dates()),
        (-400i32..400).prop_map(DateShift::by_days),
        [timestamp(), timestamp(), timestamp(), timestamp()].prop_map(|[a, b, c, d]| DateShift::by_range(a, b, c, d)),
        [date(), date(), date(), date()].prop_map(|[a, b, c, d]| DateShift::by_range_dates(a, b, c, d)),
    ];
    (base, proptest::collection::vec((weekday(), weekday()), 0..4))
        .prop_map(|(shift, subs)| subs.into_iter().fold(shift, |s, (from, to)| s.substitute(from, to)))
}

/// One builder step, applied to either a new course or a change.
#[derive(Clone, Debug)]
enum Set {
    Title(String),
    Description(String),
    ExternalId(String),
    Detail(String, String),
    Availability(Availability),
    Duration(Duration),
    Enrollment(Enrollment),
    Locale(Option<String>),
    Guests(bool),
    Navigation(Option<String>),
    Zone(&'static str),
    At(Timestamp),
}

fn set() -> impl Strategy<Value = Set> {
    let text = "[a-zA-Z0-9 ]{0,8}";
    prop_oneof![
        text.prop_map(Set::Title),
        text.prop_map(Set::Description),
        text.prop_map(Set::ExternalId),
        (text, text).prop_map(|(k, v)| Set::Detail(k, v)),
        prop_oneof![Just(Availability::Yes), Just(Availability::No), Just(Availability::Term)]
            .prop_map(Set::Availability),
        prop_oneof![
            Just(Duration::Continuous),
            (timestamp(), timestamp()).prop_map(|(start, end)| Duration::DateRange { start, end }),
            (1u32..400).prop_map(|days| Duration::FixedNumDays { days }),
        ]
        .prop_map(Set::Duration),
        prop_oneof![
            Just(Enrollment::InstructorLed),
            proptest::option::of(text).prop_map(|code| Enrollment::SelfEnrollment {
                start: None,
                end: None,
                access_code: code.map(Into::into),
            }),
        ]
        .prop_map(Set::Enrollment),
        proptest::option::of(text).prop_map(Set::Locale),
        any::<bool>().prop_map(Set::Guests),
        proptest::option::of(text).prop_map(Set::Navigation),
        prop_oneof![Just("UTC"), Just("Europe/Berlin"), Just("America/New_York")].prop_map(Set::Zone),
        timestamp().prop_map(Set::At),
    ]
}

macro_rules! apply_sets {
    ($value:expr, $sets:expr) => {{
        let mut value = $value;
        for set in $sets {
            value = match set {
                Set::Title(t) => value.title(t),
                Set::Description(d) => value.description(d),
                Set::ExternalId(id) => value.external_id(id),
                Set::Detail(k, v) => value.detail(k, v),
                Set::Availability(a) => value.availability(a),
                Set::Duration(d) => value.duration(d),
                Set::Enrollment(e) => value.enrollment(e),
                Set::Locale(l) => value.locale(l.as_deref()),
                Set::Guests(g) => value.guest_access(g),
                Set::Navigation(n) => value.navigation(n.as_deref()),
                Set::Zone(z) => value.time_zone(Zone::get(z).unwrap()),
                Set::At(t) => value.at(t),
            };
        }
        value
    }};
}

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// A new course, as any builder calls make it, reads back equal.
    #[test]
    fn a_new_course_reads_back_equal(id in "[A-Z0-9-]{1,8}", sets in proptest::collection::vec(set(), 0..8)) {
        let course = apply_sets!(NewCourse::new(id, "Title"), sets);
        prop_assert_eq!(round_trip(&course), course);
    }

    /// A course change, clearing a locale or a navigation style included
    /// (a cleared value is not a value left as it is), reads back equal.
    #[test]
    fn a_course_change_reads_back_equal(sets in proptest::collection::vec(set(), 0..8), removed in proptest::option::of("[a-z]{1,4}")) {
        let mut change = apply_sets!(CourseChange::new(), sets);
        if let Some(key) = removed {
            change = change.remove_detail(key);
        }
        prop_assert_eq!(round_trip(&change), change);
    }

    /// A date shift reads back equal, whichever mode and substitutions.
    #[test]
    fn a_date_shift_reads_back_equal(shift in shift()) {
        prop_assert_eq!(round_trip(&shift), shift);
    }
}

/// Clearing is kept apart from leaving as is: a change that clears the
/// locale reads back as one that clears it, and one that does not touch
/// it as one that does not.
#[test]
fn clearing_is_not_leaving_as_is() {
    let clear = CourseChange::new().locale(None);
    let untouched = CourseChange::new();
    assert_eq!(round_trip(&clear), clear);
    assert_eq!(round_trip(&untouched), untouched);
    assert_ne!(round_trip(&clear), untouched);
}

/// The form itself, pinned: a journal keeps it, so a change to it is a
/// format change, made on purpose (and read back from the old form).
#[test]
fn the_form_is_pinned() {
    use coursecopy::jiff::civil::date;
    let at = Timestamp::from_unix_millis(1_800_000_000_000);
    let course = NewCourse::new("BIO-101", "Biology")
        .description("Cells")
        .detail("course_code", "BIO")
        .duration(Duration::DateRange { start: at, end: Timestamp::from_unix_millis(1_810_000_000_000) })
        .guest_access(true)
        .time_zone(Zone::get("Europe/Berlin").unwrap())
        .at(at);
    let change = CourseChange::new().title("Biology II").locale(None).remove_detail("course_code");
    let shift = DateShift::by_range_dates(date(2027, 9, 6), date(2027, 12, 17), date(2028, 9, 4), date(2028, 12, 15))
        .substitute(Weekday::Friday, Weekday::Thursday);
    let forms = [
        (serde_json::to_string(&course).unwrap(), pinned_course_form()),
        (
            serde_json::to_string(&change).unwrap(),
            r#"{"fields":{"title":"Biology II","details":[["course_code",null]],"settings":{"locale":null}}}"#,
        ),
        (
            serde_json::to_string(&shift).unwrap(),
            r#"{"remove":false,"days":null,"range":[{"on":"2027-09-06"},{"on":"2027-12-17"},{"on":"2028-09-04"},{"on":"2028-12-15"}],"substitutions":[null,null,null,null,null,4,null]}"#,
        ),
    ];
    for (written, pinned) in forms {
        assert_eq!(written, pinned);
    }
    assert_eq!(serde_json::from_str::<NewCourse>(pinned_course_form()).unwrap(), course);
    // Unknown keys and weekdays past Saturday are refused, not dropped.
    assert!(serde_json::from_str::<CourseChange>(r#"{"fields":{"titel":"x"}}"#).is_err());
    assert!(serde_json::from_str::<DateShift>(r#"{"substitutions":[null,null,null,null,null,9,null]}"#).is_err());
    assert!(serde_json::from_str::<DateShift>(r#"{"days":3,"weeks":1}"#).is_err());
}

fn pinned_course_form() -> &'static str {
    r#"{"course_id":"BIO-101","fields":{"title":"Biology","description":"Cells","details":[["course_code","BIO"]],"settings":{"duration":{"DateRange":{"start":"2027-01-15T08:00:00.000Z","end":"2027-05-11T01:46:40.000Z"}},"guest_access":true},"time_zone":"Europe/Berlin","at":"2027-01-15T08:00:00.000Z"}}"#
}
