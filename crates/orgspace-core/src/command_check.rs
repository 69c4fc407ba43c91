//! The asset question each asset command's handler asks before anything else (X2), so a host
//! can show whether an action is open to someone (`Engine::decide` on this request) without a
//! copy of the handlers' table. The differential test holds the two together: whenever
//! `decide` denies this request, `execute` refuses the command, by the same rule when it
//! refuses as `denied`.

use crate::command::Command;
use crate::engine::{Answer, Engine};
use crate::error::Refusal;
use crate::queries::CheckRequest;
use crate::queries::not_member;
use crate::rule::Rule;
use crate::vocab::Operation;
use alloc::string::String;

impl Engine {
    /// May `actor` run `command` at `at`, as far as its authorization goes? The requirements
    /// its handler checks of the actor's standing (`authz/gate.rs`), asked without running it:
    /// a page disables a form with this answer's rule and reason (empty when allowed). Works on a member's view, for that
    /// member. An allowed answer does not promise the command is accepted: its input may be
    /// refused, and so may a rule about others (the last org admin, O5; a grantee outside the
    /// workspace, W4; ...). Ids it names that do not resolve are not checked further.
    ///
    /// # Errors
    ///
    /// `not_found` before an organization exists, [`Refusal::WrongView`] on another member's
    /// view.
    pub fn may_run(&self, actor: &str, command: &Command, at: u64) -> Result<Answer, Refusal> {
        let (org, user) = self.asked(actor)?;
        let verdict = match user {
            None => Err(not_member(actor)),
            Some(user) => org.gate(user, command, at),
        };
        match verdict {
            Ok(()) => Ok(Answer {
                allowed: true,
                rule: command.requirement_rule(),
                reason: String::new(),
            }),
            Err(Refusal::Denied { rule, reason }) => Ok(Answer {
                allowed: false,
                rule,
                reason,
            }),
            Err(other) => Err(other),
        }
    }
}

impl Command {
    /// The check this command's handler makes on its asset (or, for `create_asset`, on creating
    /// its kind in its workspace), or `None` for a command that is not about one asset. An
    /// allowed answer does not promise the command is accepted: it may still be malformed or
    /// refused by a rule that is not about the asset (X3 for grants, A7 for folders, ...).
    #[must_use]
    pub fn check_request(&self) -> Option<CheckRequest> {
        let asset = match self {
            Command::CreateAsset {
                workspace, kind, ..
            } => return Some(CheckRequest::create(workspace, *kind)),
            Command::ModifyAsset { asset, .. }
            | Command::MoveAsset { asset, .. }
            | Command::SetDatasetTable { asset, .. }
            | Command::DeleteAsset { asset }
            | Command::Grant { asset, .. }
            | Command::Revoke { asset, .. }
            | Command::Share { asset, .. }
            | Command::SetPublic { asset, .. }
            | Command::TransferOwnership { asset, .. } => asset,
            // Listed, not `_`: a new command must say whether it is about one asset.
            Command::CreateOrg { .. }
            | Command::RenameOrg { .. }
            | Command::AddMember { .. }
            | Command::RemoveMember { .. }
            | Command::SetOrgRoles { .. }
            | Command::SetAttributes { .. }
            | Command::DefineOrgRole { .. }
            | Command::DeleteOrgRole { .. }
            | Command::CreateGroup { .. }
            | Command::DeleteGroup { .. }
            | Command::AddGroupMember { .. }
            | Command::RemoveGroupMember { .. }
            | Command::CreateWorkspace { .. }
            | Command::ModifyWorkspace { .. }
            | Command::DeleteWorkspace { .. }
            | Command::SetDefaultWorkspace { .. }
            | Command::SetWorkspaceMode { .. }
            | Command::AddWorkspaceMember { .. }
            | Command::RemoveWorkspaceMember { .. }
            | Command::SetWorkspaceRoles { .. }
            | Command::DefineWorkspaceRole { .. }
            | Command::DeleteWorkspaceRole { .. }
            | Command::CreateFolder { .. }
            | Command::RenameFolder { .. }
            | Command::MoveFolder { .. }
            | Command::DeleteFolder { .. }
            | Command::CreateDataSource { .. }
            | Command::DeleteDataSource { .. }
            | Command::GrantTable { .. }
            | Command::RevokeTable { .. }
            | Command::SetRowRules { .. }
            | Command::SetColumnRules { .. }
            | Command::ViewAs { .. }
            | Command::UpgradeOrg(_) => return None,
        };
        Command::asset_operation(self.name()).map(|op| CheckRequest::asset(op, asset))
    }

