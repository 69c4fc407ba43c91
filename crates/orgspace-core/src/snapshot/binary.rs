//! A workspace part in a compact binary encoding: what the edge writer stores in KV and its
//! readers load (JSON stays the exchange format: imports, `GET /snapshot`, the npm package).
//!
//! Why: at the full benchmark org a cold reader of the 100,000-asset workspace spent most of its
//! time reading JSON (field names, string scans, numbers) and looking up the same few thousand
//! owners and folders by id once per asset, and held the 15 MB text while it did. Here the
//! part's assets are postcard (serde, varints, strings borrowed from the bytes), their owners,
//! grantees and folders indexes into lists of the ids they name, each looked up once; the rest
//! of the part (members, roles, folders, table grants: small) is its JSON text, read by the same
//! serde types as ever. Figures in bench/README.md.
//!
//! A value is [`MAGIC`] (the format tag: a reader meeting JSON, which starts with `{`, reads it
//! as JSON, see [`PartsLoader::add_bytes`]) and then, in postcard, the part's JSON head, the
//! user, group and folder ids its assets name, and its assets in order. Every index is checked
//! when read: a damaged or truncated value is refused with [`SnapshotError::Malformed`], never
//! loaded in part (the loader is dropped on error) and never a panic.

use super::load::AssetFields;
use super::{PartsLoader, WorkspacePart};
use crate::command::Target;
use crate::data::DatasetSecurity;
use crate::engine::{Engine, SnapshotError};
use crate::model::{Asset, Grantee, Org};
use crate::table::{AssetIx, FolderIx, GroupIx, UserIx, WorkspaceIx};
use crate::vocab::{Kind, Level};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// The first bytes of a binary part: "OSP" and the encoding's version (1).
pub const MAGIC: &[u8; 4] = b"OSP\x01";

/// Whether `bytes` hold a binary part (else they are taken for JSON text).
#[must_use]
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC[..3])
}

/// The binary encoding of a workspace part ([`MAGIC`], then postcard).
///
/// # Errors
///
/// [`SnapshotError::Malformed`] only if serde cannot encode a value (a dataset's rules that do
/// not serialize as JSON); the engine's parts always encode.
pub fn part_to_binary(part: &WorkspacePart) -> Result<Vec<u8>, SnapshotError> {
    let head = WorkspacePart {
        id: part.id.clone(),
        members: part.members.clone(),
        roles: part.roles.clone(),
        folders: part.folders.clone(),
        assets: Vec::new(),
        table_grants: part.table_grants.clone(),
    };
    let head = serde_json::to_string(&head).map_err(malformed)?;
    let mut users = Dictionary::default();
    let mut groups = Dictionary::default();
    let mut folders = Dictionary::default();
    let mut assets = Vec::with_capacity(part.assets.len());
    for a in &part.assets {
        assets.push(AssetOut {
            id: &a.id,
            kind: a.kind,
            name: &a.name,
            folder: a.folder.as_deref().map_or(0, |f| folders.of(f) + 1),
            owner: users.of(&a.owner),
            public: a.public,
            created_at: a.created_at,
            references: a.references.iter().map(String::as_str).collect(),
            grants: a
                .grants
                .iter()
                .map(|g| GrantOut {
                    to: match &g.to {
                        Target::User(u) => users.of(u) << 1,
                        Target::Group(x) => (groups.of(x) << 1) | 1,
                    },
                    level: g.level,
                    expires_at: g.expires_at,
                })
                .collect(),
            security: match &a.security {
                Some(s) => Some(serde_json::to_string(s).map_err(malformed)?),
                None => None,
            },
        });
    }
    let wire = WireOut {
        head: &head,
        users: users.ids,
        groups: groups.ids,
        folders: folders.ids,
        assets,
    };
    let out = Vec::from(&MAGIC[..]);
    postcard::to_extend(&wire, out).map_err(malformed)
}

