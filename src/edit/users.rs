//! Users: create, rename, change role. Administrators only.

use crate::data::{Role, Text};
use crate::{Action, Error, User, UserKey, Workspace};

impl Workspace {
    /// Creates a user with a role (ACC-1). Needs an Administrator.
    pub fn create_user(&mut self, actor: UserKey, name: &str, role: Role) -> Result<UserKey, Error> {
        self.require(actor, Action::ManageUsers)?;
        let name = Text::name("name", name)?;
        Ok(self.users.insert(User { name, role }))
    }

    /// Renames a user. Needs an Administrator.
    pub fn rename_user(&mut self, actor: UserKey, user: UserKey, name: &str) -> Result<(), Error> {
        self.user(user)?;
        self.require(actor, Action::ManageUsers)?;
        let name = Text::name("name", name)?;
        if let Some(u) = self.users.get_mut(user) {
            u.name = name;
        }
        Ok(())
    }

    /// Changes a user's role. Needs an Administrator. The workspace keeps at
    /// least one Administrator: demoting the last one is refused.
    pub fn set_role(&mut self, actor: UserKey, user: UserKey, role: Role) -> Result<(), Error> {
        let current = self.user(user)?.role;
        self.require(actor, Action::ManageUsers)?;
        let admins = self.users.iter().filter(|(_, u)| u.role == Role::Administrator).count();
        if current == Role::Administrator && role != Role::Administrator && admins == 1 {
            return Err(Error::invalid("role", "the workspace needs at least one Administrator"));
        }
        if let Some(u) = self.users.get_mut(user) {
            u.role = role;
        }
        Ok(())
    }
}
