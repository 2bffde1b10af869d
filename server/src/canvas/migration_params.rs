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
use crate::migrations::CopySpec;
use serde_json::{Map, Value, json};

/// The Canvas `select` types and the library category each one selects.
const SELECT_CATEGORIES: [(&str, &str); 6] = [
    ("assignments", "assessments"),
    ("quizzes", "assessments"),
    ("discussion_topics", "discussions"),
    ("announcements", "announcements"),
    ("calendar_events", "calendar"),
    ("rubrics", "rubrics"),
];

/// A course's dates as the defaults of a date shift read them: its
/// `DateRange`, as calendar dates `YYYY-MM-DD`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CourseDates {
    /// The start date.
    pub start: Option<String>,
    /// The end date.
    pub end: Option<String>,
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
    let mut copy = Map::new();
    let mut spec = CopySpec { los: Some(Vec::new()), ..CopySpec::default() };
    for (kind, value) in select {
        match kind.as_str() {
            "modules" | "context_modules" => spec.los.get_or_insert_with(Vec::new).extend(ids(value)),
            "pages" | "wiki_pages" | "module_items" | "content_tags" => spec.pages.extend(ids(value)),
            _ => select_category(&mut copy, kind, !ids(value).is_empty()),
        }
    }
    let content = spec.los.as_ref().is_some_and(|l| !l.is_empty()) || !spec.pages.is_empty();
    copy.insert("contentAreas".into(), json!(content));
    spec.copy = Some(Value::Object(copy));
    spec
}

fn select_category(copy: &mut Map<String, Value>, kind: &str, any: bool) {
    let Some((_, category)) = SELECT_CATEGORIES.iter().find(|(k, _)| *k == kind) else { return };
    if any {
        let value = if *category == "discussions" { json!("ForumsAndStarterPosts") } else { json!(true) };
        copy.insert((*category).into(), value);
    }
}

fn of_copy(copy: &Map<String, Value>) -> CopySpec {
    let on = |key: &str| copy.get(key).is_some_and(flag);
    if on("everything") {
        return CopySpec::default();
    }
    let mut spec = CopySpec::default();
    let mut selection = Map::new();
    let all_content = on("all_context_modules") || on("all_wiki_pages");
    if !all_content {
        let picked = |key: &str| -> Vec<u64> {
            let Some(Value::Object(items)) = copy.get(key) else { return Vec::new() };
            items.iter().filter(|(_, v)| flag(v)).filter_map(|(k, _)| k.strip_prefix("id_")?.parse().ok()).collect()
        };
        spec.los = Some(picked("context_modules"));
        spec.pages = picked("wiki_pages");
    }
    let content = all_content || spec.los.as_ref().is_some_and(|l| !l.is_empty()) || !spec.pages.is_empty();
    selection.insert("contentAreas".into(), json!(content));
    for (kind, _) in SELECT_CATEGORIES {
        select_category(&mut selection, kind, on(&format!("all_{kind}")));
    }
    if on("all_course_settings") {
        let names = ["availability", "bannerImage", "duration", "enrollmentOptions", "guestAccess"];
        let more = ["languagePack", "navigationSettings", "observerAccess"];
        let all: Map<String, Value> =
            names.iter().chain(more.iter()).map(|n| ((*n).to_string(), json!(true))).collect();
        selection.insert("settings".into(), Value::Object(all));
    }
    spec.copy = Some(Value::Object(selection));
    spec
}

/// A calendar date as Canvas's `Date.parse` reads these options: the
/// first ten characters, if they are a real date; otherwise missing.
fn date_of(value: &Value) -> Option<String> {
    let text = value.as_str()?;
    let day = text.get(..10)?;
    day.parse::<coursecopy::jiff::civil::Date>().ok().map(|_| day.to_string())
}

