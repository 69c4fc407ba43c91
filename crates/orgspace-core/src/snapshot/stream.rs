//! Loading parts straight from their JSON text: each asset is read from the text and put in
//! the engine's tables at once, so no `WorkspacePart` of 100,000 `AssetDoc`s (nor a copy of
//! it) ever exists. What a cold edge reader and the npm package's `fromParts` pay: at the full
//! benchmark org, the org part and the 100,000-asset workspace load in a fraction of the time
//! and memory `Engine::from_parts` on parsed parts takes (figures in bench/README.md).
//!
//! A part's assets are read as a stream when the part names its id and its folders before
//! them, as every part this crate writes does (fields in declaration order); a part in another
//! order is read whole first and loads the same. The rules a part is checked against are
//! `load.rs`'s, in the same functions.

use super::load::{AssetFields, Loader};
use super::{
    FolderDoc, GrantDoc, OrgPart, TableGrantDef, WorkspaceMemberDoc, WorkspacePart,
    WorkspaceRoleDoc,
};
use crate::data::DatasetSecurity;
use crate::engine::{Engine, SnapshotError};
use crate::table::WorkspaceIx;
use crate::vocab::Kind;
use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::marker::PhantomData;
use hashbrown::HashSet;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Builds a query engine from an org part and workspace parts given one at a time, as JSON
/// text: a host frees each part's text once it is in (the edge reader, the npm package).
///
/// ```
/// # use orgspace_core::PartsLoader;
/// # fn demo(org: &str, sales: &str) -> Result<(), orgspace_core::SnapshotError> {
/// let mut loader = PartsLoader::from_json(org)?;
/// loader.add_json(sales)?;
/// let engine = loader.finish()?; // answers queries on `sales`, as Engine::from_parts does
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct PartsLoader {
    pub(super) l: Loader,
    pub(super) loaded: HashSet<WorkspaceIx>,
    /// Assets with references, linked in `finish` (they may name assets read after them).
    pub(super) references: Vec<(String, Vec<String>)>,
}

impl PartsLoader {
    /// Starts from a parsed org part.
    ///
    /// # Errors
    ///
    /// The org part breaks an invariant a part can be checked against on its own.
    pub fn new(org: &OrgPart) -> Result<PartsLoader, SnapshotError> {
        let l = Loader::begin(super::FORMAT, org, &[], None).map_err(SnapshotError::Problems)?;
        Ok(PartsLoader {
            l,
            loaded: HashSet::new(),
            references: Vec::new(),
        })
    }

    /// Goes on loading parts into an engine built from parts, sharing its org part's tables
    /// (what the edge reader's cache does to add a workspace to the engine it holds). The parts
    /// it holds stay; one given again is refused as appearing twice, and [`PartsLoader::finish`]
    /// checks the whole again. Gives back a whole engine or a member's view unchanged.
    ///
    /// # Errors
    ///
    /// The engine, when it was not loaded from parts.
    pub fn resume(engine: Engine) -> Result<PartsLoader, Box<Engine>> {
        let org = engine.into_parts_org()?;
        let (l, loaded) = Loader::resume(org);
        Ok(PartsLoader {
            l,
            loaded,
            references: Vec::new(),
        })
    }

    /// Starts from the org part's JSON text.
    ///
    /// # Errors
    ///
    /// [`SnapshotError::Malformed`] for text that is not an org part; as [`PartsLoader::new`].
    pub fn from_json(org: &str) -> Result<PartsLoader, SnapshotError> {
        let part: OrgPart = serde_json::from_str(org).map_err(malformed)?;
        PartsLoader::new(&part)
    }

    /// Reads one workspace part from its JSON text into the tables.
    ///
    /// # Errors
    ///
    /// [`SnapshotError::Malformed`] for text that is not a workspace part. After an error the
    /// loader holds some of the part: drop it.
    pub fn add_json(&mut self, part: &str) -> Result<(), SnapshotError> {
        let mut de = serde_json::Deserializer::from_str(part);
        PartSeed {
            p: self,
            hint: capacity_hint(part),
        }
        .deserialize(&mut de)
        .map_err(malformed)?;
        de.end().map_err(malformed)
    }

