//! View as: a workspace as one member sees it (lists, folders, decisions), for an org admin or
//! an admin of the workspace (`authz/access.rs`). Read-only; the `view_as` command records that
//! it happened (X4), and hosts run it before they answer (the edge does, through its writer).

use crate::apply::Outcome;
use crate::engine::{Answer, Engine};
use crate::error::Refusal;
use crate::event::Event;
use crate::model::Org;
use crate::table::UserIx;
use crate::vocab::{Kind, Mode, Operation};
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// One asset of the member's list, with what they may do with it.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewedAsset {
    /// The asset.
    pub id: String,
    /// The operations `check` allows the member on it, in the vocabulary's order.
    pub operations: Vec<Operation>,
}

/// A workspace as one member sees it.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewAs {
    /// The member viewed as.
    pub user: String,
    /// The workspace.
    pub workspace: String,
    /// Its mode.
    pub mode: Mode,
    /// Their asset list (W7, W8), by asset id.
    pub assets: Vec<ViewedAsset>,
    /// Their folders, by folder id.
    pub folders: Vec<String>,
    /// The kinds they may create there.
    pub creates: Vec<Kind>,
    /// When they may not see into the workspace at all: the answer they get.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<Answer>,
}

/// The `view_as` command: authorized as the query is, it changes nothing but the log.
pub(crate) fn record_view_as(org: &mut Org, actor: UserIx, user: &str, workspace: &str) -> Outcome {
    let ws = org.workspace(workspace)?;
    org.user(user)?;
    org.require_view_as(actor, ws)?;
    Ok(alloc::vec![Event::ViewedAs {
        user: user.into(),
        workspace: workspace.into(),
    }])
}

impl Engine {
    /// `workspace` as `user` sees it, for `actor`: their asset list with the operations they
    /// may perform on each, their folders and what they may create. Asked by org admins and
    /// the workspace's admins (O6, R1); run the `view_as` command to record it (X4).
    ///
    /// # Errors
    ///
    /// `denied` by P1 for a non-member actor and by R1 for one who may not view as others;
    /// `not_found` for an unknown workspace or member.
    pub fn view_as(
        &self,
        actor: &str,
        user: &str,
        workspace: &str,
        now: u64,
    ) -> Result<ViewAs, Refusal> {
        let (org, me) = self.asked_by_member(actor)?;
        let ws = org.workspace(workspace)?;
        let target = org.user(user)?;
        org.require_view_as(me, ws)?;
        let mode = org.workspaces.get(ws).map_or(Mode::Private, |w| w.mode);
        let mut out = ViewAs {
            user: user.into(),
            workspace: workspace.into(),
            mode,
            assets: Vec::new(),
            folders: Vec::new(),
            creates: Vec::new(),
            refused: None,
        };
        let assets = match org.visible_assets_in(target, ws, mode, now) {
            Ok(assets) => assets,
            Err(d) => {
                out.refused = Some(self.answer(&d));
                return Ok(out);
            }
        };
        out.assets = assets
            .into_iter()
            .map(|a| ViewedAsset {
                id: org.assets.id(a).into(),
                operations: Operation::ALL
                    .iter()
                    .copied()
                    .filter(|op| {
                        *op != Operation::Create && org.decide(target, *op, a, now).allowed
                    })
                    .collect(),
            })
            .collect();
        out.folders = org
            .visible_folders_in(target, ws, now)
            .unwrap_or_default()
            .into_iter()
            .map(|f| String::from(org.folders.id(f)))
            .collect();
        out.creates = Kind::ALL
            .iter()
            .copied()
            .filter(|k| org.decide_create(target, ws, *k).allowed)
            .collect();
        Ok(out)
    }
}