/// The date shift of `date_shift_options[...]` in the library's form
/// (DAT-7), after Canvas's defaults (`canvas/API.md` §5.4): a missing old
/// start or end is the source course's, a missing new start the target's,
/// a missing new end the new start plus the old range's length. `None`
/// when nothing shifts.
///
/// # Errors
/// `shift_dates` with `remove_dates`: Canvas's 400 on `date_shift_options`.
pub fn date_shift(params: &Value, source: &CourseDates, target: &CourseDates) -> Result<Option<Value>, CanvasError> {
    let Some(options) = params.get("date_shift_options").filter(|o| o.is_object()) else { return Ok(None) };
    let (shift, remove) = (options.get("shift_dates").is_some_and(flag), options.get("remove_dates").is_some_and(flag));
    if shift && remove {
        return Err(CanvasError::Invalid {
            attribute: "date_shift_options".into(),
            message: "cannot specify shift_dates and remove_dates simultaneously".into(),
        });
    }
    if remove {
        return Ok(Some(json!({ "removeDates": true })));
    }
    if !shift {
        return Ok(None);
    }
    let given = |name: &str| options.get(name).and_then(date_of);
    let old_start = given("old_start_date").or_else(|| source.start.clone());
    let old_end = given("old_end_date").or_else(|| source.end.clone());
    let new_start = given("new_start_date").or_else(|| target.start.clone());
    let new_end = given("new_end_date").or_else(|| inferred_end(&old_start, &old_end, &new_start));
    let mut out = json!({
        "shiftDates": true,
        "oldStartDate": old_start,
        "oldEndDate": old_end,
        "newStartDate": new_start,
        "newEndDate": new_end,
    });
    if let Some(subs) = options.get("day_substitutions").and_then(Value::as_object) {
        let subs: Map<String, Value> = subs
            .iter()
            .filter_map(|(from, to)| {
                let to = to.as_u64().or_else(|| to.as_str()?.trim().parse().ok())?;
                (from.parse::<u8>().is_ok_and(|f| f <= 6) && to <= 6).then(|| (from.clone(), json!(to)))
            })
            .collect();
        out["daySubstitutions"] = Value::Object(subs);
    }
    Ok(Some(out))
}

/// The new end Canvas infers: the new start plus the old range's length.
fn inferred_end(old_start: &Option<String>, old_end: &Option<String>, new_start: &Option<String>) -> Option<String> {
    use coursecopy::jiff::civil::Date;
    let [a, b, c] = [old_start, old_end, new_start].map(|d| d.as_deref().and_then(|d| d.parse::<Date>().ok()));
    let length = b?.since(a?).ok()?;
    c?.checked_add(length).ok().map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(start: &str, end: &str) -> CourseDates {
        CourseDates { start: Some(start.into()), end: Some(end.into()) }
    }

    /// CNV-5: `select[...]` picks modules whole and pages singly, maps the
    /// tool types to categories, and copies no setting.
    #[test]
    fn cnv5_select_maps_modules_pages_and_categories() {
        let params = json!({"select": {"modules": ["3", 4], "pages": ["17"], "quizzes": ["9"], "files": ["1"]}});
        let spec = selection(&params).unwrap();
        assert_eq!(spec.los, Some(vec![3, 4]));
        assert_eq!(spec.pages, vec![17]);
        assert_eq!(spec.copy, Some(json!({"contentAreas": true, "assessments": true})));
        let only_tools = selection(&json!({"select": {"discussion_topics": {"0": "2"}}})).unwrap();
        assert_eq!(only_tools.copy, Some(json!({"contentAreas": false, "discussions": "ForumsAndStarterPosts"})));
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
        let copy = spec.copy.unwrap();
        assert_eq!(copy["contentAreas"], json!(true));
        assert_eq!(copy["announcements"], json!(true));
        assert_eq!(copy["settings"]["observerAccess"], json!(true));
        let all = selection(&json!({"copy": {"all_wiki_pages": 1}})).unwrap();
        assert_eq!((all.los, all.copy.unwrap()["contentAreas"].clone()), (None, json!(true)));
    }

    /// CNV-5 and §5.4: Canvas's defaults for missing dates come first;
    /// unparseable dates count as missing; both flags are a 400.
    #[test]
    fn cnv5_date_shift_options_take_canvas_defaults() {
        let (source, target) = (dates("2027-01-04", "2027-05-01"), dates("2028-01-10", "2028-06-01"));
        let params = json!({"date_shift_options": {"shift_dates": "1", "old_end_date": "junk", "day_substitutions": {"1": "2"}}});
        let shift = date_shift(&params, &source, &target).unwrap().unwrap();
        assert_eq!(shift["oldStartDate"], "2027-01-04");
        assert_eq!(shift["oldEndDate"], "2027-05-01");
        assert_eq!(shift["newStartDate"], "2028-01-10");
        assert_eq!(shift["newEndDate"], "2028-05-06", "the new start plus the old length: 117 days");
        assert_eq!(shift["daySubstitutions"], json!({"1": 2}));
        let given = json!({"date_shift_options": {"shift_dates": true, "new_end_date": "2028-04-30T00:00:00Z"}});
        assert_eq!(date_shift(&given, &source, &target).unwrap().unwrap()["newEndDate"], "2028-04-30");
        let remove = json!({"date_shift_options": {"remove_dates": "true"}});
        assert_eq!(date_shift(&remove, &source, &target).unwrap(), Some(json!({"removeDates": true})));
        assert_eq!(date_shift(&json!({"date_shift_options": {"shift_dates": "0"}}), &source, &target).unwrap(), None);
        let both = json!({"date_shift_options": {"shift_dates": "1", "remove_dates": "1"}});
        assert!(matches!(
            date_shift(&both, &source, &target),
            Err(CanvasError::Invalid { attribute, .. }) if attribute == "date_shift_options"
        ));
    }
}
