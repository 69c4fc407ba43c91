//! Internally tagged enums (`{"type": "grant", ...}`) read without serde's buffering.
//!
//! `#[derive(Deserialize)]` with `#[serde(tag = "type")]` buffers the object into serde's
//! private `Content` and reads the variant from that, so every field type of every variant is
//! compiled once more, for `Content`, on top of the deserializers in use: that was about a
//! third of the npm package's WebAssembly. [`tagged_enum!`] instead derives `Deserialize` for
//! an externally tagged mirror of the enum and reads it from a [`Node`] tree, with the tag as
//! the variant and the other entries as its fields: the variants' code is compiled for the
//! tree alone, whatever the outer deserializer. The same inputs give the same values and the
//! same error messages as the derive, except that a message does not say where in the text the
//! error is, and that the array form (`["delete_asset", "a"]`, which serde takes too) one item
//! short names the missing field.

use crate::json::{self, Entries, Error, Node};
use alloc::string::String;
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, VariantAccess, Visitor};
use serde::{Deserialize, forward_to_deserialize_any};

/// The field that names the variant.
const TAG: &str = "type";

/// Defines an enum that (de)serializes internally tagged by `type`. Give it the enum with its
/// attributes, `#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]` and a
/// derive of `Serialize` but not of `Deserialize`, after its name as a string.
macro_rules! tagged_enum {
    (
        $remote:literal,
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident $fields:tt),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $($(#[$vmeta])* $variant $fields),+
        }

        const _: () = {
            /// The same variants and fields, externally tagged: serde derives how to read
            /// each variant's fields, and `crate::tagged` hands it the tag as the variant.
            #[derive(serde::Deserialize)]
            #[serde(remote = $remote, rename_all = "snake_case", deny_unknown_fields)]
            enum Mirror {
                $($(#[$vmeta])* $variant $fields),+
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    $crate::tagged::deserialize(
                        deserializer,
                        concat!("internally tagged enum ", $remote),
                        |tagged| Mirror::deserialize(tagged),
                    )
                }
            }
        };
    };
}

pub(crate) use tagged_enum;

/// Reads an internally tagged enum: buffers the input into a tree, then lets `mirror` (the
/// externally tagged mirror's derive) read the variant named by the tag from it.
pub(crate) fn deserialize<'de, D, T>(
    deserializer: D,
    expecting: &'static str,
    mirror: impl FnOnce(Tagged<'_>) -> Result<T, Error>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let node = Node::deserialize(deserializer)?;
    split(&node, expecting)
        .and_then(mirror)
        .map_err(de::Error::custom)
}

/// Splits the tag from the rest, as serde does: in an object the `type` entry, in an array
/// the first item.
fn split<'a>(node: &'a Node, expecting: &'static str) -> Result<Tagged<'a>, Error> {
    match node {
        Node::Map(entries) => {
            let mut tags = entries.iter().filter(|(key, _)| key == TAG);
            match (tags.next(), tags.next()) {
                (Some((_, tag)), None) => Ok(Tagged {
                    tag,
                    body: Body::Map(entries),
                }),
                (None, _) => Err(de::Error::missing_field(TAG)),
                (Some(_), Some(_)) => Err(de::Error::duplicate_field(TAG)),
            }
        }
        Node::Seq(items) => match items.split_first() {
            Some((tag, rest)) => Ok(Tagged {
                tag,
                body: Body::Seq(rest),
            }),
            None => Err(de::Error::missing_field(TAG)),
        },
        other => Err(de::Error::invalid_type(other.unexpected(), &expecting)),
    }
}

/// An internally tagged value, as an externally tagged enum: the tag is the variant.
pub(crate) struct Tagged<'a> {
    tag: &'a Node,
    body: Body<'a>,
}

/// The variant's fields: the object without its tag, or the array after it.
#[derive(Clone, Copy)]
pub(crate) enum Body<'a> {
    Map(&'a [(String, Node)]),
    Seq(&'a [Node]),
}

/// Hands the tag and body to the mirror's derive, which asks for an enum.
impl<'de> Deserializer<'de> for Tagged<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_enum(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de, 'a> EnumAccess<'de> for Tagged<'a> {
    type Error = Error;
    type Variant = Body<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Body<'a>), Error> {
        Ok((seed.deserialize(self.tag)?, self.body))
    }
}

impl<'de> VariantAccess<'de> for Body<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self {
            Body::Map([]) | Body::Seq([]) => Ok(()),
            _ => Err(de::Error::invalid_type(
                de::Unexpected::Map,
                &"unit variant",
            )),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_struct("", fields, visitor)
    }
}

impl<'a> Body<'a> {
    /// The entries of the variant's fields. (Kept out of the generic methods, which are
    /// compiled once per variant.)
    fn entries(self, fields: &'static [&'static str]) -> Entries<'a> {
        match self {
            Body::Map(entries) => Entries::map(entries, Some(TAG)),
            Body::Seq(items) => Entries::fields(fields, items),
        }
    }
}

/// The fields of a newtype variant's content (`upgrade_org`'s organization).
impl<'de> Deserializer<'de> for Body<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Body::Map(entries) => json::visit_entries(Entries::map(entries, Some(TAG)), visitor),
            Body::Seq(items) => json::visit_seq(items, visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        json::visit_entries(self.entries(fields), visitor)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}
