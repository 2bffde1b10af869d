//! Request parameters as Rails reads them (CNV-2): what a Canvas client
//! sends as `course[name]=X&select[pages][]=3`, from a query string or a
//! form body, becomes the nested value Canvas's controllers read.
//!
//! Clients lean on Rack's rules ([`parse_nested`]): `a[b][c]=x` nests,
//! `a[]=x` appends, `a[][b]=1&a[][c]=2` builds one hash in the array
//! until a key repeats, a repeated key without `[]` keeps the last value
//! (canvasapi sends `per_page` twice and expects the last), and a key
//! with no `=` has the value `null`. A hash key that looks like an index
//! stays a key: `date_shift_options[day_substitutions][1]=2` maps weekday
//! `"1"` to `"2"`. Every value of a form is a string (or `null`); a JSON
//! body keeps its types, and [`merged`] puts the parts together as Rails'
//! `params` does (the query's keys over the body's).
//!
//! `serde_qs` 1.1, the crate of the field for nested query strings, was
//! tried first and set aside: into a JSON value it reads `a=1&a=2` as a
//! list (Rack keeps `"2"`), `x[1]=2` as a list (Rack: a hash with key
//! `"1"`, which `day_substitutions` needs), and refuses `a[][b]=1` (the
//! shape canvasapi gives a list of objects). The percent-decoding is
//! `form_urlencoded`'s, the `url` crate's own.

use serde_json::{Map, Value};
use std::fmt;

/// How deep brackets may nest: Rack's default limit.
pub const DEPTH_LIMIT: usize = 32;

/// Why parameters were refused: Rails answers these with 400.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamsError {
    /// A key nests deeper than [`DEPTH_LIMIT`].
    TooDeep {
        /// The whole key, as decoded.
        key: String,
    },
    /// A key asks for a list or a hash where an earlier key put a value of
    /// another kind (`a=1&a[]=2`, `x[y]=1&x[]=2`).
    Conflict {
        /// The name at fault, as Rack names it.
        param: String,
        /// What the key needed: `Array` or `Hash`.
        expected: &'static str,
        /// What was there: `String`, `Array`, `Hash` or `nil`.
        got: &'static str,
    },
    /// A JSON body that is not an object.
    NotAnObject,
}

impl fmt::Display for ParamsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamsError::TooDeep { key } => write!(f, "the parameter `{key}' nests deeper than {DEPTH_LIMIT} levels"),
            ParamsError::Conflict { param, expected, got } => {
                write!(f, "expected {expected} (got {got}) for param `{param}'")
            }
            ParamsError::NotAnObject => f.write_str("a JSON body must be an object"),
        }
    }
}

impl std::error::Error for ParamsError {}

/// Parses a query string or a form body (`application/x-www-form-urlencoded`)
/// into nested parameters, by Rack's rules (see the module docs). Empty
/// pairs (`&&`) are skipped; `+` is a space.
///
/// ```
/// use coursecopy_server::canvas::params::parse_nested;
/// use serde_json::json;
/// let params = parse_nested("course[name]=Biology&select[pages][]=3&select[pages][]=4&per_page=2&per_page=100")?;
/// assert_eq!(params, json!({"course": {"name": "Biology"}, "select": {"pages": ["3", "4"]}, "per_page": "100"}));
/// # Ok::<(), coursecopy_server::canvas::params::ParamsError>(())
/// ```
///
/// # Errors
/// A key nested deeper than [`DEPTH_LIMIT`], or one whose kind conflicts
/// with an earlier key's ([`ParamsError`]).
pub fn parse_nested(input: &str) -> Result<Value, ParamsError> {
    let mut params = Map::new();
    for pair in input.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.split_once('=') {
            Some((name, value)) => (decode(name), Value::String(decode(value))),
            None => (decode(pair), Value::Null),
        };
        normalize(&mut params, &name, value, 0).map_err(|e| e.with_key(&name))?;
    }
    Ok(Value::Object(params))
}

/// The parameters of a request, as Rails' `params` merges them: the
/// body's (a form's, parsed as [`parse_nested`] does, or a JSON object's,
/// which keeps its types), then the query string's over them. A top-level
/// key both carry is the query's. (The path's parameters, which Rails puts
/// over both, are the handler's own.)
///
/// # Errors
/// As [`parse_nested`]; [`ParamsError::NotAnObject`] for a JSON body that
/// is not an object.
pub fn merged(query: Option<&str>, body: Body<'_>) -> Result<Value, ParamsError> {
    let mut params = match body {
        Body::None => Map::new(),
        Body::Form(form) => into_map(parse_nested(form)?),
        Body::Json(Value::Object(map)) => map,
        Body::Json(Value::Null) => Map::new(),
        Body::Json(_) => return Err(ParamsError::NotAnObject),
    };
    if let Some(query) = query {
        params.extend(into_map(parse_nested(query)?));
    }
    Ok(Value::Object(params))
}