    /// The rule that says who may run the command, named when it is allowed for a reason
    /// other than one asset's decision.
    #[must_use]
    pub fn requirement_rule(&self) -> Rule {
        match self {
            Command::CreateOrg { .. } | Command::UpgradeOrg(_) => Rule::O1,
            Command::RenameOrg { .. }
            | Command::AddMember { .. }
            | Command::RemoveMember { .. }
            | Command::SetOrgRoles { .. }
            | Command::SetAttributes { .. } => Rule::O3,
            Command::DefineOrgRole { .. }
            | Command::DeleteOrgRole { .. }
            | Command::CreateGroup { .. }
            | Command::DeleteGroup { .. }
            | Command::AddGroupMember { .. }
            | Command::RemoveGroupMember { .. } => Rule::O2,
            Command::CreateWorkspace { .. }
            | Command::ModifyWorkspace { .. }
            | Command::DeleteWorkspace { .. }
            | Command::SetDefaultWorkspace { .. } => Rule::W1,
            Command::SetWorkspaceMode { .. } => Rule::W9,
            Command::AddWorkspaceMember { .. }
            | Command::RemoveWorkspaceMember { .. }
            | Command::SetWorkspaceRoles { .. }
            | Command::ViewAs { .. } => Rule::R1,
            Command::DefineWorkspaceRole { .. } | Command::DeleteWorkspaceRole { .. } => Rule::R5,
            Command::CreateFolder { .. }
            | Command::RenameFolder { .. }
            | Command::MoveFolder { .. }
            | Command::DeleteFolder { .. } => Rule::A7,
            Command::CreateAsset { .. } => Rule::A6,
            Command::ModifyAsset { .. }
            | Command::MoveAsset { .. }
            | Command::DeleteAsset { .. }
            | Command::Grant { .. }
            | Command::Revoke { .. }
            | Command::Share { .. }
            | Command::SetPublic { .. }
            | Command::TransferOwnership { .. } => Rule::A1,
            Command::CreateDataSource { .. }
            | Command::DeleteDataSource { .. }
            | Command::GrantTable { .. }
            | Command::RevokeTable { .. }
            | Command::SetDatasetTable { .. } => Rule::D1,
            Command::SetRowRules { .. } => Rule::D2,
            Command::SetColumnRules { .. } => Rule::D3,
        }
    }

    /// The operation on its asset that the command named `name` (its `type`) requires first,
    /// for a page that offers the command before it has every field of it.
    #[must_use]
    pub fn asset_operation(name: &str) -> Option<Operation> {
        Some(match name {
            "modify_asset" | "move_asset" | "set_dataset_table" => Operation::Modify,
            "delete_asset" => Operation::Delete,
            "grant" | "revoke" => Operation::Authorize,
            "share" | "set_public" => Operation::Share,
            "transfer_ownership" => Operation::Transfer,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Target;
    use crate::vocab::Level;
    use alloc::string::String;
    use alloc::vec;

    /// Every command about one asset names its question: a tag renamed in `command.rs` and
    /// not here would leave the command without one.
    #[test]
    fn every_asset_command_names_its_question() {
        let a = || String::from("a");
        let to = || Target::User("u".into());
        let commands = vec![
            Command::ModifyAsset {
                asset: a(),
                name: Some("n".into()),
                references: None,
            },
            Command::MoveAsset {
                asset: a(),
                folder: None,
            },
            Command::SetDatasetTable {
                asset: a(),
                source: "s".into(),
                table: "t".into(),
            },
            Command::DeleteAsset { asset: a() },
            Command::Grant {
                asset: a(),
                target: to(),
                level: Level::View,
                expires_at: None,
            },
            Command::Revoke {
                asset: a(),
                target: to(),
            },
            Command::Share {
                asset: a(),
                with: vec![to()],
                level: None,
                expires_at: None,
            },
            Command::SetPublic {
                asset: a(),
                public: true,
            },
            Command::TransferOwnership {
                asset: a(),
                to: "u".into(),
            },
        ];
        for c in commands {
            assert!(
                c.check_request().is_some(),
                "{} names no question",
                c.name()
            );
        }
    }
}
