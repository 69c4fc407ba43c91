//! User group commands (P2). Groups nest at most five levels; a grant to a group reaches the
//! members of every group nested in it.

use super::{Outcome, check_id, check_name};
use crate::authz::require_not_own_membership;
use crate::command::Target;
use crate::error::{conflict, denied, not_found};
use crate::event::Event;
use crate::model::{Grantee, Group, MAX_GROUP_DEPTH, Org, insert_sorted, remove_sorted};
use crate::rule::Rule;
use crate::table::UserIx;
use crate::vocab::OrgPoint;
use alloc::format;
use alloc::vec::Vec;

pub(super) fn create_group(
    org: &mut Org,
    actor: UserIx,
    group: &str,
    name: &str,
    parent: Option<&str>,
) -> Outcome {
    org.require_point(actor, OrgPoint::ManageUserGroups, Rule::O2)?;
    check_id("group", group)?;
    check_name("group", name)?;
    if org.groups.contains(group) {
        return Err(conflict(format!("group `{group}` already exists")));
    }
    let parent = parent.map(|p| org.group(p)).transpose()?;
    if let Some(p) = parent {
        if org.group_depth(p) >= MAX_GROUP_DEPTH {
            return Err(denied(
                Rule::P2,
                format!(
                    "groups nest at most {MAX_GROUP_DEPTH} levels; `{}` is at the deepest",
                    org.groups.id(p)
                ),
            ));
        }
    }
    org.groups.insert(
        group,
        Group {
            name: name.into(),
            parent,
            members: Vec::new(),
        },
    );
    Ok(alloc::vec![Event::GroupCreated {
        group: group.into()
    }])
}

pub(super) fn delete_group(org: &mut Org, actor: UserIx, group: &str, at: u64) -> Outcome {
    org.require_point(actor, OrgPoint::ManageUserGroups, Rule::O2)?;
    let ix = org.group(group)?;
    let member_of_it = Org::in_group(org.member(actor)?, ix);
    require_not_own_membership(org, actor, member_of_it, group)?;
    if let Some((child, _)) = org.groups.iter().find(|(_, g)| g.parent == Some(ix)) {
        return Err(conflict(format!(
            "group `{group}` holds group `{}`; delete its subgroups first",
            org.groups.id(child)
        )));
    }
    // Last: the one check that reads workspace parts (`span.rs` checks it part by part).
    org.require_may_change_group_reach(actor, ix, false, at)?;
    let mut events = Vec::new();
    let grantee = Grantee::Group(ix);
    for (aix, ws) in org.drop_grants_to(grantee) {
        events.push(Event::GrantRemoved {
            workspace: org.workspaces.id(ws).into(),
            asset: org.assets.id(aix).into(),
            target: Target::Group(group.into()),
        });
    }
    org.forget_in_rules(None, Some(group));
    let members = org.groups.remove(ix).map(|g| g.members).unwrap_or_default();
    for user in members {
        if let Some(m) = org.members.get_mut(user) {
            remove_sorted(&mut m.groups, &ix);
        }
        org.refresh_effective_groups(user);
    }
    events.push(Event::GroupDeleted {
        group: group.into(),
    });
    Ok(events)
}

pub(super) fn add_group_member(
    org: &mut Org,
    actor: UserIx,
    group: &str,
    user: &str,
    at: u64,
) -> Outcome {
    org.require_point(actor, OrgPoint::ManageUserGroups, Rule::O2)?;
    let gix = org.group(group)?;
    let uix = org.user(user)?;
    require_not_own_membership(org, actor, uix == actor, group)?;
    if org
        .groups
        .get(gix)
        .is_some_and(|g| g.members.binary_search(&uix).is_ok())
    {
        return Err(conflict(format!("`{user}` is already in group `{group}`")));
    }
    org.require_may_change_group_reach(actor, gix, true, at)?;
    if let Some(g) = org.groups.get_mut(gix) {
        insert_sorted(&mut g.members, uix);
    }
    if let Some(m) = org.members.get_mut(uix) {
        insert_sorted(&mut m.groups, gix);
    }
    org.refresh_effective_groups(uix);
    Ok(alloc::vec![Event::GroupMemberAdded {
        group: group.into(),
        user: user.into()
    }])
}

pub(super) fn remove_group_member(
    org: &mut Org,
    actor: UserIx,
    group: &str,
    user: &str,
    at: u64,
) -> Outcome {
    org.require_point(actor, OrgPoint::ManageUserGroups, Rule::O2)?;
    let gix = org.group(group)?;
    let uix = org.user(user)?;
    require_not_own_membership(org, actor, uix == actor, group)?;
    if org
        .groups
        .get(gix)
        .is_none_or(|g| g.members.binary_search(&uix).is_err())
    {
        return Err(not_found(format!("`{user}` is not in group `{group}`")));
    }
    org.require_may_change_group_reach(actor, gix, false, at)?;
    if let Some(g) = org.groups.get_mut(gix) {
        remove_sorted(&mut g.members, &uix);
    }
    if let Some(m) = org.members.get_mut(uix) {
        remove_sorted(&mut m.groups, &gix);
    }
    org.refresh_effective_groups(uix);
    Ok(alloc::vec![Event::GroupMemberRemoved {
        group: group.into(),
        user: user.into()
    }])
}