/// A request body, by its content type.
#[derive(Clone, Debug)]
pub enum Body<'a> {
    /// No body.
    None,
    /// `application/x-www-form-urlencoded`.
    Form(&'a str),
    /// `application/json`, parsed.
    Json(Value),
}

fn into_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// One percent-decoded part of a pair, `+` read as a space; bytes that
/// are not UTF-8 become U+FFFD, as the decoder does.
fn decode(part: &str) -> String {
    let pair = format!("{part}=");
    form_urlencoded::parse(pair.as_bytes()).next().map(|(k, _)| k.into_owned()).unwrap_or_default()
}

/// Internal error of a step of [`normalize`], before the whole key is
/// known.
enum Step {
    TooDeep,
    Conflict { param: String, expected: &'static str, got: &'static str },
}

impl Step {
    fn with_key(self, key: &str) -> ParamsError {
        match self {
            Step::TooDeep => ParamsError::TooDeep { key: key.to_string() },
            Step::Conflict { param, expected, got } => ParamsError::Conflict { param, expected, got },
        }
    }
}

fn kind(value: Option<&Value>) -> &'static str {
    match value {
        Some(Value::Array(_)) => "Array",
        Some(Value::Object(_)) => "Hash",
        Some(Value::Null) | None => "nil",
        Some(_) => "String",
    }
}

/// Rack's `normalize_params`: puts `value` under `name` in `params`, at
/// nesting `depth`. Gives back a list instead when the name is a bare
/// `[]` below the top (`x[][]=1` puts `["1"]` in `x`'s list), as Rack
/// does.
fn normalize(params: &mut Map<String, Value>, name: &str, value: Value, depth: usize) -> Result<Option<Value>, Step> {
    if depth >= DEPTH_LIMIT {
        return Err(Step::TooDeep);
    }
    let (key, after) = split_name(name, depth);
    if key.is_empty() {
        return Ok(None);
    }
    match after {
        "" if key == "[]" && depth != 0 => return Ok(Some(Value::Array(vec![value]))),
        "" => {
            params.insert(key.to_string(), value);
        }
        "[" => {
            params.insert(name.to_string(), value);
        }
        "[]" => list(params, key)?.push(value),
        _ if after.starts_with("[]") => {
            let child = hash_in_list_key(after);
            let items = list(params, key)?;
            match items.last_mut() {
                Some(Value::Object(last)) if !has_key(last, child) => drop(normalize(last, child, value, depth + 1)?),
                _ => {
                    let mut fresh = Map::new();
                    let made = normalize(&mut fresh, child, value, depth + 1)?;
                    items.push(made.unwrap_or(Value::Object(fresh)));
                }
            }
        }
        _ => {
            // Rack's `||=`: a key absent or `nil` becomes a hash.
            let slot = params.entry(key.to_string()).or_insert(Value::Null);
            if slot.is_null() {
                *slot = Value::Object(Map::new());
            }
            let got = kind(Some(slot));
            let Value::Object(child) = slot else {
                return Err(Step::Conflict { param: key.to_string(), expected: "Hash", got });
            };
            normalize(child, after, value, depth + 1)?;
        }
    }
    Ok(None)
}

/// The key at this level and the rest of the name: at the top, the part
/// before the first `[` (a leading `[` is part of the key); below, `[]`,
/// or the part inside the first brackets; a name nested but not starting
/// with `[` is taken whole, as Rack does for malformed input.
fn split_name(name: &str, depth: usize) -> (&str, &str) {
    if depth == 0 {
        // The first character, whatever its width, is never a nesting.
        let first = name.chars().next().map_or(0, char::len_utf8);
        return match name[first..].find('[') {
            Some(at) => name.split_at(first + at),
            None => (name, ""),
        };
    }
    if let Some(after) = name.strip_prefix("[]") {
        return ("[]", after);
    }
    if name.starts_with('[')
        && let Some(close) = name.get(1..).and_then(|rest| rest.find(']'))
    {
        return (&name[1..close + 1], &name[close + 2..]);
    }
    (name, "")
}

