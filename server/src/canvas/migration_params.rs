//! A content migration's parameters (`canvas/API.md` §5.2, §5.4) as the
//! API-neutral [`CopySpec`]: what `select[...]`, `copy[...]` and
//! `date_shift_options[...]` ask for, in the library's own forms. Pure:
//! parameters and the two courses' dates in, a spec or Canvas's 400 out.
//!
//! | Canvas | the copy |
//! | --- | --- |
//! | none of `select`, `copy` | everything (LMS-1) |
//! | `select[modules][]` | those learning objects, whole |
//! | `select[pages][]`, `select[module_items][]` | those pages, each with its learning object |
//! | `select[assignments][]`, `select[quizzes][]` | the `assessments` category |
//! | `select[discussion_topics][]` | `discussions`, forums with their starter posts |
//! | `select[announcements][]` | `announcements` |
//! | `select[calendar_events][]` | `calendar` |
//! | `select[rubrics][]` | `rubrics` |
//! | other `select` types (files, folders, attachments) | nothing: the model has none |
//! | `copy[everything]` | everything |
//! | `copy[all_context_modules]`, `copy[all_wiki_pages]` | every learning object |
//! | `copy[context_modules][id_N]`, `copy[wiki_pages][id_N]` | learning object N, page N |
//! | `copy[all_assignments]`, `copy[all_quizzes]`, `copy[all_discussion_topics]`, `copy[all_announcements]`, `copy[all_calendar_events]`, `copy[all_rubrics]` | the categories above |
//! | `copy[all_course_settings]` | every course setting (LMS-8 `settings`) |
//!
//! A selection copies the course record and memberships as every copy
//! does, and no course setting unless it asks for them. A tool category is
//! copied whole when any of its items is selected: the model's tool items
//! have no Canvas ids.

use super::errors::CanvasError;
use crate::model::CopySpec;
use coursecopy::jiff::civil::{Date, Weekday};
use coursecopy::{CopySelection, DateShift, Discussions, SettingsSelection};
use serde_json::{Map, Value};

/// The Canvas `select` types, and the library category each one selects.
const SELECT_CATEGORIES: [&str; 6] =
    ["assignments", "quizzes", "discussion_topics", "announcements", "calendar_events", "rubrics"];

/// Turns on the category of Canvas's tool type `kind`, if it has one.
fn select_category(selection: &mut CopySelection, kind: &str) {
    match kind {
        "assignments" | "quizzes" => selection.assessments = true,
        "discussion_topics" => selection.discussions = Discussions::ForumsAndStarterPosts,
        "announcements" => selection.announcements = true,
        "calendar_events" => selection.calendar = true,
        "rubrics" => selection.rubrics = true,
        _ => {}
    }
}

/// A course's dates as the defaults of a date shift read them: its
/// `DateRange`, as calendar dates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CourseDates {
    /// The start date.
    pub start: Option<Date>,
    /// The end date.
    pub end: Option<Date>,
}

/// Rails' boolean reading of a parameter: `true`, `1`, `on`, `yes` (any
/// case) and JSON `true` or a non-zero number are true.
pub fn flag(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => matches!(s.to_ascii_lowercase().as_str(), "true" | "1" | "on" | "yes" | "t"),
        _ => false,
    }
}

/// Ids from a list parameter: an array (or an object's values, as Rails
/// reads `x[0]=1`) of numbers or digit strings; others are skipped, as
/// Canvas finds nothing for them.
fn ids(value: &Value) -> Vec<u64> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => map.values().collect(),
        other => vec![other],
    };
    items
        .into_iter()
        .filter_map(|v| match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
        .collect()
}

/// The spec of a create or update request's selection: `select[...]`,
/// else `copy[...]`, else everything; `None` when neither is given.
pub fn selection(params: &Value) -> Option<CopySpec> {
    if let Some(select) = params.get("select").and_then(Value::as_object) {
        return Some(of_select(select));
    }
    params.get("copy").and_then(Value::as_object).map(of_copy)
}

