//! Users: create, rename, change role. Administrators only.

use crate::access::require;
use crate::data::{Role, Text, User};
use crate::error::{Action, Error};
use crate::handles::UserKey;
use crate::store::Store;

pub(crate) fn create_user(store: &mut Store, actor: UserKey, name: &str, role: Role) -> Result<UserKey, Error> {
    require(store, actor, Action::ManageUsers)?;
    let name = Text::name(crate::Field::Name, name)?;
    Ok(store.insert_user(User { name, role }))
}

pub(crate) fn rename_user(store: &mut Store, actor: UserKey, user: UserKey, name: &str) -> Result<(), Error> {
    store.user(user)?;
    require(store, actor, Action::ManageUsers)?;
    let name = Text::name(crate::Field::Name, name)?;
    store.set_user_name(user, name);
    Ok(())
}

/// The workspace keeps at least one Administrator.
pub(crate) fn set_role(store: &mut Store, actor: UserKey, user: UserKey, role: Role) -> Result<(), Error> {
    let current = store.user(user)?.role;
    require(store, actor, Action::ManageUsers)?;
    let admins = store.users().filter(|(_, u)| u.role == Role::Administrator).count();
    if current == Role::Administrator && role != Role::Administrator && admins == 1 {
        return Err(Error::invalid(crate::Field::Role, "the workspace needs at least one Administrator"));
    }
    store.set_user_role(user, role);
    Ok(())
}
