//! JSON read through a document tree: one deserializer for every type of the core.
//!
//! Deserializing straight from `serde_json`'s parser compiles each type's visitor for that
//! parser, and once more for every other deserializer in use. Here the text is parsed once
//! into a [`Node`] tree and every type is read from the tree, so a host that reads all its
//! input this way (the npm package) carries one copy of that code. The internally tagged
//! enums ([`Command`](crate::Command), [`Event`](crate::Event)) always read their variant
//! from a tree (`crate::tagged`), whatever the outer deserializer.
//!
//! The tree keeps what the types can see of the text: keys in order, duplicates included
//! (a struct refuses a duplicate field, a map keeps the last value), and numbers as
//! `serde_json` parses them. So [`from_str`] accepts and refuses what `serde_json::from_str`
//! does, with the same messages, except that errors found in the tree have no position (and
//! strings in them are quoted as JSON quotes them, a struct given as a short array names its
//! missing field).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::slice;
use serde::de::value::StrDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, Expected, IntoDeserializer,
    MapAccess, SeqAccess, Unexpected, VariantAccess, Visitor,
};
use serde::{Deserialize, forward_to_deserialize_any};

/// Reads a value from JSON text through a document tree (see the module documentation):
/// slower than `serde_json::from_str`, but every type shares one deserializer, which keeps
/// the npm package's WebAssembly small.
///
/// # Errors
///
/// The text is not JSON, or not the JSON of a `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    let node: Node = serde_json::from_str(text).map_err(de::Error::custom)?;
    T::deserialize(&node)
}

/// Why JSON could not be read as a value: the message `serde_json` gives.
#[derive(Clone, Debug, PartialEq, Eq)]
#[expect(
    clippy::box_collection,
    reason = "one pointer, not a string's three words: every visitor compiled for the tree \
              returns a Result holding it, and the WebAssembly is 4 KB smaller gzipped"
)]
pub struct Error(Box<String>);

impl Error {
    fn new(message: String) -> Error {
        Error(Box::new(message))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(alloc::format!("{msg}"))
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Error::new(alloc::format!(
            "invalid type: {}, expected {exp}",
            Shown(unexp)
        ))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Error::new(alloc::format!(
            "invalid value: {}, expected {exp}",
            Shown(unexp)
        ))
    }
}

/// An unexpected value as `serde_json` shows it. serde's own `Display` for it would bring
/// `core`'s float formatting and `Debug` escaping into the WebAssembly (about 8 KB gzipped);
/// floats are shown as `serde_json` writes them and strings quoted as in JSON instead.
struct Shown<'a>(Unexpected<'a>);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Bool(b) => write!(f, "boolean `{b}`"),
            Unexpected::Unsigned(n) => write!(f, "integer `{n}`"),
            Unexpected::Signed(n) => write!(f, "integer `{n}`"),
            Unexpected::Float(n) => match serde_json::Number::from_f64(n) {
                Some(n) => write!(f, "floating point `{n}`"),
                None => f.write_str("floating point"),
            },
            Unexpected::Char(c) => write!(f, "character `{c}`"),
            Unexpected::Str(s) => {
                let quoted = serde_json::to_string(s).unwrap_or_default();
                write!(f, "string {quoted}")
            }
            Unexpected::Bytes(_) => f.write_str("byte array"),
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Option => f.write_str("Option value"),
            Unexpected::NewtypeStruct => f.write_str("newtype struct"),
            Unexpected::Seq => f.write_str("sequence"),
            Unexpected::Map => f.write_str("map"),
            Unexpected::Enum => f.write_str("enum"),
            Unexpected::UnitVariant => f.write_str("unit variant"),
            Unexpected::NewtypeVariant => f.write_str("newtype variant"),
            Unexpected::TupleVariant => f.write_str("tuple variant"),
            Unexpected::StructVariant => f.write_str("struct variant"),
            Unexpected::Other(other) => f.write_str(other),
        }
    }
}