    /// Reads a JSON array of workspace parts, each part loaded as it is read.
    ///
    /// # Errors
    ///
    /// As [`PartsLoader::add_json`].
    pub fn add_list_json(&mut self, parts: &str) -> Result<(), SnapshotError> {
        // The hint of the whole list sizes the tables once; each part's lists grow as read.
        let hint = capacity_hint(parts);
        self.l.reserve_tables(hint, hint.saturating_mul(8));
        let mut de = serde_json::Deserializer::from_str(parts);
        ListSeed { p: self }
            .deserialize(&mut de)
            .map_err(malformed)?;
        de.end().map_err(malformed)
    }

    /// Reads one workspace part from any deserializer into the tables.
    ///
    /// # Errors
    ///
    /// The deserializer's, for input that is not a workspace part.
    pub fn add<'de, D: Deserializer<'de>>(&mut self, part: D) -> Result<(), D::Error> {
        PartSeed { p: self, hint: 0 }.deserialize(part)
    }

    /// The engine over the org part and the parts added, checked as [`Engine::from_parts`]
    /// checks its parts.
    ///
    /// # Errors
    ///
    /// [`SnapshotError::Problems`]: everything the parts break.
    pub fn finish(self) -> Result<Engine, SnapshotError> {
        let PartsLoader {
            mut l,
            loaded,
            references,
        } = self;
        l.link(
            references
                .iter()
                .map(|(id, refs)| (id.as_str(), refs.as_slice())),
        );
        drop(references);
        let mut org = l.finish(&loaded, true).map_err(SnapshotError::Problems)?;
        org.note_missing(&loaded);
        Ok(Engine::of_parts(org))
    }
}

impl Engine {
    /// [`Engine::from_parts`] from JSON text: the org part and some workspace parts, each read
    /// straight into the engine's tables ([`PartsLoader`]).
    ///
    /// # Errors
    ///
    /// [`SnapshotError::Malformed`] for text that is not a part, [`SnapshotError::Problems`]
    /// for parts that break invariants.
    pub fn from_parts_json(org: &str, workspaces: &[&str]) -> Result<Engine, SnapshotError> {
        let mut loader = PartsLoader::from_json(org)?;
        for part in workspaces {
            loader.add_json(part)?;
        }
        loader.finish()
    }
}

fn malformed(e: impl fmt::Display) -> SnapshotError {
    SnapshotError::Malformed(format!("{e}"))
}

/// The fields of a workspace part, as [`WorkspacePart`] names them.
const FIELDS: &[&str] = &[
    "id",
    "members",
    "roles",
    "folders",
    "assets",
    "table_grants",
];

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Field {
    Id,
    Members,
    Roles,
    Folders,
    Assets,
    TableGrants,
}

struct PartSeed<'p> {
    p: &'p mut PartsLoader,
    /// About how many assets the part holds (`capacity_hint`), 0 when unknown.
    hint: usize,
}

/// An upper bound of a part's assets, as this crate writes parts (every asset, folder and
/// role starts `{"id":`), so the tables grow once: a vector grown by doubling holds up to
/// twice what it needs, and copies itself at each step. A capacity only: a wrong hint costs
/// memory, never correctness.
fn capacity_hint(text: &str) -> usize {
    const AT: &[u8] = b"{\"id\":";
    let bytes = text.as_bytes();
    let mut n = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'{' && bytes.get(i..i + AT.len()) == Some(AT) {
            n += 1;
        }
    }
    n
}

impl<'de> DeserializeSeed<'de> for PartSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("WorkspacePart", FIELDS, self)
    }
}

fn once<E: de::Error>(seen: &mut bool, name: &'static str) -> Result<(), E> {
    if core::mem::replace(seen, true) {
        return Err(E::duplicate_field(name));
    }
    Ok(())
}