impl Engine {
    /// One workspace's part in the binary encoding, encoded straight from the engine's tables:
    /// the bytes [`part_to_binary`] gives for [`Engine::workspace_part`], without the
    /// `WorkspacePart` of every asset in between (what the edge writer commits; for a
    /// 100,000-asset part that copy cost more than the tables). `None` for a workspace the
    /// engine does not know.
    ///
    /// # Errors
    ///
    /// As [`part_to_binary`].
    pub fn workspace_part_binary(&self, workspace: &str) -> Option<Result<Vec<u8>, SnapshotError>> {
        let org = self.org().ok()?;
        let w = org.workspaces.find(workspace)?;
        let head = org.workspace_head(w)?;
        Some(encode_from_tables(org, w, &head))
    }
}

/// An asset's grants as [`Org::asset_doc`] sorts them (users before groups, then by id).
fn sorted_grants<'a>(org: &'a Org, asset: &Asset) -> Vec<(bool, &'a str, Level, Option<u64>)> {
    let mut grants: Vec<(bool, &str, Level, Option<u64>)> = asset
        .grants
        .iter()
        .map(|g| match g.to {
            Grantee::User(u) => (false, org.members.id(u), g.level, g.expires_at),
            Grantee::Group(x) => (true, org.groups.id(x), g.level, g.expires_at),
        })
        .collect();
    crate::sort::sort_by(&mut grants, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    grants
}

fn encode_from_tables(
    org: &Org,
    w: WorkspaceIx,
    head: &WorkspacePart,
) -> Result<Vec<u8>, SnapshotError> {
    let head = serde_json::to_string(head).map_err(malformed)?;
    let assets: Vec<&Asset> = org
        .workspaces
        .get(w)
        .map(|ws| {
            ws.assets
                .iter()
                .filter_map(|a| org.assets.get(*a))
                .collect()
        })
        .unwrap_or_default();
    let ids: Vec<&str> = org
        .workspaces
        .get(w)
        .map(|ws| ws.assets.iter().map(|a| org.assets.id(*a)).collect())
        .unwrap_or_default();
    // The dictionaries first, meeting ids in the order `part_to_binary` meets them.
    let mut users = Dictionary::default();
    let mut groups = Dictionary::default();
    let mut folders = Dictionary::default();
    for a in &assets {
        if let Some(f) = a.folder {
            folders.of(org.folders.id(f));
        }
        users.of(org.members.id(a.owner));
        for (group, id, ..) in sorted_grants(org, a) {
            if group {
                groups.of(id);
            } else {
                users.of(id);
            }
        }
    }
    let lazy = LazyAssets {
        org,
        assets: &assets,
        ids: &ids,
        users: &users,
        groups: &groups,
        folders: &folders,
    };
    let wire = WireOut {
        head: &head,
        users: users.ids.clone(),
        groups: groups.ids.clone(),
        folders: folders.ids.clone(),
        assets: lazy,
    };
    let out = Vec::from(&MAGIC[..]);
    postcard::to_extend(&wire, out).map_err(malformed)
}

/// A workspace's assets, each encoded as it is read from the tables.
struct LazyAssets<'a, 'd> {
    org: &'a Org,
    assets: &'a [&'a Asset],
    ids: &'a [&'a str],
    users: &'d Dictionary<'a>,
    groups: &'d Dictionary<'a>,
    folders: &'d Dictionary<'a>,
}

impl Serialize for LazyAssets<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let org = self.org;
        let at = |d: &Dictionary<'_>, id: &str| d.index.get(id).copied().unwrap_or(u32::MAX);
        let mut seq = s.serialize_seq(Some(self.assets.len()))?;
        for (a, id) in self.assets.iter().zip(self.ids) {
            let mut references: Vec<&str> =
                a.references.iter().map(|r| org.assets.id(*r)).collect();
            crate::sort::sort(&mut references);
            let security = match a.security.as_deref() {
                Some(sec) => Some(serde_json::to_string(sec).map_err(S::Error::custom)?),
                None => None,
            };
            let grants = sorted_grants(org, a)
                .into_iter()
                .map(|(group, to, level, expires_at)| GrantOut {
                    to: if group {
                        (at(self.groups, to) << 1) | 1
                    } else {
                        at(self.users, to) << 1
                    },
                    level,
                    expires_at,
                })
                .collect();
            seq.serialize_element(&AssetOut {
                id,
                kind: a.kind,
                name: &a.name,
                folder: a
                    .folder
                    .map_or(0, |f| at(self.folders, org.folders.id(f)).saturating_add(1)),
                owner: at(self.users, org.members.id(a.owner)),
                public: a.public,
                created_at: a.created_at,
                references,
                grants,
                security,
            })?;
        }
        seq.end()
    }
}