/// A parsed JSON value.
#[derive(Debug)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in the order of the text, duplicate keys included.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The node as serde names it in "invalid type" errors.
    pub(crate) fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Node::Null => Unexpected::Unit,
            Node::Bool(b) => Unexpected::Bool(*b),
            Node::U64(n) => Unexpected::Unsigned(*n),
            Node::I64(n) => Unexpected::Signed(*n),
            Node::F64(n) => Unexpected::Float(*n),
            Node::Str(s) => Unexpected::Str(s),
            Node::Seq(_) => Unexpected::Seq,
            Node::Map(_) => Unexpected::Map,
        }
    }

    /// The error for a visitor that cannot take this node.
    fn invalid_type(&self, expected: &dyn Expected) -> Error {
        de::Error::invalid_type(self.unexpected(), expected)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::I64(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::U64(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::F64(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.into()))
    }

    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Node>()? {
            entries.push(entry);
        }
        Ok(Node::Map(entries))
    }
}

// Each method takes only the nodes its visitor can take: through `deserialize_any` every
// visitor would be compiled with all eight of its `visit_*` calls.
impl<'de> Deserializer<'de> for &Node {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Null => visitor.visit_unit(),
            Node::Bool(b) => visitor.visit_bool(*b),
            Node::U64(n) => visitor.visit_u64(*n),
            Node::I64(n) => visitor.visit_i64(*n),
            Node::F64(n) => visitor.visit_f64(*n),
            Node::Str(s) => visitor.visit_str(s),
            Node::Seq(items) => visit_seq(items, visitor),
            Node::Map(entries) => visit_entries(Entries::map(entries, None), visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Bool(b) => visitor.visit_bool(*b),
            other => Err(other.invalid_type(&visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Str(s) => visitor.visit_str(s),
            other => Err(other.invalid_type(&visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Seq(items) => visit_seq(items, visitor),
            other => Err(other.invalid_type(&visitor)),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Map(entries) => visit_entries(Entries::map(entries, None), visitor),
            other => Err(other.invalid_type(&visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match Entries::of_struct(self, fields) {
            Some(entries) => visit_entries(entries, visitor),
            None => Err(self.invalid_type(&visitor)),
        }
    }

    /// An externally tagged enum: `"variant"`, or `{"variant": content}`.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self {
            Node::Str(s) => visitor.visit_enum(StrDeserializer::<Error>::new(s)),
            Node::Map(entries) => match entries.as_slice() {
                [(variant, content)] => visitor.visit_enum(External { variant, content }),
                _ => Err(de::Error::invalid_value(
                    Unexpected::Map,
                    &"map with a single key",
                )),
            },
            other => Err(other.invalid_type(&"string or map")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        unit unit_struct tuple tuple_struct
    }
}

/// Visits `items` as a sequence; like `serde_json`, the visitor must take them all.
pub(crate) fn visit_seq<'de, V: Visitor<'de>>(
    items: &[Node],
    visitor: V,
) -> Result<V::Value, Error> {
    let mut seq = Items(items.iter());
    let value = visitor.visit_seq(&mut seq)?;
    seq.end(items.len())?;
    Ok(value)
}

/// Visits `entries` as a map. Every struct and map visitor is called from here alone, so that
/// its code is compiled once whichever way its entries come.
pub(crate) fn visit_entries<'de, V: Visitor<'de>>(
    mut map: Entries<'_>,
    visitor: V,
) -> Result<V::Value, Error> {
    let value = visitor.visit_map(&mut map)?;
    map.end()?;
    Ok(value)
}

struct Items<'a>(slice::Iter<'a, Node>);

impl Items<'_> {
    /// Like serde_json, a visitor must take every item. (Kept out of the generic `visit_seq`,
    /// which is compiled once per visitor.)
    fn end(&self, len: usize) -> Result<(), Error> {
        match self.0.len() {
            0 => Ok(()),
            _ => Err(de::Error::invalid_length(len, &"fewer elements in array")),
        }
    }
}

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|item| seed.deserialize(item)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries a struct or map visitor reads, one type for both sources so that each
/// visitor is compiled once.
pub(crate) struct Entries<'a> {
    source: Source<'a>,
    /// How many entries or items there are in all.
    len: usize,
    /// The value of the entry whose key was just read.
    value: Option<&'a Node>,
}

pub(crate) enum Source<'a> {
    /// An object's entries, without those keyed by the second field.
    Map(slice::Iter<'a, (String, Node)>, Option<&'a str>),
    /// An array's items, keyed by the struct's field names in order.
    Fields(slice::Iter<'static, &'static str>, slice::Iter<'a, Node>),
}

impl<'a> Entries<'a> {
    /// An object's entries, without those keyed `skip` (an internally tagged enum's tag).
    pub(crate) fn map(entries: &'a [(String, Node)], skip: Option<&'a str>) -> Entries<'a> {
        Entries {
            source: Source::Map(entries.iter(), skip),
            len: entries.len(),
            value: None,
        }
    }

    /// A struct given as an array (serde takes `[a, b]` for `{"x": a, "y": b}`), as the map
    /// of its fields: structs then need no code for arrays of their own. The same values
    /// are accepted; a missing field is reported as missing rather than as a short array.
    pub(crate) fn fields(fields: &'static [&'static str], items: &'a [Node]) -> Entries<'a> {
        Entries {
            source: Source::Fields(fields.iter(), items.iter()),
            len: items.len(),
            value: None,
        }
    }

    /// The entries of a struct given as an object or an array; `None` for other nodes.
    pub(crate) fn of_struct(
        node: &'a Node,
        fields: &'static [&'static str],
    ) -> Option<Entries<'a>> {
        match node {
            Node::Map(entries) => Some(Entries::map(entries, None)),
            Node::Seq(items) => Some(Entries::fields(fields, items)),
            _ => None,
        }
    }