fn of_select(select: &Map<String, Value>) -> CopySpec {
    let mut spec = CopySpec { selection: CopySelection::nothing(), los: Some(Vec::new()), ..CopySpec::default() };
    for (kind, value) in select {
        match kind.as_str() {
            "modules" | "context_modules" => spec.los.get_or_insert_with(Vec::new).extend(ids(value)),
            "pages" | "wiki_pages" | "module_items" | "content_tags" => spec.pages.extend(ids(value)),
            _ if !ids(value).is_empty() => select_category(&mut spec.selection, kind),
            _ => {}
        }
    }
    spec.selection.content_areas = spec.los.as_ref().is_some_and(|l| !l.is_empty()) || !spec.pages.is_empty();
    spec
}

fn of_copy(copy: &Map<String, Value>) -> CopySpec {
    let on = |key: &str| copy.get(key).is_some_and(flag);
    if on("everything") {
        return CopySpec::default();
    }
    let mut spec = CopySpec { selection: CopySelection::nothing(), ..CopySpec::default() };
    let all_content = on("all_context_modules") || on("all_wiki_pages");
    if !all_content {
        let picked = |key: &str| -> Vec<u64> {
            let Some(Value::Object(items)) = copy.get(key) else { return Vec::new() };
            items.iter().filter(|(_, v)| flag(v)).filter_map(|(k, _)| k.strip_prefix("id_")?.parse().ok()).collect()
        };
        spec.los = Some(picked("context_modules"));
        spec.pages = picked("wiki_pages");
    }
    spec.selection.content_areas =
        all_content || spec.los.as_ref().is_some_and(|l| !l.is_empty()) || !spec.pages.is_empty();
    for kind in SELECT_CATEGORIES.into_iter().filter(|kind| on(&format!("all_{kind}"))) {
        select_category(&mut spec.selection, kind);
    }
    if on("all_course_settings") {
        spec.selection.settings = SettingsSelection::all();
    }
    spec
}

/// A calendar date as Canvas's `Date.parse` reads these options: the
/// first ten characters, if they are a real date; otherwise missing.
fn date_of(value: &Value) -> Option<Date> {
    value.as_str()?.get(..10)?.parse().ok()
}

/// The date shift of `date_shift_options[...]` (DAT-7), after Canvas's
/// defaults (`canvas/API.md` §5.4): a missing old start or end is the
/// source course's, a missing new start the target's, a missing new end
/// the new start plus the old range's length. No shift when
/// `shift_dates` is off, or a date is still missing.
///
/// # Errors
/// `shift_dates` with `remove_dates`: Canvas's 400 on `date_shift_options`.
pub fn date_shift(params: &Value, source: &CourseDates, target: &CourseDates) -> Result<DateShift, CanvasError> {
    let Some(options) = params.get("date_shift_options").filter(|o| o.is_object()) else {
        return Ok(DateShift::new());
    };
    let (shift, remove) = (options.get("shift_dates").is_some_and(flag), options.get("remove_dates").is_some_and(flag));
    if shift && remove {
        return Err(CanvasError::Invalid {
            attribute: "date_shift_options".into(),
            message: "cannot specify shift_dates and remove_dates simultaneously".into(),
        });
    }
    if remove {
        return Ok(DateShift::remove_dates());
    }
    if !shift {
        return Ok(DateShift::new());
    }
    let given = |name: &str| options.get(name).and_then(date_of);
    let old_start = given("old_start_date").or(source.start);
    let old_end = given("old_end_date").or(source.end);
    let new_start = given("new_start_date").or(target.start);
    let new_end = given("new_end_date").or_else(|| inferred_end(old_start, old_end, new_start));
    let (Some(a), Some(b), Some(c), Some(d)) = (old_start, old_end, new_start, new_end) else {
        return Ok(DateShift::new());
    };
    let mut out = DateShift::by_range_dates(a, b, c, d);
    if let Some(subs) = options.get("day_substitutions").and_then(Value::as_object) {
        for (from, to) in subs {
            let to = to.as_u64().or_else(|| to.as_str()?.trim().parse().ok());
            let day = |n: u64| i8::try_from(n).ok().and_then(|n| Weekday::from_sunday_zero_offset(n).ok());
            if let (Some(from), Some(to)) = (from.parse().ok().and_then(day), to.and_then(day)) {
                out = out.substitute(from, to);
            }
        }
    }
    Ok(out)
}

