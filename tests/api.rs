//! The API as an embedder meets it (issue 25's friction points): the
//! bridges to jiff, typed fields, handles that are the crate's own, and
//! the types an application shares across threads.

use coursecopy::jiff::civil::{Weekday, date};
use coursecopy::*;
use proptest::prelude::*;

/// The types an embedder keeps in shared state or sends to a worker.
#[test]
fn the_workspace_its_errors_and_reports_are_send_and_sync() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<Workspace>();
    shared::<Error>();
    shared::<LinkPreview>();
    shared::<SyncReport>();
    shared::<DateShiftReport>();
    shared::<TaskStatus>();
    shared::<CopyReport>();
    shared::<Zone>();
    shared::<DateShift>();
    fn error<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
    error(&Error::UnknownCourse { course: "courseId:X".into() });
}

/// A handle prints the same with `{}` and `{:?}`: its kind, slot and
/// generation, never the workspace's salt.
#[test]
fn handles_debug_as_they_display() {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology")).unwrap();
    assert_eq!(format!("{course:?}"), format!("{course}"));
    assert_eq!(format!("{course}"), "course#1v1");
    assert_eq!(format!("{admin:?}"), "user#1v1");
}

/// `Timestamp` prints in ISO 8601 under `Debug` too, and a local time in a
/// zone is what jiff says it is.
#[test]
fn timestamps_meet_jiff() {
    let chicago = Zone::get("America/Chicago").unwrap();
    let due = Timestamp::from_civil(date(2027, 4, 16).at(23, 59, 0, 0), &chicago);
    assert_eq!(format!("{due:?}"), "2027-04-17T04:59:00.000Z");
    assert_eq!(chicago.civil(due), date(2027, 4, 16).at(23, 59, 0, 0));
    assert_eq!(chicago.civil(due).date().weekday(), Weekday::Friday);
    let zoned = date(2027, 4, 16).at(23, 59, 0, 0).in_tz("America/Chicago").unwrap();
    assert_eq!(Timestamp::from(zoned.timestamp()), due);
    assert_eq!(
        Zone::get("Mars/Olympus").unwrap_err().to_string(),
        "invalid time_zone: \"Mars/Olympus\" is not a known IANA time zone"
    );
}

/// Errors name their field with `Field`, which prints in one style.
#[test]
fn error_fields_are_one_typed_set() {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    let err = ws.create_course(admin, NewCourse::new("has space", "x")).unwrap_err();
    assert!(matches!(err, Error::Invalid { field: Field::CourseId, .. }));
    let taken = ws
        .create_course(admin, NewCourse::new("BIO", "x"))
        .and_then(|_| ws.create_course(admin, NewCourse::new("BIO", "y")));
    assert!(matches!(taken, Err(Error::Conflict { field: Field::CourseId, .. })));
    assert_eq!(Zone::get("america/chicago").unwrap(), "America/Chicago", "as the database spells it");
    // `InUse` says what to do.
    let course = ws.find_course("BIO").unwrap();
    let lo = ws.create_learning_object(admin, course, "Cells", "").unwrap();
    let image = ws.add_media(admin, "cell.png", "").unwrap();
    ws.add_page(admin, course, lo, PageDraft::new("Membranes", "").item(image)).unwrap();
    let in_use = ws.delete_library_item(admin, image).unwrap_err();
    assert!(in_use.to_string().contains("replace it (replace_item) or detach it (detach_item)"), "{in_use}");
}

/// Every field prints in one style, snake case, as its serde form writes
/// it: the fields errors name, walked through the serde form so that a new
/// variant is checked too.
#[cfg(feature = "serde")]
#[test]
fn every_field_prints_as_its_serde_form_in_snake_case() {
    let mut seen = 0;
    for n in 0..64 {
        // Each unit variant's index, through serde's own numbering.
        let Some(field) = variant(n) else { break };
        let name = field.name();
        assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{name}");
        assert_eq!(field.to_string(), name);
        assert_eq!(serde_json::to_value(field).unwrap(), serde_json::json!(name), "{field:?}");
        assert_eq!(serde_json::from_value::<Field>(serde_json::json!(name)).unwrap(), field);
        seen += 1;
    }
    assert!(seen >= 30, "{seen} fields");
}

/// The `n`th variant of `Field`, by serde's variant index.
#[cfg(feature = "serde")]
fn variant(n: u32) -> Option<Field> {
    use serde::de::IntoDeserializer;
    let de: serde::de::value::U32Deserializer<serde::de::value::Error> = n.into_deserializer();
    serde::Deserialize::deserialize(de).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("COURSECOPY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)))]

    /// A timestamp goes to jiff and back unchanged; a jiff timestamp
    /// comes back floored to its millisecond.
    #[test]
    fn timestamps_round_trip_through_jiff(millis in -8_000_000_000_000i64..8_000_000_000_000, nanos in 0i32..1_000_000) {
        let t = Timestamp::from_unix_millis(millis);
        prop_assert_eq!(Timestamp::from(coursecopy::jiff::Timestamp::from(t)), t);
        let j = coursecopy::jiff::Timestamp::from_millisecond(millis).unwrap()
            .checked_add(coursecopy::jiff::SignedDuration::from_nanos(i64::from(nanos))).unwrap();
        prop_assert_eq!(Timestamp::from(j), t);
    }
}
