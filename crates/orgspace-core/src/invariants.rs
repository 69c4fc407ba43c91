//! X5: the invariants that hold after every command and that every loaded snapshot must meet.

use crate::model::{Grantee, MAX_GROUP_DEPTH, Org};
use crate::rule::Rule;
use crate::snapshot::Problem;
use crate::snapshot::load_problem as problem;
use crate::vocab::WorkspaceKind;
use alloc::format;
use alloc::vec::Vec;

impl Org {
    /// Every invariant the state breaks. With `partial`, checks that need every workspace's
    /// part (O7) are skipped. A member's view (`view_of`) also skips O5 (it may show no org
    /// admin) and, for other members than its own, W3's personal workspace and W6's role (it
    /// holds neither for them).
    pub(crate) fn invariant_problems(&self, partial: bool) -> Vec<Problem> {
        let mut out = if partial || self.view_of.is_some() {
            Vec::new()
        } else {
            self.reach_problems()
        };
        let mut report =
            |rule: Rule, message: alloc::string::String| out.push(problem(Some(rule), message));

        if self.org_admin_count() == 0 && self.view_of.is_none() {
            report(Rule::O5, "the organization has no org admin".into());
        }
        match self.default_workspace.and_then(|w| self.workspaces.get(w)) {
            Some(ws) if ws.kind == WorkspaceKind::Group => {}
            Some(_) => report(
                Rule::W2,
                "the default workspace is a personal workspace".into(),
            ),
            None => report(Rule::W2, "the organization has no default workspace".into()),
        }
        // Members of some group workspace, gathered once rather than per member (O7).
        let in_group_ws: hashbrown::HashSet<crate::table::UserIx> = self
            .workspaces
            .iter()
            .flat_map(|(_, ws)| ws.members.keys().copied())
            .collect();
        for (u, m) in self.members.iter() {
            let uid = self.members.id(u);
            let others_in_view = self.view_of.is_some_and(|v| v != u);
            match self.workspaces.get(m.personal) {
                Some(ws) if ws.kind == WorkspaceKind::Personal && ws.owner == Some(u) => {}
                _ if others_in_view => {}
                _ => report(Rule::W3, format!("`{uid}` has no personal workspace")),
            }
            if !partial && !m.org_admin && !in_group_ws.contains(&u) {
                report(Rule::O7, format!("`{uid}` belongs to no group workspace"));
            }
        }
        for (g, group) in self.groups.iter() {
            if self.group_depth(g) > MAX_GROUP_DEPTH {
                report(
                    Rule::P2,
                    format!(
                        "group `{}` nests deeper than {MAX_GROUP_DEPTH} levels or in a cycle",
                        self.groups.id(g)
                    ),
                );
            }
            if group.members.iter().any(|u| self.members.get(*u).is_none()) {
                report(
                    Rule::P2,
                    format!(
                        "group `{}` holds a user who is not a member",
                        self.groups.id(g)
                    ),
                );
            }
        }
        for (w, ws) in self.workspaces.iter() {
            let wid = self.workspaces.id(w);
            if ws.kind == WorkspaceKind::Personal && !ws.members.is_empty() {
                report(Rule::W3, format!("personal workspace `{wid}` has members"));
            }
            if let Some(owner) = ws.owner {
                if self.members.get(owner).is_none_or(|m| m.personal != w) {
                    report(
                        Rule::W3,
                        format!("personal workspace `{wid}` does not belong to a member"),
                    );
                }
            }
            for (u, roles) in &ws.members {
                if self.members.get(*u).is_none() {
                    report(
                        Rule::W6,
                        format!("workspace `{wid}` has a member who left the organization"),
                    );
                }
                if roles.presets == 0
                    && roles.custom.is_empty()
                    && self.view_of.is_none_or(|v| v == *u)
                {
                    report(
                        Rule::W6,
                        format!("`{}` holds no role in `{wid}`", self.members.id(*u)),
                    );
                }
            }
            for &f in &ws.folders {
                if self.folders.get(f).is_none_or(|x| x.workspace != w) {
                    report(
                        Rule::X5,
                        format!(
                            "workspace `{wid}` lists folder `{}` of another workspace",
                            self.folders.id(f)
                        ),
                    );
                }
            }
            for &a in &ws.assets {
                if self.assets.get(a).is_none_or(|x| x.workspace != w) {
                    report(
                        Rule::X5,
                        format!(
                            "workspace `{wid}` lists asset `{}` of another workspace",
                            self.assets.id(a)
                        ),
                    );
                }
            }
        }
        for (f, folder) in self.folders.iter() {
            let fid = self.folders.id(f);
            let Some(ws) = self.workspaces.get(folder.workspace) else {
                report(Rule::X5, format!("folder `{fid}` is in no workspace"));
                continue;
            };
            // The list is sorted by id: a search, not a scan (2,500 folders in one workspace
            // made this loop quadratic, a tenth of a cold reader's load).
            let listed = crate::apply::folders::position_by_id(&ws.folders, f, &self.folders)
                .is_ok_and(|i| ws.folders.get(i) == Some(&f));
            if !listed {
                report(
                    Rule::X5,
                    format!("folder `{fid}` is missing from its workspace's list"),
                );
            }
            let mut at = folder.parent;
            let mut steps = 0usize;
            while let Some(p) = at {
                steps += 1;
                if steps > self.folders.len() {
                    report(Rule::A7, format!("folder `{fid}` nests in a cycle"));
                    break;
                }
                match self.folders.get(p) {
                    Some(parent) if parent.workspace == folder.workspace => at = parent.parent,
                    _ => {
                        report(
                            Rule::X5,
                            format!("folder `{fid}` nests in a folder of another workspace"),
                        );
                        break;
                    }
                }
            }
        }
        for (a, asset) in self.assets.iter() {
            let aid = self.assets.id(a);
            let Some(ws) = self.workspaces.get(asset.workspace) else {
                report(Rule::X5, format!("asset `{aid}` is in no workspace"));
                continue;
            };
            if self.members.get(asset.owner).is_none() {
                report(
                    Rule::R6,
                    format!("asset `{aid}` has no owner in the organization"),
                );
            }
            if ws.kind == WorkspaceKind::Personal && ws.owner != Some(asset.owner) {
                report(
                    Rule::W3,
                    format!("asset `{aid}` of a personal workspace is owned by someone else"),
                );
            }
            if let Some(f) = asset.folder {
                if self
                    .folders
                    .get(f)
                    .is_none_or(|x| x.workspace != asset.workspace)
                {
                    report(
                        Rule::X5,
                        format!("asset `{aid}` is in a folder of another workspace"),
                    );
                }
            }
            for g in &asset.grants {
                let exists = match g.to {
                    Grantee::User(u) => self.members.get(u).is_some(),
                    Grantee::Group(x) => self.groups.get(x).is_some(),
                };
                if !exists {
                    report(
                        Rule::A1,
                        format!("asset `{aid}` grants to a user or group that is gone"),
                    );
                }
            }
        }
        for message in self.index_problems() {
            out.push(problem(Some(Rule::X5), message));
        }
        out
    }
}