    /// Like serde, a visitor must take every entry, and an array may hold no more items
    /// than the struct has fields.
    fn end(&mut self) -> Result<(), Error> {
        match &self.source {
            Source::Fields(_, items) => match items.len() {
                0 => Ok(()),
                left => Err(de::Error::invalid_length(
                    self.len,
                    &InSequence(self.len.saturating_sub(left)),
                )),
            },
            Source::Map(..) => match self.next() {
                None => Ok(()),
                Some(_) => Err(de::Error::invalid_length(
                    self.len,
                    &"fewer elements in map",
                )),
            },
        }
    }

    fn next(&mut self) -> Option<(&'a str, &'a Node)> {
        match &mut self.source {
            Source::Map(entries, skip) => {
                let skip = *skip;
                entries
                    .find(|(key, _)| skip != Some(key.as_str()))
                    .map(|(key, value)| (key.as_str(), value))
            }
            Source::Fields(names, items) => match names.as_slice() {
                [] => None,
                _ => Some((names.next().copied()?, items.next()?)),
            },
        }
    }
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(StrDeserializer::<Error>::new(key))
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(value),
            None => Err(de::Error::custom("a map value was read before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        match &self.source {
            Source::Map(entries, _) => Some(entries.len()),
            Source::Fields(_, items) => Some(items.len()),
        }
    }
}

/// serde's expectation for a sequence longer than its visitor takes: "2 elements in sequence".
struct InSequence(usize);

impl Expected for InSequence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("1 element in sequence"),
            n => write!(f, "{n} elements in sequence"),
        }
    }
}

/// The variant and content of `{"variant": content}`.
struct External<'a> {
    variant: &'a str,
    content: &'a Node,
}

impl<'de, 'a> EnumAccess<'de> for External<'a> {
    type Error = Error;
    type Variant = &'a Node;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, &'a Node), Error> {
        let variant = seed.deserialize(self.variant.into_deserializer())?;
        Ok((variant, self.content))
    }
}

impl<'de> VariantAccess<'de> for &Node {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        <()>::deserialize(self)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_struct("", fields, visitor)
    }
}