/// Ids in the order first met, each given an index once.
#[derive(Default)]
struct Dictionary<'a> {
    ids: Vec<&'a str>,
    index: BTreeMap<&'a str, u32>,
}

impl<'a> Dictionary<'a> {
    fn of(&mut self, id: &'a str) -> u32 {
        let next = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        *self.index.entry(id).or_insert_with(|| {
            self.ids.push(id);
            next
        })
    }
}

#[derive(Serialize)]
struct WireOut<'a, A: Serialize> {
    head: &'a str,
    users: Vec<&'a str>,
    groups: Vec<&'a str>,
    folders: Vec<&'a str>,
    assets: A,
}

/// An asset as encoded: `folder` is 0 for none, else one more than its index in the folders
/// list; a grant's `to` is twice the user's index, or twice the group's plus one.
#[derive(Serialize, Deserialize)]
struct AssetOut<'a> {
    id: &'a str,
    kind: Kind,
    name: &'a str,
    folder: u32,
    owner: u32,
    public: bool,
    created_at: u64,
    #[serde(borrow)]
    references: Vec<&'a str>,
    grants: Vec<GrantOut>,
    /// The dataset's security as JSON (rare; its serde form skips fields, which postcard cannot).
    security: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct GrantOut {
    to: u32,
    level: Level,
    expires_at: Option<u64>,
}

fn malformed(e: impl fmt::Display) -> SnapshotError {
    SnapshotError::Malformed(format!("{e}"))
}

impl PartsLoader {
    /// Reads one workspace part from its stored bytes: the binary encoding
    /// ([`part_to_binary`]) or JSON text (what KV held before it, and every other host).
    ///
    /// # Errors
    ///
    /// [`SnapshotError::Malformed`] for bytes that are neither (damaged, truncated, not
    /// UTF-8). After an error the loader holds some of the part: drop it.
    pub fn add_bytes(&mut self, bytes: &[u8]) -> Result<(), SnapshotError> {
        if !is_binary(bytes) {
            let text = core::str::from_utf8(bytes).map_err(malformed)?;
            return self.add_json(text);
        }
        let rest = bytes.strip_prefix(&MAGIC[..]).ok_or_else(|| {
            SnapshotError::Malformed(String::from(
                "a binary part of an encoding this build does not read",
            ))
        })?;
        let mut de = postcard::Deserializer::from_bytes(rest);
        WireSeed { p: self }
            .deserialize(&mut de)
            .map_err(malformed)?;
        if de.finalize().map_err(malformed)?.is_empty() {
            Ok(())
        } else {
            Err(SnapshotError::Malformed(String::from(
                "trailing bytes after a binary part",
            )))
        }
    }
}

struct WireSeed<'p> {
    p: &'p mut PartsLoader,
}

impl<'de> DeserializeSeed<'de> for WireSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_tuple(5, self)
    }
}

fn missing<E: de::Error>(what: &str) -> E {
    E::custom(format_args!("a binary part without its {what}"))
}

impl<'de> Visitor<'de> for WireSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a binary workspace part")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        let p = self.p;
        let head: &'de str = seq.next_element()?.ok_or_else(|| missing("head"))?;
        let head: WorkspacePart = serde_json::from_str(head).map_err(de::Error::custom)?;
        if !head.assets.is_empty() {
            return Err(de::Error::custom("a binary part's head holds assets"));
        }
        let users: Vec<&'de str> = seq.next_element()?.ok_or_else(|| missing("users"))?;
        let groups: Vec<&'de str> = seq.next_element()?.ok_or_else(|| missing("groups"))?;
        let folders: Vec<&'de str> = seq.next_element()?.ok_or_else(|| missing("folders"))?;
        let wix = p.l.begin_part(&head.id, &mut p.loaded);
        let ids = match wix {
            Some(wix) => {
                p.l.folders(wix, &head.id, &head.folders);
                p.l.part_head(wix, &head);
                // Each id the assets name is looked up once, not once per asset.
                let users = users.iter().map(|u| p.l.org.members.find(u)).collect();
                let groups = groups.iter().map(|g| p.l.org.groups.find(g)).collect();
                let folder_ixs = folders.iter().map(|f| p.l.folder_of(wix, f)).collect();
                Some((wix, users, groups, folder_ixs))
            }
            None => None,
        };
        seq.next_element_seed(AssetsSeed {
            p: &mut *p,
            ws: &head.id,
            ids: Ids {
                loaded: ids,
                user_ids: &users,
                folder_ids: &folders,
                group_count: groups.len(),
            },
        })?
        .ok_or_else(|| missing("assets"))?;
        Ok(())
    }
}

