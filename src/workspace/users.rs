//! The workspace's users: create, rename, change a role.

use super::*;

impl Workspace {
    /// Creates a user with a role (ACC-1). Needs an Administrator.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing actor; [`Error::Forbidden`] unless the actor is an Administrator;
    /// [`Error::Invalid`] (`name`) for a blank or too long name.
    pub fn create_user(&mut self, actor: UserKey, name: &str, role: Role) -> Result<UserKey, Error> {
        edit::users::create_user(&mut self.store, actor, name, role)
    }

    /// Renames a user. Needs an Administrator.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing user or actor; [`Error::Forbidden`] unless the actor is an Administrator;
    /// [`Error::Invalid`] (`name`) for a blank or too long name.
    pub fn rename_user(&mut self, actor: UserKey, user: UserKey, name: &str) -> Result<(), Error> {
        edit::users::rename_user(&mut self.store, actor, user, name)
    }

    /// Changes a user's role. Needs an Administrator. The workspace keeps at
    /// least one Administrator: demoting the last one is refused.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing user or actor; [`Error::Forbidden`] unless the actor is an Administrator;
    /// [`Error::Invalid`] (`role`) when it would demote the last Administrator.
    pub fn set_role(&mut self, actor: UserKey, user: UserKey, role: Role) -> Result<(), Error> {
        edit::users::set_role(&mut self.store, actor, user, role)
    }
}
