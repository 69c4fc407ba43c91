//! The pages of a first view's lists (issue 13): a first view lists at most
//! [`super::FIRST_VIEW_LIST`] workspaces (and, for org admins and central authorizers, about as
//! many members), so that it stays small at every size of organization; each page brings the
//! next ones, as a piece of the same member's view that [`Engine::add_view`] (the npm package's
//! `addWorkspaceView`) joins. Together with the first view and the workspace views, the pages
//! are the member's whole view (`tests/paged`).

use super::view::Keep;
use super::{FORMAT, Snapshot};
use crate::engine::Engine;
use crate::error::{Refusal, denied, invalid};
use crate::rule::Rule;
use crate::table::WorkspaceIx;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The most entries one page lists.
pub const PAGE_LIMIT: usize = 1000;

/// Which of a view's lists a page is of.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListOf {
    /// The workspaces the member sees, with their owners.
    Workspaces,
    /// Every member, for org admins and central authorizers (others' views name the members
    /// they need).
    Members,
}

/// One page of a member's list: a piece of their view, and the id to ask after for the next.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewPage {
    /// The piece: the page's workspace headers or members, and what they name.
    pub view: Snapshot,
    /// The last id of the page while more follow (pass it as `after`); absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl Engine {
    /// The page of `user`'s `list` after the id `after` (from the start without it), at most
    /// `limit` entries (1 to [`PAGE_LIMIT`]), at `now`. The members list is for org admins and
    /// central authorizers only (O6, O4); anyone else is denied. A non-member is denied (P1).
    pub fn view_page(
        &self,
        user: &str,
        list: ListOf,
        after: Option<&str>,
        limit: usize,
        now: u64,
    ) -> Result<ViewPage, Refusal> {
        if limit == 0 || limit > PAGE_LIMIT {
            return Err(invalid(alloc::format!(
                "a page lists 1 to {PAGE_LIMIT} entries"
            )));
        }
        let (org, u) = self.asked_by_member(user)?;
        let member = org.member(u)?;
        let whole = org.sees_whole_org(member);
        let after = |id: &str| after.is_none_or(|a| id > a);
        let (org_part, next) = match list {
            ListOf::Workspaces => {
                org.refuse_missing(org.first_view_scope(u, None))?;
                let kept = org.kept_all(u, member, whole, now);
                let mut page: Vec<WorkspaceIx> = kept
                    .iter()
                    .map(|(w, _)| *w)
                    .filter(|w| after(org.workspaces.id(*w)))
                    .take(limit + 1)
                    .collect();
                let next = next_of(&mut page, limit, |w| org.workspaces.id(*w));
                let part = if whole {
                    let mut owners: Vec<&str> = page
                        .iter()
                        .filter_map(|w| org.workspaces.get(*w)?.owner)
                        .map(|o| org.members.id(o))
                        .collect();
                    owners.sort_unstable();
                    org.whole_org_page(|m| owners.binary_search(&m).is_ok(), &page)
                } else {
                    let viewer = org.viewer(u, member);
                    // The default workspace's empty part comes with its header (W2).
                    let empty: Vec<_> = kept
                        .iter()
                        .filter(|(w, k)| matches!(k, Keep::Nothing) && page.contains(w))
                        .filter_map(|(w, k)| org.kept_part(&viewer, *w, k))
                        .collect();
                    let mut part = org.view_org_part(&viewer, member, &page, &empty);
                    part.workspaces.sort_by(|a, b| a.id.cmp(&b.id));
                    return Ok(ViewPage {
                        view: piece(org.members.id(u), part, empty),
                        next,
                    });
                };
                (part, next)
            }
            ListOf::Members if whole => {
                let mut page: Vec<&str> = org
                    .members
                    .sorted()
                    .into_iter()
                    .map(|m| org.members.id(m))
                    .filter(|id| after(id))
                    .take(limit + 1)
                    .collect();
                let next = next_of(&mut page, limit, |m| m);
                (
                    org.whole_org_page(|m| page.binary_search(&m).is_ok(), &[]),
                    next,
                )
            }
            ListOf::Members => {
                return Err(denied(
                    Rule::O6,
                    "only org admins and central authorizers list every member; a member's view names the members it needs",
                ));
            }
        };
        Ok(ViewPage {
            view: piece(org.members.id(u), org_part, Vec::new()),
            next,
        })
    }
}

/// Cuts `page` (read one past `limit`) to `limit`, and names its last id when more follow.
fn next_of<'a, T>(page: &mut Vec<T>, limit: usize, id: impl Fn(&T) -> &'a str) -> Option<String> {
    if page.len() <= limit {
        return None;
    }
    page.truncate(limit);
    page.last().map(|x| String::from(id(x)))
}

fn piece(user: &str, org: super::OrgPart, parts: Vec<super::WorkspacePart>) -> Snapshot {
    Snapshot {
        format: FORMAT,
        org,
        workspaces: parts,
        audit: Vec::new(),
        view_of: Some(user.into()),
        listing: None,
    }
}
