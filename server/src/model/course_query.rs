//! Which courses a list shows, whichever API lists them: the courses a
//! user may see, filtered and ordered. Each API reads its own parameters
//! into a [`CourseQuery`] and renders the keys it gets back.

use super::Model;
use coursecopy::{Availability, Course, CourseKey, Timestamp, UserKey};
use std::cmp::Ordering;

/// Which of a user's courses a list starts from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CourseScope {
    /// Every course the user may read (ACC-2): an administrator reads all.
    #[default]
    Readable,
    /// The courses the user made or is assigned to (an administrator's
    /// own, not every course).
    Own,
}

/// A text field of a course that a query filters or orders by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CourseText {
    /// The `course_id`.
    CourseId,
    /// The external id.
    ExternalId,
    /// The title.
    Title,
    /// The description.
    Description,
    /// The `course_code` detail, else the `course_id`.
    CourseCode,
}

impl CourseText {
    fn of(self, c: &Course) -> &str {
        match self {
            CourseText::CourseId => c.course_id(),
            CourseText::ExternalId => c.external_id(),
            CourseText::Title => c.title(),
            CourseText::Description => c.description(),
            CourseText::CourseCode => c.detail("course_code").unwrap_or(c.course_id()),
        }
    }
}

/// What a list is ordered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CourseOrder {
    /// The numeric id.
    Id,
    /// A text field.
    Text(CourseText),
    /// When it was made.
    Created,
    /// When it last changed.
    Modified,
}

/// Which courses a list shows, and in what order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CourseQuery {
    /// The courses it starts from.
    pub scope: CourseScope,
    /// Each field must hold its text (any case).
    pub every: Vec<(CourseText, String)>,
    /// One of the fields must hold the text (any case).
    pub any: Option<(Vec<CourseText>, String)>,
    /// Only courses of this availability.
    pub availability: Option<Availability>,
    /// Only courses made before this time (`true`), or at or after it.
    pub created: Option<(Timestamp, bool)>,
    /// The order, each key ascending or descending (`true`), then by
    /// numeric id.
    pub order: Vec<(CourseOrder, bool)>,
}

fn holds(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

impl CourseQuery {
    fn keeps(&self, c: &Course) -> bool {
        let every = self.every.iter().all(|(field, text)| holds(field.of(c), text));
        let any = self.any.as_ref().is_none_or(|(fields, text)| fields.iter().any(|f| holds(f.of(c), text)));
        let available = self.availability.is_none_or(|a| c.settings().availability() == a);
        let created = self.created.is_none_or(|(t, before)| if before { c.created() < t } else { c.created() >= t });
        every && any && available && created
    }

    fn compare(&self, a: &Course, b: &Course) -> Ordering {
        let mut ord = Ordering::Equal;
        for (key, desc) in &self.order {
            let o = match key {
                CourseOrder::Id => a.numeric_id().cmp(&b.numeric_id()),
                CourseOrder::Text(field) => field.of(a).cmp(field.of(b)),
                CourseOrder::Created => a.created().cmp(&b.created()),
                CourseOrder::Modified => a.modified().cmp(&b.modified()),
            };
            ord = ord.then(if *desc { o.reverse() } else { o });
        }
        ord.then(a.numeric_id().cmp(&b.numeric_id()))
    }
}

impl Model {
    /// The courses `query` shows to `user`, in its order. Costs: one pass
    /// over every course, then a sort of those kept.
    pub fn courses(&self, user: UserKey, query: &CourseQuery) -> Vec<CourseKey> {
        let ws = &self.ws;
        let in_scope = |key: CourseKey, c: &Course| match query.scope {
            CourseScope::Readable => ws.can_read(user, key),
            CourseScope::Own => c.created_by() == user || c.is_assigned(user),
        };
        let mut kept: Vec<(CourseKey, &Course)> =
            ws.courses().filter(|(key, c)| in_scope(*key, c) && query.keeps(c)).collect();
        kept.sort_by(|(_, a), (_, b)| query.compare(a, b));
        kept.into_iter().map(|(key, _)| key).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{demo_keys, demo_workspace};

    fn user(model: &Model, name: &str) -> UserKey {
        model.user(name).unwrap()
    }

    /// An administrator reads every course but owns only theirs; a text
    /// filter of one field, or of any of several, keeps what holds it in
    /// any case; the order falls back to the numeric id.
    #[test]
    fn scopes_filters_and_order() {
        let model = Model::new(demo_workspace().unwrap(), &demo_keys()).unwrap();
        let admin = user(&model, "Administrator");
        let all: Vec<u64> = model.ws.courses().map(|(_, c)| c.numeric_id()).collect();
        let ids = |keys: Vec<CourseKey>| -> Vec<u64> {
            keys.into_iter().map(|k| model.ws.course(k).unwrap().numeric_id()).collect()
        };
        let mut sorted = all.clone();
        sorted.sort_unstable();
        assert_eq!(ids(model.courses(admin, &CourseQuery::default())), sorted);
        let own = CourseQuery { scope: CourseScope::Own, ..CourseQuery::default() };
        let owned = ids(model.courses(admin, &own));
        assert!(owned.len() < all.len(), "the demo's authors made courses the administrator did not");

        let first = model.ws.courses().next().map(|(_, c)| c.title().to_uppercase()).unwrap();
        let by_title = CourseQuery { every: vec![(CourseText::Title, first.clone())], ..CourseQuery::default() };
        let found = model.courses(admin, &by_title);
        assert!(!found.is_empty());
        assert!(found.iter().all(|k| model.ws.course(*k).unwrap().title().to_uppercase().contains(&first)));
        let any = CourseQuery {
            any: Some((vec![CourseText::Description, CourseText::Title], first.to_lowercase())),
            ..CourseQuery::default()
        };
        assert_eq!(model.courses(admin, &any), found);

        let newest_first = CourseQuery { order: vec![(CourseOrder::Id, true)], ..CourseQuery::default() };
        sorted.reverse();
        assert_eq!(ids(model.courses(admin, &newest_first)), sorted);
    }
}
