//! Learn's row paging, shared by every list route: `offset` and `limit`
//! as the swagger defines them, checked the same way everywhere, and the
//! `paging.nextPage` link that carries the other parameters on.

use crate::extract::QueryParams;
use crate::learn::wire::{Failure, project};
use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A page of results when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest page.
pub const MAX_LIMIT: usize = 1000;
/// The largest offset: the swagger's `offset` is an `int32`.
pub const MAX_OFFSET: usize = i32::MAX as usize;

/// Which rows a list answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    /// Rows skipped.
    pub offset: usize,
    /// Rows answered at most.
    pub limit: usize,
}

impl Paging {
    /// The paging the query asks for: `offset` a whole number from 0 to
    /// [`MAX_OFFSET`] (0 if absent), `limit` from 1 to [`MAX_LIMIT`]
    /// ([`DEFAULT_LIMIT`] if absent).
    ///
    /// # Errors
    /// 400 naming the parameter and the range it takes.
    pub fn from_query(params: &BTreeMap<String, String>) -> Result<Paging, Failure> {
        let number = |name: &str, default: usize, min: usize, max: usize| -> Result<usize, Failure> {
            let Some(given) = params.get(name) else { return Ok(default) };
            given.parse::<usize>().ok().filter(|n| (min..=max).contains(n)).ok_or_else(|| {
                Failure::bad_request(format!("{name}: {given:?} is not a whole number from {min} to {max}"))
            })
        };
        Ok(Paging { offset: number("offset", 0, 0, MAX_OFFSET)?, limit: number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)? })
    }

    /// The rows of `items` this page holds.
    pub fn rows<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        let start = self.offset.min(items.len());
        let end = start.saturating_add(self.limit).min(items.len());
        &items[start..end]
    }

    /// A list's answer: `results`, and `paging.nextPage` (`path` with
    /// the query, the next offset in it) when rows remain past this page
    /// of `total`.
    pub fn answer(
        &self,
        path: &str,
        params: &BTreeMap<String, String>,
        results: Vec<Value>,
        total: usize,
    ) -> Json<Value> {
        let mut body = json!({ "results": results });
        let next = self.offset.saturating_add(self.limit);
        if next < total {
            let mut query = vec![format!("offset={next}&limit={}", self.limit)];
            query.extend(
                params
                    .iter()
                    .filter(|(k, _)| *k != "offset" && *k != "limit")
                    .map(|(k, v)| format!("{}={}", encode(k), encode(v))),
            );
            body["paging"] = json!({ "nextPage": format!("{path}?{}", query.join("&")) });
        }
        Json(body)
    }
}

/// A list route's request: its path as the client wrote it (for
/// `paging.nextPage`), its query parameters, and the paging they ask for,
/// checked before the handler runs.
pub struct ListQuery {
    /// The request path.
    pub path: String,
    /// The query parameters.
    pub params: BTreeMap<String, String>,
    /// The rows asked for.
    pub paging: Paging,
}

impl ListQuery {
    /// Refuses the query if it names one of `unsupported`: filters Learn
    /// defines for this list that the server cannot apply, refused rather
    /// than silently ignored.
    ///
    /// # Errors
    /// 400 naming the first such parameter.
    pub fn refuse(&self, unsupported: &[&str]) -> Result<(), Failure> {
        match unsupported.iter().find(|name| self.params.contains_key(**name)) {
            Some(name) => Err(Failure::bad_request(format!("{name}: this server does not filter this list by {name}"))),
            None => Ok(()),
        }
    }

    /// The answer of a list route over all its `rows`: the page asked
    /// for, each row cut down to the `fields` asked for.
    pub fn answer(&self, rows: Vec<Value>) -> Json<Value> {
        let fields = self.params.get("fields").map(String::as_str);
        let results = self.paging.rows(&rows).iter().map(|row| project(row, fields)).collect();
        self.paging.answer(&self.path, &self.params, results, rows.len())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ListQuery {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        let QueryParams(params) = QueryParams::<BTreeMap<String, String>>::from_request_parts(parts, state).await?;
        let paging = Paging::from_query(&params)?;
        Ok(ListQuery { path: parts.uri.path().to_string(), params, paging })
    }
}

/// Percent-encodes a query key or value.
fn encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn takes_exactly_the_ranges_its_errors_name() {
        assert_eq!(Paging::from_query(&query(&[])).unwrap(), Paging { offset: 0, limit: DEFAULT_LIMIT });
        let p = Paging::from_query(&query(&[("offset", "2147483647"), ("limit", "1000")])).unwrap();
        assert_eq!(p, Paging { offset: MAX_OFFSET, limit: MAX_LIMIT });
        for (name, value) in [
            ("limit", "0"),
            ("limit", "1001"),
            ("limit", "-1"),
            ("offset", "-5"),
            ("offset", "2147483648"),
            ("offset", "x"),
        ] {
            let e = Paging::from_query(&query(&[(name, value)])).unwrap_err();
            assert!(e.message.starts_with(&format!("{name}: ")), "{}", e.message);
        }
    }

    #[test]
    fn rows_and_the_next_page() {
        let items: Vec<u32> = (0..5).collect();
        let p = Paging { offset: 3, limit: 10 };
        assert_eq!(p.rows(&items), &[3, 4]);
        assert_eq!(Paging { offset: 9, limit: 1 }.rows(&items), &[] as &[u32]);
        let answer = Paging { offset: 0, limit: 2 }.answer("/x", &query(&[("name", "a b")]), vec![], 5);
        assert_eq!(answer.0["paging"]["nextPage"], "/x?offset=2&limit=2&name=a%20b");
        assert!(Paging { offset: 3, limit: 2 }.answer("/x", &query(&[]), vec![], 5).0.get("paging").is_none());
    }
}
