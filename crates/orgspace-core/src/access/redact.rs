//! What a command's answer may tell its actor (issue 14, finding 4: what a member may not see
//! does not reach them by any route). A command can reach assets its actor cannot see: a member
//! manager removes someone who owns assets in other workspaces (O8 moves them), a group manager
//! deletes a group granted on assets elsewhere (its grants go), a data source manager deletes a
//! source datasets are built on. Its events, and an access diff of it, would name those assets
//! and who had them; both are cut here to what the actor may know.
//!
//! The rules, decided on the state at hand (the engine after the command for its events, before
//! it for a diff):
//! - an event naming an asset reaches the actor if the actor may view the asset or administers
//!   it (A3); a deleted asset's event always does (only who may delete it, or its whole
//!   workspace, deletes it); before the command, an asset the state does not hold is one the
//!   command creates; after it, one the engine does not hold is left out;
//! - a diff's triple or list entry about another member reaches the actor only if the actor
//!   administers the asset (A3, as for who has access), or the command creates it; one about
//!   the actor themselves always does; a folder appearing in or leaving another member's list,
//!   only if the actor may ask who sees it (A3 for folders) or the command creates it.

use super::diff::{AccessDiff, AccessTriple, ListChange};
use crate::engine::Engine;
use crate::error::Refusal;
use crate::event::Event;
use crate::model::Org;
use crate::table::UserIx;
use crate::vocab::Operation;
use alloc::string::String;
use alloc::vec::Vec;

/// The asset an event names, with whether it tells of the asset's deletion.
fn named_asset(event: &Event) -> Option<(&str, bool)> {
    match event {
        Event::AssetDeleted { asset, .. } => Some((asset, true)),
        Event::AssetCreated { asset, .. }
        | Event::AssetChanged { asset, .. }
        | Event::GrantSet { asset, .. }
        | Event::GrantRemoved { asset, .. }
        | Event::PublicSet { asset, .. }
        | Event::DatasetSecuritySet { asset, .. }
        | Event::OwnerChanged { asset, .. } => Some((asset, false)),
        _ => None,
    }
}

impl Org {
    /// Whether `user` may learn that `asset` exists and what happened to it: they may view it,
    /// or administer it (A3: a permission admin sees nothing through the role, O4, yet grants
    /// on it). `absent` answers for an asset this state does not hold.
    fn may_learn_of(&self, user: UserIx, asset: &str, now: u64, absent: bool) -> bool {
        self.assets.find(asset).map_or(absent, |ix| {
            self.decide(user, Operation::View, ix, now).allowed
                || self.asset_admin_decision(user, ix, now).allowed
        })
    }

    /// Whether `user` may learn who else has access to `asset`: the A3 decision, as for who has
    /// access; an asset this state does not hold is one the command creates.
    fn may_learn_access_to(&self, user: UserIx, asset: &str, now: u64) -> bool {
        self.assets
            .find(asset)
            .is_none_or(|ix| self.asset_admin_decision(user, ix, now).allowed)
    }

    /// Whether `user` may learn who else sees `folder`: A3 for folders, as for who sees it; a
    /// folder this state does not hold is one the command creates.
    fn may_learn_who_sees(&self, user: UserIx, folder: &str) -> bool {
        self.folders.find(folder).is_none_or(|ix| {
            self.folders
                .get(ix)
                .is_some_and(|f| self.require_folder_admin(user, f.workspace).is_ok())
        })
    }

    /// `events` cut to those `user` may learn of; `absent` answers for an asset this state does
    /// not hold (before a command: one it creates; after it: one not loaded).
    fn events_seen_by(&self, user: UserIx, events: &[Event], now: u64, absent: bool) -> Vec<Event> {
        events
            .iter()
            .filter(|e| match named_asset(e) {
                Some((_, true)) | None => true,
                Some((asset, false)) => self.may_learn_of(user, asset, now, absent),
            })
            .cloned()
            .collect()
    }

    /// `diff` cut to what `user`, its actor, may learn, decided on the state before the command.
    pub(crate) fn diff_seen_by(&self, user: UserIx, diff: AccessDiff, now: u64) -> AccessDiff {
        let actor = self.members.id(user);
        let mine = |member: &str| member == actor;
        let triple =
            |t: &AccessTriple| mine(&t.user) || self.may_learn_access_to(user, &t.asset, now);
        let lists = diff
            .lists
            .into_iter()
            .filter_map(|list| {
                if mine(&list.user) {
                    return Some(list);
                }
                let keep = |asset: &String| self.may_learn_access_to(user, asset, now);
                let folder = |f: &String| self.may_learn_who_sees(user, f);
                let cut = ListChange {
                    gains: list.gains.into_iter().filter(keep).collect(),
                    loses: list.loses.into_iter().filter(keep).collect(),
                    appear: list.appear.into_iter().filter(folder).collect(),
                    disappear: list.disappear.into_iter().filter(folder).collect(),
                    ..list
                };
                let empty = cut.gains.is_empty()
                    && cut.loses.is_empty()
                    && cut.appear.is_empty()
                    && cut.disappear.is_empty();
                (!empty).then_some(cut)
            })
            .collect();
        AccessDiff {
            events: self.events_seen_by(user, &diff.events, now, true),
            gains: diff.gains.into_iter().filter(triple).collect(),
            loses: diff.loses.into_iter().filter(triple).collect(),
            lists,
        }
    }
}

impl Engine {
    /// The events of a command `actor` ran, cut to those the actor may learn of (finding 4):
    /// what a host answers the actor. Asked on the engine after the command, with the parts
    /// its events name loaded.
    ///
    /// # Errors
    ///
    /// P1 for an actor who is not a member (after the command: someone who removed themselves
    /// gets no events).
    pub fn events_for(
        &self,
        actor: &str,
        events: &[Event],
        now: u64,
    ) -> Result<Vec<Event>, Refusal> {
        let (org, user) = self.asked_by_member(actor)?;
        Ok(org.events_seen_by(user, events, now, false))
    }
}