impl<'de> Visitor<'de> for PartSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct WorkspacePart")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (p, hint) = (self.p, self.hint);
        let mut id: Option<String> = None;
        let mut members: Option<Vec<WorkspaceMemberDoc>> = None;
        let mut roles: Option<Vec<WorkspaceRoleDoc>> = None;
        let mut folders: Option<Vec<FolderDoc>> = None;
        let mut table_grants: Option<Vec<TableGrantDef>> = None;
        let mut assets_seen = false;
        // Assets read before the id or the folders: kept whole and loaded at the end.
        let mut later: Vec<super::AssetDoc> = Vec::new();
        // The workspace, once begun (after its id and folders, at its assets).
        let mut begun: Option<Option<WorkspaceIx>> = None;
        while let Some(key) = map.next_key::<Field>()? {
            match key {
                Field::Id if id.is_some() => return Err(de::Error::duplicate_field("id")),
                Field::Id => id = Some(map.next_value()?),
                Field::Members if members.is_some() => {
                    return Err(de::Error::duplicate_field("members"));
                }
                Field::Members => members = Some(map.next_value()?),
                Field::Roles if roles.is_some() => return Err(de::Error::duplicate_field("roles")),
                Field::Roles => roles = Some(map.next_value()?),
                Field::Folders if folders.is_some() => {
                    return Err(de::Error::duplicate_field("folders"));
                }
                Field::Folders => folders = Some(map.next_value()?),
                Field::TableGrants if table_grants.is_some() => {
                    return Err(de::Error::duplicate_field("table_grants"));
                }
                Field::TableGrants => table_grants = Some(map.next_value()?),
                Field::Assets => {
                    once(&mut assets_seen, "assets")?;
                    match (&id, &folders) {
                        (Some(ws), Some(fs)) => {
                            let wix = p.l.begin_part(ws, &mut p.loaded);
                            if let Some(wix) = wix {
                                p.l.folders(wix, ws, fs);
                                let n = hint.saturating_sub(fs.len());
                                p.l.reserve_assets(wix, n, n.saturating_mul(8));
                            }
                            begun = Some(wix);
                            map.next_value_seed(AssetsSeed {
                                p: &mut *p,
                                wix,
                                ws,
                            })?;
                        }
                        _ => later = map.next_value()?,
                    }
                }
            }
        }
        let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        let head = WorkspacePart {
            id,
            members: members.unwrap_or_default(),
            roles: roles.unwrap_or_default(),
            folders: folders.unwrap_or_default(),
            assets: Vec::new(),
            table_grants: table_grants.unwrap_or_default(),
        };
        let wix = match begun {
            Some(wix) => wix,
            None => {
                let wix = p.l.begin_part(&head.id, &mut p.loaded);
                if let Some(wix) = wix {
                    p.l.folders(wix, &head.id, &head.folders);
                }
                wix
            }
        };
        let Some(wix) = wix else {
            return Ok(());
        };
        p.l.part_head(wix, &head);
        for a in &later {
            p.l.asset(wix, &head.id, AssetFields::of(a));
        }
        p.references.extend(
            later
                .into_iter()
                .filter(|a| !a.references.is_empty())
                .map(|a| (a.id, a.references)),
        );
        Ok(())
    }
}

/// A list of parts, each loaded as it is read.
struct ListSeed<'p> {
    p: &'p mut PartsLoader,
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while seq
            .next_element_seed(PartSeed {
                p: &mut *self.p,
                hint: 0,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// A part's assets, each loaded as it is read.
struct AssetsSeed<'p, 's> {
    p: &'p mut PartsLoader,
    /// `None` for a part that does not load (unlisted, repeated): its assets are read and
    /// checked for shape only.
    wix: Option<WorkspaceIx>,
    ws: &'s str,
}

impl<'de> DeserializeSeed<'de> for AssetsSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AssetsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(a) = seq.next_element::<AssetIn<'de>>()? {
            let Some(wix) = self.wix else { continue };
            self.p.l.asset(
                wix,
                self.ws,
                AssetFields {
                    id: &a.id.0,
                    kind: a.kind,
                    name: &a.name.0,
                    folder: a.folder.as_ref().map(|f| &*f.0),
                    owner: &a.owner.0,
                    public: a.public,
                    created_at: a.created_at,
                    grants: &a.grants,
                    security: a.security.as_ref(),
                },
            );
            if !a.references.is_empty() {
                self.p.references.push((a.id.0.into_owned(), a.references));
            }
        }
        Ok(())
    }
}

/// An asset as the text holds it: [`AssetDoc`](super::AssetDoc)'s fields, its strings
/// borrowed from the text where they need no unescaping.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssetIn<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    kind: Kind,
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(default, borrow)]
    folder: Option<Text<'a>>,
    #[serde(borrow)]
    owner: Text<'a>,
    #[serde(default)]
    public: bool,
    #[serde(default)]
    created_at: u64,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    grants: Vec<GrantDoc>,
    #[serde(default)]
    security: Option<DatasetSecurity>,
}

/// A string borrowed from the text, or owned when it had escapes to undo.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text<'a>, D::Error> {
        d.deserialize_str(TextVisitor(PhantomData))
    }
}

struct TextVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
    type Value = Text<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'a>, E> {
        Ok(Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'a>, E> {
        Ok(Text(Cow::Owned(v.into())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'a>, E> {
        Ok(Text(Cow::Owned(v)))
    }
}