/// The ids a part's assets name, and what they are in the tables (`None`: not loading).
struct Ids<'a, 'de> {
    #[expect(
        clippy::type_complexity,
        reason = "three lookups made once per part, read once per asset"
    )]
    loaded: Option<(
        WorkspaceIx,
        Vec<Option<UserIx>>,
        Vec<Option<GroupIx>>,
        Vec<Option<FolderIx>>,
    )>,
    user_ids: &'a [&'de str],
    folder_ids: &'a [&'de str],
    group_count: usize,
}

struct AssetsSeed<'p, 'a, 'de> {
    p: &'p mut PartsLoader,
    ws: &'a str,
    ids: Ids<'a, 'de>,
}

impl<'de> DeserializeSeed<'de> for AssetsSeed<'_, '_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AssetsSeed<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence of assets")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        let AssetsSeed { p, ws, ids } = self;
        if let (Some((wix, ..)), Some(n)) = (&ids.loaded, seq.size_hint()) {
            // A hint from the input: capped, so a damaged count costs no more than a part.
            let n = n.min(1 << 20);
            p.l.reserve_assets(*wix, n, n.saturating_mul(8));
        }
        let mut references: Vec<(AssetIx, Vec<&'de str>)> = Vec::new();
        while let Some(a) = seq.next_element::<AssetOut<'de>>()? {
            // Every index is checked whether the part loads or not: damage is an error.
            let owner_id = *ids
                .user_ids
                .get(a.owner as usize)
                .ok_or_else(|| de::Error::custom("an owner index out of range"))?;
            let folder_id = match a.folder.checked_sub(1) {
                Some(f) => Some(
                    *ids.folder_ids
                        .get(f as usize)
                        .ok_or_else(|| de::Error::custom("a folder index out of range"))?,
                ),
                None => None,
            };
            for g in &a.grants {
                let (i, group) = ((g.to >> 1) as usize, g.to & 1 == 1);
                let bound = if group {
                    ids.group_count
                } else {
                    ids.user_ids.len()
                };
                if i >= bound {
                    return Err(de::Error::custom("a grantee index out of range"));
                }
            }
            let security: Option<DatasetSecurity> = match &a.security {
                Some(s) => Some(serde_json::from_str(s).map_err(de::Error::custom)?),
                None => None,
            };
            let Some((wix, users, groups, folders)) = &ids.loaded else {
                continue;
            };
            let owner = users
                .get(a.owner as usize)
                .copied()
                .flatten()
                .ok_or(owner_id);
            let folder = match (a.folder.checked_sub(1), folder_id) {
                (Some(f), Some(id)) => Some(folders.get(f as usize).copied().flatten().ok_or(id)),
                _ => None,
            };
            let grants = a.grants.iter().map(|g| {
                let i = (g.to >> 1) as usize;
                let to = if g.to & 1 == 1 {
                    groups.get(i).copied().flatten().map(Grantee::Group)
                } else {
                    users.get(i).copied().flatten().map(Grantee::User)
                };
                (to, g.level, g.expires_at)
            });
            let fields = AssetFields {
                id: a.id,
                kind: a.kind,
                name: a.name,
                folder: folder_id,
                owner: owner_id,
                public: a.public,
                created_at: a.created_at,
                grants: &[],
                security: security.as_ref(),
            };
            let aix = p.l.asset_resolved(*wix, ws, &fields, owner, folder, grants);
            if let Some(aix) = aix.filter(|_| !a.references.is_empty()) {
                references.push((aix, a.references));
            }
        }
        // References may name assets read after them: linked once the part is in, their ids
        // borrowed from the bytes (the JSON path keeps them until `finish`).
        for (aix, refs) in references {
            p.l.link_one(aix, &refs);
        }
        Ok(())
    }
}