/// The new end Canvas infers: the new start plus the old range's length.
fn inferred_end(old_start: Option<Date>, old_end: Option<Date>, new_start: Option<Date>) -> Option<Date> {
    let length = old_end?.since(old_start?).ok()?;
    new_start?.checked_add(length).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use coursecopy::jiff::civil::date;
    use serde_json::json;

    fn dates(start: Date, end: Date) -> CourseDates {
        CourseDates { start: Some(start), end: Some(end) }
    }

    /// CNV-5: `select[...]` picks modules whole and pages singly, maps the
    /// tool types to categories, and copies no setting.
    #[test]
    fn cnv5_select_maps_modules_pages_and_categories() {
        let params = json!({"select": {"modules": ["3", 4], "pages": ["17"], "quizzes": ["9"], "files": ["1"]}});
        let spec = selection(&params).unwrap();
        assert_eq!(spec.los, Some(vec![3, 4]));
        assert_eq!(spec.pages, vec![17]);
        let mut expected = CopySelection::nothing();
        (expected.content_areas, expected.assessments) = (true, true);
        assert_eq!(spec.selection, expected);
        let only_tools = selection(&json!({"select": {"discussion_topics": {"0": "2"}}})).unwrap();
        let mut expected = CopySelection::nothing();
        expected.discussions = Discussions::ForumsAndStarterPosts;
        assert_eq!(only_tools.selection, expected);
        assert_eq!(selection(&json!({"migration_type": "course_copy_importer"})), None);
    }

    /// CNV-5: `copy[...]`, the selective-import form.
    #[test]
    fn cnv5_copy_reads_the_selective_data_properties() {
        assert_eq!(selection(&json!({"copy": {"everything": "1"}})), Some(CopySpec::default()));
        let spec = selection(&json!({"copy": {
            "context_modules": {"id_5": "1", "id_6": "0"},
            "wiki_pages": {"id_30": "true"},
            "all_announcements": "1",
            "all_course_settings": true,
        }}))
        .unwrap();
        assert_eq!(spec.los, Some(vec![5]));
        assert_eq!(spec.pages, vec![30]);
        assert!(spec.selection.content_areas && spec.selection.announcements && !spec.selection.rubrics);
        assert_eq!(spec.selection.settings, SettingsSelection::all());
        let all = selection(&json!({"copy": {"all_wiki_pages": 1}})).unwrap();
        assert_eq!((all.los, all.selection.content_areas), (None, true));
    }

    /// CNV-5 and §5.4: Canvas's defaults for missing dates come first;
    /// unparseable dates count as missing; both flags are a 400.
    #[test]
    fn cnv5_date_shift_options_take_canvas_defaults() {
        let source = dates(date(2027, 1, 4), date(2027, 5, 1));
        let target = dates(date(2028, 1, 10), date(2028, 6, 1));
        let params = json!({"date_shift_options": {"shift_dates": "1", "old_end_date": "junk", "day_substitutions": {"1": "2"}}});
        // The new end is the new start plus the old length: 117 days.
        let expected =
            DateShift::by_range_dates(date(2027, 1, 4), date(2027, 5, 1), date(2028, 1, 10), date(2028, 5, 6))
                .substitute(Weekday::Monday, Weekday::Tuesday);
        assert_eq!(date_shift(&params, &source, &target).unwrap(), expected);
        let given = json!({"date_shift_options": {"shift_dates": true, "new_end_date": "2028-04-30T00:00:00Z"}});
        let expected =
            DateShift::by_range_dates(date(2027, 1, 4), date(2027, 5, 1), date(2028, 1, 10), date(2028, 4, 30));
        assert_eq!(date_shift(&given, &source, &target).unwrap(), expected);
        let remove = json!({"date_shift_options": {"remove_dates": "true"}});
        assert_eq!(date_shift(&remove, &source, &target).unwrap(), DateShift::remove_dates());
        let off = json!({"date_shift_options": {"shift_dates": "0"}});
        assert_eq!(date_shift(&off, &source, &target).unwrap(), DateShift::new());
        let no_dates = json!({"date_shift_options": {"shift_dates": "1"}});
        assert_eq!(date_shift(&no_dates, &CourseDates::default(), &target).unwrap(), DateShift::new());
        let both = json!({"date_shift_options": {"shift_dates": "1", "remove_dates": "1"}});
        assert!(matches!(
            date_shift(&both, &source, &target),
            Err(CanvasError::Invalid { attribute, .. }) if attribute == "date_shift_options"
        ));
    }
}
