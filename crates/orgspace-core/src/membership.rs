//! Who may reach an organization at all, and who may bring one into being: the gate a host
//! applies to every request before it resolves any id, so that a caller who is not a member
//! learns nothing (not even whether the organization exists), and only a provisioner the
//! identity provider vouches for creates, upgrades or imports an organization.

use crate::apply::check_id;
use crate::error::{Refusal, invalid};
use crate::rule::Rule;
use crate::snapshot::OrgPart;
use alloc::format;

/// Longest organization id accepted, in bytes.
pub const MAX_ORG_ID_LEN: usize = 64;

/// The one answer every organization route gives a caller who is not a member (P1): the same
/// bytes whatever organization, asset, workspace or user the request names, existing or not.
#[must_use]
pub fn outsider() -> Refusal {
    Refusal::Denied {
        rule: Rule::P1,
        reason: "you are not a member of this organization, or it does not exist".into(),
    }
}

/// Whether `actor` may reach organization `org`, whose org part is `part` (`None`: no such
/// organization): members only (P1), answered by [`outsider`] otherwise.
pub fn admit(part: Option<&OrgPart>, org: &str, actor: &str) -> Result<(), Refusal> {
    let member = part.is_some_and(|p| {
        p.id == org
            && p.members
                .binary_search_by(|m| m.user.as_str().cmp(actor))
                .is_ok()
    });
    if member { Ok(()) } else { Err(outsider()) }
}

/// Whether a caller may create, upgrade or import organization `org` (O1): only a provisioner
/// (a caller the host's identity provider marks as one), and only under an id of the accepted
/// alphabet ([`check_org_id`]). A caller who is not a provisioner is told so whatever `org` is.
pub fn provision(org: &str, provisioner: bool) -> Result<(), Refusal> {
    if !provisioner {
        return Err(Refusal::Denied {
            rule: Rule::O1,
            reason: "creating, upgrading or importing an organization is for provisioners only"
                .into(),
        });
    }
    check_org_id(org)
}

/// An organization id: 1 to [`MAX_ORG_ID_LEN`] bytes of lowercase ASCII letters, digits, `-`,
/// `_` and `.`, starting with a letter or digit. Ids name organizations in URLs, storage keys
/// and sign-in pages, so no spelling may look like another: no Unicode (lookalikes, zero-width
/// and bidi characters), no case. Other spellings are refused rather than folded, so one id
/// never answers to two.
pub fn check_org_id(org: &str) -> Result<(), Refusal> {
    check_id("organization", org)?;
    let first_ok = org
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let all_ok = org
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'));
    if org.len() > MAX_ORG_ID_LEN || !first_ok || !all_ok {
        return Err(invalid(format!(
            "organization ids are 1 to {MAX_ORG_ID_LEN} characters of a-z, 0-9, `-`, `_` and `.`, starting with a letter or digit"
        )));
    }
    Ok(())
}
