//! The course record, [`Course`]: its identity, its course-level data (the
//! settings, tools, authors, details), its list of learning objects and
//! its styles, and the [`CourseStyle`] record.

use super::{CourseSettings, CourseTools, Timestamp};
use crate::{CourseKey, LoKey, StyleKey, UserKey};
use imbl::{OrdMap, OrdSet, Vector};
use std::sync::Arc;

/// A course: its identity, its course-level data, and the ordered list of
/// learning objects it includes.
///
/// Read it with [`Workspace::course`](crate::Workspace::course); change it
/// through the operations of [`Workspace`](crate::Workspace).
///
/// ```
/// use coursecopy::{NewCourse, Workspace};
///
/// let (mut ws, admin) = Workspace::with_admin("Ada")?;
/// let key = ws.create_course(admin, NewCourse::new("BIO-101", "Biology").description("Cells and genes"))?;
/// let course = ws.course(key)?;
/// assert_eq!((course.course_id(), course.title()), ("BIO-101", "Biology"));
/// assert_eq!(course.description(), "Cells and genes");
/// assert_eq!(course.time_zone(), "UTC");
/// assert_eq!(course.learning_objects().len(), 0);
/// assert!(course.is_assigned(admin) || course.created_by() == admin);
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Course {
    pub(crate) pk: u64,
    /// Unique in the workspace; see [`Course::uuid`].
    pub(crate) uuid: u128,
    pub(crate) created: Timestamp,
    pub(crate) modified: Timestamp,
    pub(crate) course_id: Arc<str>,
    pub(crate) external_id: Arc<str>,
    pub(crate) title: Arc<str>,
    pub(crate) description: Arc<str>,
    pub(crate) player_layout: Arc<str>,
    pub(crate) details: OrdMap<Arc<str>, Arc<str>>,
    pub(crate) created_by: UserKey,
    pub(crate) assigned: OrdSet<UserKey>,
    pub(crate) styles: Vector<StyleKey>,
    pub(crate) los: Vector<LoKey>,
    pub(crate) copied_from: Option<CourseKey>,
    pub(crate) settings: CourseSettings,
    pub(crate) tools: CourseTools,
    pub(crate) lock: Option<UserKey>,
    /// The fields this course locks for linked copies of its LOs (LNK-9).
    pub(crate) field_locks: super::FieldLocks,
    /// The course's time zone, an IANA name the bundled database knows.
    pub(crate) time_zone: super::Zone,
}

impl Course {
    /// The LMS primary id, `_<n>_1`, unique in the workspace and never
    /// reused. [`CourseRef`](crate::CourseRef) parses it back.
    pub fn lms_id(&self) -> String {
        format!("_{}_1", self.pk)
    }

    /// The course's numeric id: the number in its LMS id, given when it
    /// was created and never again in the workspace, kept by save and load
    /// (CNV-2).
    pub fn numeric_id(&self) -> u64 {
        self.pk
    }

    /// The course's uuid, as an LMS writes it: 32 lowercase hex digits.
    /// Unique in the workspace, kept by saving and loading, and new for
    /// every course, copies included. It is derived from the workspace's
    /// salt and the course's LMS id, so a run replays exactly.
    pub fn uuid(&self) -> String {
        format!("{:032x}", self.uuid)
    }

    /// When the course was created (or copied), as the caller said.
    pub fn created(&self) -> Timestamp {
        self.created
    }

    /// When the course's own data last changed, as the caller said: its
    /// creation, an [`update_course`](crate::Workspace::update_course), or
    /// the request of a copy into it ([`request_copy_at`](crate::Workspace::request_copy_at));
    /// cancelling that copy puts the earlier time back.
    pub fn modified(&self) -> Timestamp {
        self.modified
    }

    /// Who locked the course, if it is locked (ACC-4). Nobody edits a
    /// locked course, nor the learning objects it is the parent of.
    pub fn locked_by(&self) -> Option<UserKey> {
        self.lock
    }

    /// The fields this course locks for the linked copies of its learning
    /// objects (LNK-9).
    pub fn field_locks(&self) -> super::FieldLocks {
        self.field_locks
    }

    /// The course's time zone, an IANA name (`UTC` unless set): the
    /// calendar its dates shift in (DAT-2).
    pub fn time_zone(&self) -> &super::Zone {
        &self.time_zone
    }

    /// The course's settings.
    pub fn settings(&self) -> &CourseSettings {
        &self.settings
    }

    /// The course's tools: announcements, assessments, forums, gradebook
    /// columns and the other categories of SPEC section 6.
    pub fn tools(&self) -> &CourseTools {
        &self.tools
    }

    /// The unique, human-readable course id.
    pub fn course_id(&self) -> &str {
        &self.course_id
    }