/// The key of `x[][key]` (a hash inside a list), or, for other nestings
/// after `[]`, the rest of the name.
fn hash_in_list_key(after: &str) -> &str {
    let rest = &after[2..];
    match rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        Some(child) if !child.is_empty() && !child.contains(['[', ']']) => child,
        _ => rest,
    }
}

/// The list under `key`, made if absent or `nil` (Rack's `||=`).
fn list<'a>(params: &'a mut Map<String, Value>, key: &str) -> Result<&'a mut Vec<Value>, Step> {
    let slot = params.entry(key.to_string()).or_insert(Value::Null);
    if slot.is_null() {
        *slot = Value::Array(Vec::new());
    }
    let got = kind(Some(slot));
    match slot {
        Value::Array(items) => Ok(items),
        _ => Err(Step::Conflict { param: key.to_string(), expected: "Array", got }),
    }
}

/// Rack's `params_hash_has_key?`: whether the nested path `key` (its
/// bracket parts) is already set in `hash`; never for a key with `[]`.
fn has_key(hash: &Map<String, Value>, key: &str) -> bool {
    if key.contains("[]") {
        return false;
    }
    let mut at = hash;
    let mut parts = key.split(['[', ']']).filter(|p| !p.is_empty()).peekable();
    while let Some(part) = parts.next() {
        match at.get(part) {
            None => return false,
            Some(Value::Object(inner)) => at = inner,
            Some(_) if parts.peek().is_none() => return true,
            Some(_) => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(input: &str) -> Value {
        parse_nested(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    /// CNV-2: the nested-parameter cases of Rack's own test suite (as
    /// behaviour, in this project's words), one line each: plain keys,
    /// repeats, lists, hashes, hashes inside lists, and malformed names.
    #[test]
    fn cnv2_forms_read_as_rack_reads_them() {
        let cases = [
            ("foo", json!({"foo": null})),
            ("foo=", json!({"foo": ""})),
            ("foo=bar", json!({"foo": "bar"})),
            ("foo=\"bar\"", json!({"foo": "\"bar\""})),
            ("foo=bar&foo=quux", json!({"foo": "quux"})),
            ("foo&foo=", json!({"foo": ""})),
            ("foo=1&bar=2", json!({"foo": "1", "bar": "2"})),
            ("&foo=1&&bar=2", json!({"foo": "1", "bar": "2"})),
            ("foo&bar=", json!({"foo": null, "bar": ""})),
            ("my+weird+field=q1%212%22%27w%245%267%2Fz8%29%3F", json!({"my weird field": "q1!2\"'w$5&7/z8)?"})),
            ("a=b&pid%3D1234=1023", json!({"a": "b", "pid=1234": "1023"})),
            ("foo[]", json!({"foo": [null]})),
            ("foo[]=", json!({"foo": [""]})),
            ("foo[]=bar", json!({"foo": ["bar"]})),
            ("foo[]=bar&foo", json!({"foo": null})),
            ("foo[]=bar&foo[", json!({"foo": ["bar"], "foo[": null})),
            ("foo[]=bar&foo[=baz", json!({"foo": ["bar"], "foo[": "baz"})),
            ("foo[]=bar&foo[]", json!({"foo": ["bar", null]})),
            ("foo[]=bar&foo[]=", json!({"foo": ["bar", ""]})),
            ("foo[]=1&foo[]=2", json!({"foo": ["1", "2"]})),
            ("foo=bar&baz[]=1&baz[]=2&baz[]=3", json!({"foo": "bar", "baz": ["1", "2", "3"]})),
            ("x[y][z]", json!({"x": {"y": {"z": null}}})),
            ("x[y][z]=1", json!({"x": {"y": {"z": "1"}}})),
            ("x[y][z][]=1", json!({"x": {"y": {"z": ["1"]}}})),
            ("x[y][z]=1&x[y][z]=2", json!({"x": {"y": {"z": "2"}}})),
            ("x[y][z][]=1&x[y][z][]=2", json!({"x": {"y": {"z": ["1", "2"]}}})),
            ("x[y][][z]=1", json!({"x": {"y": [{"z": "1"}]}})),
            ("x[y][][z][]=1", json!({"x": {"y": [{"z": ["1"]}]}})),
            ("x[y][][z]=1&x[y][][w]=2", json!({"x": {"y": [{"z": "1", "w": "2"}]}})),
            ("x[y][][v][w]=1", json!({"x": {"y": [{"v": {"w": "1"}}]}})),
            ("x[y][][z]=1&x[y][][v][w]=2", json!({"x": {"y": [{"z": "1", "v": {"w": "2"}}]}})),
            ("x[y][][z]=1&x[y][][z]=2", json!({"x": {"y": [{"z": "1"}, {"z": "2"}]}})),
            (
                "x[y][][z]=1&x[y][][w]=a&x[y][][z]=2&x[y][][w]=3",
                json!({"x": {"y": [{"z": "1", "w": "a"}, {"z": "2", "w": "3"}]}}),
            ),
            (
                "x[][y]=1&x[][z][w]=a&x[][y]=2&x[][z][w]=b",
                json!({"x": [{"y": "1", "z": {"w": "a"}}, {"y": "2", "z": {"w": "b"}}]}),
            ),
            (
                "x[][z][w]=a&x[][y]=1&x[][z][w]=b&x[][y]=2",
                json!({"x": [{"y": "1", "z": {"w": "a"}}, {"y": "2", "z": {"w": "b"}}]}),
            ),
            (
                "data[books][][data][page]=1&data[books][][data][page]=2",
                json!({"data": {"books": [{"data": {"page": "1"}}, {"data": {"page": "2"}}]}}),
            ),
            // What canvasapi sends (CLIENTS.md §1.2).
            (
                "date_shift_options[shift_dates]=true&date_shift_options[day_substitutions][1]=2",
                json!({"date_shift_options": {"shift_dates": "true", "day_substitutions": {"1": "2"}}}),
            ),
            ("course_ids_to_add[]=2&course_ids_to_add[]=3", json!({"course_ids_to_add": ["2", "3"]})),
            ("a[][b]=1", json!({"a": [{"b": "1"}]})),
            ("wiki_page[body]=%3Cp%3Ex%3C%2Fp%3E", json!({"wiki_page": {"body": "<p>x</p>"}})),
            ("per_page=2&per_page=100", json!({"per_page": "100"})),
            // A `nil` is replaced by the list or hash a later key asks for.
            ("foo&foo[]=x", json!({"foo": ["x"]})),
            ("foo&foo[a]=1", json!({"foo": {"a": "1"}})),
            // A first character of any width is part of the key.
            ("é[a]=1", json!({"é": {"a": "1"}})),
            ("[a]=1", json!({"[a]": "1"})),
            // A bare `[]` below the top is a list of its own.
            ("x[][]=1", json!({"x": [["1"]]})),
        ];
        for (input, want) in cases {
            assert_eq!(parsed(input), want, "{input:?}");
        }
    }

    /// CNV-2: a key whose kind conflicts with an earlier one, or nested
    /// past the limit, is refused naming it, as Rack refuses it.
    #[test]
    fn cnv2_conflicting_or_too_deep_keys_are_refused() {
        let conflict = |input: &str| parse_nested(input).unwrap_err().to_string();
        assert_eq!(conflict("x[y]=1&x[y]z=2"), "expected Hash (got String) for param `y'");
        assert_eq!(conflict("x[y]=1&x[]=1"), "expected Array (got Hash) for param `x'");
        assert_eq!(conflict("x[y]=1&x[y][][w]=2"), "expected Array (got String) for param `y'");
        assert_eq!(conflict("a=1&a[]=2"), "expected Array (got String) for param `a'");
        let deep = format!("a{}=1", "[b]".repeat(DEPTH_LIMIT));
        assert!(matches!(parse_nested(&deep), Err(ParamsError::TooDeep { .. })));
        let fine = format!("a{}=1", "[b]".repeat(DEPTH_LIMIT - 1));
        assert!(parse_nested(&fine).is_ok());
    }

    /// CNV-2: the body, then the query string over it, a top-level key at
    /// a time (Rails' `request_parameters.merge(query_parameters)`); a JSON
    /// body keeps its types; a JSON body that is not an object is refused.
    #[test]
    fn cnv2_query_and_body_merge_as_rails_params_do() {
        let form = Body::Form("course[name]=B&course[x]=1&event=delete");
        let got = merged(Some("per_page=10&page=2&course[name]=Q"), form).unwrap();
        assert_eq!(got, json!({"per_page": "10", "page": "2", "course": {"name": "Q"}, "event": "delete"}));
        let got = merged(Some("page=2"), Body::Json(json!({"course": {"name": "B", "blueprint": true}}))).unwrap();
        assert_eq!(got, json!({"page": "2", "course": {"name": "B", "blueprint": true}}));
        assert_eq!(merged(None, Body::None).unwrap(), json!({}));
        assert_eq!(merged(None, Body::Json(json!([1]))), Err(ParamsError::NotAnObject));
    }
}
