//! Canvas's paging (`canvas/API.md` §1.5): `page` from 1, `per_page`
//! from 1 to 100 (10 when absent; anything else is read as Ruby's `to_i`
//! and clamped), and a `Link` header of absolute URLs, in the order
//! `current`, `next`, `prev`, `first`, `last`, that carries every other
//! parameter of the request on, re-encoded as Canvas writes them (sorted
//! by name, brackets and commas percent-encoded).

use axum::http::{HeaderMap, HeaderValue, header};
use serde_json::Value;

/// The page size when `per_page` is absent.
pub const DEFAULT_PER_PAGE: usize = 10;
/// The largest page.
pub const MAX_PER_PAGE: usize = 100;

/// Which page of a list a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// From 1.
    pub number: usize,
    /// From 1 to [`MAX_PER_PAGE`].
    pub size: usize,
}

/// Ruby's `String#to_i`: the leading digits (with a sign), 0 if none.
fn to_i(text: &str) -> i64 {
    let text = text.trim_start();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits: String = digits.chars().take_while(char::is_ascii_digit).take(18).collect();
    sign * digits.parse::<i64>().unwrap_or(0)
}

impl Page {
    /// The page `params` ask for: `per_page` clamped to 1..=100, `page` at
    /// least 1.
    pub fn of(params: &Value) -> Page {
        let number_of = |name: &str| params.get(name).and_then(Value::as_str).map(to_i);
        let size = number_of("per_page").map_or(DEFAULT_PER_PAGE as i64, |n| n.clamp(1, MAX_PER_PAGE as i64));
        let number = number_of("page").unwrap_or(1).max(1);
        Page { number: usize::try_from(number).unwrap_or(usize::MAX), size: size as usize }
    }

    /// The items of this page (none past the end).
    pub fn slice<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        let start = (self.number - 1).saturating_mul(self.size).min(items.len());
        &items[start..start.saturating_add(self.size).min(items.len())]
    }

    /// The `Link` header for a list of `total` items at `path` (the
    /// request's own path), on `base` (scheme, host and port), carrying
    /// `query`'s other parameters on, decoded, sorted by name (a name's
    /// values in their order) and encoded again, before `page` and
    /// `per_page`; the token never.
    pub fn link(&self, base: &str, path: &str, query: Option<&str>, total: usize) -> HeaderValue {
        let last = total.div_ceil(self.size).max(1);
        let mut kept: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .filter(|(name, _)| !["page", "per_page", "access_token", "api_key"].contains(&name.as_ref()))
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        kept.sort_by(|a, b| a.0.cmp(&b.0));
        let url = |n: usize| {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.extend_pairs(&kept);
            q.append_pair("page", &n.to_string()).append_pair("per_page", &self.size.to_string());
            format!("<{base}{path}?{}>", q.finish())
        };
        let mut links = vec![format!("{}; rel=\"current\"", url(self.number))];
        if self.number < last {
            links.push(format!("{}; rel=\"next\"", url(self.number + 1)));
        }
        if self.number > 1 {
            links.push(format!("{}; rel=\"prev\"", url(self.number - 1)));
        }
        links.push(format!("{}; rel=\"first\"", url(1)));
        links.push(format!("{}; rel=\"last\"", url(last)));
        HeaderValue::from_str(&links.join(",")).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// The scheme, host and port a request came to, for absolute links: the
/// `Host` header, over plain HTTP (the server speaks no TLS).
pub fn base_of(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("http://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// CNV-2: `per_page` is read as Ruby's `to_i` and clamped to 1..100,
    /// 10 when absent; `page` from 1; a page past the end is empty.
    #[test]
    fn cnv2_page_and_per_page_are_read_as_canvas_reads_them() {
        let page = |p: Value| Page::of(&p);
        assert_eq!(page(json!({})), Page { number: 1, size: 10 });
        assert_eq!(page(json!({"per_page": "0"})).size, 1);
        assert_eq!(page(json!({"per_page": "abc"})).size, 1);
        assert_eq!(page(json!({"per_page": "500"})).size, 100);
        assert_eq!(page(json!({"per_page": "25x"})).size, 25);
        assert_eq!(page(json!({"page": "-3"})).number, 1);
        assert_eq!(page(json!({"page": "3", "per_page": "2"})).slice(&[1, 2, 3, 4, 5]), [5]);
        assert!(page(json!({"page": "9", "per_page": "2"})).slice(&[1, 2, 3]).is_empty());
    }

    /// CNV-2: the `Link` header: absolute, in Canvas's order, `next`
    /// only before the last page and `prev` only after the first, the
    /// other parameters carried on re-encoded (no raw `,` or `>` to break
    /// a client that splits the header), the token never, however it was
    /// encoded.
    #[test]
    fn cnv2_link_headers_are_absolute_and_in_canvas_order() {
        let page = Page { number: 2, size: 2 };
        let query = "search_term=a,b%3E&include[]=term&page=2&access%5Ftoken=x&per_page=2&include[]=x";
        let link = page.link("http://h:1", "/api/v1/courses", Some(query), 5);
        let kept = "include%5B%5D=term&include%5B%5D=x&search_term=a%2Cb%3E";
        let want: Vec<String> = [(2, "current"), (3, "next"), (1, "prev"), (1, "first"), (3, "last")]
            .iter()
            .map(|(n, rel)| format!("<http://h:1/api/v1/courses?{kept}&page={n}&per_page=2>; rel=\"{rel}\""))
            .collect();
        assert_eq!(link.to_str().unwrap(), want.join(","));
        let only = Page { number: 1, size: 10 }.link("http://h", "/x", None, 0);
        assert_eq!(
            only.to_str().unwrap(),
            "<http://h/x?page=1&per_page=10>; rel=\"current\",<http://h/x?page=1&per_page=10>; rel=\"first\",<http://h/x?page=1&per_page=10>; rel=\"last\""
        );
    }
}