    /// The unique id that outside systems know the course by.
    pub fn external_id(&self) -> &str {
        &self.external_id
    }

    /// The course title (an LMS calls it the name).
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The course description.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The name of the player layout the course is shown with.
    pub fn player_layout(&self) -> &str {
        &self.player_layout
    }

    /// One of the course's other details, by key.
    pub fn detail(&self, key: &str) -> Option<&str> {
        self.details.get(key).map(|v| &**v)
    }

    /// All other details, ordered by key.
    pub fn details(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.details.iter().map(|(k, v)| (&**k, &**v))
    }

    /// The user who created the course (for a copy, the user who copied it).
    pub fn created_by(&self) -> UserKey {
        self.created_by
    }

    /// The users assigned to the course, in handle order.
    pub fn assigned_users(&self) -> impl ExactSizeIterator<Item = UserKey> + '_ {
        self.assigned.iter().copied()
    }

    /// Whether `user` is assigned to the course.
    pub fn is_assigned(&self, user: UserKey) -> bool {
        self.assigned.contains(&user)
    }

    /// The course's styles, in order.
    pub fn styles(&self) -> impl ExactSizeIterator<Item = StyleKey> + '_ {
        self.styles.iter().copied()
    }

    /// The learning objects the course includes, in course order.
    pub fn learning_objects(&self) -> impl ExactSizeIterator<Item = LoKey> + '_ {
        self.los.iter().copied()
    }

    /// The position of a learning object in the course, if included.
    pub fn position_of(&self, lo: LoKey) -> Option<usize> {
        self.los.index_of(&lo)
    }

    /// The course this one was copied from, if it is a copy. The handle may
    /// be stale if that course was deleted since: provenance is history.
    pub fn copied_from(&self) -> Option<CourseKey> {
        self.copied_from
    }
}

/// A named style that pages of a course can apply. A style belongs to one
/// course; copying a course gives the copy its own styles with equal content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseStyle {
    pub(crate) course: CourseKey,
    pub(crate) name: Arc<str>,
    pub(crate) css: Arc<str>,
}

impl CourseStyle {
    /// The course the style belongs to.
    pub fn course(&self) -> CourseKey {
        self.course
    }

    /// The style's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The style's rules (CSS).
    pub fn css(&self) -> &str {
        &self.css
    }
}

/// The uuid of the course with LMS id `pk` in a workspace with this salt:
/// a bijection of `pk` in the low 64 bits, so two courses of a workspace
/// never share one, and the salt mixed into both halves, so two workspaces
/// rarely do.
pub(crate) fn course_uuid(salt: u32, pk: u64) -> u128 {
    let key = uuid_key(salt);
    let low = mix(pk ^ key);
    let high = mix(low ^ key.rotate_left(17));
    u128::from(high) << 64 | u128::from(low)
}

/// The LMS id whose uuid is `uuid` under `salt`, if `uuid` is one:
/// [`course_uuid`] inverted.
pub(crate) fn course_pk_of_uuid(salt: u32, uuid: u128) -> Option<u64> {
    let key = uuid_key(salt);
    let low = uuid as u64;
    let pk = unmix(low) ^ key;
    (course_uuid(salt, pk) == uuid).then_some(pk)
}

fn uuid_key(salt: u32) -> u64 {
    mix(u64::from(salt) ^ 0x243f_6a88_85a3_08d3)
}

/// The finaliser of splitmix64: a bijection on u64.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The inverse of [`mix`]: each xor-shift undone, each multiplication by
/// the modular inverse of its odd constant.
fn unmix(mut z: u64) -> u64 {
    z ^= (z >> 31) ^ (z >> 62);
    z = z.wrapping_mul(0x3196_42b2_d24d_8ec3);
    z ^= (z >> 27) ^ (z >> 54);
    z = z.wrapping_mul(0x96de_1b17_3f11_9089);
    z ^ (z >> 30) ^ (z >> 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmix_inverts_mix() {
        assert_eq!(0x3196_42b2_d24d_8ec3u64.wrapping_mul(0x94d0_49bb_1331_11eb), 1);
        assert_eq!(0x96de_1b17_3f11_9089u64.wrapping_mul(0xbf58_476d_1ce4_e5b9), 1);
        for z in [0, 1, 12, u64::MAX, 0x243f_6a88_85a3_08d3] {
            assert_eq!(unmix(mix(z)), z);
        }
    }

    #[test]
    fn a_uuid_gives_back_its_id() {
        for pk in [1, 2, 12, 9_999_999] {
            let uuid = course_uuid(7, pk);
            assert_eq!(course_pk_of_uuid(7, uuid), Some(pk));
            assert_eq!(course_pk_of_uuid(8, uuid), None);
        }
        assert_eq!(course_pk_of_uuid(7, 0), None);
    }
}
